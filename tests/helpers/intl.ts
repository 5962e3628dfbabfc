/**
 * next-intl's server functions for integration tests. `next-intl/server` reads the request's language
 * through the Next.js request scope and the plugin's `next-intl/config` alias, neither of which exists
 * when a test calls a server action directly; this gives the actions the same catalogues (lib/i18n/messages)
 * through use-intl's own translator, in one locale per test file (English unless the file says otherwise).
 * A missing key renders the same mark as in the app (lib/i18n/missing.ts), so a test can see it.
 */
import { createFormatter, createTranslator } from "use-intl/core";
import { FORMATS } from "@/lib/i18n/formats";
import type { AppLocale } from "@/lib/i18n/locales";
import { messagesFor } from "@/lib/i18n/messages";
import { missingMessageFallback } from "@/lib/i18n/missing";

export const TEST_TIME_ZONE = "Asia/Tokyo";

export function intlServer(locale: AppLocale = "en") {
  const messages = messagesFor(locale);
  const translator = (namespace?: string) =>
    createTranslator({
      locale,
      messages,
      namespace: namespace as never,
      formats: FORMATS,
      timeZone: TEST_TIME_ZONE,
      getMessageFallback: missingMessageFallback,
      onError: () => undefined,
    });
  return {
    getTranslations: async (options?: string | { namespace?: string; locale?: AppLocale }) =>
      typeof options === "string" || options === undefined ? translator(options) : translator(options.namespace),
    getFormatter: async () => createFormatter({ locale, formats: FORMATS, timeZone: TEST_TIME_ZONE }),
    getLocale: async () => locale,
    getTimeZone: async () => TEST_TIME_ZONE,
    getMessages: async () => messages,
    getNow: async () => new Date(),
    setRequestLocale: () => undefined,
  };
}
