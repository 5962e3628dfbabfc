"use client";
import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage, TextField } from "@/components/ui/field";
import type { CreditPolicyView } from "@/lib/server/data/provider/credit-policy";
import { updateCreditPolicyAction, type PolicyState } from "./actions";

export function PolicyForm({ policy }: { policy: CreditPolicyView }) {
  const [state, action, pending] = useActionState<PolicyState, FormData>(updateCreditPolicyAction, {});
  const fe = state.fieldErrors ?? {};
  return (
    <form action={action} className="max-w-2xl space-y-4" aria-label="Credit policy">
      <div className="grid gap-4 sm:grid-cols-3">
        <TextField
          label="Minimum annual income (JPY)"
          name="minAnnualIncome"
          inputMode="numeric"
          defaultValue={policy.minAnnualIncomeMinor}
          errors={fe.minAnnualIncome}
        />
        <TextField
          label="Credit limit, % of income"
          name="limitPercentOfIncome"
          inputMode="numeric"
          defaultValue={policy.limitPercentOfIncome}
          errors={fe.limitPercentOfIncome}
        />
        <TextField label="Maximum credit limit (JPY)" name="maxLimit" inputMode="numeric" defaultValue={policy.maxLimitMinor} errors={fe.maxLimit} />
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
          Require a credit investigation for every application
          <span id="requiresInvestigation-hint" className="block text-xs text-slate-500">
            Otherwise only credit applications are examined on income; others are approved after the desk checks identity.
          </span>
        </span>
      </label>
      {state.message && <FormMessage tone={state.ok ? "good" : "bad"}>{state.message}</FormMessage>}
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Save a new policy version"}
      </Button>
    </form>
  );
}
