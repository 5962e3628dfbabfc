import type { Metadata } from "next";
import Link from "next/link";
import { StatusBadge } from "@/components/ui/badge";
import { Button, LinkButton } from "@/components/ui/button";
import { Panel, PageHeader } from "@/components/ui/panel";
import { Table, Td } from "@/components/ui/table";
import { formatDate, groupSurfaceNumber, platformTypeShort } from "@/lib/core/format";
import { requirePortal } from "@/lib/server/auth/session";
import { formatTotal } from "@/lib/server/data/counts";
import { listCards } from "@/lib/server/data/issuer/cards";
import { FieldErrors } from "@/components/ui/field";
import { ListFooter } from "@/components/table/list-footer";
import { sortHeader } from "@/components/table/sort-header";
import { encodeCursor, listHref, type SortState } from "@/lib/core/table/list-query";
import { parseCardListParams, type CardListSortKey } from "@/lib/validation/issuer-lists";

export const metadata: Metadata = { title: "Cards" };

const PAGE_SIZE = 50;

export default async function CardsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePortal("issuer", "/issuer/cards");
  const list = parseCardListParams(await searchParams);
  const { rows, total, next } = await listCards(actor, list.filter, { after: list.after, take: PAGE_SIZE, sort: list.sort });
  const f = { q: list.filter.query, status: list.filter.status, platform: list.filter.platformType };
  const bySort = (sort: SortState<CardListSortKey>) => listHref(list.query, { sort: sort.key, dir: sort.dir });
  return (
    <>
      <PageHeader
        title="Cards"
        description="Every card the issuer has personalised, with its reissue lineage. Search by surface number, card id, cardholder name or number."
        actions={<LinkButton href="/issuer/cardholders">Cardholders and new cards</LinkButton>}
      />
      <Panel>
        <form className="mb-4 flex flex-wrap items-end gap-3" role="search">
          <label className="text-sm">
            <span className="block font-medium text-slate-700">Search</span>
            <input
              name="q"
              defaultValue={f.q}
              placeholder="4821, Hana, CH-000001…"
              className="mt-1 w-64 rounded-lg px-3 py-2 text-sm ring-1 ring-slate-300"
              aria-describedby="q-error"
            />
            <FieldErrors id="q-error" errors={list.searchError ? [list.searchError] : undefined} />
          </label>
          <label className="text-sm">
            <span className="block font-medium text-slate-700">Status</span>
            <select name="status" defaultValue={f.status ?? ""} className="mt-1 rounded-lg px-3 py-2 text-sm ring-1 ring-slate-300">
              <option value="">Any</option>
              <option value="active">Active</option>
              <option value="blocked">Blocked</option>
              <option value="terminated">Terminated</option>
            </select>
          </label>
          <label className="text-sm">
            <span className="block font-medium text-slate-700">Platform</span>
            <select name="platform" defaultValue={f.platform ?? ""} className="mt-1 rounded-lg px-3 py-2 text-sm ring-1 ring-slate-300">
              <option value="">Any</option>
              <option value="100">100</option>
              <option value="200">200</option>
            </select>
          </label>
          {list.query.sort && <input type="hidden" name="sort" value={list.query.sort} />}
          {list.query.dir && <input type="hidden" name="dir" value={list.query.dir} />}
          <Button type="submit">Search</Button>
        </form>
        <p className="mb-2 text-xs text-slate-500" aria-live="polite">
          {formatTotal(total)} card{total.count === 1 && !total.isEstimate ? "" : "s"}
        </p>
        <Table
          head={[
            sortHeader("Surface number", "surface", list.sort, bySort),
            sortHeader("Card id", "cardId", list.sort, bySort),
            "Platform",
            "Status",
            "Cardholder",
            sortHeader("Issued", "issued", list.sort, bySort),
            "Gen.",
            "Apps",
          ]}
          empty="No card matches."
          caption="Cards"
        >
          {rows.map((c) => (
            <tr key={c.id}>
              <Td mono>
                <Link className="underline" href={`/issuer/cards/${c.id}`}>
                  {groupSurfaceNumber(c.surfaceNumber)}
                </Link>
              </Td>
              <Td mono>{c.cardId}</Td>
              <Td>{platformTypeShort(c.platformType)}</Td>
              <Td>
                <StatusBadge status={c.status} />
              </Td>
              <Td>
                {c.cardholderName} <span className="text-xs text-slate-500">{c.holderNo}</span>
              </Td>
              <Td>{formatDate(c.issuedAt)}</Td>
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
