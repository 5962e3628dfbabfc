import type { Metadata } from "next";
import { Link } from "@/components/ui/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { StatusBadge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Panel, PageHeader } from "@/components/ui/panel";
import { Stat, StatGrid } from "@/components/ui/stat";
import { Table, Td } from "@/components/ui/table";
import { maskSurfaceNumber, minorToMajor } from "@/lib/core/format";
import { ListFooter } from "@/components/table/list-footer";
import { sortHeader, sortWords } from "@/components/table/sort-header";
import { encodeCursor, listHref, type SortState } from "@/lib/core/table/list-query";
import { requirePortal } from "@/lib/server/auth/session";
import { shownTotal } from "@/lib/server/data/counts";
import { listPermissions } from "@/lib/server/data/issuer/permission-registry";
import { FieldErrors } from "@/components/ui/field";
import { parsePermissionListParams, type PermissionListSortKey } from "@/lib/validation/issuer-lists";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("issuer.permissions"))("title") };
}

const PAGE = 50;
const SELECT = "mt-1 rounded-lg px-3 py-2 text-sm ring-1 ring-slate-300";

/** The loading permissions, 50 a page in an index-backed order (newest decision first by default), the figures bounded, with the CSV of the whole list. */
export default async function PermissionsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePortal("issuer", "/issuer/permissions");
  const list = parsePermissionListParams(await searchParams);
  const f = { q: list.filter.messageId, status: list.filter.status, kind: list.filter.kind, provider: list.filter.providerCompanyId };
  const [{ rows, next, total, byStatus }, t, words, common, format, sw] = await Promise.all([
    listPermissions(actor, list.filter, { sort: list.sort, after: list.after, take: PAGE }),
    getTranslations("issuer.permissions"),
    getTranslations("issuer.words"),
    getTranslations("common"),
    getFormatter(),
    sortWords(),
  ]);
  const bySort = (sort: SortState<PermissionListSortKey>) => listHref(list.links, { sort: sort.key, dir: sort.dir });
  const figure = (n: { count: number; isEstimate: boolean }) => t("figure", { count: shownTotal(n), estimate: n.isEstimate ? "yes" : "no" });
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <StatGrid>
        <Stat label={t("stats.confirmed")} value={figure(byStatus.confirmed)} hint={t("stats.confirmedHint")} />
        <Stat label={t("stats.granted")} value={figure(byStatus.granted)} hint={t("stats.grantedHint")} />
        <Stat label={t("stats.refused")} value={figure(byStatus.refused)} hint={t("stats.refusedHint")} />
        <Stat label={t("stats.failed")} value={figure(byStatus.failed)} hint={t("stats.failedHint")} />
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
            <FieldErrors id="q-error" errors={list.searchError ? [common("form.controlCharacters")] : undefined} />
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
          {list.links.sort && <input type="hidden" name="sort" value={list.links.sort} />}
          {list.links.dir && <input type="hidden" name="dir" value={list.links.dir} />}
          <Button type="submit">{t("filter")}</Button>
        </form>
        <p className="mb-2 text-xs text-slate-500" aria-live="polite">
          {t("total", { count: shownTotal(total), estimate: total.isEstimate ? "yes" : "no" })}
        </p>
        <Table
          head={[
            sortHeader(t("col.messageId"), "messageId", list.sort, bySort, sw),
            t("col.provider"),
            t("col.application"),
            t("col.card"),
            t("col.kind"),
            t("col.status"),
            sortHeader(t("col.decided"), "decided", list.sort, bySort, sw),
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
        <ListFooter
          firstHref={list.after ? listHref(list.links, {}) : null}
          nextHref={next ? listHref(list.links, { after: encodeCursor([next.value, next.id]) }) : null}
          csvHref={listHref(list.links, {}, "/issuer/permissions/export")}
        />
      </Panel>
    </>
  );
}
