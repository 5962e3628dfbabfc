"use server";
import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { multiLineText, requiredNumber } from "@/lib/validation/fields";
import type { PolicyState } from "@/components/issuer/policy-form";
import { issuerForm } from "@/lib/server/actions/portal-action";
import { updatePolicy } from "@/lib/server/data/issuer/policy";

/** Updates the examination policy (thresholds are data, not constants). */
export const updatePolicyAction = issuerForm({
  name: "issuer.update-policy",
  schema: async () => {
    const t = await getTranslations("issuer.errors.policy");
    return z.object({
      maxReissuesPerYear: requiredNumber(z.number().int(t("whole")).min(0, t("atLeast0")).max(12, t("atMost12")), t("number")),
      permissionTtlMinutes: requiredNumber(
        z
          .number()
          .int(t("wholeMinutes"))
          .min(1, t("atLeastMinute"))
          .max(7 * 24 * 60, t("atMostWeek")),
        t("number"),
      ),
      reinstateWindowDays: requiredNumber(z.number().int(t("wholeDays")).min(0, t("atLeast0Days")).max(365, t("atMostYear")), t("number")),
      requireIdentityVerified: z.boolean(),
      rejectOnFraudFlag: z.boolean(),
      reason: multiLineText(500, t("tooLong")).pipe(z.string().min(5, t("reason"))),
    });
  },
  input: (formData) => ({
    maxReissuesPerYear: formData.get("maxReissuesPerYear"),
    permissionTtlMinutes: formData.get("permissionTtlMinutes"),
    reinstateWindowDays: formData.get("reinstateWindowDays"),
    requireIdentityVerified: formData.get("requireIdentityVerified") === "on",
    rejectOnFraudFlag: formData.get("rejectOnFraudFlag") === "on",
    reason: formData.get("reason") ?? "",
  }),
  run: async ({ actor, input }): Promise<PolicyState> => {
    const { reason, ...policy } = input;
    await updatePolicy(actor, policy, reason);
    return { ok: true, message: (await getTranslations("issuer.actions"))("policySaved") };
  },
});
