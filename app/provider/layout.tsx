import type { ReactNode } from "react";
import { getTranslations } from "next-intl/server";
import { PortalShell } from "@/components/shell/portal-shell";
import { ProviderIntlProvider } from "../_intl/provider";
import { requestIntl } from "../_intl/request";
import { requirePortal } from "@/lib/server/auth/session";

export const dynamic = "force-dynamic";

const PROVIDER_NAV = [
  { href: "/provider", key: "overview" },
  { href: "/provider/desk", key: "desk" },
  { href: "/provider/reissuance", key: "reissuance" },
  { href: "/provider/customers", key: "customers" },
  { href: "/provider/records", key: "records" },
  { href: "/provider/charges", key: "charges" },
  { href: "/provider/messages", key: "messages" },
  { href: "/provider/settings", key: "settings" },
] as const;

export default async function ProviderLayout({ children }: { children: ReactNode }) {
  const actor = await requirePortal("provider", "/provider");
  const intl = await requestIntl();
  const t = await getTranslations("provider.nav");
  return (
    <ProviderIntlProvider {...intl}>
      <PortalShell portal="provider" person={actor} company={actor.companyName} nav={PROVIDER_NAV.map((n) => ({ href: n.href, label: t(n.key) }))}>
        {children}
      </PortalShell>
    </ProviderIntlProvider>
  );
}
