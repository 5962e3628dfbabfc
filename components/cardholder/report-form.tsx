"use client";
import { keepValues } from "@/components/issuer/keep-values";
import { useTranslations } from "next-intl";
import { useActionState, useState } from "react";
import { Button } from "@/components/ui/button";
import { FieldErrors, FormMessage, TextAreaField } from "@/components/ui/field";

export type ReportState = { fieldErrors?: { reason?: string[]; statement?: string[]; confirm?: string[] }; message?: string; ok?: boolean; done?: string };

const REASONS = ["lost", "stolen", "damaged"] as const;

/** Steps 401/801: what happened, an optional statement, and an explicit confirmation of the consequences. */
export function ReportForm({
  action,
  last4,
  onBehalf = false,
}: {
  action: (prev: ReportState, formData: FormData) => Promise<ReportState>;
  last4: string;
  onBehalf?: boolean;
}) {
  const t = useTranslations("cardholder.reportForm");
  const [state, formAction, pending] = useActionState<ReportState, FormData>(action, {});
  const [reason, setReason] = useState<string>("");
  const blocks = reason === "lost" || reason === "stolen";
  const reasonErrors = state.fieldErrors?.reason;
  const confirmErrors = state.fieldErrors?.confirm;
  return (
    <form action={formAction} onSubmit={keepValues(formAction)} className="space-y-5" aria-label={t("formLabel", { last4 })}>
      <fieldset aria-describedby="reason-error">
        <legend className="text-sm font-medium text-slate-700">{t("legend", { last4 })}</legend>
        <div className="mt-2 grid gap-2 sm:grid-cols-3">
          {REASONS.map((r) => (
            <label
              key={r}
              className={`flex cursor-pointer gap-2 rounded-lg p-3 text-sm ring-1 ring-inset ${reason === r ? "bg-slate-50 ring-slate-700" : "ring-slate-300"}`}
            >
              <input type="radio" name="reason" value={r} checked={reason === r} onChange={() => setReason(r)} />
              <span>
                <span className="block font-medium">{t(`reasons.${r}.label`)}</span>
                <span className="text-xs text-slate-500">{t(`reasons.${r}.hint`)}</span>
              </span>
            </label>
          ))}
        </div>
        <FieldErrors id="reason-error" errors={reasonErrors} />
      </fieldset>
      <TextAreaField label={t("statement")} name="statement" rows={3} maxLength={500} errors={state.fieldErrors?.statement} hint={t("statementHint")} />
      {reason && (
        <p
          className={`rounded-lg px-3 py-2 text-sm ring-1 ring-inset ${blocks ? "bg-rose-50 text-rose-900 ring-rose-200" : "bg-amber-50 text-amber-900 ring-amber-200"}`}
          data-testid="report-consequence"
        >
          {blocks ? t("blocks", { last4 }) : t("keeps", { last4 })}
        </p>
      )}
      <div>
        <label className="flex items-start gap-2 text-sm">
          <input
            type="checkbox"
            name="confirm"
            value="yes"
            aria-invalid={confirmErrors?.length ? true : undefined}
            aria-describedby="confirm-error"
            className="mt-1"
          />
          <span>{onBehalf ? t("confirmOnBehalf") : t("confirm")}</span>
        </label>
        <FieldErrors id="confirm-error" errors={confirmErrors} />
      </div>
      {state.message && <FormMessage tone="bad">{state.message}</FormMessage>}
      {state.done && <FormMessage tone="good">{state.done}</FormMessage>}
      <Button type="submit" variant="danger" disabled={pending || state.ok}>
        {pending ? t("sending") : t("submit")}
      </Button>
    </form>
  );
}
