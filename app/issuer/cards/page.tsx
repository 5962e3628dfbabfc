import type { Metadata } from "next";
import { Link } from "@/components/ui/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { StatusBadge } from "@/components/ui/badge";
import { Button, LinkButton } from "@/components/ui/button";
import { Panel, PageHeader } from "@/components/ui/panel";
import { Table, Td } from "@/components/ui/table";
import { groupSurfaceNumber } from "@/lib/core/format";
import { requirePortal } from "@/lib/server/auth/session";
import { listCards } from "@/lib/server/data/issuer/cards";
import { shownTotal } from "@/lib/server/data/counts";
import { FieldErrors } from "@/components/ui/field";
import { ListFooter } from "@/components/table/list-footer";
import { sortHeader, sortWords } from "@/components/table/sort-header";
import { encodeCursor, listHref, type SortState } from "@/lib/core/table/list-query";
import { parseCardListParams, type CardListSortKey } from "@/lib/validation/issuer-lists";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("issuer.cards"))("title") };
}

const PAGE_SIZE = 50;

export default async function CardsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePortal("issuer", "/issuer/cards");
  const list = parseCardListParams(await searchParams);
  const { rows, total, next } = await listCards(actor, list.filter, { after: list.after, take: PAGE_SIZE, sort: list.sort });
  const f = { q: list.filter.query, status: list.filter.status, platform: list.filter.platformType };
  const bySort = (sort: SortState<CardListSortKey>) => listHref(list.query, { sort: sort.key, dir: sort.dir });
  const [t, words, common, format, sw] = await Promise.all([
    getTranslations("issuer.cards"),
    getTranslations("issuer.words"),
    getTranslations("common"),
    getFormatter(),
    sortWords(),
  ]);
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} actions={<LinkButton href="/issuer/cardholders">{t("cardholdersLink")}</LinkButton>} />
      <Panel>
        <form className="mb-4 flex flex-wrap items-end gap-3" role="search">
          <label className="text-sm">
            <span className="block font-medium text-slate-700">{t("search")}</span>
            <input
              name="q"
              defaultValue={f.q}
              placeholder="4821, Hana, CH-000001…"
              className="mt-1 w-64 rounded-lg px-3 py-2 text-sm ring-1 ring-slate-300"
              aria-describedby="q-error"
            />
            <FieldErrors id="q-error" errors={list.searchError ? [common("form.controlCharacters")] : undefined} />
          </label>
          <label className="text-sm">
            <span className="block font-medium text-slate-700">{t("status")}</span>
            <select name="status" defaultValue={f.status ?? ""} className="mt-1 rounded-lg px-3 py-2 text-sm ring-1 ring-slate-300">
              <option value="">{words("any")}</option>
              <option value="active">{t("statuses.active")}</option>
              <option value="blocked">{t("statuses.blocked")}</option>
              <option value="terminated">{t("statuses.terminated")}</option>
            </select>
          </label>
          <label className="text-sm">
            <span className="block font-medium text-slate-700">{t("platform")}</span>
            <select name="platform" defaultValue={f.platform ?? ""} className="mt-1 rounded-lg px-3 py-2 text-sm ring-1 ring-slate-300">
              <option value="">{words("any")}</option>
              <option value="100">100</option>
              <option value="200">200</option>
            </select>
          </label>
          {list.query.sort && <input type="hidden" name="sort" value={list.query.sort} />}
          {list.query.dir && <input type="hidden" name="dir" value={list.query.dir} />}
          <Button type="submit">{t("searchButton")}</Button>
        </form>
        <p className="mb-2 text-xs text-slate-500" aria-live="polite">
          {t("total", { count: shownTotal(total), estimate: total.isEstimate ? "yes" : "no" })}
        </p>
        <Table
          head={[
            sortHeader(t("col.surface"), "surface", list.sort, bySort, sw),
            sortHeader(t("col.cardId"), "cardId", list.sort, bySort, sw),
            t("col.platform"),
            t("col.status"),
            t("col.cardholder"),
            sortHeader(t("col.issued"), "issued", list.sort, bySort, sw),
            t("col.generation"),
            t("col.apps"),
          ]}
          empty={t("empty")}
          caption={t("title")}
        >
          {rows.map((c) => (
            <tr key={c.id}>
              <Td mono>
                <Link className="underline" href={`/issuer/cards/${c.id}`}>
                  {groupSurfaceNumber(c.surfaceNumber)}
                </Link>
              </Td>
              <Td mono>{c.cardId}</Td>
              <Td>{words("pfShort", { type: c.platformType })}</Td>
              <Td>
                <StatusBadge status={c.status} />
              </Td>
              <Td>
                {c.cardholderName} <span className="text-xs text-slate-500">{c.holderNo}</span>
              </Td>
              <Td>{format.dateTime(new Date(c.issuedAt), "date")}</Td>
              <Td>{c.generation}</Td>
              <Td>{c.applications}</Td>
            </tr>
          ))}
        </Table>
        <ListFooter
          firstHref={list.after ? listHref(list.query, {}) : null}
          nextHref={next ? listHref(list.query, { after: encodeCursor([next.value, next.id]) }) : null}
          csvHref={listHref(list.query, {}, "/issuer/cards/export")}
        />
      </Panel>
    </>
  );
}
