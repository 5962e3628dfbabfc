import type { ReactNode } from "react";
import { PortalShell } from "@/components/shell/portal-shell";
import { requirePortal } from "@/lib/server/auth/session";

export const dynamic = "force-dynamic";

const PROVIDER_NAV = [
  { href: "/provider", label: "Overview" },
  { href: "/provider/desk", label: "Desk" },
  { href: "/provider/reissuance", label: "Reissuance info" },
  { href: "/provider/customers", label: "Customers" },
  { href: "/provider/records", label: "Load records" },
  { href: "/provider/charges", label: "Charges" },
  { href: "/provider/messages", label: "Messages" },
  { href: "/provider/settings", label: "Settings" },
];

export default async function ProviderLayout({ children }: { children: ReactNode }) {
  const actor = await requirePortal("provider", "/provider");
  return (
    <PortalShell portal="provider" person={actor} company={actor.companyName} nav={PROVIDER_NAV}>
      {children}
    </PortalShell>
  );
}
