import type { ReactNode } from "react";
import { getLocale, getMessages, getTimeZone } from "next-intl/server";
import { pickNamespaces, PORTAL_CLIENT_NAMESPACES, SHARED_CLIENT_NAMESPACES, type ClientMessagePath } from "@/lib/i18n/messages";
import { IntlProvider } from "./intl-provider";

/**
 * A portal's client components get its namespaces besides the shared ones the root layout sends
 * (lib/i18n/messages.ts, PORTAL_CLIENT_NAMESPACES): the issuer's words never travel in a provider's page.
 * A page whose own client components need more gives `also` (the desk: DESK_CLIENT_NAMESPACES) around
 * them; the words its layout sent already are not sent twice (pickNamespaces).
 */
export async function PortalClientMessages({
  portal,
  also = [],
  children,
}: {
  portal: keyof typeof PORTAL_CLIENT_NAMESPACES;
  also?: readonly ClientMessagePath[];
  children: ReactNode;
}) {
  const [locale, timeZone, messages] = await Promise.all([getLocale(), getTimeZone(), getMessages()]);
  return (
    <IntlProvider
      locale={locale}
      timeZone={timeZone}
      messages={pickNamespaces(messages, [...SHARED_CLIENT_NAMESPACES, ...PORTAL_CLIENT_NAMESPACES[portal], ...also])}
    >
      {children}
    </IntlProvider>
  );
}
