"use client";
import { useLocale, useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { chooseLocaleAction } from "@/app/(auth)/locale-actions";
import { LOCALE_NAMES, LOCALES } from "@/lib/i18n/locales";

/**
 * English / 日本語. Signed out it sets the NEXT_LOCALE cookie, signed in it also stores the choice on
 * the account (app/(auth)/locale-actions.ts). Each language is named in itself, marked with its lang.
 */
export function LanguageSwitcher({ tone = "light" }: { tone?: "light" | "dark" }) {
  const t = useTranslations("common.language");
  const current = useLocale();
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const base = tone === "dark" ? "text-white/90 ring-white/30 hover:bg-white/10" : "text-slate-700 ring-slate-300 hover:bg-slate-100";
  const active = tone === "dark" ? "bg-black/25 text-white ring-white/50" : "bg-slate-900 text-white ring-slate-900";
  return (
    <div role="group" aria-label={t("label")} className="flex items-center gap-1" data-testid="language-switcher">
      {LOCALES.map((locale) => (
        <button
          key={locale}
          type="button"
          lang={locale}
          aria-pressed={locale === current}
          disabled={pending}
          onClick={() =>
            startTransition(async () => {
              const result = await chooseLocaleAction(locale);
              if (result.ok) router.refresh();
            })
          }
          className={`rounded-md px-2 py-1 text-xs font-medium ring-1 ring-inset disabled:opacity-60 ${locale === current ? active : base}`}
        >
          {LOCALE_NAMES[locale]}
        </button>
      ))}
    </div>
  );
}
