import "server-only";
import type { IssuerActor } from "../../auth/session";
import { toAuditEntry, type AuditEntry } from "./audit";
import { db, Prisma } from "./db";
import { boundedCounts, type ListTotal } from "../counts";
import { startOfUtcDay } from "../time";

export type IssuerDashboard = {
  openReissueRequests: ListTotal;
  cardsByStatus: { active: ListTotal; blocked: ListTotal; terminated: ListTotal };
  cardsByPlatform: { pf100: ListTotal; pf200: ListTotal };
  permissionsToday: ListTotal;
  reloadsToday: ListTotal;
  activeProviders: number;
  cardholders: ListTotal;
  recentAudit: Omit<AuditEntry, "data">[];
};

/**
 * Live figures for the issuer's overview. Each figure is exact up to 1,000 and the planner's estimate
 * past that (boundedCounts): counting 100,000 cards by status on every visit is what made the page
 * slow at scale (issue 16).
 */
export async function getIssuerDashboard(actor: IssuerActor, now = new Date()): Promise<IssuerDashboard> {
  void actor; // one issuer per deployment: every issuer operator sees the issuer's figures
  const today = startOfUtcDay(now);
  const [figures, activeProviders, recentAudit] = await Promise.all([
    boundedCounts({
      open: Prisma.sql`FROM iss_reissue_requests WHERE status = 'pending'`,
      active: Prisma.sql`FROM iss_cards WHERE status = 'active'`,
      blocked: Prisma.sql`FROM iss_cards WHERE status = 'blocked'`,
      terminated: Prisma.sql`FROM iss_cards WHERE status = 'terminated'`,
      pf100: Prisma.sql`FROM iss_cards WHERE platform_type = 100 AND status <> 'terminated'`,
      pf200: Prisma.sql`FROM iss_cards WHERE platform_type = 200 AND status <> 'terminated'`,
      permissionsToday: Prisma.sql`FROM iss_loading_permissions WHERE decided_at >= ${today}::timestamptz AND status <> 'refused'`,
      reloadsToday: Prisma.sql`FROM iss_loading_permissions WHERE confirmed_at >= ${today}::timestamptz AND kind = 'reload' AND status = 'confirmed'`,
      cardholders: Prisma.sql`FROM iss_cardholders`,
    }),
    db().serviceProvider.count({ where: { contractStatus: "active" } }),
    db().auditLog.findMany({
      orderBy: { id: "desc" },
      take: 6,
      select: { id: true, at: true, actorLabel: true, action: true, subjectType: true, subjectId: true, reason: true, note: true, legacyReason: true },
    }),
  ]);
  return {
    openReissueRequests: figures.open,
    cardsByStatus: { active: figures.active, blocked: figures.blocked, terminated: figures.terminated },
    cardsByPlatform: { pf100: figures.pf100, pf200: figures.pf200 },
    permissionsToday: figures.permissionsToday,
    reloadsToday: figures.reloadsToday,
    activeProviders,
    cardholders: figures.cardholders,
    recentAudit: recentAudit.map(toAuditEntry),
  };
}
