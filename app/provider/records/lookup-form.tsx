"use client";
import Link from "next/link";
import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage, TextField } from "@/components/ui/field";
import { lookupLoadRecordAction, type LookupState } from "./actions";

export function LookupForm() {
  const [state, action, pending] = useActionState<LookupState, FormData>(lookupLoadRecordAction, {});
  return (
    <form action={action} className="space-y-3" aria-label="Find a load record by message id">
      <div className="flex flex-wrap items-start gap-3">
        <div className="w-96">
          <TextField label="Message id" name="messageId" placeholder="RECARD01-METRO01-I0000000001" errors={state.fieldErrors?.messageId} />
        </div>
        <Button type="submit" disabled={pending} className="mt-6">
          {pending ? "Looking…" : "Find"}
        </Button>
      </div>
      {state.message && <FormMessage tone="bad">{state.message}</FormMessage>}
      {state.record && (
        <FormMessage tone="good">
          Found:{" "}
          <Link className="underline" href={`/provider/records/${state.record.id}`}>
            {state.record.applicationAid} for {state.record.customerName}
          </Link>{" "}
          ({state.record.kind.replace("_", " ")}, {state.record.status})
        </FormMessage>
      )}
    </form>
  );
}
