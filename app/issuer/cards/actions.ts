"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { z } from "zod";
import type { IssueState } from "@/components/issuer/issue-card-form";
import type { ReportState } from "@/components/cardholder/report-form";
import { issuerForm } from "@/lib/server/actions/portal-action";
import { deliverSoon } from "@/lib/server/exchange/delivery";
import { deliverHotList, reportFormSchema } from "@/lib/server/actions/reissue-report";
import { issuerRefusal } from "@/lib/server/actions/issuer-refusal";
import { issueNewCard } from "@/lib/server/data/issuer/issuance";
import { activateCard } from "@/lib/server/data/issuer/activation";
import type { WithdrawState } from "@/components/cardholder/withdraw-form";
import { fileReissueRequest, issuePermanentCard, withdrawReissueRequest } from "@/lib/server/data/issuer/reissue";
import type { FormState } from "@/components/issuer/simple-form";
import { operator } from "@/lib/server/data/issuer/shared";
import { terminateChipInHand } from "@/lib/server/data/issuer/chip";

/** Steps 401/801 by an operator on the cardholder's behalf (a phone call, a branch visit). */
export const reportOnBehalfAction = issuerForm({
  name: "issuer.report-on-behalf",
  schema: reportFormSchema,
  run: async ({ actor, input }, cardUuid: string): Promise<ReportState> => {
    const who = operator(actor);
    const result = await fileReissueRequest(
      { kind: "operator", userId: who.id, label: who.label },
      { cardUuid, reason: input.reason, statement: input.statement },
    );
    if (!result.ok) return { message: await issuerRefusal(result.error) };
    await deliverHotList(result.value.outboxIds, "issuer");
    redirect(`/issuer/cards/${cardUuid}?reported=${result.value.requestNo}${result.value.blocked ? "&blocked=1" : ""}`);
  },
});

/** Issues a new (first) card to a cardholder (DESIGN.md flow 1). */
export const issueCardAction = issuerForm({
  name: "issuer.issue-card",
  schema: async () => {
    const t = await getTranslations("issuer.errors");
    return z.object({
      platformType: z.coerce.number({ error: t("platformType") }).pipe(z.union([z.literal(100), z.literal(200)], { error: t("platformType") })),
    });
  },
  run: async ({ actor, input }, cardholderId: string): Promise<IssueState> => {
    const result = await issueNewCard(actor, cardholderId, input.platformType);
    if (!result.ok) return { message: await issuerRefusal(result.error) };
    revalidatePath(`/issuer/cardholders/${cardholderId}`);
    const t = await getTranslations("issuer.actions");
    return { ok: true, message: t("cardIssued", { last4: result.value.surfaceNumber.slice(-4), platformType: result.value.platformType }) };
  },
});

/** Reinstate by an operator: the cardholder found the card; the report is withdrawn and the card unblocked. */
export const withdrawOnBehalfAction = issuerForm({
  name: "issuer.withdraw-on-behalf",
  schema: async () => {
    const t = await getTranslations("issuer.errors");
    return z.object({
      reason: z
        .string({ error: t("withdrawReason") })
        .trim()
        .min(5, t("withdrawReason"))
        .max(500, t("tooLong", { max: 500 })),
    });
  },
  run: async ({ actor, input }, requestId: string): Promise<WithdrawState> => {
    const who = operator(actor);
    const result = await withdrawReissueRequest({ kind: "operator", userId: who.id, label: who.label }, requestId, input.reason);
    if (!result.ok) return { message: await issuerRefusal(result.error) };
    await deliverHotList(result.value.outboxIds, "issuer");
    redirect(`/issuer/cards/${result.value.cardUuid}?withdrawn=${result.value.requestNo}`);
  },
});

/** The permanent card replacing a temporary one (waits for the cardholder's activation). */
export const issuePermanentCardAction = issuerForm({
  name: "issuer.issue-permanent",
  run: async ({ actor }, temporaryCardUuid: string): Promise<FormState> => {
    const result = await issuePermanentCard(actor, temporaryCardUuid);
    if (!result.ok) return { message: await issuerRefusal(result.error) };
    deliverSoon(result.value.outboxIds);
    revalidatePath(`/issuer/cards/${temporaryCardUuid}`);
    // The temporary card's page no longer offers the form (it is replaced): show the new card instead.
    redirect(`/issuer/cards/${result.value.reissuedCardUuid}?permanent=1`);
  },
});

/**
 * Activation at the issuer's desk: the cardholder is there with the new card in hand (the operator
 * sees it), as an alternative to activating it in the portal. Ends the card it replaces.
 */
export const activateCardAtDeskAction = issuerForm({
  name: "issuer.activate-at-desk",
  run: async ({ actor }, cardUuid: string): Promise<FormState> => {
    const result = await activateCard({ kind: "operator", userId: actor.id, label: operator(actor).label }, cardUuid);
    if (!result.ok) return { message: await issuerRefusal(result.error) };
    revalidatePath(`/issuer/cards/${cardUuid}`);
    // The form disappears with the `issued` status: the confirmation travels in the address.
    redirect(`/issuer/cards/${cardUuid}?activated=1`);
  },
});

/** A damaged card handed in: its chip is terminated at the issuer's reader (SET STATUS TERMINATED). */
export const terminateChipAction = issuerForm({
  name: "issuer.terminate-chip",
  run: async ({ actor }, cardUuid: string): Promise<FormState> => {
    const result = await terminateChipInHand(actor, cardUuid);
    if (!result.ok) return { message: await issuerRefusal(result.error) };
    revalidatePath(`/issuer/cards/${cardUuid}`);
    const t = await getTranslations("issuer.actions");
    return {
      ok: true,
      message: result.value.alreadyTerminated ? t("chipAlreadyTerminated") : t("chipTerminated", { messageId: result.value.messageId }),
    };
  },
});
