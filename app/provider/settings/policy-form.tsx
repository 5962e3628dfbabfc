"use client";
import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { FormMessage, TextField } from "@/components/ui/field";
import type { CreditPolicyView } from "@/lib/server/data/provider/credit-policy";
import { updateCreditPolicyAction, type PolicyState } from "./actions";

export function PolicyForm({ policy }: { policy: CreditPolicyView }) {
  const t = useTranslations("provider.settings.policy");
  const [state, action, pending] = useActionState<PolicyState, FormData>(updateCreditPolicyAction, {});
  const fe = state.fieldErrors ?? {};
  return (
    <form action={action} className="max-w-2xl space-y-4" aria-label={t("title")}>
      <div className="grid gap-4 sm:grid-cols-3">
        <TextField label={t("minIncome")} name="minAnnualIncome" inputMode="numeric" defaultValue={policy.minAnnualIncomeMinor} errors={fe.minAnnualIncome} />
        <TextField
          label={t("percent")}
          name="limitPercentOfIncome"
          inputMode="numeric"
          defaultValue={policy.limitPercentOfIncome}
          errors={fe.limitPercentOfIncome}
        />
        <TextField label={t("maxLimit")} name="maxLimit" inputMode="numeric" defaultValue={policy.maxLimitMinor} errors={fe.maxLimit} />
      </div>
      <label className="flex items-start gap-2 text-sm">
        <input
          type="checkbox"
          name="requiresInvestigation"
          defaultChecked={policy.requiresInvestigation}
          className="mt-1"
          aria-describedby="requiresInvestigation-hint"
        />
        <span>
          {t("requires")}
          <span id="requiresInvestigation-hint" className="block text-xs text-slate-500">
            {t("requiresHint")}
          </span>
        </span>
      </label>
      {state.message && <FormMessage tone={state.ok ? "good" : "bad"}>{state.message}</FormMessage>}
      <Button type="submit" disabled={pending}>
        {pending ? t("saving") : t("save")}
      </Button>
    </form>
  );
}
