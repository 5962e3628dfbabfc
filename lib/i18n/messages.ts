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

/** A namespace, or a part of one ("provider.desk"): what a client component gives `useTranslations`. */
export type ClientMessagePath = Namespace | `${Namespace}.${string}`;

/**
 * What a page's client components may need: the namespaces (or parts of namespaces) given, picked from
 * the request's messages. Every word sent is serialised into each page (RSC payload and HTML), so the
 * root layout sends the shared namespaces, each portal's layout what its pages' client components use,
 * and a page with client components of its own adds their parts (app/client-messages.tsx): sending every
 * portal's words and the e-mails to every page was 100 KB of each desk page (issue 16, docs/i18n.md).
 * The picked parts are the catalogue's own objects (never copied nor changed): a part sent by a layout
 * and again by its page travels once, React's payload refers back to it.
 */
export function pickNamespaces<M extends Record<string, unknown>>(messages: M, paths: readonly ClientMessagePath[]): Partial<M> {
  const picked: Record<string, unknown> = {};
  const whole = new Set<string>();
  for (const path of paths) {
    const [ns = "", ...rest] = path.split(".");
    if (!(ns in messages) || whole.has(ns)) continue;
    if (rest.length === 0) {
      picked[ns] = messages[ns];
      whole.add(ns);
      continue;
    }
    let from = messages[ns] as Record<string, unknown> | undefined;
    let into = (picked[ns] ??= {}) as Record<string, unknown>;
    for (const [i, key] of rest.entries()) {
      if (from === undefined || typeof from !== "object" || !(key in from)) break;
      if (i === rest.length - 1) into[key] = from[key];
      else {
        // A part already picked whole is complete; otherwise a new object of our own on the way down.
        if (into[key] === from[key]) break;
        into = (into[key] ??= {}) as Record<string, unknown>;
        from = from[key] as Record<string, unknown>;
      }
    }
  }
  return picked as Partial<M>;
}

/** The namespaces every page's client components use (shell, forms, reader, messages, sign-in). */
export const SHARED_CLIENT_NAMESPACES: readonly ClientMessagePath[] = ["common", "auth"];

/**
 * What each portal's client components add on every page of the portal: on the issuer's its own words and
 * the cardholder's report form, which an operator fills on a cardholder's behalf
 * (components/cardholder/report-form.tsx); on the provider's only the forms of its records and settings
 * pages, the desk's words coming with the desk page (DESK_CLIENT_NAMESPACES). messages.test.ts checks that
 * every `useTranslations` of a client component is covered.
 */
export const PORTAL_CLIENT_NAMESPACES = {
  issuer: ["issuer", "cardholder"],
  provider: ["provider.records.lookup", "provider.settings.policy", "provider.settings.feeForm"],
  cardholder: ["cardholder"],
} as const satisfies Record<string, readonly ClientMessagePath[]>;

/** What the provider desk's client components use (app/provider/desk/_components), sent by the desk page only. */
export const DESK_CLIENT_NAMESPACES: readonly ClientMessagePath[] = [
  "provider.desk",
  "provider.words",
  "provider.ops",
  "provider.guide",
  "provider.keys",
  "provider.runner",
  "provider.outcome",
  "provider.reload",
  "provider.firstLoad",
  "provider.validation",
  "provider.lease",
];
