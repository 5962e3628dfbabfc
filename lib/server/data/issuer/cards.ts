import "server-only";
import { toAuditEntry, type AuditEntry } from "./audit";
import { isUuid } from "@/lib/core/ids";
import type { IssuerActor } from "../../auth/session";
import { db, Prisma } from "./db";
import { boundedCount, type ListTotal } from "../counts";
import { CARD_LIST_DEFAULT_SORT, type CardholderListSortKey, type CardListSortKey } from "@/lib/validation/issuer-lists";
import { keysetOrder, keysetPage, keysetWhere } from "../../db/keyset";
import type { SortState } from "@/lib/core/table/list-query";

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

/** The orders the card list offers, each backed by an index (keyset pagination per key). */
export type CardSortKey = CardListSortKey;
export type CardSort = { key: CardSortKey; dir: "asc" | "desc" };
export const DEFAULT_CARD_SORT: CardSort = CARD_LIST_DEFAULT_SORT;

/** Where a page of the card list starts: after the card with this sort value (as text) and id. */
export type CardCursor = { value: string; id: string };

/**
 * Each sort key's column and index: (issued_at, id) and its status/platform variants; the unique
 * indexes on surface_number and card_id (unique, so no tie-breaker is needed). The column names are
 * constants, never from the request.
 */
const CARD_SORTS: Record<CardSortKey, { column: Prisma.Sql; unique: boolean; valueOf: (r: CardRegistryRow) => string }> = {
  issued: { column: Prisma.raw("c.issued_at"), unique: false, valueOf: (r) => r.issuedAt.toISOString() },
  surface: { column: Prisma.raw("c.surface_number"), unique: true, valueOf: (r) => r.surfaceNumber },
  cardId: { column: Prisma.raw("c.card_id"), unique: true, valueOf: (r) => r.cardId },
};

