"use client";
import { keepValues } from "@/components/issuer/keep-values";
import { useActionState, useState } from "react";
import { Button } from "@/components/ui/button";
import { FieldErrors, FormMessage, TextAreaField } from "@/components/ui/field";

export type ReportState = { fieldErrors?: { reason?: string[]; statement?: string[]; confirm?: string[] }; message?: string; ok?: boolean; done?: string };

const REASONS = [
  { value: "lost", label: "Lost", hint: "You cannot find it." },
  { value: "stolen", label: "Stolen", hint: "Someone took it." },
  { value: "damaged", label: "Damaged", hint: "You have it, but it no longer works." },
] as const;

/** Steps 401/801: what happened, an optional statement, and an explicit confirmation of the consequences. */
export function ReportForm({ action, last4, onBehalf = false }: { action: (prev: ReportState, formData: FormData) => Promise<ReportState>; last4: string; onBehalf?: boolean }) {
  const [state, formAction, pending] = useActionState<ReportState, FormData>(action, {});
  const [reason, setReason] = useState<string>("");
  const blocks = reason === "lost" || reason === "stolen";
  const reasonErrors = state.fieldErrors?.reason;
  const confirmErrors = state.fieldErrors?.confirm;
  return (
    <form action={formAction} onSubmit={keepValues(formAction)} className="space-y-5" aria-label={`Report the card ending ${last4}`}>
      <fieldset aria-describedby="reason-error">
        <legend className="text-sm font-medium text-slate-700">What happened to the card ending {last4}?</legend>
        <div className="mt-2 grid gap-2 sm:grid-cols-3">
          {REASONS.map((r) => (
            <label key={r.value} className={`flex cursor-pointer gap-2 rounded-lg p-3 text-sm ring-1 ring-inset ${reason === r.value ? "bg-slate-50 ring-slate-700" : "ring-slate-300"}`}>
              <input type="radio" name="reason" value={r.value} checked={reason === r.value} onChange={() => setReason(r.value)} />
              <span>
                <span className="block font-medium">{r.label}</span>
                <span className="text-xs text-slate-500">{r.hint}</span>
              </span>
            </label>
          ))}
        </div>
        <FieldErrors id="reason-error" errors={reasonErrors} />
      </fieldset>
      <TextAreaField label="Statement (optional)" name="statement" rows={3} maxLength={500} errors={state.fieldErrors?.statement} hint="Where and when, a police report number… It helps the examination." />
      {reason && (
        <p className={`rounded-lg px-3 py-2 text-sm ring-1 ring-inset ${blocks ? "bg-rose-50 text-rose-900 ring-rose-200" : "bg-amber-50 text-amber-900 ring-amber-200"}`} data-testid="report-consequence">
          {blocks
            ? `The card ending ${last4} will be blocked at once: nothing can be loaded on it any more, even if you find it again. The issuer then examines your request for a new card.`
            : `The card ending ${last4} keeps working until the new card is issued; hand it back when you receive the new one.`}
        </p>
      )}
      <div>
        <label className="flex items-start gap-2 text-sm">
          <input type="checkbox" name="confirm" value="yes" aria-invalid={confirmErrors?.length ? true : undefined} aria-describedby="confirm-error" className="mt-1" />
          <span>{onBehalf ? "The cardholder confirmed this report and asks for a replacement card." : "I confirm this report and ask ReCard to issue a replacement card."}</span>
        </label>
        <FieldErrors id="confirm-error" errors={confirmErrors} />
      </div>
      {state.message && <FormMessage tone="bad">{state.message}</FormMessage>}
      {state.done && <FormMessage tone="good">{state.done}</FormMessage>}
      <Button type="submit" variant="danger" disabled={pending || state.ok}>
        {pending ? "Sending…" : "Report and request a new card"}
      </Button>
    </form>
  );
}
