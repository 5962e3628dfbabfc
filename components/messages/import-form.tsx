"use client";
import { useTranslations } from "next-intl";
import { useActionState } from "react";
import { importMessageFileAction, type ImportState } from "@/app/_actions/messages";
import { Button } from "@/components/ui/button";
import { FieldErrors, FormMessage } from "@/components/ui/field";
import { FileField } from "@/components/ui/file-field";

/** Imports a message file (the patent's floppy disk) through the same checks as online delivery. */
export function ImportForm() {
  const [state, action, pending] = useActionState<ImportState, FormData>(importMessageFileAction, {});
  const t = useTranslations("common.messages.import");
  return (
    <form action={action} className="space-y-3" aria-label={t("formLabel")}>
      <div>
        <FileField id="file" name="file" label={t("file")} accept=".recard-msg,text/plain" describedBy="file-error" />
        <FieldErrors id="file-error" errors={state.fieldErrors?.file} />
      </div>
      <Button type="submit" disabled={pending}>
        {pending ? t("importing") : t("submit")}
      </Button>
      {state.message && <FormMessage tone={state.tone ?? "bad"}>{state.message}</FormMessage>}
    </form>
  );
}
