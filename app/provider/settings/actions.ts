"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authorize } from "@/lib/server/auth/session";
import { formatInstant } from "@/lib/core/format";
import { updateCreditPolicy } from "@/lib/server/data/provider/credit-policy";
import { scheduleFee, withdrawScheduledFee, type FeeScheduleRefusal } from "@/lib/server/data/provider/fees";
import { CreditPolicyFormSchema, FeeScheduleFormSchema, UuidSchema, type FeeScheduleFormFields } from "@/lib/validation/provider-desk";

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

export type FeeState = {
  ok?: boolean;
  message?: string;
  /** What was sent, so the form shows it again after a refusal. */
  values?: Partial<Record<FeeScheduleFormFields, string>>;
  fieldErrors?: Partial<Record<FeeScheduleFormFields, string[]>>;
};

const FEE_REFUSAL: Record<FeeScheduleRefusal["code"], string> = {
  "unknown-application": "That is not one of our applications.",
  "in-the-past": "That day has passed in Japan time; choose today or a later day.",
  "too-far-ahead": "Choose a day within the next two years.",
  "already-scheduled": "A change already starts that day. Withdraw it first, or choose another day.",
};

/** Schedules a new version of one application's fees to users; charges already made keep their amount. */
export async function scheduleFeeAction(_prev: FeeState, formData: FormData): Promise<FeeState> {
  const values = {
    applicationAid: String(formData.get("applicationAid") ?? ""),
    normalFee: String(formData.get("normalFee") ?? ""),
    reissueFee: String(formData.get("reissueFee") ?? ""),
    effectiveFrom: String(formData.get("effectiveFrom") ?? ""),
  };
  const auth = await authorize("provider");
  if (!auth.ok) return { message: auth.refusal.message, values };
  const parsed = FeeScheduleFormSchema.safeParse(values);
  if (!parsed.success) return { fieldErrors: z.flattenError(parsed.error).fieldErrors, values };
  const p = parsed.data;
  const saved = await scheduleFee(auth.actor, {
    applicationAid: p.applicationAid,
    normalFeeMinor: p.normalFee,
    reissueFeeMinor: p.reissueFee,
    effectiveFrom: p.effectiveFrom,
  });
  if (!saved.ok) return { fieldErrors: { [saved.error.field]: [FEE_REFUSAL[saved.error.code]] }, values };
  revalidatePath("/provider/settings");
  return {
    ok: true,
    message: saved.value.immediate
      ? "Saved: the new fees apply to loads from now on."
      : `Scheduled: the new fees apply to loads from ${formatInstant(saved.value.validFrom)}.`,
  };
}

/** Withdraws a fee change that has not started. */
export async function withdrawFeeAction(_prev: FeeState, formData: FormData): Promise<FeeState> {
  const auth = await authorize("provider");
  if (!auth.ok) return { message: auth.refusal.message };
  const id = UuidSchema.safeParse(formData.get("id"));
  if (!id.success) return { message: "That fee change does not exist." };
  const withdrawn = await withdrawScheduledFee(auth.actor, id.data);
  if (!withdrawn.ok) return { message: "That change has already started, or is not ours: it stays in the history." };
  revalidatePath("/provider/settings");
  return { ok: true, message: "Withdrawn: the change will not take effect." };
}
