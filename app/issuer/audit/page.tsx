import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";
import { AuditWhy, getAuditReasonWords } from "@/components/issuer/audit-why";
import { ListFooter } from "@/components/table/list-footer";
import { sortHeader, sortWords } from "@/components/table/sort-header";
import { Panel, PageHeader } from "@/components/ui/panel";
import { Table, Td } from "@/components/ui/table";
import { listHref, parseSort, type SortState } from "@/lib/core/table/list-query";
import { FORMATS } from "@/lib/i18n/formats";
import { requirePortal } from "@/lib/server/auth/session";
import { pageOfAuditLog } from "@/lib/server/data/issuer/cards";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("issuer.audit"))("title") };
}

const PAGE_SIZE = 50;

/** The append-only audit log, by time either way, 50 a page, with its CSV export. Times in UTC (an audit view). */
export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePortal("issuer", "/issuer/audit");
  const params = await searchParams;
  const sort = parseSort(params, ["at"] as const, { key: "at", dir: "desc" });
  const after = typeof params.after === "string" && /^\d{1,18}$/.test(params.after) ? params.after : null;
  const [{ rows, next }, t, format, sw, words] = await Promise.all([
    pageOfAuditLog(actor, { after, take: PAGE_SIZE, dir: sort.dir }),
    getTranslations("issuer.audit"),
    getFormatter(),
    sortWords(),
    getAuditReasonWords(),
  ]);
  const query = { sort: params.sort === "at" ? "at" : undefined, dir: sort.dir === "desc" ? undefined : sort.dir };
  const bySort = (s: SortState<"at">) => listHref({}, { sort: s.key, dir: s.dir });
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <Panel>
        <p className="mb-2 text-xs text-slate-500">{t("utc")}</p>
        <Table
          head={[sortHeader(t("col.when"), "at", sort, bySort, sw), t("col.who"), t("col.action"), t("col.subject"), t("col.reason")]}
          empty={t("empty")}
          caption={t("title")}
        >
          {rows.map((a) => (
            <tr key={a.id}>
              <Td>{format.dateTime(a.at, { ...FORMATS.dateTime.dateTime, timeZone: "UTC" })}</Td>
              <Td data>{a.actorLabel}</Td>
              <Td mono>{a.action}</Td>
              <Td mono>
                {a.subjectType} {a.subjectId}
              </Td>
              <Td className="max-w-md whitespace-normal">
                <AuditWhy row={a} words={words} noteLabel={t("note")} legacyLabel={t("legacy")} />
              </Td>
            </tr>
          ))}
        </Table>
        <ListFooter
          firstHref={after ? listHref(query, {}) : null}
          nextHref={next ? listHref(query, { after: next }) : null}
          csvHref={listHref(query, {}, "/issuer/audit/export")}
        />
      </Panel>
    </>
  );
}
