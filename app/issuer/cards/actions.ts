"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { multiLineText } from "@/lib/validation/fields";
import type { IssueState } from "@/components/issuer/issue-card-form";
import type { ReportState } from "@/components/cardholder/report-form";
import { REISSUE_REASONS } from "@/lib/core/workflows/reissue";
import { authorize } from "@/lib/server/auth/session";
import { issueNewCard } from "@/lib/server/data/issuer/issuance";
import { activateCard } from "@/lib/server/data/issuer/activation";
import type { WithdrawState } from "@/components/cardholder/withdraw-form";
import { fileReissueRequest, issuePermanentCard, withdrawReissueRequest } from "@/lib/server/data/issuer/reissue";
import { deliverNow, deliverSoon } from "@/lib/server/exchange/delivery";
import type { FormState } from "@/components/issuer/simple-form";
import { operator } from "@/lib/server/data/issuer/shared";
import { terminateChipInHand } from "@/lib/server/data/issuer/chip";

const ReportSchema = z.object({
  reason: z.enum(REISSUE_REASONS, { error: "Choose what happened to the card." }),
  statement: multiLineText(500).optional(),
  confirm: z.literal("yes", { error: "Confirm the report to continue." }),
});

/** Steps 401/801 by an operator on the cardholder's behalf (a phone call, a branch visit). */
export async function reportOnBehalfAction(cardUuid: string, _prev: ReportState, formData: FormData): Promise<ReportState> {
  const auth = await authorize("issuer");
  if (!auth.ok) return { message: auth.refusal.message };
  const parsed = ReportSchema.safeParse({
    reason: formData.get("reason") ?? undefined,
    statement: formData.get("statement") || undefined,
    confirm: formData.get("confirm") ?? undefined,
  });
  if (!parsed.success) return { fieldErrors: z.flattenError(parsed.error).fieldErrors };
  const who = operator(auth.actor);
  const result = await fileReissueRequest(
    { kind: "operator", userId: who.id, label: who.label },
    { cardUuid, reason: parsed.data.reason, statement: parsed.data.statement },
  );
  if (!result.ok) return { message: result.error.message };
  await deliverHotList(result.value.outboxIds);
  redirect(`/issuer/cards/${cardUuid}?reported=${result.value.requestNo}${result.value.blocked ? "&blocked=1" : ""}`);
}

const IssueSchema = z.object({
  platformType: z.coerce.number().pipe(z.union([z.literal(100), z.literal(200)], { error: "Choose platform type 100 or 200." })),
});

/** Issues a new (first) card to a cardholder (DESIGN.md flow 1). */
export async function issueCardAction(cardholderId: string, _prev: IssueState, formData: FormData): Promise<IssueState> {
  const auth = await authorize("issuer");
  if (!auth.ok) return { message: auth.refusal.message };
  const parsed = IssueSchema.safeParse({ platformType: formData.get("platformType") });
  if (!parsed.success) return { fieldErrors: z.flattenError(parsed.error).fieldErrors };
  const result = await issueNewCard(auth.actor, cardholderId, parsed.data.platformType);
  if (!result.ok) return { message: result.error.message };
  revalidatePath(`/issuer/cardholders/${cardholderId}`);
  return {
    ok: true,
    message: `Card ending ${result.value.surfaceNumber.slice(-4)} personalised (platform ${result.value.platformType}) and delivered to the cardholder.`,
  };
}

/** Hot list messages go out at once; if a provider is unreachable the queue retries. */
async function deliverHotList(outboxIds: string[]): Promise<void> {
  try {
    await deliverNow(outboxIds);
  } catch (e) {
    console.warn(`[issuer] hot list delivery deferred: ${(e as Error).message}`);
    deliverSoon(outboxIds);
  }
}

const WithdrawSchema = z.object({
  reason: z.string().trim().min(5, "Say why the report is withdrawn (the audit log keeps it).").max(500, "Keep it under 500 characters."),
});

/** Reinstate by an operator: the cardholder found the card; the report is withdrawn and the card unblocked. */
export async function withdrawOnBehalfAction(requestId: string, _prev: WithdrawState, formData: FormData): Promise<WithdrawState> {
  const auth = await authorize("issuer");
  if (!auth.ok) return { message: auth.refusal.message };
  const parsed = WithdrawSchema.safeParse({ reason: formData.get("reason") ?? "" });
  if (!parsed.success) return { fieldErrors: z.flattenError(parsed.error).fieldErrors };
  const who = operator(auth.actor);
  const result = await withdrawReissueRequest({ kind: "operator", userId: who.id, label: who.label }, requestId, parsed.data.reason);
  if (!result.ok) return { message: result.error.message };
  await deliverHotList(result.value.outboxIds);
  redirect(`/issuer/cards/${result.value.cardUuid}?withdrawn=${result.value.requestNo}`);
}

/** The permanent card replacing a temporary one (waits for the cardholder's activation). */
export async function issuePermanentCardAction(temporaryCardUuid: string, _prev: FormState, _formData: FormData): Promise<FormState> {
  const auth = await authorize("issuer");
  if (!auth.ok) return { message: auth.refusal.message };
  const result = await issuePermanentCard(auth.actor, temporaryCardUuid);
  if (!result.ok) return { message: result.error.message };
  deliverSoon(result.value.outboxIds);
  revalidatePath(`/issuer/cards/${temporaryCardUuid}`);
  // The temporary card's page no longer offers the form (it is replaced): show the new card instead.
  redirect(`/issuer/cards/${result.value.reissuedCardUuid}?permanent=1`);
}

/**
 * Activation at the issuer's desk: the cardholder is there with the new card in hand (the operator
 * sees it), as an alternative to activating it in the portal. Ends the card it replaces.
 */
export async function activateCardAtDeskAction(cardUuid: string, _prev: FormState, _formData: FormData): Promise<FormState> {
  const auth = await authorize("issuer");
  if (!auth.ok) return { message: auth.refusal.message };
  const result = await activateCard({ kind: "operator", userId: auth.actor.id, label: operator(auth.actor).label }, cardUuid);
  if (!result.ok) return { message: result.error.message };
  revalidatePath(`/issuer/cards/${cardUuid}`);
  // The form disappears with the `issued` status: the confirmation travels in the address.
  redirect(`/issuer/cards/${cardUuid}?activated=1`);
}

/** A damaged card handed in: its chip is terminated at the issuer's reader (SET STATUS TERMINATED). */
export async function terminateChipAction(cardUuid: string, _prev: FormState, _formData: FormData): Promise<FormState> {
  const auth = await authorize("issuer");
  if (!auth.ok) return { message: auth.refusal.message };
  const result = await terminateChipInHand(auth.actor, cardUuid);
  if (!result.ok) return { message: result.error.message };
  revalidatePath(`/issuer/cards/${cardUuid}`);
  return {
    ok: true,
    message: result.value.alreadyTerminated
      ? "The chip was already terminated."
      : `Chip terminated (SET STATUS TERMINATED under ${result.value.messageId}): it refuses every command now.`,
  };
}
