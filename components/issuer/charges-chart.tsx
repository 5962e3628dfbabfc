import { useFormatter, useTranslations } from "next-intl";
import { minorToMajor } from "@/lib/core/format";

type Month = { period: string; normal: number; reissue: number };

const W = 720;
const H = 220;
const PAD = { left: 56, right: 12, top: 12, bottom: 28 };

/**
 * Charges by month and kind as grouped bars (hand-written SVG: no chart library). The picture is
 * labelled for screen readers and the same numbers follow in a table.
 */
export function ChargesChart({ months, currency }: { months: Month[]; currency: string }) {
  const t = useTranslations("issuer.charges.chart");
  const format = useFormatter();
  const formatMoney = (amount: number, cur: string) => format.number(minorToMajor(amount, cur), { style: "currency", currency: cur });
  const max = Math.max(1, ...months.flatMap((m) => [m.normal, m.reissue]));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, months.length);
  const bar = Math.max(4, slot / 3);
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const ticks = [0, 0.5, 1].map((t) => Math.round(max * t));
  const total = months.reduce((s, m) => ({ normal: s.normal + m.normal, reissue: s.reissue + m.reissue }), { normal: 0, reissue: 0 });
  return (
    <figure>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="charges-chart-title charges-chart-desc" className="h-auto w-full">
        <title id="charges-chart-title">{t("title")}</title>
        <desc id="charges-chart-desc">
          {t("desc", { months: months.length, normal: formatMoney(total.normal, currency), reissue: formatMoney(total.reissue, currency) })}
        </desc>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} stroke="#e2e8f0" />
            <text x={PAD.left - 6} y={y(t) + 4} textAnchor="end" fontSize="10" fill="#64748b">
              {formatMoney(t, currency)}
            </text>
          </g>
        ))}
        {months.map((m, i) => {
          const x = PAD.left + i * slot + (slot - 2 * bar) / 2;
          return (
            <g key={m.period}>
              <rect x={x} y={y(m.normal)} width={bar} height={PAD.top + plotH - y(m.normal)} fill="#334155">
                <title>{t("barNormal", { period: m.period, amount: formatMoney(m.normal, currency) })}</title>
              </rect>
              <rect x={x + bar} y={y(m.reissue)} width={bar} height={PAD.top + plotH - y(m.reissue)} fill="#f59e0b">
                <title>{t("barReissue", { period: m.period, amount: formatMoney(m.reissue, currency) })}</title>
              </rect>
              <text x={PAD.left + i * slot + slot / 2} y={H - 10} textAnchor="middle" fontSize="10" fill="#64748b">
                {m.period.slice(2)}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="mt-2 flex gap-4 text-xs text-slate-600">
        <span className="flex items-center gap-1">
          <span aria-hidden className="inline-block h-3 w-3 rounded-sm bg-slate-700" /> {t("normal")}
        </span>
        <span className="flex items-center gap-1">
          <span aria-hidden className="inline-block h-3 w-3 rounded-sm bg-amber-500" /> {t("reissue")}
        </span>
      </figcaption>
      <table className="sr-only">
        <caption>{t("caption")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("month")}</th>
            <th scope="col">{t("normalLoads")}</th>
            <th scope="col">{t("reissueReloads")}</th>
          </tr>
        </thead>
        <tbody>
          {months.map((m) => (
            <tr key={m.period}>
              <th scope="row">{m.period}</th>
              <td>{formatMoney(m.normal, currency)}</td>
              <td>{formatMoney(m.reissue, currency)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
