import type { Metadata } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { getLocale, getMessages, getTimeZone } from "next-intl/server";
import "./globals.css";
import { pickNamespaces, SHARED_CLIENT_NAMESPACES } from "@/lib/i18n/messages";
import { IntlProvider } from "./intl-provider";
import { Providers } from "./providers";

export const metadata: Metadata = {
  title: { default: "ReCard", template: "%s · ReCard" },
  description: "Card management for multi-application smart cards, with secure application reloading on reissued cards.",
  applicationName: "ReCard",
  icons: { icon: { url: "/icon.svg", type: "image/svg+xml" } },
  manifest: "/manifest.webmanifest",
  robots: { index: false, follow: false },
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page renders per request: the Content-Security-Policy nonce of proxy.ts is new each time and
  // Next can only put it on the scripts of a page it renders now (docs/security.md).
  await connection();
  // The language and time zone of this request (lib/i18n/request.ts, docs/i18n.md); the client gets the
  // shared namespaces here and each portal's own from its layout (app/client-messages.tsx).
  const [locale, timeZone, messages] = await Promise.all([getLocale(), getTimeZone(), getMessages()]);
  return (
    <html lang={locale}>
      <body>
        <IntlProvider locale={locale} timeZone={timeZone} messages={pickNamespaces(messages, SHARED_CLIENT_NAMESPACES)}>
          <Providers>{children}</Providers>
        </IntlProvider>
      </body>
    </html>
  );
}
