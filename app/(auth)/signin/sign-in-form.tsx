"use client";
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { FormMessage, TextField } from "@/components/ui/field";
import { Button } from "@/components/ui/button";

type FieldErrors = { email?: string[]; password?: string[] };

/** Credentials sign-in; next-auth's refusal text (wrong password, slowed down) is shown as it is. */
export function SignInForm({ callbackUrl }: { callbackUrl: string }) {
  const router = useRouter();
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

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Sign in">
      {message && <FormMessage tone="bad">{message}</FormMessage>}
      <TextField label="E-mail" name="email" type="email" autoComplete="username" required errors={fieldErrors.email} />
      <TextField label="Password" name="password" type="password" autoComplete="current-password" required errors={fieldErrors.password} />
      <Button type="submit" disabled={pending} className="w-full">
        {pending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
