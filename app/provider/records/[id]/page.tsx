import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { StatusBadge } from "@/components/ui/badge";
import { Panel, PageHeader } from "@/components/ui/panel";
import { describePlatformType, formatInstant, formatMoney } from "@/lib/core/format";
import { requirePortal } from "@/lib/server/auth/session";
import { getLoadRecord } from "@/lib/server/data/provider/load-records";

export const metadata: Metadata = { title: "Load record" };

export default async function RecordPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requirePortal("provider", `/provider/records/${id}`);
  const r = await getLoadRecord(actor, id);
  if (!r) notFound();
  const rows: [string, React.ReactNode][] = [
    [
      "Message id",
      <span key="m" className="font-mono">
        {r.messageId}
      </span>,
    ],
    ["Card", r.cardId ? <span className="font-mono">{r.cardId}</span> : "Card id sealed for the issuer (platform 200)"],
    ["Platform", describePlatformType(r.platformType)],
    [
      "Application",
      <span key="a" className="font-mono">
        {r.applicationAid}
      </span>,
    ],
    ["Customer", `${r.customerName} (${r.customerNo})`],
    ["Kind", r.kind.replace("_", " ")],
    ["Status", <StatusBadge key="s" status={r.status} />],
    ["Loaded", r.loadedAt ? formatInstant(r.loadedAt) : "—"],
    [
      "Examination",
      r.investigation
        ? `${r.investigation.outcome}, limit ${formatMoney(r.investigation.limitMinor, r.charge?.currency ?? "JPY")}, ${formatInstant(r.investigation.investigatedAt)} (policy ${r.investigation.policyVersion})`
        : "none",
    ],
    ["Charge", r.charge ? `${formatMoney(r.charge.amountMinor, r.charge.currency)} (${r.charge.kind.replace("_", " ")})` : "none"],
    [
      "Reload of",
      r.previousLoad ? (
        <Link key="p" className="font-mono underline" href={`/provider/records/${r.previousLoad.id}`}>
          {r.previousLoad.messageId}
        </Link>
      ) : (
        "—"
      ),
    ],
  ];
  return (
    <>
      <PageHeader title="Load record" description="Fig. 14 / Fig. 17 data held by this provider." />
      <Panel>
        <dl className="grid grid-cols-1 gap-x-8 gap-y-3 sm:grid-cols-[12rem_1fr]" data-testid="load-record">
          {rows.map(([k, v]) => (
            <div key={k} className="contents">
              <dt className="text-sm font-medium text-slate-500">{k}</dt>
              <dd className="text-sm">{v}</dd>
            </div>
          ))}
        </dl>
      </Panel>
    </>
  );
}
