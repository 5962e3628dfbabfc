import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { StatusBadge } from "@/components/ui/badge";
import { Button, LinkButton } from "@/components/ui/button";
import { Panel, PageHeader } from "@/components/ui/panel";
import { Table, Td } from "@/components/ui/table";
import { formatDate, groupSurfaceNumber, platformTypeShort } from "@/lib/core/format";
import { requirePortal } from "@/lib/server/auth/session";
import { formatTotal } from "@/lib/server/data/counts";
import { listCards, type CardCursor } from "@/lib/server/data/issuer/cards";
import { FieldErrors } from "@/components/ui/field";
import { parseSearchParam } from "@/lib/validation/fields";

export const metadata: Metadata = { title: "Cards" };

const FilterSchema = z.object({
  q: z.string().max(64).optional().catch(undefined),
  status: z.enum(["active", "blocked", "terminated"]).optional().catch(undefined),
  platform: z.coerce.number().pipe(z.union([z.literal(100), z.literal(200)])).optional().catch(undefined),
  // The page after the card issued at this instant with this id (keyset pagination: `<ISO instant>_<uuid>`).
  after: z
    .string()
    .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
    .transform((v) => ({ issuedAt: new Date(v.slice(0, 24)), id: v.slice(25) }))
    .refine((c) => !Number.isNaN(c.issuedAt.getTime()))
    .optional()
    .catch(undefined),
});

const PAGE_SIZE = 50;

/** The same search from another card on: every filter is kept; no cursor is the first page. */
function pageHref(f: z.infer<typeof FilterSchema>, after: CardCursor | null): string {
  const params = new URLSearchParams();
  if (f.q) params.set("q", f.q);
  if (f.status) params.set("status", f.status);
  if (f.platform) params.set("platform", String(f.platform));
  if (after) params.set("after", `${after.issuedAt.toISOString()}_${after.id}`);
  return `?${params}`;
}

export default async function CardsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePortal("issuer", "/issuer/cards");
  const params = await searchParams;
  // A search word with a control character (NUL…) is refused by the box, not sent to the database.
  const search = parseSearchParam(params.q, 64);
  const f = FilterSchema.parse({ ...params, q: search.query });
  const { rows, total, next } = await listCards(actor, { query: f.q, status: f.status, platformType: f.platform }, { after: f.after, take: PAGE_SIZE });
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
            <input name="q" defaultValue={f.q} placeholder="4821, Hana, CH-000001…" className="mt-1 w-64 rounded-lg px-3 py-2 text-sm ring-1 ring-slate-300" aria-describedby="q-error" />
            <FieldErrors id="q-error" errors={search.error ? [search.error] : undefined} />
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
          <Button type="submit">Search</Button>
        </form>
        <p className="mb-2 text-xs text-slate-500" aria-live="polite">
          {formatTotal(total)} card{total.count === 1 && !total.isEstimate ? "" : "s"}
        </p>
        <Table head={["Surface number", "Card id", "Platform", "Status", "Cardholder", "Issued", "Gen.", "Apps"]} empty="No card matches." caption="Cards">
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
        {(f.after || next) && (
          <nav className="mt-4 flex gap-2 text-sm" aria-label="Pages">
            {f.after && (
              <a className="underline" href={pageHref(f, null)}>
                First page
              </a>
            )}
            {next && (
              <a className="underline" href={pageHref(f, next)}>
                Next
              </a>
            )}
          </nav>
        )}
      </Panel>
    </>
  );
}
