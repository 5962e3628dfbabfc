"use client";
import { useTranslations } from "next-intl";
import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage, SelectField } from "@/components/ui/field";

export type IssueState = { ok?: boolean; message?: string; fieldErrors?: { platformType?: string[] } };

export function IssueCardForm({ action }: { action: (prev: IssueState, formData: FormData) => Promise<IssueState> }) {
  const [state, formAction, pending] = useActionState<IssueState, FormData>(action, {});
  const t = useTranslations("issuer.cardholder.issueForm");
  return (
    <form action={formAction} className="space-y-3" aria-label={t("label")}>
      <SelectField label={t("platformType")} name="platformType" defaultValue="" errors={state.fieldErrors?.platformType} hint={t("hint")}>
        <option value="" disabled>
          {t("choose")}
        </option>
        <option value="100">{t("pf100")}</option>
        <option value="200">{t("pf200")}</option>
      </SelectField>
      {state.message && <FormMessage tone={state.ok ? "good" : "bad"}>{state.message}</FormMessage>}
      <Button type="submit" disabled={pending}>
        {pending ? t("pending") : t("submit")}
      </Button>
    </form>
  );
}
