"use server";
import { revalidatePath } from "next/cache";
import { getFormatter, getTranslations } from "next-intl/server";
import { z } from "zod";
import { providerForm } from "@/lib/server/actions/portal-action";
import { updateCreditPolicy } from "@/lib/server/data/provider/credit-policy";
import { scheduleFee, withdrawScheduledFee } from "@/lib/server/data/provider/fees";
import { creditPolicyFormSchema, feeScheduleFormSchema, UuidSchema, type FeeScheduleFormFields } from "@/lib/validation/provider-desk";

export type PolicyState = {
  ok?: boolean;
  message?: string;
  fieldErrors?: Partial<Record<"minAnnualIncome" | "limitPercentOfIncome" | "maxLimit" | "requiresInvestigation", string[]>>;
};

/** Saves a new version of the desk's credit policy; examinations already made keep theirs. */
export const updateCreditPolicyAction = providerForm({
  name: "provider.credit-policy",
  schema: async () => creditPolicyFormSchema(await getTranslations("provider.validation")),
  // Every field is read as sent: an emptied amount is "Enter an amount.", never left out.
  input: (formData) => ({
    minAnnualIncome: formData.get("minAnnualIncome"),
    limitPercentOfIncome: formData.get("limitPercentOfIncome"),
    maxLimit: formData.get("maxLimit"),
    requiresInvestigation: formData.get("requiresInvestigation"),
  }),
  run: async ({ actor, input: p }): Promise<PolicyState> => {
    const saved = await updateCreditPolicy(actor, {
      minAnnualIncomeMinor: p.minAnnualIncome,
      limitPercentOfIncome: p.limitPercentOfIncome,
      maxLimitMinor: p.maxLimit,
      requiresInvestigation: p.requiresInvestigation,
    });
    revalidatePath("/provider/settings");
    return { ok: true, message: (await getTranslations("provider.actions"))("policySaved", { version: saved.version }) };
  },
});

export type FeeState = {
  ok?: boolean;
  message?: string;
  /** What was sent, so the form shows it again after a refusal. */
  values?: Partial<Record<FeeScheduleFormFields, string>>;
  fieldErrors?: Partial<Record<FeeScheduleFormFields, string[]>>;
};

const feeValues = (formData: FormData) => ({
  applicationAid: String(formData.get("applicationAid") ?? ""),
  normalFee: String(formData.get("normalFee") ?? ""),
  reissueFee: String(formData.get("reissueFee") ?? ""),
  effectiveFrom: String(formData.get("effectiveFrom") ?? ""),
});

/** Schedules a new version of one application's fees to users; charges already made keep their amount. */
export const scheduleFeeAction = providerForm({
  name: "provider.schedule-fee",
  // Parsed in run, so that field errors come back with what was typed.
  run: async ({ actor, formData }): Promise<FeeState> => {
    const values = feeValues(formData);
    const parsed = feeScheduleFormSchema(await getTranslations("provider.validation")).safeParse(values);
    if (!parsed.success) return { fieldErrors: z.flattenError(parsed.error).fieldErrors, values };
    const p = parsed.data;
    const saved = await scheduleFee(actor, {
      applicationAid: p.applicationAid,
      normalFeeMinor: p.normalFee,
      reissueFeeMinor: p.reissueFee,
      effectiveFrom: p.effectiveFrom,
    });
    const t = await getTranslations("provider.actions");
    if (!saved.ok) return { fieldErrors: { [saved.error.field]: [t(`feeRefusal.${saved.error.code}`)] }, values };
    revalidatePath("/provider/settings");
    const format = await getFormatter();
    return {
      ok: true,
      message: saved.value.immediate ? t("feeSaved") : t("feeScheduled", { from: format.dateTime(saved.value.validFrom, "dateTime") }),
    };
  },
});

/** Withdraws a fee change that has not started. */
export const withdrawFeeAction = providerForm({
  name: "provider.withdraw-fee",
  run: async ({ actor, formData }): Promise<FeeState> => {
    const t = await getTranslations("provider.actions");
    const id = UuidSchema.safeParse(formData.get("id"));
    if (!id.success) return { message: t("feeUnknown") };
    const withdrawn = await withdrawScheduledFee(actor, id.data);
    if (!withdrawn.ok) return { message: t("feeStarted") };
    revalidatePath("/provider/settings");
    return { ok: true, message: t("feeWithdrawn") };
  },
});
