import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader, Panel } from "@/components/ui/panel";
import { Table, Td } from "@/components/ui/table";
import { formatDate } from "@/lib/core/format";
import { requirePortal } from "@/lib/server/auth/session";
import { listCustomers } from "@/lib/server/data/provider/customers";
import { FieldErrors } from "@/components/ui/field";
import { parseSearchParam } from "@/lib/validation/fields";

export const metadata: Metadata = { title: "Customers" };

export default async function CustomersPage({ searchParams }: { searchParams: Promise<{ q?: string }> }) {
  const actor = await requirePortal("provider", "/provider/customers");
  const search = parseSearchParam((await searchParams).q, 64);
  const query = search.query;
  const customers = await listCustomers(actor, { query });
  return (
    <>
      <PageHeader
        title="Customers"
        description="Our own customer records (the user information of Figs. 14 and 17), each with the applications we loaded for them by card id and by message id, their examinations and charges."
      />
      <Panel>
        <form className="mb-4 flex gap-2" role="search" aria-label="Search customers">
          <input
            type="search"
            name="q"
            defaultValue={query}
            aria-label="Name or customer number"
            placeholder="Name or customer number…"
            className="w-80 rounded-lg px-3 py-2 text-sm ring-1 ring-slate-300"
            aria-describedby="q-error"
          />
          <FieldErrors id="q-error" errors={search.error ? [search.error] : undefined} />
          <button className="rounded-lg px-3 py-2 text-sm ring-1 ring-slate-300">Search</button>
        </form>
        <Table caption="Customers" head={["Customer", "Name", "Born", "Loads", "Since"]} empty={query ? "No customer matches." : "No customers yet."}>
          {customers.map((c) => (
            <tr key={c.id}>
              <Td mono>
                <Link className="underline" href={`/provider/customers/${c.id}`}>
                  {c.customerNo}
                </Link>
              </Td>
              <Td>{c.fullName}</Td>
              <Td>{c.birthDate ? formatDate(c.birthDate) : "—"}</Td>
              <Td className="text-right tabular-nums">{c.loads}</Td>
              <Td>{formatDate(c.createdAt)}</Td>
            </tr>
          ))}
        </Table>
      </Panel>
    </>
  );
}
