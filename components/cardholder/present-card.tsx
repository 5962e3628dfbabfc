"use client";
import { useFormatter, useTranslations } from "next-intl";
import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/field";

export type PresentState = { code?: string; expiresAt?: string; last4?: string; message?: string };

/** "Present at a desk": a one-time code that stands in for handing the plastic to the desk's reader. */
export function PresentCard({ action, last4 }: { action: (prev: PresentState, formData: FormData) => Promise<PresentState>; last4: string }) {
  const t = useTranslations("cardholder.present");
  const format = useFormatter();
  const [state, formAction, pending] = useActionState<PresentState, FormData>(action, {});
  return (
    <form action={formAction} aria-label={t("formLabel", { last4 })} className="space-y-2">
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? t("preparing") : state.code ? t("newCode") : t("present")}
      </Button>
      {state.code && (
        <div role="status" className="rounded-lg bg-sky-50 px-3 py-2 text-sm text-sky-900 ring-1 ring-sky-200">
          <p>{t("showCode")}</p>
          <p className="my-1 font-mono text-2xl font-semibold tracking-[0.2em]" data-testid="presentation-code">
            {state.code}
          </p>
          <p className="text-xs">
            {t.rich("validUntil", {
              last4: state.last4 ?? "",
              until: format.dateTime(new Date(state.expiresAt!), "dateTime"),
              time: (chunks) => <time dateTime={state.expiresAt}>{chunks}</time>,
            })}
          </p>
        </div>
      )}
      {state.message && <FormMessage tone="bad">{state.message}</FormMessage>}
    </form>
  );
}
