import "server-only";
import { parseLoadFailure, type LoadFailure } from "@/lib/core/workflows/load-failure";
import { isUuid } from "@/lib/core/ids";
import type { ProviderActor } from "../../auth/session";
import { db, type Prisma } from "./db";
import { keysetOrder, keysetPage, keysetWhere } from "../../db/keyset";
import type { SortState } from "@/lib/core/table/list-query";
import type { RecordSortKey } from "@/lib/validation/provider-lists";

/** The columns of a load record (Figs. 14/17) that every view of it shows: the list, the detail and a customer's loads. */
export const loadRecordColumns = {
  id: true,
  messageId: true,
  cardId: true,
  surfaceNumberLast4: true,
  platformType: true,
  applicationAid: true,
  kind: true,
  status: true,
  loadedAt: true,
} as const satisfies Prisma.SpLoadRecordSelect;

/** The examination a load was made under, as the desk shows it next to the load. */
export const loadExaminationSelect = {
  select: { outcome: true, limitMinor: true, investigatedAt: true, policyVersion: true },
} as const satisfies Prisma.SpLoadRecord$investigationArgs;

export type LoadRecordColumns = Prisma.SpLoadRecordGetPayload<{ select: typeof loadRecordColumns }>;
export type LoadExamination = Prisma.SpCreditInvestigationGetPayload<typeof loadExaminationSelect>;

export type LoadRecordSummary = LoadRecordColumns & { customerName: string; customerNo: string; createdAt: Date };

export type LoadRecordDetail = LoadRecordSummary & {
  investigation: LoadExamination | null;
  charge: { kind: string; amountMinor: number; currency: string; chargedAt: Date } | null;
  previousLoad: { id: string; messageId: string } | null;
  /** Why a failed load failed (codes, rendered by the page), or a row's English reason from before the codes. */
  failure: LoadFailure | null;
  legacyFailureReason: string | null;
};

const summarySelect = {
  ...loadRecordColumns,
  createdAt: true,
  customer: { select: { fullName: true, customerNo: true } },
} as const satisfies Prisma.SpLoadRecordSelect;

type SummaryRow = Prisma.SpLoadRecordGetPayload<{ select: typeof summarySelect }>;

function toSummary({ customer, ...row }: SummaryRow): LoadRecordSummary {
  return { ...row, customerName: customer.fullName, customerNo: customer.customerNo };
}

const RECORD_SORT_FIELD = { created: "createdAt", messageId: "messageId" } as const;

/**
 * One keyset page of the provider's load records in the chosen order (newest first by default), with
 * the cursor of the next page; the list page shows one, the CSV export walks them all. Scoped to the
 * signed-in provider; `query` matches the card id, the message id, the customer number (exactly) or
 * part of the customer's name.
 */
export async function pageOfLoadRecords(
  actor: ProviderActor,
  list: { query?: string; sort: SortState<RecordSortKey>; after: { value: string; id: string } | null; take?: number },
): Promise<{ rows: LoadRecordSummary[]; next: { value: string; id: string } | null }> {
  const take = list.take ?? 50;
  const field = RECORD_SORT_FIELD[list.sort.key];
  const after = list.after && field === "createdAt" ? { value: new Date(list.after.value), id: list.after.id } : list.after;
  const q = list.query?.trim();
  const rows = await db().spLoadRecord.findMany({
    where: {
      AND: [
        { providerCompanyId: actor.providerCompanyId },
        q
          ? {
              OR: [
                { cardId: { equals: q.toUpperCase() } },
                { messageId: { equals: q.toUpperCase() } },
                { customer: { fullName: { contains: q, mode: "insensitive" } } },
                { customer: { fullNameKana: { contains: q, mode: "insensitive" } } },
                { customer: { customerNo: { equals: q.toUpperCase() } } },
              ],
            }
          : {},
        keysetWhere(field, list.sort.dir, after),
      ],
    },
    orderBy: keysetOrder(field, list.sort.dir),
    take: take + 1,
    select: summarySelect,
  });
  return keysetPage(rows.map(toSummary), take, (r) => (field === "createdAt" ? r.createdAt.toISOString() : r.messageId));
}

/**
 * One load record by its id, only if it belongs to the signed-in provider; another provider's id
 * gives null exactly like an id that does not exist (no existence oracle).
 */
export async function getLoadRecord(actor: ProviderActor, id: string): Promise<LoadRecordDetail | null> {
  if (!isUuid(id)) return null;
  const row = await db().spLoadRecord.findFirst({
    where: { id, providerCompanyId: actor.providerCompanyId },
    select: {
      ...summarySelect,
      failure: true,
      legacyFailureReason: true,
      investigation: loadExaminationSelect,
      charge: { select: { kind: true, amountMinor: true, currency: true, chargedAt: true } },
      previousLoad: { select: { id: true, messageId: true } },
    },
  });
  if (!row) return null;
  const { investigation, charge, previousLoad, failure, legacyFailureReason, ...summary } = row;
  return { ...toSummary(summary), investigation, charge, previousLoad, failure: parseLoadFailure(failure), legacyFailureReason };
}

/** Fig. 17 lookup: the provider's load record under a loading permission's message id, or null. */
export async function findLoadRecordByMessageId(actor: ProviderActor, messageId: string): Promise<LoadRecordSummary | null> {
  const row = await db().spLoadRecord.findUnique({
    where: { providerCompanyId_messageId: { providerCompanyId: actor.providerCompanyId, messageId } },
    select: summarySelect,
  });
  return row ? toSummary(row) : null;
}
