"use client";
import { keepValues } from "@/components/issuer/keep-values";
import { useTranslations } from "next-intl";
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
  const t = useTranslations("issuer.policy.form");
  return (
    <form action={formAction} onSubmit={keepValues(formAction)} className="max-w-xl space-y-4" aria-label={t("label")}>
      <TextField
        label={t("maxReissues")}
        name="maxReissuesPerYear"
        type="number"
        min={0}
        max={12}
        defaultValue={policy.maxReissuesPerYear}
        errors={state.fieldErrors?.maxReissuesPerYear}
        hint={t("maxReissuesHint")}
      />
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="requireIdentityVerified" defaultChecked={policy.requireIdentityVerified} /> {t("requireIdentity")}
      </label>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="rejectOnFraudFlag" defaultChecked={policy.rejectOnFraudFlag} /> {t("rejectOnFraud")}
      </label>
      <TextField
        label={t("ttl")}
        name="permissionTtlMinutes"
        type="number"
        min={1}
        defaultValue={policy.permissionTtlMinutes}
        errors={state.fieldErrors?.permissionTtlMinutes}
        hint={t("ttlHint")}
      />
      <TextField
        label={t("window")}
        name="reinstateWindowDays"
        type="number"
        min={0}
        defaultValue={policy.reinstateWindowDays}
        errors={state.fieldErrors?.reinstateWindowDays}
        hint={t("windowHint")}
      />
      <TextAreaField label={t("reason")} name="reason" rows={2} errors={state.fieldErrors?.reason} />
      {state.message && <FormMessage tone={state.ok ? "good" : "bad"}>{state.message}</FormMessage>}
      <Button type="submit" disabled={pending}>
        {pending ? t("saving") : t("save")}
      </Button>
    </form>
  );
}
