import type { Metadata } from "next";
import { Link } from "@/components/ui/link";
import { ListFooter } from "@/components/table/list-footer";
import { sortHeader, sortWords } from "@/components/table/sort-header";
import { StatusBadge } from "@/components/ui/badge";
import { Panel, PageHeader } from "@/components/ui/panel";
import { Table, Td } from "@/components/ui/table";
import { getFormatter, getTranslations } from "next-intl/server";
import { encodeCursor, listHref, type SortState } from "@/lib/core/table/list-query";
import { requirePortal } from "@/lib/server/auth/session";
import { pageOfLoadRecords } from "@/lib/server/data/provider/load-records";
import { parseRecordListParams, type RecordSortKey } from "@/lib/validation/provider-lists";
import { LookupForm } from "./lookup-form";
import { FieldErrors } from "@/components/ui/field";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("provider.records"))("title") };
}

const PAGE_SIZE = 50;

/** The provider's load records, 50 a page in an index-backed order (newest first by default), with the CSV of the whole list. */
export default async function RecordsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePortal("provider", "/provider/records");
  const list = parseRecordListParams(await searchParams);
  const [{ rows, next }, t, v, format, sw] = await Promise.all([
    pageOfLoadRecords(actor, { query: list.query, sort: list.sort, after: list.after, take: PAGE_SIZE }),
    getTranslations("provider.records"),
    getTranslations("provider.validation"),
    getFormatter(),
    sortWords(),
  ]);
  const bySort = (sort: SortState<RecordSortKey>) => listHref(list.links, { sort: sort.key, dir: sort.dir });
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <Panel title={t("find")} className="mb-6">
        <LookupForm />
      </Panel>
      <Panel title={t("records")}>
        <form className="mb-4 flex gap-2" role="search" aria-label={t("search")}>
          <input
            name="q"
            defaultValue={list.query}
            aria-label={t("search")}
            placeholder={t("searchPlaceholder")}
            className="w-80 rounded-lg px-3 py-2 text-sm ring-1 ring-slate-300"
            aria-describedby="q-error"
          />
          <FieldErrors id="q-error" errors={list.searchError ? [v("control")] : undefined} />
          {list.links.sort && <input type="hidden" name="sort" value={list.links.sort} />}
          {list.links.dir && <input type="hidden" name="dir" value={list.links.dir} />}
          <button className="rounded-lg px-3 py-2 text-sm ring-1 ring-slate-300">{t("searchButton")}</button>
        </form>
        <Table
          head={[
            sortHeader(t("head.messageId"), "messageId", list.sort, bySort, sw),
            t("head.card"),
            t("head.platform"),
            t("head.application"),
            t("head.customer"),
            t("head.kind"),
            t("head.status"),
            t("head.loaded"),
            sortHeader(t("head.recorded"), "created", list.sort, bySort, sw),
          ]}
          empty={t("empty")}
          caption={t("title")}
        >
          {rows.map((r) => (
            <tr key={r.id}>
              <Td mono>
                <Link className="underline" href={`/provider/records/${r.id}`} translate="no">
                  {r.messageId}
                </Link>
              </Td>
              <Td mono>{r.cardId ?? t("sealed", { last4: r.surfaceNumberLast4 ?? "", hasLast4: r.surfaceNumberLast4 ? "yes" : "no" })}</Td>
              <Td>{t("platform", { platformType: r.platformType })}</Td>
              <Td mono>{r.applicationAid}</Td>
              <Td>{r.customerName}</Td>
              <Td>{t("kind", { kind: r.kind })}</Td>
              <Td>
                <StatusBadge status={r.status} />
              </Td>
              <Td>{r.loadedAt ? format.dateTime(r.loadedAt, "dateTime") : "—"}</Td>
              <Td>{format.dateTime(r.createdAt, "dateTime")}</Td>
            </tr>
          ))}
        </Table>
        <ListFooter
          firstHref={list.after ? listHref(list.links, {}) : null}
          nextHref={next ? listHref(list.links, { after: encodeCursor([next.value, next.id]) }) : null}
          csvHref={listHref(list.links, {}, "/provider/records/export")}
        />
      </Panel>
    </>
  );
}
