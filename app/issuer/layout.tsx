import type { ReactNode } from "react";
import { getTranslations } from "next-intl/server";
import { PortalShell } from "@/components/shell/portal-shell";
import { IssuerIntlProvider } from "../_intl/issuer";
import { requestIntl } from "../_intl/request";
import { requirePortal } from "@/lib/server/auth/session";

export const dynamic = "force-dynamic";

const ISSUER_NAV = [
  { href: "/issuer", key: "overview" },
  { href: "/issuer/reissues", key: "reissues" },
  { href: "/issuer/cards", key: "cards" },
  { href: "/issuer/cardholders", key: "cardholders" },
  { href: "/issuer/renewals", key: "renewals" },
  { href: "/issuer/permissions", key: "permissions" },
  { href: "/issuer/keys", key: "keys" },
  { href: "/issuer/providers", key: "providers" },
  { href: "/issuer/charges", key: "charges" },
  { href: "/issuer/messages", key: "messages" },
  { href: "/issuer/audit", key: "audit" },
] as const;

export default async function IssuerLayout({ children }: { children: ReactNode }) {
  const actor = await requirePortal("issuer", "/issuer");
  const intl = await requestIntl();
  const t = await getTranslations("issuer.nav");
  return (
    <IssuerIntlProvider {...intl}>
      <PortalShell portal="issuer" person={actor} company={actor.companyName} nav={ISSUER_NAV.map((n) => ({ href: n.href, label: t(n.key) }))}>
        {children}
      </PortalShell>
    </IssuerIntlProvider>
  );
}
