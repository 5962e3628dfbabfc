import type { Metadata } from "next";
import { Panel, PageHeader } from "@/components/ui/panel";
import { Stat, StatGrid } from "@/components/ui/stat";
import { Table, Td } from "@/components/ui/table";
import { formatInstant } from "@/lib/core/format";
import { requirePortal } from "@/lib/server/auth/session";
import Link from "next/link";
import { formatDate } from "@/lib/core/format";
import type { RequestReason } from "@/lib/core/workflows/reissue";
import { ACTIVATION_DEADLINE_DAYS, listOverdueActivations } from "@/lib/server/data/issuer/activation";
import { formatTotal } from "@/lib/server/data/counts";
import { getIssuerDashboard } from "@/lib/server/data/issuer/dashboard";

export const metadata: Metadata = { title: "Issuer overview" };

/** Why the card waiting for activation was made (the request that replaced the card before it). */
const OVERDUE_REASON: Record<RequestReason, string> = {
  lost: "lost (blocked since the report)",
  stolen: "stolen (blocked since the report)",
  damaged: "damaged (still usable)",
  renewal: "renewal (still usable)",
  permanent: "temporary card (still usable)",
};

export default async function IssuerOverview() {
  const actor = await requirePortal("issuer", "/issuer");
  const [d, overdue] = await Promise.all([getIssuerDashboard(actor), listOverdueActivations()]);
  return (
    <>
      <PageHeader title="Overview" description="Live figures from the card management database." />
      <StatGrid>
        <Stat label="Open reissue requests" value={formatTotal(d.openReissueRequests)} testId="stat-open-reissue" hint="waiting for examination" />
        <Stat
          label="Active cards"
          value={formatTotal(d.cardsByStatus.active)}
          testId="stat-active-cards"
          href="/issuer/cards?status=active"
          hint={`${formatTotal(d.cardholders)} cardholders`}
        />
        <Stat
          label="Blocked cards"
          value={formatTotal(d.cardsByStatus.blocked)}
          testId="stat-blocked-cards"
          href="/issuer/cards?status=blocked"
          hint="reported lost or stolen"
        />
        <Stat
          label="Terminated cards"
          value={formatTotal(d.cardsByStatus.terminated)}
          href="/issuer/cards?status=terminated"
          hint="replaced by reissued cards"
        />
        <Stat label="Platform 100 cards" value={formatTotal(d.cardsByPlatform.pf100)} hint="card id readable (method 1)" />
        <Stat label="Platform 200 cards" value={formatTotal(d.cardsByPlatform.pf200)} hint="card id sealed (method 2)" />
        <Stat label="Loading permissions today" value={formatTotal(d.permissionsToday)} testId="stat-permissions-today" hint="granted since 00:00 UTC" />
        <Stat label="Reloads today" value={formatTotal(d.reloadsToday)} hint={`${d.activeProviders} providers under contract`} />
      </StatGrid>
      <Panel title={`Not activated after ${ACTIVATION_DEADLINE_DAYS} days (${overdue.total})`} className="mt-8">
        <Table
          head={["Card", "Cardholder", "Replaces a card", "Sent"]}
          empty={`Every new card sent more than ${ACTIVATION_DEADLINE_DAYS} days ago has been activated.`}
          caption="Cards not activated past the deadline"
        >
          {overdue.cards.map((c) => (
            <tr key={c.id}>
              <Td mono>
                <Link className="underline" href={`/issuer/cards/${c.id}`}>
                  …{c.surfaceNumber.slice(-4)}
                </Link>
              </Td>
              <Td>
                <Link className="underline" href={`/issuer/cardholders/${c.cardholder.id}`}>
                  {c.cardholder.fullName}
                </Link>{" "}
                ({c.cardholder.holderNo})
              </Td>
              <Td>{c.reason ? OVERDUE_REASON[c.reason] : "—"}</Td>
              <Td>{formatDate(c.issuedAt)}</Td>
            </tr>
          ))}
        </Table>
      </Panel>
      <Panel title="Latest decisions" className="mt-8">
        <Table head={["When", "Who", "What", "Subject", "Reason"]} empty="No decisions recorded yet." caption="Latest audit entries">
          {d.recentAudit.map((a) => (
            <tr key={a.id}>
              <Td>{formatInstant(a.at)}</Td>
              <Td>{a.actorLabel}</Td>
              <Td>{a.action}</Td>
              <Td mono>
                {a.subjectType} {a.subjectId.slice(0, 18)}
              </Td>
              <Td className="max-w-xs truncate">{a.reason ?? "—"}</Td>
            </tr>
          ))}
        </Table>
      </Panel>
    </>
  );
}
