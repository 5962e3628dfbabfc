"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { multiLineText } from "@/lib/validation/fields";
import { REISSUE_REASONS } from "@/lib/core/workflows/reissue";
import { describeLeaseRefusal } from "@/lib/core/lease-words";
import { authorize } from "@/lib/server/auth/session";
import { presentMyCard, reportMyCard, withdrawMyReport } from "@/lib/server/data/cardholder/reissue";
import { deliverNow, deliverSoon } from "@/lib/server/exchange/delivery";
import type { WithdrawState } from "@/components/cardholder/withdraw-form";
import { activateCard } from "@/lib/server/data/issuer/activation";
import type { FormState } from "@/components/issuer/simple-form";
import { endLeaseByCardholder } from "@/lib/server/data/card-lease";
import type { EndLeaseState } from "@/components/cardholder/card-at-desk";
import type { PresentState } from "@/components/cardholder/present-card";
import type { ReportState } from "@/components/cardholder/report-form";

/** The report's fields, with their messages in the reader's language. */
async function reportSchema() {
  const t = await getTranslations("cardholder.reportForm.errors");
  return z.object({
    reason: z.enum(REISSUE_REASONS, { error: t("reason") }),
    statement: multiLineText(500, t("statementLong")).optional(),
    confirm: z.literal("yes", { error: t("confirm") }),
  });
}

/** Steps 401/801: the cardholder reports a card lost, stolen or damaged and asks for a new one. */
export async function reportCardAction(cardUuid: string, _prev: ReportState, formData: FormData): Promise<ReportState> {
  const auth = await authorize("cardholder");
  if (!auth.ok) return { message: auth.refusal.message };
  const parsed = (await reportSchema()).safeParse({
    reason: formData.get("reason") ?? undefined,
    statement: formData.get("statement") || undefined,
    confirm: formData.get("confirm") ?? undefined,
  });
  if (!parsed.success) return { fieldErrors: z.flattenError(parsed.error).fieldErrors };
  const result = await reportMyCard(auth.actor, { cardUuid, reason: parsed.data.reason, statement: parsed.data.statement });
  if (!result.ok) return { message: result.error.message };
  await deliverHotList(result.value.outboxIds);
  redirect(`/cardholder?reported=${result.value.requestNo}`);
}

/** Hot list messages go out at once; if a provider is unreachable the queue retries. */
async function deliverHotList(outboxIds: string[]): Promise<void> {
  try {
    await deliverNow(outboxIds);
  } catch (e) {
    console.warn(`[cardholder] hot list delivery deferred: ${(e as Error).message}`);
    deliverSoon(outboxIds);
  }
}

async function withdrawSchema() {
  const t = await getTranslations("cardholder.withdraw.errors");
  return z.object({ reason: z.string().trim().min(5, t("short")).max(500, t("long")) });
}

/** Reinstate: the cardholder found the card and withdraws the lost/stolen report. */
export async function withdrawReportAction(requestId: string, _prev: WithdrawState, formData: FormData): Promise<WithdrawState> {
  const auth = await authorize("cardholder");
  if (!auth.ok) return { message: auth.refusal.message };
  const parsed = (await withdrawSchema()).safeParse({ reason: formData.get("reason") ?? "" });
  if (!parsed.success) return { fieldErrors: z.flattenError(parsed.error).fieldErrors };
  const result = await withdrawMyReport(auth.actor, requestId, parsed.data.reason);
  if (!result.ok) return { message: result.error.message };
  await deliverHotList(result.value.outboxIds);
  redirect(`/cardholder?withdrawn=${result.value.requestNo}`);
}

/** A one-time presentation code: the cardholder shows it at a desk instead of handing over the plastic. */
export async function presentCardAction(cardUuid: string, _prev: PresentState, _formData: FormData): Promise<PresentState> {
  const auth = await authorize("cardholder");
  if (!auth.ok) return { message: auth.refusal.message };
  const result = await presentMyCard(auth.actor, cardUuid);
  if (!result.ok) return { message: result.error.message };
  return { code: result.value.code, expiresAt: result.value.expiresAt.toISOString(), last4: result.value.last4 };
}

/** The cardholder has the new card in hand and activates it: the card it replaces stops working now. */
export async function activateCardAction(cardUuid: string, _prev: FormState, _formData: FormData): Promise<FormState> {
  const auth = await authorize("cardholder");
  if (!auth.ok) return { message: auth.refusal.message };
  const result = await activateCard(
    { kind: "cardholder", userId: auth.actor.id, label: `${auth.actor.name} (cardholder)`, cardholderId: auth.actor.cardholderId },
    cardUuid,
  );
  if (!result.ok) return { message: result.error.message };
  redirect(`/cardholder?activated=${result.value.last4}`);
}

/** The cardholder takes the card back from the desk that holds it (the desk's next APDU is refused). */
export async function endCardLeaseAction(leaseId: string, _prev: EndLeaseState, _formData: FormData): Promise<EndLeaseState> {
  const auth = await authorize("cardholder");
  if (!auth.ok) return { message: auth.refusal.message };
  const id = z.uuid().safeParse(leaseId);
  if (!id.success) return { message: describeLeaseRefusal({ code: "no-lease" }) };
  const ended = await endLeaseByCardholder(auth.actor, id.data);
  if (!ended.ok) return { message: describeLeaseRefusal(ended.error) };
  revalidatePath("/cardholder");
  return { ended: true };
}
