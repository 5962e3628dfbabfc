import "server-only";
import type { IssuerActor } from "../../auth/session";
import { db, type Prisma } from "./db";

export type PermissionFilter = {
  status?: "granted" | "refused" | "confirmed" | "failed";
  kind?: "first_load" | "reload";
  providerCompanyId?: string;
  /** A message id (the permission's, its request's or its original's), or part of one. */
  messageId?: string;
};

/** The AP loading permissions the issuer decided (Fig. 17, keyed by message id), newest first. */
export async function listPermissions(actor: IssuerActor, filter: PermissionFilter, page = { skip: 0, take: 50 }) {
  void actor;
  const q = filter.messageId?.trim().toUpperCase();
  const where: Prisma.LoadingPermissionWhereInput = {
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.kind ? { kind: filter.kind } : {}),
    ...(filter.providerCompanyId ? { provider: { companyId: filter.providerCompanyId } } : {}),
    ...(q ? { OR: [{ messageId: { contains: q } }, { requestMessageId: { contains: q } }, { originalMessageId: { contains: q } }] } : {}),
  };
  const [rows, total, byStatus] = await Promise.all([
    db().loadingPermission.findMany({
      where,
      orderBy: { decidedAt: "desc" },
      skip: page.skip,
      take: page.take,
      select: {
        id: true,
        messageId: true,
        requestMessageId: true,
        kind: true,
        status: true,
        originalMessageId: true,
        refusalCode: true,
        refusalReason: true,
        decidedAt: true,
        confirmedAt: true,
        expiresAt: true,
        provider: { select: { companyId: true, name: true } },
        application: { select: { aid: true, name: true } },
        card: { select: { id: true, surfaceNumber: true, platformType: true } },
        charge: { select: { kind: true, amountMinor: true, currency: true } },
      },
    }),
    db().loadingPermission.count({ where }),
    db().loadingPermission.groupBy({ by: ["status"], where, _count: { _all: true } }),
  ]);
  return { rows, total, byStatus: Object.fromEntries(byStatus.map((s) => [s.status, s._count._all])) as Partial<Record<string, number>> };
}
