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
 * The words each scope's client components can use: one catalogue module per scope (app/_intl/<scope>.tsx,
 * both languages), loaded by the browser with the scope's code and kept, never sent in a page's payload
 * (app/_intl/intl-provider.tsx). The root layout gives the shared scope to every page; each portal's layout its
 * own, which includes the shared words. The issuer's includes the cardholder's words for the report form an
 * operator fills on a cardholder's behalf (components/cardholder/report-form.tsx); `email` is the server's
 * only. messages.test.ts checks that each module imports exactly its scope's files and that every client
 * component's `useTranslations` is in the scope of the pages it is on.
 */
export const CLIENT_SCOPES = {
  shared: ["common", "auth"],
  issuer: ["common", "auth", "issuer", "cardholder"],
  provider: ["common", "auth", "provider"],
  cardholder: ["common", "auth", "cardholder"],
} as const satisfies Record<string, readonly Namespace[]>;
