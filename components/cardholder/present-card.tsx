"use client";
import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/field";
import { formatInstant } from "@/lib/core/format";

export type PresentState = { code?: string; expiresAt?: string; last4?: string; message?: string };

/** "Present at a desk": a one-time code that stands in for handing the plastic to the desk's reader. */
export function PresentCard({ action, last4 }: { action: (prev: PresentState, formData: FormData) => Promise<PresentState>; last4: string }) {
  const [state, formAction, pending] = useActionState<PresentState, FormData>(action, {});
  return (
    <form action={formAction} aria-label={`Present the card ending ${last4} at a desk`} className="space-y-2">
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? "Preparing…" : state.code ? "New code" : "Present at a desk"}
      </Button>
      {state.code && (
        <div role="status" className="rounded-lg bg-sky-50 px-3 py-2 text-sm text-sky-900 ring-1 ring-sky-200">
          <p>Show this code at the desk:</p>
          <p className="my-1 font-mono text-2xl font-semibold tracking-[0.2em]" data-testid="presentation-code">
            {state.code}
          </p>
          <p className="text-xs">
            For the card ending {state.last4}. Valid once, until <time dateTime={state.expiresAt}>{formatInstant(state.expiresAt!)}</time>.
          </p>
        </div>
      )}
      {state.message && <FormMessage tone="bad">{state.message}</FormMessage>}
    </form>
  );
}
