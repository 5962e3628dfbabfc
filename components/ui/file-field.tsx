"use client";

import { useTranslations } from "next-intl";
import { useId, useState, type ChangeEvent } from "react";

/**
 * A file field in the page's language (issue 15). The browser's own file input writes its button and its
 * "no file chosen" in the browser's language, whatever the page's; so the input is visually hidden (still
 * focusable, still the form's field, named by the field's label through aria-labelledby) and a styled label
 * in the page's language opens it. The chosen file's name is announced beside it.
 */
export function FileField({
  id: givenId,
  name,
  label,
  accept,
  disabled = false,
  describedBy,
  onChange,
}: {
  id?: string;
  name?: string;
  label: string;
  accept?: string;
  disabled?: boolean;
  describedBy?: string;
  onChange?: (event: ChangeEvent<HTMLInputElement>) => void;
}) {
  const t = useTranslations("common.fileField");
  const generated = useId();
  const id = givenId ?? generated;
  const [chosen, setChosen] = useState<string | null>(null);
  return (
    <div>
      <span id={`${id}-label`} className="block text-sm font-medium text-slate-700">
        {label}
      </span>
      <div className="mt-1 flex flex-wrap items-center gap-3">
        <input
          id={id}
          name={name}
          type="file"
          accept={accept}
          disabled={disabled}
          aria-labelledby={`${id}-label`}
          aria-describedby={[`${id}-chosen`, describedBy].filter(Boolean).join(" ")}
          className="peer sr-only"
          onChange={(event) => {
            setChosen(event.currentTarget.files?.[0]?.name ?? null);
            onChange?.(event);
          }}
        />
        <label
          htmlFor={id}
          aria-hidden="true"
          className="inline-flex cursor-pointer items-center justify-center rounded-lg bg-white px-3.5 py-2 text-sm font-medium text-slate-800 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50 peer-focus-visible:outline peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-slate-900 peer-disabled:cursor-not-allowed peer-disabled:text-slate-500"
        >
          {t("choose")}
        </label>
        <span id={`${id}-chosen`} className="text-sm text-slate-600" aria-live="polite">
          {chosen ? <span translate="no">{chosen}</span> : t("none")}
        </span>
      </div>
    </div>
  );
}
