"use client";
import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { FormMessage, SelectField, TextField } from "@/components/ui/field";
import { scheduleFeeAction, withdrawFeeAction, type FeeState } from "./actions";

type App = { aid: string; name: string };

/** A new version of one application's fees, now or from a later day; what was typed stays after a refusal. */
export function FeeChangeForm({ applications, today }: { applications: App[]; today: string }) {
  const t = useTranslations("provider.settings.feeForm");
  const [state, action, pending] = useActionState<FeeState, FormData>(scheduleFeeAction, {});
  const fe = state.fieldErrors ?? {};
  const typed = state.values ?? {};
  const first = applications[0];
  return (
    <form action={action} className="max-w-3xl space-y-4" aria-label={t("label")}>
      <div className="grid gap-4 sm:grid-cols-4">
        {/* Keyed by what was sent: a select keeps the default it was mounted with when React resets the form. */}
        <SelectField
          key={typed.applicationAid ?? "initial"}
          label={t("application")}
          name="applicationAid"
          defaultValue={typed.applicationAid ?? first?.aid}
          errors={fe.applicationAid}
        >
          {applications.map((a) => (
            <option key={a.aid} value={a.aid}>
              {a.name}
            </option>
          ))}
        </SelectField>
        <TextField label={t("normalFee")} name="normalFee" inputMode="numeric" defaultValue={typed.normalFee ?? ""} errors={fe.normalFee} />
        <TextField label={t("reissueFee")} name="reissueFee" inputMode="numeric" defaultValue={typed.reissueFee ?? ""} errors={fe.reissueFee} />
        <TextField
          label={t("effectiveFrom")}
          name="effectiveFrom"
          type="date"
          min={today}
          defaultValue={typed.effectiveFrom ?? ""}
          errors={fe.effectiveFrom}
          hint={t("effectiveHint")}
        />
      </div>
      <div aria-live="polite">{state.message && <FormMessage tone={state.ok ? "good" : "bad"}>{state.message}</FormMessage>}</div>
      <Button type="submit" disabled={pending}>
        {pending ? t("saving") : t("save")}
      </Button>
    </form>
  );
}

/** Withdraws one change that has not started yet. */
export function WithdrawFeeButton({ id, label }: { id: string; label: string }) {
  const t = useTranslations("provider.settings.feeForm");
  const [state, action, pending] = useActionState<FeeState, FormData>(withdrawFeeAction, {});
  return (
    <form action={action} className="inline-flex items-center gap-2">
      <input type="hidden" name="id" value={id} />
      <Button type="submit" variant="secondary" disabled={pending} aria-label={label}>
        {pending ? t("withdrawing") : t("withdraw")}
      </Button>
      <span aria-live="polite">{state.message && !state.ok && <span className="text-xs text-rose-700">{state.message}</span>}</span>
    </form>
  );
}
