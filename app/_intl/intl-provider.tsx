"use client";
import { NextIntlClientProvider, type AbstractIntlMessages } from "next-intl";
import type { ReactNode } from "react";
import type { AppLocale } from "@/lib/i18n/locales";
import { FORMATS } from "@/lib/i18n/formats";
import { missingMessageFallback, reportIntlError } from "@/lib/i18n/missing";

type IntlProps = { locale: AppLocale; timeZone: string; children: ReactNode };

/**
 * The request's language and time zone for client components (useTranslations, useFormatter), with the
 * same missing-message handling as the server (lib/i18n/missing.ts): the handlers are functions, so they
 * are given here, on the client side.
 *
 * The words are not props: each scope's catalogue is a module of its own (app/_intl/*.tsx, both languages)
 * that the browser loads once with the scope's code and keeps (its chunk's name is its content's hash), and
 * that the server's render of the client components imports too. A page's payload then carries only the
 * language and the time zone; the words as props were 46 KB of every desk page, serialised again by the
 * server on every request (issue 16, docs/i18n.md and docs/performance.md).
 */
export function scopedIntlProvider(words: Record<AppLocale, AbstractIntlMessages>) {
  return function ScopedIntlProvider({ locale, timeZone, children }: IntlProps) {
    return (
      <NextIntlClientProvider
        locale={locale}
        timeZone={timeZone}
        messages={words[locale]}
        formats={FORMATS}
        onError={reportIntlError}
        getMessageFallback={missingMessageFallback}
      >
        {children}
      </NextIntlClientProvider>
    );
  };
}
