import "server-only";
import type { SortState } from "@/lib/core/table/list-query";
import type { PermissionListSortKey } from "@/lib/validation/issuer-lists";
import type { IssuerActor } from "../../auth/session";
import { keysetOrder, keysetPage, keysetWhere } from "../../db/keyset";
import { boundedCounts, type ListTotal } from "../counts";
import { db, Prisma } from "./db";

export type PermissionFilter = {
  status?: "granted" | "refused" | "confirmed" | "failed";
  kind?: "first_load" | "reload";
  providerCompanyId?: string;
  /** A message id (the permission's, its request's or its original's), or part of one. */
  messageId?: string;
};

export type PermissionPage = { sort: SortState<PermissionListSortKey>; after: { value: string; id: string } | null; take?: number };

const STATUSES = ["confirmed", "granted", "refused", "failed"] as const;

/** Each sort key's column: (decided_at, id) and its provider and status variants; the unique message id. */
const PERMISSION_SORT_FIELD = { decided: "decidedAt", messageId: "messageId" } as const;

const permissionSelect = {
  id: true,
  messageId: true,
  requestMessageId: true,
  kind: true,
  status: true,
  originalMessageId: true,
  refusalCode: true,
  decidedAt: true,
  confirmedAt: true,
  expiresAt: true,
  provider: { select: { companyId: true, name: true } },
  application: { select: { aid: true, name: true } },
  card: { select: { id: true, cardId: true, surfaceNumber: true, platformType: true } },
  charge: { select: { kind: true, amountMinor: true, currency: true } },
} as const satisfies Prisma.LoadingPermissionSelect;

export type PermissionRow = Prisma.LoadingPermissionGetPayload<{ select: typeof permissionSelect }>;

function permissionWhere(filter: PermissionFilter): Prisma.LoadingPermissionWhereInput {
  const q = filter.messageId?.trim().toUpperCase();
  return {
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.kind ? { kind: filter.kind } : {}),
    ...(filter.providerCompanyId ? { provider: { companyId: filter.providerCompanyId } } : {}),
    ...(q ? { OR: [{ messageId: { contains: q } }, { requestMessageId: { contains: q } }, { originalMessageId: { contains: q } }] } : {}),
  };
}

/** `abc` → `%abc%` for LIKE, the pattern characters of the search taken literally. */
const containsPattern = (q: string) => `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

/** The same filter as SQL, for the bounded counts (`FROM … WHERE`; status apart, each figure adds its own). */
function permissionFromWhere(filter: Omit<PermissionFilter, "status">, status?: PermissionFilter["status"]): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (status) parts.push(Prisma.sql`p.status = ${status}::"PermissionStatus"`);
  if (filter.kind) parts.push(Prisma.sql`p.kind = ${filter.kind}::"PermissionKind"`);
  if (filter.providerCompanyId) parts.push(Prisma.sql`p.provider_id = (SELECT id FROM iss_service_providers WHERE company_id = ${filter.providerCompanyId})`);
  const q = filter.messageId?.trim().toUpperCase();
  if (q) {
    const like = containsPattern(q);
    parts.push(Prisma.sql`(p.message_id LIKE ${like} OR p.request_message_id LIKE ${like} OR p.original_message_id LIKE ${like})`);
  }
  return Prisma.sql`FROM iss_loading_permissions p WHERE ${parts.length ? Prisma.join(parts, " AND ") : Prisma.sql`TRUE`}`;
}

/**
 * One keyset page of the AP loading permissions the issuer decided (Fig. 17, keyed by message id), newest
 * decision first by default or by message id, with the cursor of the next page (the CSV export walks them all).
 */
export async function pageOfPermissions(
  actor: IssuerActor,
  filter: PermissionFilter,
  page: PermissionPage,
): Promise<{ rows: PermissionRow[]; next: { value: string; id: string } | null }> {
  void actor;
  const take = page.take ?? 50;
  const field = PERMISSION_SORT_FIELD[page.sort.key];
  const unique = field === "messageId";
  const after = page.after && field === "decidedAt" ? { value: new Date(page.after.value), id: page.after.id } : page.after;
  const rows = await db().loadingPermission.findMany({
    where: { AND: [permissionWhere(filter), keysetWhere(field, page.sort.dir, after, { unique })] },
    orderBy: keysetOrder(field, page.sort.dir, { unique }),
    take: take + 1,
    select: permissionSelect,
  });
  return keysetPage(rows, take, (r) => (field === "decidedAt" ? r.decidedAt.toISOString() : r.messageId));
}

/**
 * The permissions page: one keyset page, how many match and how many of them are in each status, each
 * figure exact up to 1,000 and the planner's estimate past that (`boundedCounts`: no count of every
 * permission on each visit). A status filter leaves the other statuses' figures at 0.
 */
export async function listPermissions(
  actor: IssuerActor,
  filter: PermissionFilter,
  page: PermissionPage,
): Promise<{ rows: PermissionRow[]; next: { value: string; id: string } | null; total: ListTotal; byStatus: Record<(typeof STATUSES)[number], ListTotal> }> {
  const none: ListTotal = { count: 0, isEstimate: false };
  const figures = {
    total: permissionFromWhere(filter, filter.status),
    ...Object.fromEntries(STATUSES.filter((s) => !filter.status || s === filter.status).map((s) => [s, permissionFromWhere(filter, s)])),
  } as Record<"total" | (typeof STATUSES)[number], Prisma.Sql>;
  const [{ rows, next }, counts] = await Promise.all([pageOfPermissions(actor, filter, page), boundedCounts(figures)]);
  const byStatus = Object.fromEntries(STATUSES.map((s) => [s, counts[s] ?? none])) as Record<(typeof STATUSES)[number], ListTotal>;
  return { rows, next, total: counts.total, byStatus };
}
