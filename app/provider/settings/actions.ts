"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authorize } from "@/lib/server/auth/session";
import { updateCreditPolicy } from "@/lib/server/data/provider/credit-policy";
import { CreditPolicyFormSchema } from "@/lib/validation/provider-desk";

export type PolicyState = {
  ok?: boolean;
  message?: string;
  fieldErrors?: Partial<Record<"minAnnualIncome" | "limitPercentOfIncome" | "maxLimit" | "requiresInvestigation", string[]>>;
};

/** Saves a new version of the desk's credit policy; examinations already made keep theirs. */
export async function updateCreditPolicyAction(_prev: PolicyState, formData: FormData): Promise<PolicyState> {
  const auth = await authorize("provider");
  if (!auth.ok) return { message: auth.refusal.message };
  const parsed = CreditPolicyFormSchema.safeParse({
    minAnnualIncome: formData.get("minAnnualIncome"),
    limitPercentOfIncome: formData.get("limitPercentOfIncome"),
    maxLimit: formData.get("maxLimit"),
    requiresInvestigation: formData.get("requiresInvestigation"),
  });
  if (!parsed.success) return { fieldErrors: z.flattenError(parsed.error).fieldErrors };
  const p = parsed.data;
  const saved = await updateCreditPolicy(auth.actor, {
    minAnnualIncomeMinor: p.minAnnualIncome,
    limitPercentOfIncome: p.limitPercentOfIncome,
    maxLimitMinor: p.maxLimit,
    requiresInvestigation: p.requiresInvestigation,
  });
  revalidatePath("/provider/settings");
  return { ok: true, message: `Saved as policy ${saved.version}. New examinations follow it; earlier ones keep the version they were made under.` };
}
