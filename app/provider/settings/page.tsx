import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";
import { Badge } from "@/components/ui/badge";
import { PageHeader, Panel } from "@/components/ui/panel";
import { Table, Td } from "@/components/ui/table";
import { formatInstant, formatMoney } from "@/lib/core/format";
import { requirePortal } from "@/lib/server/auth/session";
import { calendarDateIn } from "@/lib/core/fees";
import { getCreditPolicy } from "@/lib/server/data/provider/credit-policy";
import { listFeeSchedules } from "@/lib/server/data/provider/fees";
import { getDeliveryMode } from "@/lib/server/data/provider/delivery-mode";
import { FeeChangeForm, WithdrawFeeButton } from "./fee-forms";
import { PolicyForm } from "./policy-form";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const actor = await requirePortal("provider", "/provider/settings");
  const now = new Date();
  const [policy, fees, delivery, t, format] = await Promise.all([
    getCreditPolicy(actor),
    listFeeSchedules(actor, now),
    getDeliveryMode(actor),
    getTranslations("provider.settings"),
    getFormatter(),
  ]);
  return (
    <>
      <PageHeader
        title="Settings"
        description="Our examination policy and the fees we charge users. A reload on a reissued card reuses the examination made under the policy in force then (claim 12)."
      />
      <Panel title={t("delivery.title")} className="mb-6">
        <div className="text-sm" data-testid="delivery-mode">
          {delivery ? (
            <>
              <p>
                <Badge tone="info">{t("delivery.mode", { delivery: delivery.delivery })}</Badge>{" "}
                {delivery.delivery === "push" ? t("delivery.push") : t("delivery.pull")}
              </p>
              <p className="mt-1 text-xs text-slate-500">
                {t.rich("delivery.since", {
                  since: format.dateTime(delivery.effectiveAt, "dateTime"),
                  receivedAt: format.dateTime(delivery.receivedAt, "dateTime"),
                  messageId: delivery.messageId,
                  code: (chunks) => <span className="font-mono">{chunks}</span>,
                })}
              </p>
            </>
          ) : (
            <p className="text-slate-600">{t("delivery.none")}</p>
          )}
        </div>
      </Panel>
      <Panel
        title={
          <span>
            Credit policy <Badge tone="info">{policy.version}</Badge>
          </span>
        }
        className="mb-6"
      >
        <p className="mb-4 text-xs text-slate-500">Last changed {policy.updatedAt.getTime() > 0 ? formatInstant(policy.updatedAt) : "never"}.</p>
        <PolicyForm policy={policy} />
      </Panel>
      <Panel title="Our fees to users (claim 14)" className="mb-6">
        <p className="mb-4 text-xs text-slate-500">
          What the desk charges a cardholder for each load: the normal fee for a first load, the reissue fee for a reload on a reissued card. A load is charged
          at the fees in force when its receipt is recorded; charges already made keep their amount.
        </p>
        <Table caption="Fees to users" head={["Application", "Normal fee", "Reissue fee", "In force since", "Changes to come"]}>
          {fees.applications.map((a) => (
            <tr key={a.aid}>
              <Td>
                <span className="block font-medium">{a.name}</span>
                <span className="block font-mono text-xs text-slate-500">{a.aid}</span>
              </Td>
              <Td className="text-right tabular-nums">{a.current ? formatMoney(a.current.normalFeeMinor, a.current.currency) : "not set"}</Td>
              <Td className="text-right tabular-nums">{a.current ? formatMoney(a.current.reissueFeeMinor, a.current.currency) : "not set"}</Td>
              <Td>{a.current ? formatInstant(a.current.validFrom) : "never"}</Td>
              <Td>
                {a.upcoming.length === 0 ? (
                  <span className="text-slate-500">none</span>
                ) : (
                  <ul className="space-y-1">
                    {a.upcoming.map((u) => (
                      <li key={u.id} className="flex flex-wrap items-center gap-2">
                        <span>
                          From {formatInstant(u.validFrom)}: {formatMoney(u.normalFeeMinor, u.currency)} / {formatMoney(u.reissueFeeMinor, u.currency)}
                          {u.createdBy ? <span className="text-xs text-slate-500"> (by {u.createdBy})</span> : null}
                        </span>
                        <WithdrawFeeButton id={u.id} label={`Withdraw the ${a.name} change from ${formatInstant(u.validFrom)}`} />
                      </li>
                    ))}
                  </ul>
                )}
              </Td>
            </tr>
          ))}
        </Table>
        {fees.applications.some((a) => a.past.length > 0) && (
          <details className="mt-4 text-sm">
            <summary className="cursor-pointer text-slate-700">Earlier fees</summary>
            <Table caption="Earlier fees" head={["Application", "From", "Normal fee", "Reissue fee", "Set by"]}>
              {fees.applications.flatMap((a) =>
                a.past.map((p) => (
                  <tr key={p.id}>
                    <Td>{a.name}</Td>
                    <Td>{formatInstant(p.validFrom)}</Td>
                    <Td className="text-right tabular-nums">{formatMoney(p.normalFeeMinor, p.currency)}</Td>
                    <Td className="text-right tabular-nums">{formatMoney(p.reissueFeeMinor, p.currency)}</Td>
                    <Td>{p.createdBy ?? "initial schedule"}</Td>
                  </tr>
                )),
              )}
            </Table>
          </details>
        )}
      </Panel>
      <Panel title="Change our fees">
        <FeeChangeForm applications={fees.applications.map((a) => ({ aid: a.aid, name: a.name }))} today={calendarDateIn(now, fees.timeZone)} />
      </Panel>
    </>
  );
}
