import type { Metadata } from "next";
import { Link } from "@/components/ui/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { ListFooter } from "@/components/table/list-footer";
import { sortHeader, sortWords } from "@/components/table/sort-header";
import { PageHeader, Panel } from "@/components/ui/panel";
import { Table, Td } from "@/components/ui/table";
import { encodeCursor, listHref, type SortState } from "@/lib/core/table/list-query";
import { requirePortal } from "@/lib/server/auth/session";
import { pageOfCustomers } from "@/lib/server/data/provider/customers";
import { FieldErrors } from "@/components/ui/field";
import { parseCustomerListParams, type CustomerSortKey } from "@/lib/validation/provider-lists";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("provider.customers"))("title") };
}

const PAGE_SIZE = 50;

/** The provider's customers, 50 a page in an index-backed order (newest first by default), with the CSV of the whole list. */
export default async function CustomersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePortal("provider", "/provider/customers");
  const list = parseCustomerListParams(await searchParams);
  const [{ rows, next }, t, v, format, sw] = await Promise.all([
    pageOfCustomers(actor, { query: list.query, sort: list.sort, after: list.after, take: PAGE_SIZE }),
    getTranslations("provider.customers"),
    getTranslations("provider.validation"),
    getFormatter(),
    sortWords(),
  ]);
  const day = (d: Date) => format.dateTime(d, { dateStyle: "medium", timeZone: "UTC" });
  const bySort = (sort: SortState<CustomerSortKey>) => listHref(list.links, { sort: sort.key, dir: sort.dir });
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <Panel>
        <form className="mb-4 flex gap-2" role="search" aria-label={t("search")}>
          <input
            type="search"
            name="q"
            defaultValue={list.query}
            aria-label={t("searchLabel")}
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
          caption={t("title")}
          head={[
            sortHeader(t("head.customer"), "customerNo", list.sort, bySort, sw),
            sortHeader(t("head.name"), "name", list.sort, bySort, sw),
            t("head.born"),
            t("head.loads"),
            sortHeader(t("head.since"), "created", list.sort, bySort, sw),
          ]}
          empty={list.query ? t("noMatch") : t("empty")}
        >
          {rows.map((c) => (
            <tr key={c.id}>
              <Td mono>
                <Link className="underline" href={`/provider/customers/${c.id}`} translate="no">
                  {c.customerNo}
                </Link>
              </Td>
              <Td>{c.fullName}</Td>
              <Td>{c.birthDate ? day(c.birthDate) : "—"}</Td>
              <Td className="text-right tabular-nums">{c.loads}</Td>
              <Td>{format.dateTime(c.createdAt, "date")}</Td>
            </tr>
          ))}
        </Table>
        <ListFooter
          firstHref={list.after ? listHref(list.links, {}) : null}
          nextHref={next ? listHref(list.links, { after: encodeCursor([next.value, next.id]) }) : null}
          csvHref={listHref(list.links, {}, "/provider/customers/export")}
        />
      </Panel>
    </>
  );
}
