import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/panel";
import { Stat, StatGrid } from "@/components/ui/stat";
import { formatMoney } from "@/lib/core/format";
import { requirePortal } from "@/lib/server/auth/session";
import { getProviderDashboard } from "@/lib/server/data/provider/dashboard";

export const metadata: Metadata = { title: "Desk overview" };

export default async function ProviderOverview() {
  const actor = await requirePortal("provider", "/provider");
  const d = await getProviderDashboard(actor);
  const c = d.chargesThisMonth;
  return (
    <>
      <PageHeader title="Overview" description={`Live figures for ${actor.companyName}.`} />
      <StatGrid>
        <Stat label="Customers" value={d.customers} testId="stat-customers" />
        <Stat label="Applications on cards" value={d.loadedApplications} testId="stat-loaded" href="/provider/records" hint="loads that succeeded" />
        <Stat label="Loads today" value={d.loadsToday} testId="stat-loads-today" hint="first loads since 00:00 UTC" />
        <Stat label="Reloads today" value={d.reloadsToday} testId="stat-reloads-today" hint="on reissued cards" />
        <Stat label="Reissue notices received" value={d.reissueNoticesReceived} hint="old ↔ reissued card pairs (Fig. 13)" />
        <Stat label="Normal-load charges this month" value={formatMoney(c.normalMinor, c.currency)} />
        <Stat label="Reissue charges this month" value={formatMoney(c.reissueMinor, c.currency)} />
      </StatGrid>
    </>
  );
}
