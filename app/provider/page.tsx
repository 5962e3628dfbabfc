import type { Metadata } from "next";
import { getLocale, getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/ui/panel";
import { Stat, StatGrid } from "@/components/ui/stat";
import { formatMoney } from "@/lib/core/format";
import { requirePortal } from "@/lib/server/auth/session";
import { getProviderDashboard } from "@/lib/server/data/provider/dashboard";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("provider.overview"))("metaTitle") };
}

export default async function ProviderOverview() {
  const actor = await requirePortal("provider", "/provider");
  const d = await getProviderDashboard(actor);
  const t = await getTranslations("provider.overview");
  const locale = await getLocale();
  const c = d.chargesThisMonth;
  return (
    <>
      <PageHeader title={t("title")} description={t("description", { company: actor.companyName })} />
      <StatGrid>
        <Stat label={t("customers")} value={d.customers} testId="stat-customers" />
        <Stat label={t("loaded")} value={d.loadedApplications} testId="stat-loaded" href="/provider/records" hint={t("loadedHint")} />
        <Stat label={t("loadsToday")} value={d.loadsToday} testId="stat-loads-today" hint={t("loadsTodayHint")} />
        <Stat label={t("reloadsToday")} value={d.reloadsToday} testId="stat-reloads-today" hint={t("reloadsTodayHint")} />
        <Stat label={t("notices")} value={d.reissueNoticesReceived} hint={t("noticesHint")} />
        <Stat label={t("normalCharges")} value={formatMoney(c.normalMinor, c.currency, locale)} />
        <Stat label={t("reissueCharges")} value={formatMoney(c.reissueMinor, c.currency, locale)} />
      </StatGrid>
    </>
  );
}
