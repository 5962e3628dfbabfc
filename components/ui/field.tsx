import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";

type Common = { label: string; name: string; errors?: string[]; hint?: ReactNode };

const INPUT = "mt-1 block w-full rounded-lg border-0 px-3 py-2 text-sm shadow-sm ring-1 ring-inset focus:ring-2 focus:ring-inset";

function ring(errors?: string[]) {
  return errors?.length ? "ring-rose-400 focus:ring-rose-600" : "ring-slate-300 focus:ring-slate-600";
}

/** Label, control, hint and an error slot wired with aria-describedby (STYLE.md, convention 4). */
function Frame({ label, name, errors, hint, children }: Common & { children: ReactNode }) {
  return (
    <div>
      <label htmlFor={name} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      {children}
      {hint && (
        <p id={`${name}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      )}
      <FieldErrors id={`${name}-error`} errors={errors} />
    </div>
  );
}

/** The error slot of a control: `id` is what its aria-describedby names; announced as errors arrive. */
export function FieldErrors({ id, errors }: { id: string; errors?: string[] }) {
  return (
    <div id={id} aria-live="polite">
      {errors?.map((e) => (
        <p key={e} className="mt-1 text-xs font-medium text-rose-600">
          {e}
        </p>
      ))}
    </div>
  );
}

function describedBy(name: string, hint?: ReactNode) {
  return hint ? `${name}-hint ${name}-error` : `${name}-error`;
}

export function TextField({ label, name, errors, hint, ...props }: Common & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <Frame label={label} name={name} errors={errors} hint={hint}>
      <input
        id={name}
        name={name}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy(name, hint)}
        className={`${INPUT} ${ring(errors)}`}
        {...props}
      />
    </Frame>
  );
}

export function SelectField({ label, name, errors, hint, children, ...props }: Common & SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <Frame label={label} name={name} errors={errors} hint={hint}>
      <select
        id={name}
        name={name}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy(name, hint)}
        className={`${INPUT} ${ring(errors)}`}
        {...props}
      >
        {children}
      </select>
    </Frame>
  );
}

export function TextAreaField({ label, name, errors, hint, ...props }: Common & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return (
    <Frame label={label} name={name} errors={errors} hint={hint}>
      <textarea
        id={name}
        name={name}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy(name, hint)}
        className={`${INPUT} ${ring(errors)}`}
        {...props}
      />
    </Frame>
  );
}

/** A form-level message (success or refusal) announced to screen readers. */
export function FormMessage({ tone, children }: { tone: "good" | "bad"; children: ReactNode }) {
  const cls = tone === "good" ? "bg-emerald-50 text-emerald-800 ring-emerald-200" : "bg-rose-50 text-rose-800 ring-rose-200";
  return (
    <p role={tone === "bad" ? "alert" : "status"} className={`rounded-lg px-3 py-2 text-sm ring-1 ring-inset ${cls}`}>
      {children}
    </p>
  );
}
