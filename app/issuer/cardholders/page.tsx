import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { Badge } from "@/components/ui/badge";
import { Button, LinkButton } from "@/components/ui/button";
import { Panel, PageHeader } from "@/components/ui/panel";
import { Table, Td } from "@/components/ui/table";
import { requirePortal } from "@/lib/server/auth/session";
import { listCardholders } from "@/lib/server/data/issuer/cards";
import { FieldErrors } from "@/components/ui/field";
import { parseSearchParam } from "@/lib/validation/fields";

export const metadata: Metadata = { title: "Cardholders" };

const FilterSchema = z.object({ q: z.string().max(64).optional().catch(undefined) });

export default async function CardholdersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePortal("issuer", "/issuer/cardholders");
  const params = await searchParams;
  // A search word with a control character (NUL…) is refused by the box, not sent to the database.
  const search = parseSearchParam(params.q, 64);
  const f = FilterSchema.parse({ ...params, q: search.query });
  const rows = await listCardholders(actor, f.q);
  return (
    <>
      <PageHeader
        title="Cardholders"
        description="The issuer's cardholders (the patent's user information). Open one to see their cards or issue a new card."
        actions={
          <>
            <LinkButton href="/issuer/cards">Cards</LinkButton>
            <LinkButton href="/issuer/cardholders/new" variant="primary">
              New cardholder
            </LinkButton>
          </>
        }
      />
      <Panel>
        <form className="mb-4 flex items-end gap-3" role="search">
          <label className="text-sm">
            <span className="block font-medium text-slate-700">Search</span>
            <input
              name="q"
              defaultValue={f.q}
              placeholder="Name, CH-000001, e-mail"
              className="mt-1 w-64 rounded-lg px-3 py-2 text-sm ring-1 ring-slate-300"
              aria-describedby="q-error"
            />
            <FieldErrors id="q-error" errors={search.error ? [search.error] : undefined} />
          </label>
          <Button type="submit">Search</Button>
        </form>
        <Table head={["Number", "Name", "E-mail", "Cards", "Identity", "Flags"]} caption="Cardholders" empty="No cardholder matches.">
          {rows.map((r) => (
            <tr key={r.id}>
              <Td mono>{r.holderNo}</Td>
              <Td>
                <Link className="underline" href={`/issuer/cardholders/${r.id}`}>
                  {r.fullName}
                </Link>
              </Td>
              <Td>{r.email}</Td>
              <Td>
                {r.activeCards} in use / {r.cards}
              </Td>
              <Td>{r.identityVerified ? <Badge tone="good">verified</Badge> : <Badge tone="warn">not verified</Badge>}</Td>
              <Td>{r.fraudFlag ? <Badge tone="bad">fraud flag</Badge> : "—"}</Td>
            </tr>
          ))}
        </Table>
      </Panel>
    </>
  );
}
