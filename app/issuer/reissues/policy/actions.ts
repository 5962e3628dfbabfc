"use server";
import { z } from "zod";
import { multiLineText, requiredNumber } from "@/lib/validation/fields";
import type { PolicyState } from "@/components/issuer/policy-form";
import { authorize } from "@/lib/server/auth/session";
import { updatePolicy } from "@/lib/server/data/issuer/policy";

const PolicySchema = z.object({
  maxReissuesPerYear: requiredNumber(z.number().int("Enter a whole number.").min(0, "At least 0.").max(12, "At most 12.")),
  permissionTtlMinutes: requiredNumber(
    z
      .number()
      .int("Enter a whole number of minutes.")
      .min(1, "At least 1 minute.")
      .max(7 * 24 * 60, "At most a week."),
  ),
  reinstateWindowDays: requiredNumber(z.number().int("Enter a whole number of days.").min(0, "At least 0 days.").max(365, "At most a year.")),
  requireIdentityVerified: z.boolean(),
  rejectOnFraudFlag: z.boolean(),
  reason: multiLineText(500).pipe(z.string().min(5, "Say why the policy changes (the audit log keeps it).")),
});

/** Updates the examination policy (thresholds are data, not constants). */
export async function updatePolicyAction(_prev: PolicyState, formData: FormData): Promise<PolicyState> {
  const auth = await authorize("issuer");
  if (!auth.ok) return { message: auth.refusal.message };
  const parsed = PolicySchema.safeParse({
    maxReissuesPerYear: formData.get("maxReissuesPerYear"),
    permissionTtlMinutes: formData.get("permissionTtlMinutes"),
    reinstateWindowDays: formData.get("reinstateWindowDays"),
    requireIdentityVerified: formData.get("requireIdentityVerified") === "on",
    rejectOnFraudFlag: formData.get("rejectOnFraudFlag") === "on",
    reason: formData.get("reason") ?? "",
  });
  if (!parsed.success) return { fieldErrors: z.flattenError(parsed.error).fieldErrors };
  const { reason, ...policy } = parsed.data;
  await updatePolicy(auth.actor, policy, reason);
  return { ok: true, message: "Policy saved. Pending requests are examined by it from now on." };
}
