"use client";
import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/field";
import { formatInstant } from "@/lib/core/format";

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
  const [state, formAction, pending] = useActionState<EndLeaseState, FormData>(action, {});
  if (state.ended) return <FormMessage tone="good">You took the card back: {providerName}&apos;s desk can no longer reach it.</FormMessage>;
  return (
    <form action={formAction} aria-label={`The card ending ${last4} is at a desk`} className="space-y-2 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200" data-testid="card-at-desk">
      <p>
        At <strong>{providerName}</strong>&apos;s desk since <time dateTime={since}>{formatInstant(since)}</time>. It comes back by itself if the desk leaves it idle (now until{" "}
        <time dateTime={until}>{formatInstant(until)}</time>).
      </p>
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? "Ending…" : "End"}
      </Button>
      {state.message && <FormMessage tone="bad">{state.message}</FormMessage>}
    </form>
  );
}
