import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";
import { Badge } from "@/components/ui/badge";
import { PageHeader, Panel } from "@/components/ui/panel";
import { Table, Td } from "@/components/ui/table";
import { getLocale } from "next-intl/server";
import { formatMoney } from "@/lib/core/format";
import { requirePortal } from "@/lib/server/auth/session";
import { calendarDateIn } from "@/lib/core/fees";
import { getCreditPolicy } from "@/lib/server/data/provider/credit-policy";
import { listFeeSchedules } from "@/lib/server/data/provider/fees";
import { getDeliveryMode } from "@/lib/server/data/provider/delivery-mode";
import { FeeChangeForm, WithdrawFeeButton } from "./fee-forms";
import { PolicyForm } from "./policy-form";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("provider.settings"))("title") };
}

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
  const locale = await getLocale();
  const money = (minor: number, currency: string) => formatMoney(minor, currency, locale);
  const when = (d: Date) => format.dateTime(d, "dateTime");
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
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
                  code: (chunks) => (
                    <span className="font-mono" translate="no">
                      {chunks}
                    </span>
                  ),
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
            {t("policy.title")} <Badge tone="info">{policy.version}</Badge>
          </span>
        }
        className="mb-6"
      >
        <p className="mb-4 text-xs text-slate-500">
          {policy.updatedAt.getTime() > 0 ? t("policy.lastChanged", { at: when(policy.updatedAt) }) : t("policy.neverChanged")}
        </p>
        <PolicyForm policy={policy} />
      </Panel>
      <Panel title={t("fees.title")} className="mb-6">
        <p className="mb-4 text-xs text-slate-500">{t("fees.intro")}</p>
        <Table
          caption={t("fees.caption")}
          head={[t("fees.head.application"), t("fees.head.normalFee"), t("fees.head.reissueFee"), t("fees.head.since"), t("fees.head.upcoming")]}
        >
          {fees.applications.map((a) => (
            <tr key={a.aid}>
              <Td>
                <span className="block font-medium">{a.name}</span>
                <span className="block font-mono text-xs text-slate-500" translate="no">
                  {a.aid}
                </span>
              </Td>
              <Td className="text-right tabular-nums">{a.current ? money(a.current.normalFeeMinor, a.current.currency) : t("fees.notSet")}</Td>
              <Td className="text-right tabular-nums">{a.current ? money(a.current.reissueFeeMinor, a.current.currency) : t("fees.notSet")}</Td>
              <Td>{a.current ? when(a.current.validFrom) : t("fees.never")}</Td>
              <Td>
                {a.upcoming.length === 0 ? (
                  <span className="text-slate-500">{t("fees.none")}</span>
                ) : (
                  <ul className="space-y-1">
                    {a.upcoming.map((u) => (
                      <li key={u.id} className="flex flex-wrap items-center gap-2">
                        <span>
                          {t("fees.from", {
                            at: when(u.validFrom),
                            normal: money(u.normalFeeMinor, u.currency),
                            reissue: money(u.reissueFeeMinor, u.currency),
                          })}
                          {u.createdBy ? (
                            <span className="text-xs text-slate-500">
                              {" "}
                              {t.rich("fees.by", { by: u.createdBy, who: (chunks) => <span translate="no">{chunks}</span> })}
                            </span>
                          ) : null}
                        </span>
                        <WithdrawFeeButton id={u.id} label={t("fees.withdrawLabel", { name: a.name, at: when(u.validFrom) })} />
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
            <summary className="cursor-pointer text-slate-700">{t("fees.earlier")}</summary>
            <Table
              caption={t("fees.earlier")}
              head={[t("fees.head.application"), t("fees.head.from"), t("fees.head.normalFee"), t("fees.head.reissueFee"), t("fees.head.setBy")]}
            >
              {fees.applications.flatMap((a) =>
                a.past.map((p) => (
                  <tr key={p.id}>
                    <Td>{a.name}</Td>
                    <Td>{when(p.validFrom)}</Td>
                    <Td className="text-right tabular-nums">{money(p.normalFeeMinor, p.currency)}</Td>
                    <Td className="text-right tabular-nums">{money(p.reissueFeeMinor, p.currency)}</Td>
                    <Td>{p.createdBy ? <span translate="no">{p.createdBy}</span> : t("fees.initial")}</Td>
                  </tr>
                )),
              )}
            </Table>
          </details>
        )}
      </Panel>
      <Panel title={t("fees.change")}>
        <FeeChangeForm applications={fees.applications.map((a) => ({ aid: a.aid, name: a.name }))} today={calendarDateIn(now, fees.timeZone)} />
      </Panel>
    </>
  );
}
