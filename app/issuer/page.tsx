import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";
import { AuditWhy, getAuditReasonWords } from "@/components/issuer/audit-why";
import { Panel, PageHeader } from "@/components/ui/panel";
import { Stat, StatGrid } from "@/components/ui/stat";
import { Table, Td } from "@/components/ui/table";
import { requirePortal } from "@/lib/server/auth/session";
import { Link } from "@/components/ui/link";
import { ACTIVATION_DEADLINE_DAYS, listOverdueActivations } from "@/lib/server/data/issuer/activation";
import { shownTotal, type ListTotal } from "@/lib/server/data/counts";
import { FORMATS } from "@/lib/i18n/formats";
import { getIssuerDashboard } from "@/lib/server/data/issuer/dashboard";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("issuer.overview"))("metaTitle") };
}

export default async function IssuerOverview() {
  const actor = await requirePortal("issuer", "/issuer");
  const [d, overdue, t, format, words, audit] = await Promise.all([
    getIssuerDashboard(actor),
    listOverdueActivations(),
    getTranslations("issuer.overview"),
    getFormatter(),
    getAuditReasonWords(),
    getTranslations("issuer.audit"),
  ]);
  const total = (n: ListTotal) => (n.isEstimate ? t("about", { count: shownTotal(n) }) : format.number(n.count));
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <StatGrid>
        <Stat label={t("stats.open")} value={total(d.openReissueRequests)} testId="stat-open-reissue" hint={t("stats.openHint")} />
        <Stat
          label={t("stats.active")}
          value={total(d.cardsByStatus.active)}
          testId="stat-active-cards"
          href="/issuer/cards?status=active"
          hint={t("stats.activeHint", { cardholders: total(d.cardholders) })}
        />
        <Stat
          label={t("stats.blocked")}
          value={total(d.cardsByStatus.blocked)}
          testId="stat-blocked-cards"
          href="/issuer/cards?status=blocked"
          hint={t("stats.blockedHint")}
        />
        <Stat label={t("stats.terminated")} value={total(d.cardsByStatus.terminated)} href="/issuer/cards?status=terminated" hint={t("stats.terminatedHint")} />
        <Stat label={t("stats.pf100")} value={total(d.cardsByPlatform.pf100)} hint={t("stats.pf100Hint")} />
        <Stat label={t("stats.pf200")} value={total(d.cardsByPlatform.pf200)} hint={t("stats.pf200Hint")} />
        <Stat label={t("stats.permissions")} value={total(d.permissionsToday)} testId="stat-permissions-today" hint={t("stats.permissionsHint")} />
        <Stat label={t("stats.reloads")} value={total(d.reloadsToday)} hint={t("stats.reloadsHint", { providers: d.activeProviders })} />
      </StatGrid>
      <Panel title={t("overdue.title", { days: ACTIVATION_DEADLINE_DAYS, count: overdue.total })} className="mt-8">
        <Table
          head={[t("overdue.col.card"), t("overdue.col.cardholder"), t("overdue.col.replaces"), t("overdue.col.sent")]}
          empty={t("overdue.empty", { days: ACTIVATION_DEADLINE_DAYS })}
          caption={t("overdue.caption")}
        >
          {overdue.cards.map((c) => (
            <tr key={c.id}>
              <Td mono>
                <Link className="underline" href={`/issuer/cards/${c.id}`}>
                  …{c.surfaceNumber.slice(-4)}
                </Link>
              </Td>
              <Td>
                <Link className="underline" href={`/issuer/cardholders/${c.cardholder.id}`} translate="no">
                  {c.cardholder.fullName}
                </Link>{" "}
                ({c.cardholder.holderNo})
              </Td>
              <Td>{c.reason ? t(`overdue.reason.${c.reason}`) : "—"}</Td>
              <Td>{format.dateTime(new Date(c.issuedAt), "date")}</Td>
            </tr>
          ))}
        </Table>
      </Panel>
      <Panel title={t("latest.title")} className="mt-8">
        <p className="mb-2 text-xs text-slate-500">{t("latest.utc")}</p>
        <Table
          head={[t("latest.col.when"), t("latest.col.who"), t("latest.col.what"), t("latest.col.subject"), t("latest.col.reason")]}
          empty={t("latest.empty")}
          caption={t("latest.caption")}
        >
          {d.recentAudit.map((a) => (
            <tr key={a.id}>
              <Td>{format.dateTime(new Date(a.at), { ...FORMATS.dateTime.dateTime, timeZone: "UTC" })}</Td>
              <Td data>{a.actorLabel}</Td>
              <Td mono>{a.action}</Td>
              <Td mono>
                {a.subjectType} {a.subjectId.slice(0, 18)}
              </Td>
              <Td className="max-w-xs truncate">
                <AuditWhy row={a} words={words} noteLabel={audit("note")} legacyLabel={audit("legacy")} />
              </Td>
            </tr>
          ))}
        </Table>
      </Panel>
    </>
  );
}
