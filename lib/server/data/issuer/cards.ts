import "server-only";
import { isUuid } from "@/lib/core/ids";
import type { IssuerActor } from "../../auth/session";
import { db } from "../../db";

export type CardRegistryRow = {
  id: string;
  surfaceNumber: string;
  cardId: string;
  platformType: number;
  status: "issued" | "active" | "blocked" | "terminated";
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

export type CardDetail = NonNullable<Awaited<ReturnType<typeof getCardDetail>>>;

/** One card with its lineage (Fig. 13), what is on it (Fig. 14), its permissions (Fig. 17), requests and audit trail. */
export async function getCardDetail(actor: IssuerActor, cardUuid: string) {
  void actor;
  if (!isUuid(cardUuid)) return null;
  const card = await db().card.findUnique({
    where: { id: cardUuid },
    select: {
      id: true,
      cardId: true,
      surfaceNumber: true,
      platformType: true,
      status: true,
      issuedAt: true,
      expiresAt: true,
      blockedAt: true,
      blockedReason: true,
      terminatedAt: true,
      generation: true,
      temporary: true,
      cardholder: { select: { id: true, fullName: true, holderNo: true, fraudFlag: true, identityVerifiedAt: true } },
      previousCard: { select: { id: true, surfaceNumber: true, cardId: true } },
      nextCard: { select: { id: true, surfaceNumber: true, cardId: true } },
      linkAsReissued: { select: { reissuedAt: true, request: { select: { id: true, requestNo: true, reason: true } } } },
      applications: {
        orderBy: { loadedAt: "asc" },
        select: { id: true, status: true, loadedAt: true, application: { select: { aid: true, name: true, provider: { select: { name: true, companyId: true } } } }, permission: { select: { messageId: true, kind: true } } },
      },
      permissions: {
        orderBy: { decidedAt: "desc" },
        select: {
          id: true,
          messageId: true,
          kind: true,
          status: true,
          decidedAt: true,
          confirmedAt: true,
          originalMessageId: true,
          refusalCode: true,
          refusalReason: true,
          provider: { select: { companyId: true } },
          application: { select: { aid: true, name: true } },
        },
      },
      reissueRequests: {
        orderBy: { createdAt: "desc" },
        select: { id: true, requestNo: true, reason: true, statement: true, status: true, createdAt: true, decidedAt: true, rejectionReason: true },
      },
    },
  });
  if (!card) return null;
  const audit = await db().auditLog.findMany({
    // The card itself, its requests and permissions, and the approval that created it (a reissued card).
    where: { subjectId: { in: [card.id, ...card.reissueRequests.map((r) => r.id), ...card.permissions.map((p) => p.id), ...(card.linkAsReissued ? [card.linkAsReissued.request.id] : [])] } },
    orderBy: { id: "desc" },
    take: 30,
    select: { id: true, at: true, actorLabel: true, action: true, reason: true },
  });
  return { ...card, audit: audit.map((a) => ({ ...a, id: a.id.toString() })) };
}

export type CardholderRow = { id: string; holderNo: string; fullName: string; email: string; cards: number; activeCards: number; fraudFlag: boolean; identityVerified: boolean };

/** The cardholder registry, searchable by name, number or e-mail. */
export async function listCardholders(actor: IssuerActor, query?: string, take = 100): Promise<CardholderRow[]> {
  void actor;
  const q = query?.trim();
  const rows = await db().cardholder.findMany({
    where: q
      ? { OR: [{ fullName: { contains: q, mode: "insensitive" } }, { holderNo: { equals: q.toUpperCase() } }, { email: { contains: q.toLowerCase() } }] }
      : {},
    orderBy: { holderNo: "asc" },
    take,
    select: { id: true, holderNo: true, fullName: true, email: true, fraudFlag: true, identityVerifiedAt: true, cards: { select: { status: true } } },
  });
  return rows.map((r) => ({
    id: r.id,
    holderNo: r.holderNo,
    fullName: r.fullName,
    email: r.email,
    cards: r.cards.length,
    activeCards: r.cards.filter((c) => c.status !== "terminated").length,
    fraudFlag: r.fraudFlag,
    identityVerified: r.identityVerifiedAt !== null,
  }));
}

/** One cardholder's basic information (the patent's "user information") and cards. */
export async function getCardholder(actor: IssuerActor, cardholderId: string) {
  void actor;
  if (!isUuid(cardholderId)) return null;
  const [holder, accounts] = await Promise.all([
    db().cardholder.findUnique({
    where: { id: cardholderId },
    select: {
      id: true,
      holderNo: true,
      fullName: true,
      fullNameKana: true,
      locale: true,
      sex: true,
      birthDate: true,
      occupation: true,
      annualIncomeMinor: true,
      currency: true,
      postalCode: true,
      address: true,
      email: true,
      phone: true,
      identityVerifiedAt: true,
      fraudFlag: true,
      fraudNote: true,
      createdAt: true,
      cards: {
        orderBy: { issuedAt: "desc" },
        select: { id: true, surfaceNumber: true, cardId: true, platformType: true, status: true, issuedAt: true, generation: true, _count: { select: { applications: { where: { status: "loaded" } } } } },
      },
    },
    }),
    db().user.count({ where: { cardholderId } }),
  ]);
  return holder ? { ...holder, hasAccount: accounts > 0 } : null;
}
