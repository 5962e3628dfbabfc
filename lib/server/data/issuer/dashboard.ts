import "server-only";
import type { IssuerActor } from "../../auth/session";
import { db } from "../../db";
import { startOfUtcDay } from "../time";

export type IssuerDashboard = {
  openReissueRequests: number;
  cardsByStatus: { active: number; blocked: number; terminated: number };
  cardsByPlatform: { pf100: number; pf200: number };
  permissionsToday: number;
  reloadsToday: number;
  activeProviders: number;
  cardholders: number;
  recentAudit: { id: string; at: Date; actorLabel: string; action: string; subjectType: string; subjectId: string; reason: string | null }[];
};

/** Live figures for the issuer's overview. */
export async function getIssuerDashboard(actor: IssuerActor, now = new Date()): Promise<IssuerDashboard> {
  void actor; // one issuer per deployment: every issuer operator sees the issuer's figures
  const today = startOfUtcDay(now);
  const [open, byStatus, byPlatform, permissionsToday, reloadsToday, activeProviders, cardholders, recentAudit] = await Promise.all([
    db().reissueRequest.count({ where: { status: "pending" } }),
    db().card.groupBy({ by: ["status"], _count: { _all: true } }),
    db().card.groupBy({ by: ["platformType"], where: { status: { not: "terminated" } }, _count: { _all: true } }),
    db().loadingPermission.count({ where: { decidedAt: { gte: today }, status: { not: "refused" } } }),
    db().loadingPermission.count({ where: { confirmedAt: { gte: today }, kind: "reload", status: "confirmed" } }),
    db().serviceProvider.count({ where: { contractStatus: "active" } }),
    db().cardholder.count(),
    db().auditLog.findMany({ orderBy: { id: "desc" }, take: 6, select: { id: true, at: true, actorLabel: true, action: true, subjectType: true, subjectId: true, reason: true } }),
  ]);
  const status = (s: string) => byStatus.find((r) => r.status === s)?._count._all ?? 0;
  const platform = (p: number) => byPlatform.find((r) => r.platformType === p)?._count._all ?? 0;
  return {
    openReissueRequests: open,
    cardsByStatus: { active: status("active"), blocked: status("blocked"), terminated: status("terminated") },
    cardsByPlatform: { pf100: platform(100), pf200: platform(200) },
    permissionsToday,
    reloadsToday,
    activeProviders,
    cardholders,
    recentAudit: recentAudit.map((a) => ({ ...a, id: a.id.toString() })),
  };
}
