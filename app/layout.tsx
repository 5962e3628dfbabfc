import type { Metadata } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import "./globals.css";
import { SharedIntlProvider } from "./_intl/shared";
import { requestIntl } from "./_intl/request";
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
  // The language and time zone of this request (lib/i18n/request.ts, docs/i18n.md); client components get
  // the shared words here and each portal's from its layout (app/_intl, lib/i18n/messages.ts CLIENT_SCOPES).
  const { locale, timeZone } = await requestIntl();
  return (
    <html lang={locale}>
      <body>
        <SharedIntlProvider locale={locale} timeZone={timeZone}>
          <Providers>{children}</Providers>
        </SharedIntlProvider>
      </body>
    </html>
  );
}