/** `abc` → `%abc%` for LIKE/ILIKE, with the pattern characters of the search taken literally. */
const containsPattern = (q: string) => `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

function cardWhere(filter: CardFilter): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (filter.status) parts.push(Prisma.sql`c.status = ${filter.status}::"CardStatus"`);
  if (filter.platformType) parts.push(Prisma.sql`c.platform_type = ${filter.platformType}::int`);
  const q = filter.query?.trim();
  if (q) {
    const digits = q.replace(/\s/g, "");
    // Each branch can use its own index (trigram GIN on the surface number and the name, unique
    // indexes on card id and holder number); an OR across the join could not.
    const branches = [
      ...(/^\d+$/.test(digits) ? [Prisma.sql`SELECT id FROM iss_cards WHERE surface_number LIKE ${containsPattern(digits)}`] : []),
      Prisma.sql`SELECT id FROM iss_cards WHERE card_id = ${q.toUpperCase()}`,
      Prisma.sql`SELECT c2.id FROM iss_cards c2 JOIN iss_cardholders h2 ON h2.id = c2.cardholder_id WHERE h2.full_name ILIKE ${containsPattern(q)}`,
      Prisma.sql`SELECT c4.id FROM iss_cards c4 JOIN iss_cardholders h4 ON h4.id = c4.cardholder_id WHERE h4.full_name_kana ILIKE ${containsPattern(q)}`,
      Prisma.sql`SELECT c3.id FROM iss_cards c3 JOIN iss_cardholders h3 ON h3.id = c3.cardholder_id WHERE h3.holder_no = ${q.toUpperCase()}`,
    ];
    parts.push(Prisma.sql`c.id IN (${Prisma.join(branches, " UNION ")})`);
  }
  return parts.length ? Prisma.sql`${Prisma.join(parts, " AND ")}` : Prisma.sql`TRUE`;
}

/** The card list's statement (exported for the scale bench's EXPLAIN ANALYZE). */
export function cardListSql(filter: CardFilter, after: CardCursor | null, limit: number, sort: CardSort = DEFAULT_CARD_SORT): Prisma.Sql {
  const { column, unique } = CARD_SORTS[sort.key];
  const direction = Prisma.raw(sort.dir === "desc" ? "DESC" : "ASC");
  const beyond = Prisma.raw(sort.dir === "desc" ? "<" : ">");
  let from = Prisma.empty;
  if (after && unique) from = Prisma.sql`AND ${column} ${beyond} ${after.value}`;
  else if (after) from = Prisma.sql`AND (${column}, c.id) ${beyond} (${after.value}::timestamptz, ${after.id}::uuid)`;
  const order = unique ? Prisma.sql`${column} ${direction}` : Prisma.sql`${column} ${direction}, c.id ${direction}`;
  return Prisma.sql`
    SELECT c.id, c.surface_number AS "surfaceNumber", c.card_id AS "cardId", c.platform_type AS "platformType", c.status::text AS status,
           h.full_name AS "cardholderName", h.holder_no AS "holderNo", c.issued_at AS "issuedAt", c.generation,
           (SELECT count(*) FROM iss_card_applications ca WHERE ca.card_id = c.id AND ca.status = 'loaded')::int AS applications
      FROM iss_cards c JOIN iss_cardholders h ON h.id = c.cardholder_id
     WHERE ${cardWhere(filter)} ${from}
     ORDER BY ${order}
     LIMIT ${limit}::int`;
}

type CardPage = { after?: CardCursor | null; take?: number; sort?: CardSort };

/** One keyset page of the card list, without its total (the CSV export walks every page with it). */
export async function pageOfCards(actor: IssuerActor, filter: CardFilter, page: CardPage = {}): Promise<{ rows: CardRegistryRow[]; next: CardCursor | null }> {
  void actor;
  const take = page.take ?? 50;
  const sort = page.sort ?? DEFAULT_CARD_SORT;
  const rows = await db().$queryRaw<CardRegistryRow[]>(cardListSql(filter, page.after ?? null, take + 1, sort));
  const shown = rows.slice(0, take);
  const last = shown.at(-1);
  return { rows: shown, next: rows.length > take && last ? { value: CARD_SORTS[sort.key].valueOf(last), id: last.id } : null };
}

/**
 * The issuer's card registry, newest first by default, or by surface number or card id either way:
 * search by surface number (any part), card id, cardholder name (as written or its kana reading) or number. Keyset pagination per sort
 * key (CARD_SORTS): a page costs the same on the first page and the thousandth, at 100,000 cards.
 * `next` is the cursor of the following page, null on the last one.
 */
export async function listCards(
  actor: IssuerActor,
  filter: CardFilter,
  page: CardPage = {},
): Promise<{ rows: CardRegistryRow[]; total: ListTotal; next: CardCursor | null }> {
  const [{ rows, next }, total] = await Promise.all([pageOfCards(actor, filter, page), boundedCount(Prisma.sql`FROM iss_cards c WHERE ${cardWhere(filter)}`)]);
  return { rows, total, next };
}

/** The audit log, newest first, keyset-paginated by id. */
export async function listAuditLog(actor: IssuerActor, options: { beforeId?: bigint; take?: number; subjectId?: string } = {}): Promise<AuditEntry[]> {
  void actor;
  const rows = await db().auditLog.findMany({
    where: { ...(options.beforeId ? { id: { lt: options.beforeId } } : {}), ...(options.subjectId ? { subjectId: options.subjectId } : {}) },
    orderBy: { id: "desc" },
    take: options.take ?? 50,
  });
  return rows.map(({ actorUserId: _, ...r }) => toAuditEntry(r));
}

/**
 * One page of the audit log in either direction of time (the id is the log's order: append-only, so
 * ascending ids are ascending times), after the id of the previous page's last row: the page and the
 * cursor of the next one (null on the last page). The audit page and its CSV export read it.
 */
export async function pageOfAuditLog(
  actor: IssuerActor,
  options: { after: string | null; take: number; dir: "asc" | "desc" },
): Promise<{ rows: AuditEntry[]; next: string | null }> {
  void actor;
  const after = options.after && /^\d{1,18}$/.test(options.after) ? BigInt(options.after) : null;
  const rows = await db().auditLog.findMany({
    where: after === null ? {} : { id: options.dir === "desc" ? { lt: after } : { gt: after } },
    orderBy: { id: options.dir },
    take: options.take + 1,
  });
  const page = rows.slice(0, options.take).map(({ actorUserId: _, ...r }) => toAuditEntry(r));
  return { rows: page, next: rows.length > options.take ? page.at(-1)!.id : null };
}

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
      issuerKeyVersion: true,
      cardholder: { select: { id: true, fullName: true, holderNo: true, fraudFlag: true, identityVerifiedAt: true } },
      previousCard: { select: { id: true, surfaceNumber: true, cardId: true, status: true } },
      nextCard: { select: { id: true, surfaceNumber: true, cardId: true } },
      linkAsReissued: { select: { reissuedAt: true, request: { select: { id: true, requestNo: true, reason: true } } } },
      applications: {
        orderBy: { loadedAt: "asc" },
        select: {
          id: true,
          status: true,
          loadedAt: true,
          application: { select: { aid: true, name: true, provider: { select: { name: true, companyId: true } } } },
          permission: { select: { messageId: true, kind: true } },
        },
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
    where: {
      subjectId: {
        in: [
          card.id,
          ...card.reissueRequests.map((r) => r.id),
          ...card.permissions.map((p) => p.id),
          ...(card.linkAsReissued ? [card.linkAsReissued.request.id] : []),
        ],
      },
    },
    orderBy: { id: "desc" },
    take: 30,
    select: { id: true, at: true, actorLabel: true, action: true, reason: true, note: true, legacyReason: true },
  });
  return { ...card, audit: audit.map(toAuditEntry) };
}

export type CardholderRow = {
  id: string;
  holderNo: string;
  fullName: string;
  fullNameKana: string | null;
  email: string;
  cards: number;
  activeCards: number;
  fraudFlag: boolean;
  identityVerified: boolean;
  createdAt: Date;
};

/** Each sort key's column: the unique holder number (no tie-breaker), (full_name, id), (created_at, id). */
const CARDHOLDER_SORT_FIELD = { holderNo: "holderNo", name: "fullName", created: "createdAt" } as const;

/**
 * One keyset page of the cardholder registry, by holder number by default, or by name or registration
 * either way, with the cursor of the next page (the CSV export walks them all). `query` matches part of
 * the name (as written or its kana reading) or of the e-mail address (trigram indexes) or the holder number exactly.
 */
export async function pageOfCardholders(
  actor: IssuerActor,
  list: { query?: string; sort: SortState<CardholderListSortKey>; after: { value: string; id: string } | null; take?: number },
): Promise<{ rows: CardholderRow[]; next: { value: string; id: string } | null }> {
  void actor;
  const take = list.take ?? 50;
  const field = CARDHOLDER_SORT_FIELD[list.sort.key];
  const unique = field === "holderNo";
  const after = list.after && field === "createdAt" ? { value: new Date(list.after.value), id: list.after.id } : list.after;
  const q = list.query?.trim();
  const rows = await db().cardholder.findMany({
    where: {
      AND: [
        q
          ? {
              OR: [
                { fullName: { contains: q, mode: "insensitive" } },
                { fullNameKana: { contains: q, mode: "insensitive" } },
                { holderNo: { equals: q.toUpperCase() } },
                { email: { contains: q.toLowerCase() } },
              ],
            }
          : {},
        keysetWhere(field, list.sort.dir, after, { unique }),
      ],
    },
    orderBy: keysetOrder(field, list.sort.dir, { unique }),
    take: take + 1,
    select: {
      id: true,
      holderNo: true,
      fullName: true,
      fullNameKana: true,
      email: true,
      fraudFlag: true,
      identityVerifiedAt: true,
      createdAt: true,
      cards: { select: { status: true } },
    },
  });
  const summaries = rows.map((r) => ({
    id: r.id,
    holderNo: r.holderNo,
    fullName: r.fullName,
    fullNameKana: r.fullNameKana,
    email: r.email,
    cards: r.cards.length,
    activeCards: r.cards.filter((c) => c.status !== "terminated").length,
    fraudFlag: r.fraudFlag,
    identityVerified: r.identityVerifiedAt !== null,
    createdAt: r.createdAt,
  }));
  return keysetPage(summaries, take, (r) => (field === "createdAt" ? r.createdAt.toISOString() : field === "holderNo" ? r.holderNo : r.fullName));
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
          select: { id: true, surfaceNumber: true, cardId: true, platformType: true, status: true, issuedAt: true, generation: true },
        },
      },
    }),
    db().user.count({ where: { cardholderId } }),
  ]);
  if (!holder) return null;
  // Loaded applications of these cards only: Prisma's `_count` would group every card's applications on
  // each visit (prisma/orm#23669), a full scan at 100,000 cards.
  const loaded = await db().cardApplication.groupBy({
    by: ["cardId"],
    where: { cardId: { in: holder.cards.map((c) => c.id) }, status: "loaded" },
    _count: { _all: true },
  });
  const count = new Map(loaded.map((l) => [l.cardId, l._count._all]));
  return { ...holder, cards: holder.cards.map((c) => ({ ...c, _count: { applications: count.get(c.id) ?? 0 } })), hasAccount: accounts > 0 };
}
