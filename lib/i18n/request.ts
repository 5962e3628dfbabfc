/**
 * next-intl's request configuration, without locale routing (no /en or /ja in the URL): the language
 * is the account's, else the switcher's NEXT_LOCALE cookie, else the browser's Accept-Language, else
 * English; times are in the account's time zone (docs/i18n.md). Wired in next.config.js.
 */
import { cookies, headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { getAccountPreferences } from "@/lib/server/auth/preferences";
import { DEFAULT_TIME_ZONE, isLocale, LOCALE_COOKIE, resolveLocale } from "./locales";
import { messagesFor } from "./messages";
import { missingMessageFallback, reportIntlError } from "./missing";
import { FORMATS } from "./formats";

export default getRequestConfig(async ({ locale: requested }) => {
  const account = await getAccountPreferences();
  const locale = isLocale(requested)
    ? requested
    : resolveLocale({
        account: account?.locale,
        cookie: (await cookies()).get(LOCALE_COOKIE)?.value,
        acceptLanguage: (await headers()).get("accept-language"),
      });
  return {
    locale,
    messages: messagesFor(locale),
    timeZone: account?.timeZone ?? DEFAULT_TIME_ZONE,
    formats: FORMATS,
    onError: reportIntlError,
    getMessageFallback: missingMessageFallback,
  };
});
