"use server";
import { z } from "zod";
import { multiLineText } from "@/lib/validation/fields";
import type { DecisionState } from "@/components/issuer/reissue-queue";
import { authorize } from "@/lib/server/auth/session";
import { approveReissueRequest, rejectReissueRequest } from "@/lib/server/data/issuer/reissue";
import { deliverNow, deliverSoon } from "@/lib/server/exchange/delivery";

const ApproveSchema = z.object({ overrideReason: multiLineText(500).optional(), temporary: z.literal("yes").optional() });
const RejectSchema = z.object({
  reason: multiLineText(500).pipe(z.string().min(5, "Tell the cardholder why (at least a few words).")),
});

/** Steps 503/903 (+505): approve; platform-100 notifications are delivered before the page refreshes. */
export async function approveReissueAction(requestId: string, _prev: DecisionState, formData: FormData): Promise<DecisionState> {
  const auth = await authorize("issuer");
  if (!auth.ok) return { message: auth.refusal.message };
  const parsed = ApproveSchema.safeParse({ overrideReason: formData.get("overrideReason") || undefined, temporary: formData.get("temporary") || undefined });
  if (!parsed.success) return { fieldErrors: z.flattenError(parsed.error).fieldErrors };
  const result = await approveReissueRequest(auth.actor, requestId, { overrideReason: parsed.data.overrideReason, temporary: parsed.data.temporary === "yes" });
  if (!result.ok) return { message: result.error.message, code: result.error.code };
  try {
    await deliverNow(result.value.outboxIds);
  } catch (e) {
    console.warn(`[issuer] notification delivery deferred: ${(e as Error).message}`);
    deliverSoon(result.value.outboxIds);
  }
  const { notified, pullOnly, surfaceNumber, platformType } = result.value;
  const told =
    platformType === 200
      ? "Platform 200: the link is stored and no provider is told (step 905)."
      : notified.length > 0
        ? `Notified ${notified.join(", ")} (Fig. 12).`
        : "No provider had an application on the old card.";
  return { ok: true, message: `Approved. New card ending ${surfaceNumber.slice(-4)}. ${told}${pullOnly.length ? ` ${pullOnly.join(", ")} will pull it at reload time.` : ""}` };
}

/** Steps 504/904: reject with a reason the cardholder sees. */
export async function rejectReissueAction(requestId: string, _prev: DecisionState, formData: FormData): Promise<DecisionState> {
  const auth = await authorize("issuer");
  if (!auth.ok) return { message: auth.refusal.message };
  const parsed = RejectSchema.safeParse({ reason: formData.get("reason") ?? "" });
  if (!parsed.success) return { fieldErrors: z.flattenError(parsed.error).fieldErrors };
  const result = await rejectReissueRequest(auth.actor, requestId, parsed.data.reason);
  if (!result.ok) return { message: result.error.message, code: result.error.code };
  return { ok: true, message: "Rejected. The cardholder sees your reason." };
}
