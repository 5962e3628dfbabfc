import type { Metadata } from "next";
import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { z } from "zod";
import { StatusBadge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Panel, PageHeader } from "@/components/ui/panel";
import { Stat, StatGrid } from "@/components/ui/stat";
import { Table, Td } from "@/components/ui/table";
import { maskSurfaceNumber, minorToMajor } from "@/lib/core/format";
import { requirePortal } from "@/lib/server/auth/session";
import { listPermissions } from "@/lib/server/data/issuer/permission-registry";
import { FieldErrors } from "@/components/ui/field";
import { parseSearchParam } from "@/lib/validation/fields";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("issuer.permissions"))("title") };
}

const FilterSchema = z.object({
  status: z.enum(["granted", "refused", "confirmed", "failed"]).optional().catch(undefined),
  kind: z.enum(["first_load", "reload"]).optional().catch(undefined),
  provider: z
    .string()
    .regex(/^[A-Z0-9]{4,12}$/)
    .optional()
    .catch(undefined),
  q: z.string().max(40).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).default(1).catch(1),
});

const PAGE = 50;
const SELECT = "mt-1 rounded-lg px-3 py-2 text-sm ring-1 ring-slate-300";

export default async function PermissionsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePortal("issuer", "/issuer/permissions");
  const params = await searchParams;
  // A search word with a control character (NUL…) is refused by the box, not sent to the database.
  const search = parseSearchParam(params.q, 40);
  const f = FilterSchema.parse({ ...params, q: search.query });
  const { rows, total, byStatus } = await listPermissions(
    actor,
    { status: f.status, kind: f.kind, providerCompanyId: f.provider, messageId: f.q },
    { skip: (f.page - 1) * PAGE, take: PAGE },
  );
  const [t, words, common, format] = await Promise.all([
    getTranslations("issuer.permissions"),
    getTranslations("issuer.words"),
    getTranslations("common"),
    getFormatter(),
  ]);
  const query = (page: number) =>
    `?${new URLSearchParams({ ...(f.status ? { status: f.status } : {}), ...(f.kind ? { kind: f.kind } : {}), ...(f.provider ? { provider: f.provider } : {}), ...(f.q ? { q: f.q } : {}), page: String(page) })}`;
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <StatGrid>
        <Stat label={t("stats.confirmed")} value={format.number(byStatus.confirmed ?? 0)} hint={t("stats.confirmedHint")} />
        <Stat label={t("stats.granted")} value={format.number(byStatus.granted ?? 0)} hint={t("stats.grantedHint")} />
        <Stat label={t("stats.refused")} value={format.number(byStatus.refused ?? 0)} hint={t("stats.refusedHint")} />
        <Stat label={t("stats.failed")} value={format.number(byStatus.failed ?? 0)} hint={t("stats.failedHint")} />
      </StatGrid>
      <Panel className="mt-6">
        <form className="mb-4 flex flex-wrap items-end gap-3" role="search" aria-label={t("filterLabel")}>
          <label className="text-sm">
            <span className="block font-medium text-slate-700">{t("messageId")}</span>
            <input
              name="q"
              defaultValue={f.q}
              placeholder="RECARD01-METRO01-I…"
              className="mt-1 w-64 rounded-lg px-3 py-2 text-sm ring-1 ring-slate-300"
              aria-describedby="q-error"
            />
            <FieldErrors id="q-error" errors={search.error ? [common("form.controlCharacters")] : undefined} />
          </label>
          <label className="text-sm">
            <span className="block font-medium text-slate-700">{t("status")}</span>
            <select name="status" defaultValue={f.status ?? ""} className={SELECT}>
              <option value="">{words("any")}</option>
              <option value="confirmed">{t("stats.confirmed")}</option>
              <option value="granted">{t("stats.granted")}</option>
              <option value="refused">{t("stats.refused")}</option>
              <option value="failed">{t("stats.failed")}</option>
            </select>
          </label>
          <label className="text-sm">
            <span className="block font-medium text-slate-700">{t("kind")}</span>
            <select name="kind" defaultValue={f.kind ?? ""} className={SELECT}>
              <option value="">{words("any")}</option>
              <option value="first_load">{t("kinds.first_load")}</option>
              <option value="reload">{t("kinds.reload")}</option>
            </select>
          </label>
          <label className="text-sm">
            <span className="block font-medium text-slate-700">{t("provider")}</span>
            <select name="provider" defaultValue={f.provider ?? ""} className={SELECT}>
              <option value="">{words("any")}</option>
              <option value="METRO01">METRO01</option>
              <option value="HOSHI01">HOSHI01</option>
              <option value="SAKURA01">SAKURA01</option>
            </select>
          </label>
          <Button type="submit">{t("filter")}</Button>
        </form>
        <p className="mb-2 text-xs text-slate-500" aria-live="polite">
          {t("total", { count: total })}
        </p>
        <Table
          head={[
            t("col.messageId"),
            t("col.provider"),
            t("col.application"),
            t("col.card"),
            t("col.kind"),
            t("col.status"),
            t("col.decided"),
            t("col.reason"),
            t("col.charge"),
          ]}
          caption={t("title")}
          empty={t("empty")}
        >
          {rows.map((p) => (
            <tr key={p.id}>
              <Td mono>{p.messageId}</Td>
              <Td>{p.provider.companyId}</Td>
              <Td>{p.application ? `${p.application.name}` : "—"}</Td>
              <Td mono>
                {p.card ? (
                  <Link className="underline" href={`/issuer/cards/${p.card.id}`}>
                    {maskSurfaceNumber(p.card.surfaceNumber)} · {words("pfShort", { type: p.card.platformType })}
                  </Link>
                ) : (
                  "—"
                )}
              </Td>
              <Td>{p.kind === "first_load" || p.kind === "reload" ? t(`kinds.${p.kind}`) : p.kind}</Td>
              <Td>
                <StatusBadge status={p.status} />
              </Td>
              <Td>{format.dateTime(new Date(p.decidedAt), "dateTime")}</Td>
              <Td className="max-w-sm truncate">
                {p.refusalCode ? (
                  <span className="font-mono text-xs" translate="no">
                    {p.refusalCode}
                  </span>
                ) : p.originalMessageId ? (
                  <span className="font-mono text-xs">{t("reloadOf", { messageId: p.originalMessageId })}</span>
                ) : (
                  "—"
                )}
              </Td>
              <Td>
                {p.charge
                  ? t("charge", {
                      amount: format.number(minorToMajor(p.charge.amountMinor, p.charge.currency), { style: "currency", currency: p.charge.currency }),
                      reissue: p.charge.kind === "reissue_reload" ? "yes" : "no",
                    })
                  : "—"}
              </Td>
            </tr>
          ))}
        </Table>
        {total > PAGE && (
          <nav className="mt-4 flex gap-3 text-sm" aria-label={t("pages")}>
            {f.page > 1 && (
              <a className="underline" href={query(f.page - 1)}>
                {t("previous")}
              </a>
            )}
            {f.page * PAGE < total && (
              <a className="underline" href={query(f.page + 1)}>
                {t("next")}
              </a>
            )}
          </nav>
        )}
      </Panel>
    </>
  );
}
