import "server-only";
import { getLocale, getTimeZone } from "next-intl/server";
import type { AppLocale } from "@/lib/i18n/locales";

/**
 * What a scope's intl provider (app/_intl/*.tsx) takes from the request: its language and time zone
 * (lib/i18n/request.ts). The words themselves travel with the scope's code, not in the page.
 */
export async function requestIntl(): Promise<{ locale: AppLocale; timeZone: string }> {
  // getLocale() is one of ours: lib/i18n/request.ts picks it, and next-intl's types say so (types/next-intl.d.ts).
  const [locale, timeZone] = await Promise.all([getLocale(), getTimeZone()]);
  return { locale, timeZone };
}
