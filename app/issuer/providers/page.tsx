import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";
import { SimpleForm } from "@/components/issuer/simple-form";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { Panel, PageHeader } from "@/components/ui/panel";
import { Table, Td } from "@/components/ui/table";
import { requirePortal } from "@/lib/server/auth/session";
import { shownTotal } from "@/lib/server/data/counts";
import { listProviders } from "@/lib/server/data/issuer/providers";
import { registerApplicationAction, setApplicationStatusAction, setContractStatusAction, setReissueDeliveryAction } from "./actions";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("issuer.providers"))("metaTitle") };
}

export default async function ProvidersPage() {
  const actor = await requirePortal("issuer", "/issuer/providers");
  const providers = await listProviders(actor);
  const [t, words, format] = await Promise.all([getTranslations("issuer.providers"), getTranslations("issuer.words"), getFormatter()]);
  const date = (d: Date | string) => format.dateTime(new Date(d), "date");
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
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
            <section aria-label={t("contractSection", { name: p.name })} className="grid gap-6 lg:grid-cols-3">
              <div className="text-sm">
                <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">{t("contract")}</h3>
                <p className="mt-1">
                  {p.contractEnd
                    ? t("contractUntil", { contractNo: p.contractNo, since: date(p.contractStart), until: date(p.contractEnd) })
                    : t("contractSince", { contractNo: p.contractNo, since: date(p.contractStart) })}
                </p>
                <p className="mt-1 text-xs text-slate-500">
                  {t("decisions", { count: shownTotal(p.permissions), estimate: p.permissions.isEstimate ? "yes" : "no" })}
                </p>
                <p className="mt-3 text-xs text-slate-500">
                  {t("reissueInfo")} <Badge tone={p.reissueInfoDelivery === "push" ? "info" : "warn"}>{words(`delivery.${p.reissueInfoDelivery}`)}</Badge>
                </p>
              </div>
              <SimpleForm
                action={setContractStatusAction.bind(null, p.id)}
                idPrefix={`contract-${p.companyId}`}
                ariaLabel={t("contractLabel", { name: p.name })}
                submitLabel={t("changeContract")}
                fields={[
                  {
                    kind: "select",
                    name: "status",
                    label: t("contractStatus"),
                    defaultValue: p.contractStatus,
                    options: [
                      { value: "active", label: t("statuses.active") },
                      { value: "suspended", label: t("statuses.suspended") },
                      { value: "terminated", label: t("statuses.terminated") },
                    ],
                  },
                  { kind: "textarea", name: "reason", label: t("reason") },
                ]}
              />
              <SimpleForm
                action={setReissueDeliveryAction.bind(null, p.id)}
                idPrefix={`delivery-${p.companyId}`}
                ariaLabel={t("deliveryLabel", { name: p.name })}
                submitLabel={t("saveDelivery")}
                fields={[
                  {
                    kind: "select",
                    name: "delivery",
                    label: t("delivery"),
                    defaultValue: p.reissueInfoDelivery,
                    hint: t("deliveryHint"),
                    options: [
                      { value: "push", label: t("push") },
                      { value: "pull", label: t("pull") },
                    ],
                  },
                ]}
              />
            </section>
            <h3 className="mt-6 mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">{t("applications")}</h3>
            <Table
              head={[t("col.application"), t("col.aid"), t("col.kind"), t("col.version"), t("col.hash"), t("col.onCards"), t("col.status"), t("col.decision")]}
              caption={t("appsCaption", { name: p.name })}
              empty={t("noApps")}
            >
              {p.applications.map((a) => (
                <tr key={a.id}>
                  <Td>{a.name}</Td>
                  <Td mono>{a.aid}</Td>
                  <Td>{a.kind === "transit" || a.kind === "loyalty" || a.kind === "credit" ? words(`appKind.${a.kind}`) : a.kind}</Td>
                  <Td>{a.version}</Td>
                  <Td mono>
                    <span title={a.loadFileHash}>{a.loadFileHash.slice(0, 16)}…</span>
                  </Td>
                  <Td>{a.cardsLoaded.isEstimate ? t("about", { count: shownTotal(a.cardsLoaded) }) : format.number(a.cardsLoaded.count)}</Td>
                  <Td>
                    <StatusBadge status={a.status} />
                  </Td>
                  <Td className="min-w-[22rem] whitespace-normal">
                    <SimpleForm
                      inline
                      action={setApplicationStatusAction.bind(null, a.id, a.status === "approved" ? "revoked" : "approved")}
                      idPrefix={`app-${a.aid}`}
                      ariaLabel={a.status === "approved" ? t("revokeLabel", { name: a.name }) : t("approveLabel", { name: a.name })}
                      submitLabel={a.status === "approved" ? t("revoke") : a.status === "revoked" ? t("reinstate") : t("approve")}
                      variant={a.status === "approved" ? "danger" : "good"}
                      fields={[{ kind: "text", name: "reason", label: t("reason"), width: "w-56" }]}
                    />
                  </Td>
                </tr>
              ))}
            </Table>
            <details className="mt-4">
              <summary className="cursor-pointer text-sm font-medium text-slate-700">{t("registerLabel", { name: p.name })}</summary>
              <div className="mt-3 max-w-xl">
                <SimpleForm
                  action={registerApplicationAction.bind(null, p.id)}
                  idPrefix={`register-${p.companyId}`}
                  ariaLabel={t("registerLabel", { name: p.name })}
                  submitLabel={t("register")}
                  fields={[
                    { kind: "text", name: "aid", label: t("col.aid"), placeholder: "F0524300010003" },
                    { kind: "text", name: "name", label: t("name") },
                    {
                      kind: "select",
                      name: "kind",
                      label: t("col.kind"),
                      options: [
                        { value: "transit", label: t("kinds.transit") },
                        { value: "loyalty", label: t("kinds.loyalty") },
                        { value: "credit", label: t("kinds.credit") },
                      ],
                    },
                    { kind: "text", name: "version", label: t("col.version"), defaultValue: "1" },
                    { kind: "text", name: "loadFileHash", label: t("col.hash"), hint: t("hashHint") },
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
