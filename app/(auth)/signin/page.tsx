import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { LanguageSwitcher } from "@/components/shell/language-switcher";
import { getActor, PORTAL_HOME } from "@/lib/server/auth/session";
import { demoAccountsHint } from "@/lib/server/demo-accounts";
import { safeCallbackPath } from "@/lib/validation/callback-url";
import { SignInForm } from "./sign-in-form";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("auth.signIn");
  return { title: t("metaTitle") };
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const actor = await getActor();
  if (actor) redirect(safeCallbackPath(params.callbackUrl) ?? PORTAL_HOME[actor.role]);
  const t = await getTranslations("auth.signIn");
  return (
    <main className="grid min-h-screen place-items-center px-4">
      <div className="w-full max-w-md">
        <div className="mb-4 flex justify-end">
          <LanguageSwitcher />
        </div>
        <div className="mb-6 text-center">
          <div className="mx-auto mb-3 grid h-12 w-12 place-items-center rounded-xl bg-slate-900 text-sm font-bold text-white">RC</div>
          <h1 className="text-xl font-semibold">{t("title")}</h1>
          <p className="mt-1 text-sm text-slate-600">{t("subtitle")}</p>
        </div>
        <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
          <SignInForm callbackUrl={safeCallbackPath(params.callbackUrl) ?? "/"} demo={demoAccountsHint()} />
        </div>
      </div>
    </main>
  );
}
