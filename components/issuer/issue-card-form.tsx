"use client";
import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage, SelectField } from "@/components/ui/field";

export type IssueState = { ok?: boolean; message?: string; fieldErrors?: { platformType?: string[] } };

export function IssueCardForm({ action }: { action: (prev: IssueState, formData: FormData) => Promise<IssueState> }) {
  const [state, formAction, pending] = useActionState<IssueState, FormData>(action, {});
  return (
    <form action={formAction} className="space-y-3" aria-label="Issue a new card">
      <SelectField
        label="Platform type"
        name="platformType"
        defaultValue=""
        errors={state.fieldErrors?.platformType}
        hint="100: card id readable by providers (method 1). 200: only encrypted card attribute data (method 2)."
      >
        <option value="" disabled>
          Choose…
        </option>
        <option value="100">100 — card id readable</option>
        <option value="200">200 — card id sealed for the issuer</option>
      </SelectField>
      {state.message && <FormMessage tone={state.ok ? "good" : "bad"}>{state.message}</FormMessage>}
      <Button type="submit" disabled={pending}>
        {pending ? "Personalising…" : "Issue card"}
      </Button>
    </form>
  );
}
