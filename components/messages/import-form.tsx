"use client";
import { useTranslations } from "next-intl";
import { useActionState } from "react";
import { importMessageFileAction, type ImportState } from "@/app/_actions/messages";
import { Button } from "@/components/ui/button";
import { FieldErrors, FormMessage } from "@/components/ui/field";

/** Imports a message file (the patent's floppy disk) through the same checks as online delivery. */
export function ImportForm() {
  const [state, action, pending] = useActionState<ImportState, FormData>(importMessageFileAction, {});
  const t = useTranslations("common.messages.import");
  return (
    <form action={action} className="space-y-3" aria-label={t("formLabel")}>
      <div>
        <label htmlFor="file" className="block text-sm font-medium text-slate-700">
          {t("file")}
        </label>
        <input
          id="file"
          name="file"
          type="file"
          accept=".recard-msg,text/plain"
          aria-describedby="file-error"
          className="mt-1 block text-sm file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-1.5 file:text-sm"
        />
        <FieldErrors id="file-error" errors={state.fieldErrors?.file} />
      </div>
      <Button type="submit" disabled={pending}>
        {pending ? t("importing") : t("submit")}
      </Button>
      {state.message && <FormMessage tone={state.tone ?? "bad"}>{state.message}</FormMessage>}
    </form>
  );
}
