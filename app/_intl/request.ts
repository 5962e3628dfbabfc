import "server-only";
import { getLocale, getTimeZone } from "next-intl/server";
import { isLocale, DEFAULT_LOCALE, type AppLocale } from "@/lib/i18n/locales";

/**
 * What a scope's intl provider (app/_intl/*.tsx) takes from the request: its language and time zone
 * (lib/i18n/request.ts). The words themselves travel with the scope's code, not in the page.
 */
export async function requestIntl(): Promise<{ locale: AppLocale; timeZone: string }> {
  const [locale, timeZone] = await Promise.all([getLocale(), getTimeZone()]);
  return { locale: isLocale(locale) ? locale : DEFAULT_LOCALE, timeZone };
}
