import type { ReactNode } from "react";
import { PortalShell } from "@/components/shell/portal-shell";
import { requirePortal } from "@/lib/server/auth/session";

export const dynamic = "force-dynamic";

const CARDHOLDER_NAV = [
  { href: "/cardholder", label: "My cards" },
  { href: "/cardholder/notices", label: "Notices" },
];

export default async function CardholderLayout({ children }: { children: ReactNode }) {
  const actor = await requirePortal("cardholder", "/cardholder");
  return (
    <PortalShell portal="cardholder" person={actor} company={actor.companyName} nav={CARDHOLDER_NAV}>
      {children}
    </PortalShell>
  );
}
