"use client";
import { useTranslations } from "next-intl";
import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage, TextAreaField } from "@/components/ui/field";

export type WithdrawState = { fieldErrors?: { reason?: string[] }; message?: string; ok?: boolean };

/**
 * Reinstate: the card was found, so the lost/stolen report is withdrawn and the card unblocked
 * (allowed while no reissued card has been made, within the issuer's window).
 */
export function WithdrawReportForm({
  action,
  last4,
  requestNo,
  onBehalf = false,
}: {
  action: (prev: WithdrawState, formData: FormData) => Promise<WithdrawState>;
  last4: string;
  requestNo: number;
  onBehalf?: boolean;
}) {
  const t = useTranslations("cardholder.withdraw");
  const [state, formAction, pending] = useActionState<WithdrawState, FormData>(action, {});
  return (
    <form
      action={formAction}
      className="space-y-3 rounded-lg bg-emerald-50/60 p-3 ring-1 ring-inset ring-emerald-200"
      aria-label={t("formLabel", { requestNo: String(requestNo) })}
    >
      <p className="text-sm text-emerald-950">
        {onBehalf ? t("foundOnBehalf", { last4 }) : t("found", { last4 })} {t("text", { requestNo: String(requestNo) })}
      </p>
      <TextAreaField label={t("reason")} name="reason" rows={2} maxLength={500} errors={state.fieldErrors?.reason} hint={t("reasonHint")} />
      {state.message && <FormMessage tone={state.ok ? "good" : "bad"}>{state.message}</FormMessage>}
      <Button type="submit" disabled={pending || state.ok}>
        {pending ? t("withdrawing") : t("submit")}
      </Button>
    </form>
  );
}
