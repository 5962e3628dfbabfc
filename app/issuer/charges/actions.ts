"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { multiLineText, requiredNumber } from "@/lib/validation/fields";
import type { FormState } from "@/components/issuer/simple-form";
import { authorize } from "@/lib/server/auth/session";
import { issueMonthlyStatement, setFeeSchedule } from "@/lib/server/data/issuer/charges";
import { deliverNow, deliverSoon } from "@/lib/server/exchange/delivery";

const Fee = requiredNumber(z.number().int("Whole yen only.").min(0, "Not negative.").max(1_000_000, "At most ¥1,000,000."), "Enter an amount.");
const FeeSchema = z.object({
  normalLoadFeeMinor: Fee,
  reissueReloadFeeMinor: Fee,
  reason: multiLineText(500).pipe(z.string().min(5, "Say why the fee changes.")),
});

/** Claim 13: a new schedule with a normal-load fee and a distinct reissue-reload fee, from now on. */
export async function setFeeAction(providerId: string, applicationId: string | null, _prev: FormState, formData: FormData): Promise<FormState> {
  const auth = await authorize("issuer");
  if (!auth.ok) return { message: auth.refusal.message };
  const parsed = FeeSchema.safeParse({
    normalLoadFeeMinor: formData.get("normalLoadFeeMinor"),
    reissueReloadFeeMinor: formData.get("reissueReloadFeeMinor"),
    reason: formData.get("reason") ?? "",
  });
  if (!parsed.success) return { fieldErrors: z.flattenError(parsed.error).fieldErrors };
  const { reason, ...fees } = parsed.data;
  const result = await setFeeSchedule(auth.actor, { providerId, applicationId, currency: "JPY", ...fees }, reason);
  if (!result.ok) return { message: result.error.message };
  revalidatePath("/issuer/charges");
  return { ok: true, message: "New fees apply to loads confirmed from now on." };
}

const StatementSchema = z.object({
  providerId: z.uuid({ error: "Choose a provider." }),
  period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "Choose a month."),
});

/** Monthly statement(s) to a provider, sent as charge-statement messages (one per platform type). */
export async function issueStatementAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const auth = await authorize("issuer");
  if (!auth.ok) return { message: auth.refusal.message };
  const parsed = StatementSchema.safeParse({ providerId: formData.get("providerId"), period: formData.get("period") });
  if (!parsed.success) return { fieldErrors: z.flattenError(parsed.error).fieldErrors };
  const result = await issueMonthlyStatement(auth.actor, parsed.data.providerId, parsed.data.period);
  if (!result.ok) return { message: result.error.message };
  await deliverNow(result.value.outboxIds).catch(() => deliverSoon(result.value.outboxIds));
  revalidatePath("/issuer/charges");
  const parts = result.value.statements.map((s) => `platform ${s.platformType}: ${s.lines} line${s.lines === 1 ? "" : "s"}, ${s.messageId}`);
  return { ok: true, message: `Statement sent for ${parsed.data.period} (${parts.join("; ")}).` };
}
