"use client";
import { signIn } from "next-auth/react";
import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useRef, useState, type FormEvent } from "react";
import { FormMessage, TextField } from "@/components/ui/field";
import { Button } from "@/components/ui/button";
import { PersonName } from "@/components/ui/person-name";

type FieldErrors = { email?: string[]; password?: string[] };
type DemoAccount = { email: string; name: string; kana?: string; portal: "issuer" | "provider" | "cardholder"; company?: string };
type DemoHint = { password: string; accounts: DemoAccount[] } | null;

/** Credentials sign-in; the server's refusal codes (lib/server/auth/options.ts) are worded here. */
export function SignInForm({ callbackUrl, demo = null }: { callbackUrl: string; demo?: DemoHint }) {
  const t = useTranslations("auth");
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email") ?? "").trim();
    const password = String(form.get("password") ?? "");
    const errors: FieldErrors = {};
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) errors.email = [t("signIn.errors.emailFormat")];
    if (!password) errors.password = [t("signIn.errors.passwordRequired")];
    setFieldErrors(errors);
    setMessage(null);
    if (errors.email || errors.password) return;
    setPending(true);
    const result = await signIn("credentials", { email, password, redirect: false });
    setPending(false);
    if (!result || result.error) {
      const throttled = /^throttled:(\d+)$/.exec(result?.error ?? "");
      const notHosted = /^not-hosted:(.+)$/.exec(result?.error ?? "");
      if (throttled) setMessage(t("signIn.errors.throttled", { seconds: Number(throttled[1]) }));
      else if (notHosted) setMessage(t("signIn.errors.notHosted", { company: notHosted[1]! }));
      else setMessage(t("signIn.errors.invalid"));
      return;
    }
    router.replace(callbackUrl);
    router.refresh();
  }

  /** Fills the form with a demo account; the person still presses "Sign in". */
  function fillDemoAccount(account: DemoAccount) {
    const form = formRef.current;
    if (!form || !demo) return;
    (form.elements.namedItem("email") as HTMLInputElement).value = account.email;
    (form.elements.namedItem("password") as HTMLInputElement).value = demo.password;
    setFieldErrors({});
    setMessage(null);
    (form.elements.namedItem("password") as HTMLInputElement).focus();
  }

  return (
    <>
      <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-4" aria-label={t("signIn.formLabel")}>
        {message && <FormMessage tone="bad">{message}</FormMessage>}
        <TextField label={t("signIn.email")} name="email" type="email" autoComplete="username" required errors={fieldErrors.email} />
        <TextField label={t("signIn.password")} name="password" type="password" autoComplete="current-password" required errors={fieldErrors.password} />
        <Button type="submit" disabled={pending} className="w-full">
          {pending ? t("signIn.submitting") : t("signIn.submit")}
        </Button>
      </form>
      {demo && (
        <section aria-labelledby="demo-accounts" className="mt-6 border-t border-slate-200 pt-4">
          <h2 id="demo-accounts" className="text-sm font-semibold text-slate-800">
            {t("demo.title")}
          </h2>
          <p className="mt-1 text-xs text-slate-600">
            {t.rich("demo.intro", { password: demo.password, code: (chunks) => <code className="rounded bg-slate-100 px-1">{chunks}</code> })}
          </p>
          <ul className="mt-2 divide-y divide-slate-100 text-sm">
            {demo.accounts.map((a) => (
              <li key={a.email} className="flex items-center justify-between gap-2 py-1.5">
                <span className="min-w-0">
                  <PersonName name={a.name} kana={a.kana} className="block truncate font-medium text-slate-800" />
                  <span className="block text-xs text-slate-600">
                    {a.company ? t("demo.portalOfCompany", { company: a.company, portal: t(`demo.portal.${a.portal}`) }) : t(`demo.portal.${a.portal}`)}
                  </span>
                </span>
                <button
                  type="button"
                  onClick={() => fillDemoAccount(a)}
                  className="shrink-0 rounded-md px-2 py-1 text-xs font-medium text-sky-800 ring-1 ring-inset ring-sky-200 hover:bg-sky-50"
                  aria-label={t("demo.use", { email: a.email })}
                >
                  {a.email}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
