import type { Metadata } from "next";
import Link from "next/link";
import { StatusBadge } from "@/components/ui/badge";
import { PageHeader, Panel } from "@/components/ui/panel";
import { Table, Td } from "@/components/ui/table";
import { formatInstant, platformTypeShort } from "@/lib/core/format";
import { RELOAD_REFUSAL_CODES, type ReloadRefusalCode } from "@/lib/core/workflows/reload";
import { refusalLabel } from "@/lib/core/workflows/reload-words";
import { requirePortal } from "@/lib/server/auth/session";
import { listDeskApplications } from "@/lib/server/data/provider/catalog";
import { getCreditPolicy } from "@/lib/server/data/provider/credit-policy";
import { listReloadCases } from "@/lib/server/data/provider/reload";
import { Desk } from "./_components/desk";

const isRefusalCode = (code: string): code is ReloadRefusalCode => RELOAD_REFUSAL_CODES.some((c) => c === code);

export const metadata: Metadata = { title: "Desk" };

export default async function DeskPage() {
  const actor = await requirePortal("provider", "/provider/desk");
  const [applications, policy, cases] = await Promise.all([listDeskApplications(actor), getCreditPolicy(actor), listReloadCases(actor, 10)]);
  const nameOf = (aid: string) => applications.find((a) => a.aid === aid)?.name ?? aid;
  return (
    <>
      <PageHeader
        title="Desk"
        description="A customer at the counter with a card: load an application for the first time, or reload the applications of a card that was reissued, reusing the old examination at the reissue fee (methods 1 and 2, chosen by the card's platform type)."
      />
      <Desk applications={applications} policy={policy} />
      <Panel title="Recent reload cases" className="mt-8">
        <Table caption="Recent reload cases" head={["Started", "Platform", "Card", "Applications", "Outcome", "Refusal"]} empty="No reload case yet.">
          {cases.map((c) => (
            <tr key={c.id}>
              <Td>{formatInstant(c.startedAt)}</Td>
              <Td>{c.platformType ? platformTypeShort(c.platformType) : "—"}</Td>
              <Td mono>{c.cardId ?? "sealed"}</Td>
              <Td className="whitespace-normal">{c.applicationAids.map(nameOf).join(", ")}</Td>
              <Td>
                <StatusBadge status={c.outcome} />
              </Td>
              <Td className="whitespace-normal text-slate-600">
                {c.refusalCode ? (
                  <span title={c.refusalReason ?? undefined}>
                    {isRefusalCode(c.refusalCode) ? refusalLabel(c.refusalCode) : c.refusalCode} (step {c.refusalStep})
                  </span>
                ) : (
                  "—"
                )}
              </Td>
            </tr>
          ))}
        </Table>
        <p className="mt-3 text-xs text-slate-500">
          Loads and reloads are listed in{" "}
          <Link className="underline" href="/provider/records">
            Load records
          </Link>
          ; charges in{" "}
          <Link className="underline" href="/provider/charges">
            Charges
          </Link>
          .
        </p>
      </Panel>
    </>
  );
}
