import "server-only";
import { unstable_rethrow } from "next/navigation";
import { cache } from "react";
import { isLocale, isTimeZone, type AppLocale } from "@/lib/i18n/locales";
import { db } from "../db";
import { getSessionAccount } from "./session";

export type AccountPreferences = { userId: string; locale: AppLocale | null; timeZone: string | null };

/**
 * The signed-in person's language and time zone (null: not chosen; the language then follows the
 * browser). Null when nobody is signed in, or when the account cannot be read just now (the page then
 * renders in the browser's language rather than failing). Once per request.
 */
export const getAccountPreferences = cache(async function getAccountPreferences(): Promise<AccountPreferences | null> {
  try {
    // Read with the session check itself (session.ts, getSessionAccount): no statement of its own.
    const user = await getSessionAccount();
    if (!user) return null;
    return { userId: user.id, locale: isLocale(user.locale) ? user.locale : null, timeZone: isTimeZone(user.timeZone) ? user.timeZone : null };
  } catch (error) {
    unstable_rethrow(error); // Next's own signals (a dynamic render, a redirect) are not failures
    console.error("[i18n] could not read the account's language and time zone", error);
    return null;
  }
});

/** Stores the language the person chose with the switcher on their own account. */
export async function saveAccountLocale(userId: string, locale: AppLocale): Promise<void> {
  await db().user.update({ where: { id: userId }, data: { locale } });
}
