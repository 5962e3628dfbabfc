import type { ReactNode } from "react";
import { PortalShell } from "@/components/shell/portal-shell";
import { requirePortal } from "@/lib/server/auth/session";

export const dynamic = "force-dynamic";

const ISSUER_NAV = [
  { href: "/issuer", label: "Overview" },
  { href: "/issuer/reissues", label: "Reissue queue" },
  { href: "/issuer/cards", label: "Cards" },
  { href: "/issuer/cardholders", label: "Cardholders" },
  { href: "/issuer/renewals", label: "Renewals" },
  { href: "/issuer/permissions", label: "Loading permissions" },
  { href: "/issuer/keys", label: "Card keys" },
  { href: "/issuer/providers", label: "Providers" },
  { href: "/issuer/charges", label: "Charges" },
  { href: "/issuer/messages", label: "Messages" },
  { href: "/issuer/audit", label: "Audit log" },
];

export default async function IssuerLayout({ children }: { children: ReactNode }) {
  const actor = await requirePortal("issuer", "/issuer");
  return (
    <PortalShell portal="issuer" person={actor} company={actor.companyName} nav={ISSUER_NAV}>
      {children}
    </PortalShell>
  );
}
