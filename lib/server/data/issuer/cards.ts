import "server-only";
import type { IssuerActor } from "../../auth/session";
import { db } from "../../db";

export type CardRegistryRow = {
  id: string;
  surfaceNumber: string;
  cardId: string;
  platformType: number;
  status: "active" | "blocked" | "terminated";
  cardholderName: string;
  holderNo: string;
  issuedAt: Date;
  generation: number;
  applications: number;
};

export type CardFilter = { query?: string; status?: "active" | "blocked" | "terminated"; platformType?: 100 | 200 };

/** The issuer's card registry: search by surface number (any part), card id, cardholder name or number. */
export async function listCards(actor: IssuerActor, filter: CardFilter, page = { skip: 0, take: 50 }): Promise<{ rows: CardRegistryRow[]; total: number }> {
  void actor;
  const q = filter.query?.trim();
  const digits = q?.replace(/\s/g, "");
  const where = {
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.platformType ? { platformType: filter.platformType } : {}),
    ...(q
      ? {
          OR: [
            ...(digits && /^\d+$/.test(digits) ? [{ surfaceNumber: { contains: digits } }] : []),
            { cardId: { equals: q.toUpperCase() } },
            { cardholder: { fullName: { contains: q, mode: "insensitive" as const } } },
            { cardholder: { holderNo: { equals: q.toUpperCase() } } },
          ],
        }
      : {}),
  };
  const [rows, total] = await Promise.all([
    db().card.findMany({
      where,
      orderBy: { issuedAt: "desc" },
      skip: page.skip,
      take: page.take,
      select: {
        id: true,
        surfaceNumber: true,
        cardId: true,
        platformType: true,
        status: true,
        issuedAt: true,
        generation: true,
        cardholder: { select: { fullName: true, holderNo: true } },
        _count: { select: { applications: { where: { status: "loaded" } } } },
      },
    }),
    db().card.count({ where }),
  ]);
  return {
    rows: rows.map(({ cardholder, _count, ...r }) => ({ ...r, cardholderName: cardholder.fullName, holderNo: cardholder.holderNo, applications: _count.applications })),
    total,
  };
}

export type AuditEntry = { id: string; at: Date; actorLabel: string; action: string; subjectType: string; subjectId: string; reason: string | null; data: unknown };

/** The audit log, newest first, keyset-paginated by id. */
export async function listAuditLog(actor: IssuerActor, options: { beforeId?: bigint; take?: number; subjectId?: string } = {}): Promise<AuditEntry[]> {
  void actor;
  const rows = await db().auditLog.findMany({
    where: { ...(options.beforeId ? { id: { lt: options.beforeId } } : {}), ...(options.subjectId ? { subjectId: options.subjectId } : {}) },
    orderBy: { id: "desc" },
    take: options.take ?? 50,
  });
  return rows.map((r) => ({ ...r, id: r.id.toString(), actorUserId: undefined }));
}
