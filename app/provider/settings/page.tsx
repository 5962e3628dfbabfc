import type { Metadata } from "next";
import { Badge } from "@/components/ui/badge";
import { PageHeader, Panel } from "@/components/ui/panel";
import { Table, Td } from "@/components/ui/table";
import { formatInstant, formatMoney } from "@/lib/core/format";
import { requirePortal } from "@/lib/server/auth/session";
import { listDeskApplications } from "@/lib/server/data/provider/catalog";
import { getCreditPolicy } from "@/lib/server/data/provider/credit-policy";
import { PolicyForm } from "./policy-form";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const actor = await requirePortal("provider", "/provider/settings");
  const [policy, apps] = await Promise.all([getCreditPolicy(actor), listDeskApplications(actor)]);
  return (
    <>
      <PageHeader title="Settings" description="Our examination policy and the fees we charge users. A reload on a reissued card reuses the examination made under the policy in force then (claim 12)." />
      <Panel title={<span>Credit policy <Badge tone="info">{policy.version}</Badge></span>} className="mb-6">
        <p className="mb-4 text-xs text-slate-500">Last changed {policy.updatedAt.getTime() > 0 ? formatInstant(policy.updatedAt) : "never"}.</p>
        <PolicyForm policy={policy} />
      </Panel>
      <Panel title="Our applications and fees to users (claim 14)">
        <Table caption="Applications and fees" head={["Application", "AID", "Kind", "Normal fee", "Reissue fee"]}>
          {apps.map((a) => (
            <tr key={a.aid}>
              <Td>{a.name}</Td>
              <Td mono>{a.aid}</Td>
              <Td>{a.kind}</Td>
              <Td className="text-right tabular-nums">{a.fee ? formatMoney(a.fee.normalFeeMinor, a.fee.currency) : "not set"}</Td>
              <Td className="text-right tabular-nums">{a.fee ? formatMoney(a.fee.reissueFeeMinor, a.fee.currency) : "not set"}</Td>
            </tr>
          ))}
        </Table>
      </Panel>
    </>
  );
}
