/**
 * The message catalogues: messages/<locale>/<namespace>.json, one file per namespace so that each
 * portal's strings are edited apart (docs/i18n.md). English is the reference: its files give the
 * types (types/next-intl.d.ts), and every other locale must have exactly the same keys
 * (lib/i18n/messages.test.ts).
 */
import enAuth from "../../messages/en/auth.json";
import enCardholder from "../../messages/en/cardholder.json";
import enCommon from "../../messages/en/common.json";
import enEmail from "../../messages/en/email.json";
import enIssuer from "../../messages/en/issuer.json";
import enProvider from "../../messages/en/provider.json";
import jaAuth from "../../messages/ja/auth.json";
import jaCardholder from "../../messages/ja/cardholder.json";
import jaCommon from "../../messages/ja/common.json";
import jaEmail from "../../messages/ja/email.json";
import jaIssuer from "../../messages/ja/issuer.json";
import jaProvider from "../../messages/ja/provider.json";
import type { AppLocale } from "./locales";

/** The English catalogue: the shape every locale has. */
export const EN_MESSAGES = {
  common: enCommon,
  auth: enAuth,
  cardholder: enCardholder,
  email: enEmail,
  issuer: enIssuer,
  provider: enProvider,
};

export type AppMessages = typeof EN_MESSAGES;
export type Namespace = keyof AppMessages;
export const NAMESPACES = Object.keys(EN_MESSAGES) as Namespace[];

/** Per locale, one JSON value per namespace (typed loosely: the test, not the compiler, checks ja). */
export const CATALOGUES: Record<AppLocale, Record<Namespace, unknown>> = {
  en: EN_MESSAGES,
  ja: { common: jaCommon, auth: jaAuth, cardholder: jaCardholder, email: jaEmail, issuer: jaIssuer, provider: jaProvider },
};

/** All namespaces of a locale, as next-intl takes them ({ common: {...}, auth: {...}, ... }). */
export function messagesFor(locale: AppLocale): AppMessages {
  return CATALOGUES[locale] as AppMessages;
}

/**
 * What a page's client components may need: the namespaces given, picked from the request's messages.
 * Every namespace sent is serialised into each page (RSC payload and HTML), so the root layout sends
 * the shared ones and each portal's layout adds its own (app/client-messages.tsx): sending every
 * portal's words and the e-mails to every page was 100 KB of each desk page (issue 16, docs/i18n.md).
 */
export function pickNamespaces<M extends Record<string, unknown>>(messages: M, namespaces: readonly Namespace[]): Partial<M> {
  const picked: Partial<M> = {};
  for (const ns of namespaces) if (ns in messages) picked[ns as keyof M] = messages[ns as keyof M];
  return picked;
}

/** The namespaces every page's client components use (shell, forms, reader, messages, sign-in). */
export const SHARED_CLIENT_NAMESPACES: readonly Namespace[] = ["common", "auth"];

/**
 * What each portal's client components add: its own words, and on the issuer's the cardholder's report
 * form, which an operator fills on a cardholder's behalf (components/cardholder/report-form.tsx).
 */
export const PORTAL_CLIENT_NAMESPACES = {
  issuer: ["issuer", "cardholder"],
  provider: ["provider"],
  cardholder: ["cardholder"],
} as const satisfies Record<string, readonly Namespace[]>;
