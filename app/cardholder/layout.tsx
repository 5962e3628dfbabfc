import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { PortalShell } from "@/components/shell/portal-shell";
import { CardholderIntlProvider } from "../_intl/cardholder";
import { requestIntl } from "../_intl/request";
import { requirePortal } from "@/lib/server/auth/session";

export const dynamic = "force-dynamic";

export default async function CardholderLayout({ children }: { children: ReactNode }) {
  const actor = await requirePortal("cardholder", "/cardholder");
  const intl = await requestIntl();
  const t = await getTranslations("cardholder.nav");
  const nav = [
    { href: "/cardholder", label: t("myCards") },
    { href: "/cardholder/notices", label: t("notices") },
  ];
  return (
    <CardholderIntlProvider {...intl}>
      <PortalShell portal="cardholder" person={actor} company={actor.companyName} nav={nav}>
        {children}
      </PortalShell>
    </CardholderIntlProvider>
  );
}
