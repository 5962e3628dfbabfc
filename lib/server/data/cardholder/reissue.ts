import "server-only";
import type { ReissueReason } from "@/lib/core/workflows/reissue";
import type { CardholderActor } from "../../auth/session";
import { createPresentation } from "../wallet";
import { fileReissueRequest, withdrawReissueRequest, type ReissueResult, type ReportFiled, type Withdrawal } from "../issuer/reissue";
import { getMyCard } from "./cards";

/**
 * Steps 401/801 from the self-service portal: the cardholder reports one of their own cards. The
 * card is scoped by the session's cardholder id; another cardholder's card reads as not found.
 */
export async function reportMyCard(
  actor: CardholderActor,
  input: { cardUuid: string; reason: ReissueReason; statement?: string | null },
  now = new Date(),
): Promise<ReissueResult<ReportFiled>> {
  return fileReissueRequest(reporterOf(actor), input, now);
}

const reporterOf = (actor: CardholderActor) => ({
  kind: "cardholder" as const,
  userId: actor.id,
  label: `${actor.name} (cardholder, ${actor.email})`,
  cardholderId: actor.cardholderId,
});

/** Reinstate from the self-service portal: only the cardholder's own report (another's reads as not found). */
export async function withdrawMyReport(actor: CardholderActor, requestId: string, reason: string, now = new Date()): Promise<ReissueResult<Withdrawal>> {
  return withdrawReissueRequest(reporterOf(actor), requestId, reason, now);
}

export type PresentResult = { ok: true; value: { code: string; expiresAt: Date; last4: string } } | { ok: false; error: { code: string; message: string } };

/** A one-time code to present one of the cardholder's cards at a desk (standing in for the plastic). */
export async function presentMyCard(actor: CardholderActor, cardUuid: string, now = new Date()): Promise<PresentResult> {
  const card = await getMyCard(actor, cardUuid);
  if (!card) return { ok: false, error: { code: "not-found", message: "You have no such card." } };
  if (card.status === "terminated") return { ok: false, error: { code: "not-in-hand", message: "This card has been replaced; present your new card." } };
  const created = await createPresentation(actor, card.surfaceNumber, now);
  if (!created.ok) return created;
  return { ok: true, value: { ...created.value, last4: card.surfaceNumber.slice(-4) } };
}
