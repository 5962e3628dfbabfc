import type { Metadata } from "next";
import Link from "next/link";
import { StatusBadge } from "@/components/ui/badge";
import { Panel, PageHeader } from "@/components/ui/panel";
import { Table, Td } from "@/components/ui/table";
import { formatInstant, platformTypeShort } from "@/lib/core/format";
import { requirePortal } from "@/lib/server/auth/session";
import { listLoadRecords } from "@/lib/server/data/provider/load-records";
import { LookupForm } from "./lookup-form";
import { FieldErrors } from "@/components/ui/field";
import { parseSearchParam } from "@/lib/validation/fields";

export const metadata: Metadata = { title: "Load records" };

export default async function RecordsPage({ searchParams }: { searchParams: Promise<{ q?: string }> }) {
  const actor = await requirePortal("provider", "/provider/records");
  const search = parseSearchParam((await searchParams).q, 64);
  const rows = await listLoadRecords(actor, { query: search.query });
  return (
    <>
      <PageHeader
        title="Load records"
        description="Applications this company loaded on cards, by card id (Fig. 14, platform 100 only) and by the message id of the loading permission (Fig. 17)."
      />
      <Panel title="Find by message id" className="mb-6">
        <LookupForm />
      </Panel>
      <Panel title="Records">
        <form className="mb-4 flex gap-2" role="search">
          <input
            name="q"
            defaultValue={search.query}
            aria-label="Search records"
            placeholder="Card id, message id, customer…"
            className="w-80 rounded-lg px-3 py-2 text-sm ring-1 ring-slate-300"
            aria-describedby="q-error"
          />
          <FieldErrors id="q-error" errors={search.error ? [search.error] : undefined} />
          <button className="rounded-lg px-3 py-2 text-sm ring-1 ring-slate-300">Search</button>
        </form>
        <Table head={["Message id", "Card", "Platform", "Application", "Customer", "Kind", "Status", "Loaded"]} empty="No load records." caption="Load records">
          {rows.map((r) => (
            <tr key={r.id}>
              <Td mono>
                <Link className="underline" href={`/provider/records/${r.id}`}>
                  {r.messageId}
                </Link>
              </Td>
              <Td mono>{r.cardId ?? (r.surfaceNumberLast4 ? `…${r.surfaceNumberLast4} (id sealed)` : "id sealed")}</Td>
              <Td>{platformTypeShort(r.platformType)}</Td>
              <Td mono>{r.applicationAid}</Td>
              <Td>{r.customerName}</Td>
              <Td>{r.kind.replace("_", " ")}</Td>
              <Td>
                <StatusBadge status={r.status} />
              </Td>
              <Td>{r.loadedAt ? formatInstant(r.loadedAt) : "—"}</Td>
            </tr>
          ))}
        </Table>
      </Panel>
    </>
  );
}
