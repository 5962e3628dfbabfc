"use client";
import { useFormatter, useTranslations } from "next-intl";
import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/field";

export type EndLeaseState = { message?: string; ended?: boolean };

/** Where the card is now: the desk that holds it since when, and "End" to take it back at once. */
export function CardAtDesk({
  action,
  providerName,
  since,
  until,
  last4,
}: {
  action: (prev: EndLeaseState, formData: FormData) => Promise<EndLeaseState>;
  providerName: string;
  since: string;
  until: string;
  last4: string;
}) {
  const t = useTranslations("cardholder.atDesk");
  const format = useFormatter();
  const [state, formAction, pending] = useActionState<EndLeaseState, FormData>(action, {});
  if (state.ended) return <FormMessage tone="good">{t("tookBack", { provider: providerName })}</FormMessage>;
  return (
    <form
      action={formAction}
      aria-label={t("formLabel", { last4 })}
      className="space-y-2 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200"
      data-testid="card-at-desk"
    >
      <p>
        {t.rich("text", {
          provider: providerName,
          since: format.dateTime(new Date(since), "dateTime"),
          until: format.dateTime(new Date(until), "dateTime"),
          strong: (chunks) => <strong>{chunks}</strong>,
          sinceTime: (chunks) => <time dateTime={since}>{chunks}</time>,
          untilTime: (chunks) => <time dateTime={until}>{chunks}</time>,
        })}
      </p>
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? "Ending…" : "End"}
      </Button>
      {state.message && <FormMessage tone="bad">{state.message}</FormMessage>}
    </form>
  );
}
