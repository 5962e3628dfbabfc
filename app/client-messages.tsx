import type { ReactNode } from "react";
import { getLocale, getMessages, getTimeZone } from "next-intl/server";
import { pickNamespaces, PORTAL_CLIENT_NAMESPACES, SHARED_CLIENT_NAMESPACES } from "@/lib/i18n/messages";
import { IntlProvider } from "./intl-provider";

/**
 * A portal's client components get its namespaces besides the shared ones the root layout sends
 * (lib/i18n/messages.ts, PORTAL_CLIENT_NAMESPACES): the issuer's words never travel in a provider's page.
 */
export async function PortalClientMessages({ portal, children }: { portal: keyof typeof PORTAL_CLIENT_NAMESPACES; children: ReactNode }) {
  const [locale, timeZone, messages] = await Promise.all([getLocale(), getTimeZone(), getMessages()]);
  return (
    <IntlProvider locale={locale} timeZone={timeZone} messages={pickNamespaces(messages, [...SHARED_CLIENT_NAMESPACES, ...PORTAL_CLIENT_NAMESPACES[portal]])}>
      {children}
    </IntlProvider>
  );
}
