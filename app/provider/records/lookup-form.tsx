"use client";
import { Link } from "@/components/ui/link";
import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { FormMessage, TextField } from "@/components/ui/field";
import { lookupLoadRecordAction, type LookupState } from "./actions";

export function LookupForm() {
  const t = useTranslations("provider.records.lookup");
  const [state, action, pending] = useActionState<LookupState, FormData>(lookupLoadRecordAction, {});
  return (
    <form action={action} className="space-y-3" aria-label={t("label")}>
      <div className="flex flex-wrap items-start gap-3">
        <div className="w-96">
          <TextField label={t("messageId")} name="messageId" placeholder="RECARD01-METRO01-I0000000001" errors={state.fieldErrors?.messageId} />
        </div>
        <Button type="submit" disabled={pending} className="mt-6">
          {pending ? t("looking") : t("find")}
        </Button>
      </div>
      {state.message && <FormMessage tone="bad">{state.message}</FormMessage>}
      {state.record && (
        <FormMessage tone="good">
          {t.rich("found", {
            aid: state.record.applicationAid,
            name: state.record.customerName,
            kind: state.record.kind,
            status: state.record.status,
            link: (chunks) => (
              <Link className="underline" href={`/provider/records/${state.record!.id}`}>
                {chunks}
              </Link>
            ),
          })}
        </FormMessage>
      )}
    </form>
  );
}
