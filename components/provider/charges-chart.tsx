import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import { formatMoney } from "@/lib/core/format";

export type MonthBar = { month: string; normalMinor: number; reissueMinor: number };

const WIDTH = 720;
const HEIGHT = 240;
const PAD = { top: 16, right: 12, bottom: 36, left: 64 };

/** A round axis maximum above `value`: 1, 2 or 5 × 10^n. */
export function niceMax(value: number): number {
  if (value <= 0) return 1;
  const exp = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 5, 10]) if (m * exp >= value) return m * exp;
  return 10 * exp;
}

/** "2026-11" as a calendar month (UTC midnight of its first day). */
export const monthDate = (month: string) => new Date(`${month}-01T00:00:00Z`);

/**
 * Charges to users by month, normal loads and reissue reloads stacked (claim 14). Hand-written SVG
 * with a title and description for assistive technology, and the same figures as a table below it.
 */
export async function ChargesChart({ months, currency }: { months: MonthBar[]; currency: string }) {
  const t = await getTranslations("provider.charges.chart");
  const format = await getFormatter();
  const locale = await getLocale();
  const money = (minor: number) => formatMoney(minor, currency, locale);
  const label = (month: string) => format.dateTime(monthDate(month), { year: "2-digit", month: "short", timeZone: "UTC" });
  const max = niceMax(Math.max(0, ...months.map((m) => m.normalMinor + m.reissueMinor)));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, months.length);
  const barW = Math.min(36, slot * 0.6);
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  // Round steps: 1 and 5 split in five, 2 in four (0, 50, 100, 150, 200).
  const lead = max / 10 ** Math.floor(Math.log10(max));
  const steps = Math.round(lead) === 2 ? 4 : 5;
  const ticks = Array.from({ length: steps + 1 }, (_, i) => (i * max) / steps);
  const total = months.reduce((s, m) => s + m.normalMinor + m.reissueMinor, 0);
  const reissue = months.reduce((s, m) => s + m.reissueMinor, 0);
  return (
    <figure className="space-y-3">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby="charges-chart-title charges-chart-desc" className="h-auto w-full max-w-4xl">
        <title id="charges-chart-title">{t("title")}</title>
        <desc id="charges-chart-desc">{t("desc", { count: months.length, total: money(total), reissue: money(reissue) })}</desc>
        {ticks.map((tick) => (
          <g key={tick}>
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(tick)} y2={y(tick)} stroke="#e2e8f0" strokeWidth={1} />
            <text x={PAD.left - 8} y={y(tick) + 4} textAnchor="end" fontSize={11} fill="#64748b">
              {money(Math.round(tick))}
            </text>
          </g>
        ))}
        {months.map((m, i) => {
          const x = PAD.left + i * slot + (slot - barW) / 2;
          const normalTop = y(m.normalMinor);
          const reissueTop = y(m.normalMinor + m.reissueMinor);
          return (
            <g key={m.month}>
              <rect x={x} y={normalTop} width={barW} height={y(0) - normalTop} fill="#334155" rx={2}>
                <title>{t("normalBar", { month: label(m.month), amount: money(m.normalMinor) })}</title>
              </rect>
              <rect x={x} y={reissueTop} width={barW} height={normalTop - reissueTop} fill="#10b981" rx={2}>
                <title>{t("reissueBar", { month: label(m.month), amount: money(m.reissueMinor) })}</title>
              </rect>
              <text x={x + barW / 2} y={HEIGHT - PAD.bottom + 16} textAnchor="middle" fontSize={11} fill="#475569">
                {label(m.month)}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="flex gap-4 text-xs text-slate-600">
        <span className="flex items-center gap-1">
          <span aria-hidden className="inline-block h-3 w-3 rounded-sm bg-slate-700" /> {t("normal")}
        </span>
        <span className="flex items-center gap-1">
          <span aria-hidden className="inline-block h-3 w-3 rounded-sm bg-emerald-500" /> {t("reissue")}
        </span>
      </figcaption>
    </figure>
  );
}
