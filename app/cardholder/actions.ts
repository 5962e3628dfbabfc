"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { describeLeaseRefusal } from "@/lib/core/lease-words";
import { deliverHotList, reportFormSchema } from "@/lib/server/actions/reissue-report";
import { cardholderForm } from "@/lib/server/actions/portal-action";
import { presentMyCard, reportMyCard, withdrawMyReport } from "@/lib/server/data/cardholder/reissue";
import type { WithdrawState } from "@/components/cardholder/withdraw-form";
import { activateCard } from "@/lib/server/data/issuer/activation";
import type { FormState } from "@/components/issuer/simple-form";
import { endLeaseByCardholder } from "@/lib/server/data/card-lease";
import type { EndLeaseState } from "@/components/cardholder/card-at-desk";
import type { PresentState } from "@/components/cardholder/present-card";
import type { ReportState } from "@/components/cardholder/report-form";

const REFUSALS = [
  "not-found",
  "not-in-hand",
  "card-terminated",
  "already-pending",
  "already-decided",
  "reason-required",
  "not-withdrawable",
  "already-reissued",
  "window-closed",
  "not-waiting",
  "card-at-desk",
] as const;

/** A refusal of the domain, in the reader's language: its code and parameters, never its stored English. */
async function refusal(error: { code: string; params?: { windowDays?: number } }): Promise<string> {
  const t = await getTranslations("cardholder.refusals");
  const code = REFUSALS.find((c) => c === error.code);
  if (!code) return t("other", { code: error.code });
  return code === "window-closed" ? t(code, { windowDays: error.params?.windowDays ?? 0 }) : t(code);
}

/** Steps 401/801: the cardholder reports a card lost, stolen or damaged and asks for a new one. */
export const reportCardAction = cardholderForm({
  name: "cardholder.report",
  schema: reportFormSchema,
  run: async ({ actor, input }, cardUuid: string): Promise<ReportState> => {
    const result = await reportMyCard(actor, { cardUuid, reason: input.reason, statement: input.statement });
    if (!result.ok) return { message: await refusal(result.error) };
    await deliverHotList(result.value.outboxIds, "cardholder");
    redirect(`/cardholder?reported=${result.value.requestNo}`);
  },
});

/** Reinstate: the cardholder found the card and withdraws the lost/stolen report. */
export const withdrawReportAction = cardholderForm({
  name: "cardholder.withdraw",
  schema: async () => {
    const t = await getTranslations("cardholder.withdraw.errors");
    return z.object({
      reason: z
        .string({ error: t("short") })
        .trim()
        .min(5, t("short"))
        .max(500, t("long")),
    });
  },
  run: async ({ actor, input }, requestId: string): Promise<WithdrawState> => {
    const result = await withdrawMyReport(actor, requestId, input.reason);
    if (!result.ok) return { message: await refusal(result.error) };
    await deliverHotList(result.value.outboxIds, "cardholder");
    redirect(`/cardholder?withdrawn=${result.value.requestNo}`);
  },
});

/** A one-time presentation code: the cardholder shows it at a desk instead of handing over the plastic. */
export const presentCardAction = cardholderForm({
  name: "cardholder.present",
  run: async ({ actor }, cardUuid: string): Promise<PresentState> => {
    const result = await presentMyCard(actor, cardUuid);
    if (!result.ok) return { message: await refusal(result.error) };
    return { code: result.value.code, expiresAt: result.value.expiresAt.toISOString(), last4: result.value.last4 };
  },
});

/** The cardholder has the new card in hand and activates it: the card it replaces stops working now. */
export const activateCardAction = cardholderForm({
  name: "cardholder.activate",
  run: async ({ actor }, cardUuid: string): Promise<FormState> => {
    const result = await activateCard(
      { kind: "cardholder", userId: actor.id, label: `${actor.name} (cardholder)`, cardholderId: actor.cardholderId },
      cardUuid,
    );
    if (!result.ok) return { message: await refusal(result.error) };
    redirect(`/cardholder?activated=${result.value.last4}`);
  },
});

/** The cardholder takes the card back from the desk that holds it (the desk's next APDU is refused). */
export const endCardLeaseAction = cardholderForm({
  name: "cardholder.end-lease",
  run: async ({ actor }, leaseId: string): Promise<EndLeaseState> => {
    const words = await getTranslations("provider.lease");
    const id = z.uuid().safeParse(leaseId);
    if (!id.success) return { message: describeLeaseRefusal({ code: "no-lease" }, words) };
    const ended = await endLeaseByCardholder(actor, id.data);
    if (!ended.ok) return { message: describeLeaseRefusal(ended.error, words) };
    revalidatePath("/cardholder");
    return { ended: true };
  },
});
