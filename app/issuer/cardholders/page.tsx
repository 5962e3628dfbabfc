import type { Metadata } from "next";
import { Link } from "@/components/ui/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { Badge } from "@/components/ui/badge";
import { Button, LinkButton } from "@/components/ui/button";
import { Panel, PageHeader } from "@/components/ui/panel";
import { PersonName } from "@/components/ui/person-name";
import { Table, Td } from "@/components/ui/table";
import { ListFooter } from "@/components/table/list-footer";
import { sortHeader, sortWords } from "@/components/table/sort-header";
import { encodeCursor, listHref, type SortState } from "@/lib/core/table/list-query";
import { requirePortal } from "@/lib/server/auth/session";
import { pageOfCardholders } from "@/lib/server/data/issuer/cards";
import { FieldErrors } from "@/components/ui/field";
import { parseCardholderListParams, type CardholderListSortKey } from "@/lib/validation/issuer-lists";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("issuer.cardholders"))("title") };
}

const PAGE_SIZE = 50;

/** The cardholder registry, 50 a page in an index-backed order (by holder number by default), with the CSV of the whole list. */
export default async function CardholdersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePortal("issuer", "/issuer/cardholders");
  const list = parseCardholderListParams(await searchParams);
  const [{ rows, next }, t, common, format, sw] = await Promise.all([
    pageOfCardholders(actor, { query: list.query, sort: list.sort, after: list.after, take: PAGE_SIZE }),
    getTranslations("issuer.cardholders"),
    getTranslations("common"),
    getFormatter(),
    sortWords(),
  ]);
  const bySort = (sort: SortState<CardholderListSortKey>) => listHref(list.links, { sort: sort.key, dir: sort.dir });
  return (
    <>
      <PageHeader
        title={t("title")}
        description={t("description")}
        actions={
          <>
            <LinkButton href="/issuer/cards">{t("cardsLink")}</LinkButton>
            <LinkButton href="/issuer/cardholders/new" variant="primary">
              {t("new")}
            </LinkButton>
          </>
        }
      />
      <Panel>
        <form className="mb-4 flex items-end gap-3" role="search">
          <label className="text-sm">
            <span className="block font-medium text-slate-700">{t("search")}</span>
            <input
              name="q"
              defaultValue={list.query}
              placeholder={t("placeholder")}
              className="mt-1 w-64 rounded-lg px-3 py-2 text-sm ring-1 ring-slate-300"
              aria-describedby="q-error"
            />
            <FieldErrors id="q-error" errors={list.searchError ? [common("form.controlCharacters")] : undefined} />
          </label>
          {list.links.sort && <input type="hidden" name="sort" value={list.links.sort} />}
          {list.links.dir && <input type="hidden" name="dir" value={list.links.dir} />}
          <Button type="submit">{t("search")}</Button>
        </form>
        <Table
          head={[
            sortHeader(t("col.number"), "holderNo", list.sort, bySort, sw),
            sortHeader(t("col.name"), "name", list.sort, bySort, sw),
            t("col.email"),
            t("col.cards"),
            t("col.identity"),
            t("col.flags"),
            sortHeader(t("col.registered"), "created", list.sort, bySort, sw),
          ]}
          caption={t("title")}
          empty={t("empty")}
        >
          {rows.map((r) => (
            <tr key={r.id}>
              <Td mono>{r.holderNo}</Td>
              <Td>
                <Link className="underline" href={`/issuer/cardholders/${r.id}`}>
                  <PersonName name={r.fullName} kana={r.fullNameKana} />
                </Link>
              </Td>
              <Td>{r.email}</Td>
              <Td>{t("cardsInUse", { active: r.activeCards, total: r.cards })}</Td>
              <Td>{r.identityVerified ? <Badge tone="good">{t("verified")}</Badge> : <Badge tone="warn">{t("notVerified")}</Badge>}</Td>
              <Td>{r.fraudFlag ? <Badge tone="bad">{t("fraudFlag")}</Badge> : "—"}</Td>
              <Td>{format.dateTime(r.createdAt, "date")}</Td>
            </tr>
          ))}
        </Table>
        <ListFooter
          firstHref={list.after ? listHref(list.links, {}) : null}
          nextHref={next ? listHref(list.links, { after: encodeCursor([next.value, next.id]) }) : null}
          csvHref={listHref(list.links, {}, "/issuer/cardholders/export")}
        />
      </Panel>
    </>
  );
}
