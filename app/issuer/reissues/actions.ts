"use server";
import { z } from "zod";
import { multiLineText } from "@/lib/validation/fields";
import type { DecisionState } from "@/components/issuer/decision-outcome";
import { authorize } from "@/lib/server/auth/session";
import { approveReissueRequest, rejectReissueRequest, type ReissueError } from "@/lib/server/data/issuer/reissue";
import { deliverNow, deliverSoon } from "@/lib/server/exchange/delivery";

const ApproveSchema = z.object({ overrideReason: multiLineText(500).optional(), temporary: z.literal("yes").optional() });
const RejectSchema = z.object({
  reason: multiLineText(500).pipe(z.string().min(5, "Tell the cardholder why (at least a few words).")),
});

function refused(error: ReissueError): DecisionState {
  return { refusal: { code: error.code, message: error.message, ...("decided" in error ? { decided: error.decided } : {}) } };
}

/**
 * Steps 503/903 (+505): approve; platform-100 notifications are delivered before the answer. The
 * answer is a code with parameters (who will reload, how they learn), worded by the queue.
 */
export async function approveReissueAction(requestId: string, _prev: DecisionState, formData: FormData): Promise<DecisionState> {
  const auth = await authorize("issuer");
  if (!auth.ok) return { message: auth.refusal.message, refusal: { code: auth.refusal.code, message: auth.refusal.message } };
  const parsed = ApproveSchema.safeParse({ overrideReason: formData.get("overrideReason") || undefined, temporary: formData.get("temporary") || undefined });
  if (!parsed.success) return { fieldErrors: z.flattenError(parsed.error).fieldErrors };
  const temporary = parsed.data.temporary === "yes";
  const result = await approveReissueRequest(auth.actor, requestId, { overrideReason: parsed.data.overrideReason, temporary });
  if (!result.ok) return refused(result.error);
  try {
    await deliverNow(result.value.outboxIds);
  } catch (e) {
    console.warn(`[issuer] notification delivery deferred: ${(e as Error).message}`);
    deliverSoon(result.value.outboxIds);
  }
  const v = result.value;
  return {
    ok: true,
    outcome: {
      code: "approved",
      requestNo: v.requestNo,
      cardholder: v.cardholderName,
      last4: v.surfaceNumber.slice(-4),
      temporary,
      platformType: v.platformType,
      reloaders: v.reloaders.map((r) => ({ name: r.name, learns: r.learns })),
    },
  };
}

/** Steps 504/904: reject with a reason the cardholder sees. */
export async function rejectReissueAction(requestId: string, _prev: DecisionState, formData: FormData): Promise<DecisionState> {
  const auth = await authorize("issuer");
  if (!auth.ok) return { message: auth.refusal.message, refusal: { code: auth.refusal.code, message: auth.refusal.message } };
  const parsed = RejectSchema.safeParse({ reason: formData.get("reason") ?? "" });
  if (!parsed.success) return { fieldErrors: z.flattenError(parsed.error).fieldErrors };
  const result = await rejectReissueRequest(auth.actor, requestId, parsed.data.reason);
  if (!result.ok) return refused(result.error);
  return { ok: true, outcome: { code: "rejected", requestNo: result.value.requestNo, cardholder: result.value.cardholderName } };
}
