"use client";
import { useTranslations } from "next-intl";
import { useActionState } from "react";
import { keepValues } from "@/components/issuer/keep-values";
import { Button, type ButtonVariant } from "@/components/ui/button";
import { FieldErrors, FormMessage } from "@/components/ui/field";

export type FormState = { ok?: boolean; message?: string; fieldErrors?: Record<string, string[] | undefined> };

export type FieldSpec =
  | {
      kind: "text" | "number" | "month" | "date" | "email" | "password";
      name: string;
      label: string;
      defaultValue?: string | number;
      hint?: string;
      placeholder?: string;
      min?: number;
      width?: string;
    }
  | { kind: "select"; name: string; label: string; options: { value: string; label: string }[]; defaultValue?: string; hint?: string; width?: string }
  | { kind: "textarea"; name: string; label: string; defaultValue?: string; hint?: string; width?: string };

const INPUT = "mt-1 block w-full rounded-lg border-0 px-3 py-2 text-sm shadow-sm ring-1 ring-inset focus:ring-2 focus:ring-inset";

/**
 * A small form for one server action, several per page: every control gets an id unique to the
 * form (`idPrefix`), a label, a hint and an error slot wired with aria-describedby (STYLE.md 4).
 */
export function SimpleForm({
  action,
  fields,
  submitLabel,
  pendingLabel,
  ariaLabel,
  idPrefix,
  variant = "primary",
  inline = false,
}: {
  action: (prev: FormState, formData: FormData) => Promise<FormState>;
  fields: FieldSpec[];
  submitLabel: string;
  pendingLabel?: string;
  ariaLabel: string;
  idPrefix: string;
  variant?: ButtonVariant;
  inline?: boolean;
}) {
  const [state, formAction, pending] = useActionState<FormState, FormData>(action, {});
  const t = useTranslations("common.form");
  return (
    <form action={formAction} onSubmit={keepValues(formAction)} aria-label={ariaLabel} className={inline ? "flex flex-wrap items-start gap-3" : "space-y-3"}>
      {fields.map((f) => {
        const id = `${idPrefix}-${f.name}`;
        const errors = state.fieldErrors?.[f.name];
        const common = {
          id,
          name: f.name,
          "aria-invalid": errors?.length ? true : undefined,
          "aria-describedby": f.hint ? `${id}-hint ${id}-error` : `${id}-error`,
          className: `${INPUT} ${errors?.length ? "ring-rose-400" : "ring-slate-300"}`,
        } as const;
        return (
          <div key={f.name} className={inline ? (f.width ?? "w-48") : ""}>
            <label htmlFor={id} className="block text-sm font-medium text-slate-700">
              {f.label}
            </label>
            {f.kind === "select" ? (
              <select {...common} defaultValue={f.defaultValue}>
                {f.options.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            ) : f.kind === "textarea" ? (
              <textarea {...common} rows={2} maxLength={500} defaultValue={f.defaultValue} />
            ) : (
              <input
                {...common}
                type={f.kind}
                defaultValue={f.kind === "password" ? undefined : f.defaultValue}
                placeholder={f.placeholder}
                min={f.min}
                autoComplete={f.kind === "password" ? "new-password" : undefined}
              />
            )}
            {f.hint && (
              <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
                {f.hint}
              </p>
            )}
            <FieldErrors id={`${id}-error`} errors={errors} />
          </div>
        );
      })}
      <div className={inline ? "pt-6" : ""}>
        <Button type="submit" variant={variant} disabled={pending}>
          {pending ? (pendingLabel ?? t("saving")) : submitLabel}
        </Button>
      </div>
      {state.message && (
        <div className={inline ? "basis-full" : ""}>
          <FormMessage tone={state.ok ? "good" : "bad"}>{state.message}</FormMessage>
        </div>
      )}
    </form>
  );
}
