import type { Metadata } from "next";
import { SimpleForm } from "@/components/issuer/simple-form";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { Panel, PageHeader } from "@/components/ui/panel";
import { Table, Td } from "@/components/ui/table";
import { formatDate } from "@/lib/core/format";
import { requirePortal } from "@/lib/server/auth/session";
import { listProviders } from "@/lib/server/data/issuer/providers";
import { registerApplicationAction, setApplicationStatusAction, setContractStatusAction, setReissueDeliveryAction } from "./actions";

export const metadata: Metadata = { title: "Providers" };

export default async function ProvidersPage() {
  const actor = await requirePortal("issuer", "/issuer/providers");
  const providers = await listProviders(actor);
  return (
    <>
      <PageHeader
        title="Providers and applications"
        description="Service providers under contract, how they receive reissuance information, and their registered applications. A loading permission needs an active contract and an approved application with exactly its registered load file."
      />
      <div className="space-y-8">
        {providers.map((p) => (
          <Panel
            key={p.id}
            title={
              <span>
                {p.name} <span className="font-mono text-xs font-normal text-slate-500">{p.companyId}</span>
              </span>
            }
            actions={<StatusBadge status={p.contractStatus} />}
          >
            <section aria-label={`${p.name} contract`} className="grid gap-6 lg:grid-cols-3">
              <div className="text-sm">
                <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Contract</h3>
                <p className="mt-1">
                  {p.contractNo} · since {formatDate(p.contractStart)}
                  {p.contractEnd ? ` · until ${formatDate(p.contractEnd)}` : ""}
                </p>
                <p className="mt-1 text-xs text-slate-500">{p.permissions} loading permission decisions on file.</p>
                <p className="mt-3 text-xs text-slate-500">
                  Reissuance information: <Badge tone={p.reissueInfoDelivery === "push" ? "info" : "warn"}>{p.reissueInfoDelivery}</Badge>
                </p>
              </div>
              <SimpleForm
                action={setContractStatusAction.bind(null, p.id)}
                idPrefix={`contract-${p.companyId}`}
                ariaLabel={`Contract status of ${p.name}`}
                submitLabel="Change contract"
                fields={[
                  {
                    kind: "select",
                    name: "status",
                    label: "Contract status",
                    defaultValue: p.contractStatus,
                    options: [
                      { value: "active", label: "Active" },
                      { value: "suspended", label: "Suspended" },
                      { value: "terminated", label: "Terminated" },
                    ],
                  },
                  { kind: "textarea", name: "reason", label: "Reason" },
                ]}
              />
              <SimpleForm
                action={setReissueDeliveryAction.bind(null, p.id)}
                idPrefix={`delivery-${p.companyId}`}
                ariaLabel={`Reissuance information delivery to ${p.name}`}
                submitLabel="Save delivery"
                fields={[
                  {
                    kind: "select",
                    name: "delivery",
                    label: "Reissuance information (platform 100)",
                    defaultValue: p.reissueInfoDelivery,
                    hint: "Push: notified when a card it loaded on is reissued (Fig. 4, step 403). Pull: it asks at reload time (Fig. 19, steps 408/409).",
                    options: [
                      { value: "push", label: "Push at reissue time" },
                      { value: "pull", label: "Pull at reload time" },
                    ],
                  },
                ]}
              />
            </section>
            <h3 className="mt-6 mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">Applications</h3>
            <Table
              head={["Application", "AID", "Kind", "Version", "Load file SHA-256", "On cards", "Status", "Decision"]}
              caption={`Applications of ${p.name}`}
              empty="No application registered."
            >
              {p.applications.map((a) => (
                <tr key={a.id}>
                  <Td>{a.name}</Td>
                  <Td mono>{a.aid}</Td>
                  <Td>{a.kind}</Td>
                  <Td>{a.version}</Td>
                  <Td mono>
                    <span title={a.loadFileHash}>{a.loadFileHash.slice(0, 16)}…</span>
                  </Td>
                  <Td>{a.cardsLoaded}</Td>
                  <Td>
                    <StatusBadge status={a.status} />
                  </Td>
                  <Td className="min-w-[22rem] whitespace-normal">
                    <SimpleForm
                      inline
                      action={setApplicationStatusAction.bind(null, a.id, a.status === "approved" ? "revoked" : "approved")}
                      idPrefix={`app-${a.aid}`}
                      ariaLabel={`${a.status === "approved" ? "Revoke" : "Approve"} ${a.name}`}
                      submitLabel={a.status === "approved" ? "Revoke" : a.status === "revoked" ? "Reinstate" : "Approve"}
                      variant={a.status === "approved" ? "danger" : "good"}
                      fields={[{ kind: "text", name: "reason", label: "Reason", width: "w-56" }]}
                    />
                  </Td>
                </tr>
              ))}
            </Table>
            <details className="mt-4">
              <summary className="cursor-pointer text-sm font-medium text-slate-700">Register an application for {p.name}</summary>
              <div className="mt-3 max-w-xl">
                <SimpleForm
                  action={registerApplicationAction.bind(null, p.id)}
                  idPrefix={`register-${p.companyId}`}
                  ariaLabel={`Register an application for ${p.name}`}
                  submitLabel="Register"
                  fields={[
                    { kind: "text", name: "aid", label: "AID", placeholder: "F0524300010003" },
                    { kind: "text", name: "name", label: "Name" },
                    {
                      kind: "select",
                      name: "kind",
                      label: "Kind",
                      options: [
                        { value: "transit", label: "Transit" },
                        { value: "loyalty", label: "Loyalty" },
                        { value: "credit", label: "Credit" },
                      ],
                    },
                    { kind: "text", name: "version", label: "Version", defaultValue: "1" },
                    {
                      kind: "text",
                      name: "loadFileHash",
                      label: "Load file SHA-256",
                      hint: "The card refuses any other bytes under a permission for this application.",
                    },
                  ]}
                />
              </div>
            </details>
          </Panel>
        ))}
      </div>
    </>
  );
}
