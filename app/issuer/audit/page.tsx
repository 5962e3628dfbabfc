import type { Metadata } from "next";
import { Panel, PageHeader } from "@/components/ui/panel";
import { Table, Td } from "@/components/ui/table";
import { formatInstant } from "@/lib/core/format";
import { requirePortal } from "@/lib/server/auth/session";
import { listAuditLog } from "@/lib/server/data/issuer/cards";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage({ searchParams }: { searchParams: Promise<{ before?: string }> }) {
  const actor = await requirePortal("issuer", "/issuer/audit");
  const { before } = await searchParams;
  const beforeId = before && /^\d{1,18}$/.test(before) ? BigInt(before) : undefined;
  const rows = await listAuditLog(actor, { beforeId, take: 50 });
  const last = rows.at(-1);
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every decision of the issuer: who, when, what and why. Append-only: the database refuses to change or delete an entry."
      />
      <Panel>
        <Table head={["When", "Who", "Action", "Subject", "Reason"]} empty="No entries." caption="Audit log">
          {rows.map((a) => (
            <tr key={a.id}>
              <Td>{formatInstant(a.at)}</Td>
              <Td>{a.actorLabel}</Td>
              <Td>{a.action}</Td>
              <Td mono>
                {a.subjectType} {a.subjectId}
              </Td>
              <Td className="max-w-md whitespace-normal">{a.reason ?? "—"}</Td>
            </tr>
          ))}
        </Table>
        {last && rows.length === 50 && (
          <a className="mt-4 inline-block text-sm underline" href={`?before=${last.id}`}>
            Older entries
          </a>
        )}
      </Panel>
    </>
  );
}
