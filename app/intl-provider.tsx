"use client";
import { NextIntlClientProvider, type AbstractIntlMessages } from "next-intl";
import type { ReactNode } from "react";
import type { AppLocale } from "@/lib/i18n/locales";
import { FORMATS } from "@/lib/i18n/formats";
import { missingMessageFallback, reportIntlError } from "@/lib/i18n/missing";

/**
 * The request's language, messages and time zone for client components (useTranslations,
 * useFormatter), with the same missing-message handling as the server (lib/i18n/missing.ts): the
 * handlers are functions, so they are given here, on the client side.
 */
export function IntlProvider({
  locale,
  timeZone,
  messages,
  children,
}: {
  locale: AppLocale;
  timeZone: string;
  messages: AbstractIntlMessages;
  children: ReactNode;
}) {
  return (
    <NextIntlClientProvider
      locale={locale}
      timeZone={timeZone}
      messages={messages}
      formats={FORMATS}
      onError={reportIntlError}
      getMessageFallback={missingMessageFallback}
    >
      {children}
    </NextIntlClientProvider>
  );
}
