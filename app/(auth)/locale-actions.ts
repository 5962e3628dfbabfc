"use server";
import { cookies } from "next/headers";
import { revalidatePath } from "next/cache";
import { isLocale, LOCALE_COOKIE } from "@/lib/i18n/locales";
import { getAccountPreferences, saveAccountLocale } from "@/lib/server/auth/preferences";

export type LocaleChoice = { ok: true } | { ok: false; message: string };

const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

/**
 * The language switcher, for everyone (public by design, tests/security/server-actions.int.test.ts):
 * signed out it sets the NEXT_LOCALE cookie; signed in it also stores the language on the person's
 * own account (and only theirs: the account is the session's), so it follows them to other browsers.
 */
export async function chooseLocaleAction(locale: unknown): Promise<LocaleChoice> {
  if (!isLocale(locale)) return { ok: false, message: "Unknown language: choose en or ja." };
  const account = await getAccountPreferences();
  if (account) await saveAccountLocale(account.userId, locale);
  (await cookies()).set(LOCALE_COOKIE, locale, { path: "/", sameSite: "lax", maxAge: ONE_YEAR_SECONDS });
  revalidatePath("/", "layout");
  return { ok: true };
}
