"use server";
import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { multiLineText } from "@/lib/validation/fields";
import type { DecisionState } from "@/components/issuer/decision-outcome";
import { formValues } from "@/lib/server/actions/form-values";
import { issuerRefusal } from "@/lib/server/actions/issuer-refusal";
import { issuerForm } from "@/lib/server/actions/portal-action";
import { approveReissueRequest, rejectReissueRequest, type ReissueError } from "@/lib/server/data/issuer/reissue";
import { deliverNow, deliverSoon } from "@/lib/server/exchange/delivery";

/** A refusal as the queue shows it: its code, its words in the reader's language, who decided first. */
async function refused(error: ReissueError): Promise<DecisionState> {
  return { refusal: { code: error.code, message: await issuerRefusal(error), ...("decided" in error ? { decided: error.decided } : {}) } };
}

/**
 * Steps 503/903 (+505): approve; platform-100 notifications are delivered before the answer. The
 * answer is a code with parameters (who will reload, how they learn), worded by the queue.
 */
export const approveReissueAction = issuerForm({
  name: "issuer.approve-reissue",
  schema: async () => {
    const t = await getTranslations("issuer.errors");
    return z.object({ overrideReason: multiLineText(500, t("tooLong", { max: 500 })).optional(), temporary: z.literal("yes").optional() });
  },
  run: async ({ actor, input }, requestId: string): Promise<DecisionState> => {
    const temporary = input.temporary === "yes";
    const result = await approveReissueRequest(actor, requestId, { overrideReason: input.overrideReason, temporary });
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
  },
});

/** Steps 504/904: reject with a reason the cardholder sees. */
export const rejectReissueAction = issuerForm({
  name: "issuer.reject-reissue",
  schema: async () => {
    const t = await getTranslations("issuer.errors");
    return z.object({ reason: multiLineText(500, t("tooLong", { max: 500 })).pipe(z.string().min(5, t("rejectReason"))) });
  },
  input: (formData) => ({ reason: "", ...formValues(formData, ["reason"]) }),
  run: async ({ actor, input }, requestId: string): Promise<DecisionState> => {
    const result = await rejectReissueRequest(actor, requestId, input.reason);
    if (!result.ok) return refused(result.error);
    return { ok: true, outcome: { code: "rejected", requestNo: result.value.requestNo, cardholder: result.value.cardholderName } };
  },
});
