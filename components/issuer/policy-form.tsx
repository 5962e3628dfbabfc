"use client";
import { keepValues } from "@/components/issuer/keep-values";
import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage, TextAreaField, TextField } from "@/components/ui/field";

export type PolicyState = {
  ok?: boolean;
  message?: string;
  fieldErrors?: {
    maxReissuesPerYear?: string[];
    permissionTtlMinutes?: string[];
    reinstateWindowDays?: string[];
    reason?: string[];
    requireIdentityVerified?: string[];
    rejectOnFraudFlag?: string[];
  };
};

type Policy = {
  maxReissuesPerYear: number;
  requireIdentityVerified: boolean;
  rejectOnFraudFlag: boolean;
  permissionTtlMinutes: number;
  reinstateWindowDays: number;
};

export function PolicyForm({ policy, action }: { policy: Policy; action: (prev: PolicyState, formData: FormData) => Promise<PolicyState> }) {
  const [state, formAction, pending] = useActionState<PolicyState, FormData>(action, {});
  return (
    <form action={formAction} onSubmit={keepValues(formAction)} className="max-w-xl space-y-4" aria-label="Examination policy">
      <TextField
        label="Reissues allowed per cardholder per year"
        name="maxReissuesPerYear"
        type="number"
        min={0}
        max={12}
        defaultValue={policy.maxReissuesPerYear}
        errors={state.fieldErrors?.maxReissuesPerYear}
        hint="Counted per UTC calendar year; a request beyond it fails the examination."
      />
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="requireIdentityVerified" defaultChecked={policy.requireIdentityVerified} /> Require a verified identity
      </label>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="rejectOnFraudFlag" defaultChecked={policy.rejectOnFraudFlag} /> Fail the examination when the cardholder has a fraud flag
      </label>
      <TextField
        label="Loading permission lifetime (minutes)"
        name="permissionTtlMinutes"
        type="number"
        min={1}
        defaultValue={policy.permissionTtlMinutes}
        errors={state.fieldErrors?.permissionTtlMinutes}
        hint="How long a granted token may be used on the card."
      />
      <TextField
        label="Reinstate window (days)"
        name="reinstateWindowDays"
        type="number"
        min={0}
        defaultValue={policy.reinstateWindowDays}
        errors={state.fieldErrors?.reinstateWindowDays}
        hint="How long after a lost or stolen report the report may be withdrawn (the card found), while no reissued card has been made."
      />
      <TextAreaField label="Reason for the change" name="reason" rows={2} errors={state.fieldErrors?.reason} />
      {state.message && <FormMessage tone={state.ok ? "good" : "bad"}>{state.message}</FormMessage>}
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Save policy"}
      </Button>
    </form>
  );
}
