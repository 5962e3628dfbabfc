"use client";
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useRef, useState, type FormEvent } from "react";
import { FormMessage, TextField } from "@/components/ui/field";
import { Button } from "@/components/ui/button";

type FieldErrors = { email?: string[]; password?: string[] };
type DemoAccount = { email: string; name: string; portal: "issuer" | "provider" | "cardholder"; company?: string };
type DemoHint = { password: string; accounts: DemoAccount[] } | null;

const PORTAL_WORD: Record<DemoAccount["portal"], string> = { issuer: "Issuer", provider: "Provider desk", cardholder: "Cardholder" };

/** Credentials sign-in; next-auth's refusal text (wrong password, slowed down) is shown as it is. */
export function SignInForm({ callbackUrl, demo = null }: { callbackUrl: string; demo?: DemoHint }) {
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
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) errors.email = ["Enter an e-mail address like name@example.com."];
    if (!password) errors.password = ["Enter your password."];
    setFieldErrors(errors);
    setMessage(null);
    if (errors.email || errors.password) return;
    setPending(true);
    const result = await signIn("credentials", { email, password, redirect: false });
    setPending(false);
    if (!result || result.error) {
      setMessage(result?.error && result.error !== "CredentialsSignin" ? result.error : "Wrong e-mail address or password.");
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
    <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Sign in">
      {message && <FormMessage tone="bad">{message}</FormMessage>}
      <TextField label="E-mail" name="email" type="email" autoComplete="username" required errors={fieldErrors.email} />
      <TextField label="Password" name="password" type="password" autoComplete="current-password" required errors={fieldErrors.password} />
      <Button type="submit" disabled={pending} className="w-full">
        {pending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
    {demo && (
      <section aria-labelledby="demo-accounts" className="mt-6 border-t border-slate-200 pt-4">
        <h2 id="demo-accounts" className="text-sm font-semibold text-slate-800">Demo accounts</h2>
        <p className="mt-1 text-xs text-slate-600">
          This ReCard runs with the public demo keys. Every demo account has the password <code className="rounded bg-slate-100 px-1">{demo.password}</code>; choose one to fill the form.
        </p>
        <ul className="mt-2 divide-y divide-slate-100 text-sm">
          {demo.accounts.map((a) => (
            <li key={a.email} className="flex items-center justify-between gap-2 py-1.5">
              <span className="min-w-0">
                <span className="block truncate font-medium text-slate-800">{a.name}</span>
                <span className="block text-xs text-slate-600">
                  {a.company ? `${a.company} · ${PORTAL_WORD[a.portal]}` : PORTAL_WORD[a.portal]}
                </span>
              </span>
              <button type="button" onClick={() => fillDemoAccount(a)} className="shrink-0 rounded-md px-2 py-1 text-xs font-medium text-sky-800 ring-1 ring-inset ring-sky-200 hover:bg-sky-50" aria-label={`Use ${a.email}`}>
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
