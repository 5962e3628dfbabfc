import "server-only";
import { parseExaminationNotes, type ExaminationNote } from "@/lib/core/workflows/first-load";
import { isUuid } from "@/lib/core/ids";
import type { ProviderActor } from "../../auth/session";
import { db, type Prisma } from "./db";
import type { ProviderTx as Tx } from "./db";
import { keysetOrder, keysetPage, keysetWhere } from "../../db/keyset";
import type { SortState } from "@/lib/core/table/list-query";
import type { CustomerSortKey } from "@/lib/validation/provider-lists";
import { loadExaminationSelect, loadRecordColumns, type LoadExamination, type LoadRecordColumns } from "./load-records";

/** The provider's own customer records (Figs. 14/17 "user information"), scoped to the desk's provider. */

export type CustomerSummary = { id: string; customerNo: string; fullName: string; birthDate: Date | null; loads: number; createdAt: Date };

const CUSTOMER_SORT_FIELD = { created: "createdAt", customerNo: "customerNo", name: "fullName" } as const;

/**
 * One keyset page of the provider's customers in the chosen order (newest first by default), with the
 * cursor of the next page (the CSV export walks them all). Scoped to the signed-in provider; `query`
 * matches part of the name or of its reading (カナ), or the customer number (exactly).
 */
export async function pageOfCustomers(
  actor: ProviderActor,
  list: { query?: string; sort: SortState<CustomerSortKey>; after: { value: string; id: string } | null; take?: number },
): Promise<{ rows: CustomerSummary[]; next: { value: string; id: string } | null }> {
  const take = list.take ?? 50;
  const field = CUSTOMER_SORT_FIELD[list.sort.key];
  const after = list.after && field === "createdAt" ? { value: new Date(list.after.value), id: list.after.id } : list.after;
  const q = list.query?.trim();
  const rows = await db().spCustomer.findMany({
    where: {
      AND: [
        { providerCompanyId: actor.providerCompanyId },
        q
          ? {
              OR: [
                { fullName: { contains: q, mode: "insensitive" } },
                { fullNameKana: { contains: q, mode: "insensitive" } },
                { customerNo: { equals: q.toUpperCase() } },
              ],
            }
          : {},
        keysetWhere(field, list.sort.dir, after),
      ],
    },
    orderBy: keysetOrder(field, list.sort.dir),
    take: take + 1,
    select: { id: true, customerNo: true, fullName: true, birthDate: true, createdAt: true, _count: { select: { loads: true } } },
  });
  const summaries = rows.map(({ _count, ...r }) => ({ ...r, loads: _count.loads }));
  return keysetPage(summaries, take, (r) => (field === "createdAt" ? r.createdAt.toISOString() : field === "customerNo" ? r.customerNo : r.fullName));
}

export type CustomerLoad = LoadRecordColumns & {
  previousMessageId: string | null;
  examination: LoadExamination | null;
  charge: { kind: string; amountMinor: number; currency: string } | null;
};

export type CustomerDetail = {
  id: string;
  customerNo: string;
  fullName: string;
  birthDate: Date | null;
  email: string | null;
  phone: string | null;
  address: string | null;
  createdAt: Date;
  /** Fig. 14: loads on platform-100 cards, grouped by card id. */
  byCardId: { cardId: string; loads: CustomerLoad[] }[];
  /** Fig. 17: every load by the message id of its permission (platform-200 loads are only here). */
  byMessageId: CustomerLoad[];
  examinations: {
    id: string;
    applicationAid: string;
    outcome: string;
    limitMinor: number;
    declaredIncomeMinor: number;
    existingLimitsMinor: number;
    investigatedAt: Date;
    investigatedBy: string;
    policyVersion: string;
    /** Why, one code per check (rendered by the page); rows from before the codes: their English notes as stored. */
    notes: ExaminationNote[];
    legacyNotes: string | null;
  }[];
};

/** One customer of the signed-in provider with its Figs. 14/17 data; another provider's id gives null. */
export async function getCustomer(actor: ProviderActor, id: string): Promise<CustomerDetail | null> {
  if (!isUuid(id)) return null;
  const c = await db().spCustomer.findFirst({
    where: { id, providerCompanyId: actor.providerCompanyId },
    include: {
      loads: {
        orderBy: { createdAt: "desc" },
        select: {
          ...loadRecordColumns,
          investigation: loadExaminationSelect,
          charge: { select: { kind: true, amountMinor: true, currency: true } },
          previousLoad: { select: { messageId: true } },
        },
      },
      investigations: { orderBy: { investigatedAt: "desc" } },
    },
  });
  if (!c) return null;
  const loads: CustomerLoad[] = c.loads.map(({ previousLoad, investigation, charge, ...columns }) => ({
    ...columns,
    previousMessageId: previousLoad?.messageId ?? null,
    examination: investigation,
    charge,
  }));
  const cards = new Map<string, CustomerLoad[]>();
  for (const l of loads) if (l.cardId) cards.set(l.cardId, [...(cards.get(l.cardId) ?? []), l]);
  return {
    id: c.id,
    customerNo: c.customerNo,
    fullName: c.fullName,
    birthDate: c.birthDate,
    email: c.email,
    phone: c.phone,
    address: c.address,
    createdAt: c.createdAt,
    byCardId: [...cards.entries()].map(([cardId, l]) => ({ cardId, loads: l })),
    byMessageId: loads,
    examinations: c.investigations.map((i) => ({
      id: i.id,
      applicationAid: i.applicationAid,
      outcome: i.outcome,
      limitMinor: i.limitMinor,
      declaredIncomeMinor: i.declaredIncomeMinor,
      existingLimitsMinor: i.existingLimitsMinor,
      investigatedAt: i.investigatedAt,
      investigatedBy: i.investigatedBy,
      policyVersion: i.policyVersion,
      notes: parseExaminationNotes(i.notes) ?? [],
      legacyNotes: i.legacyNotes,
    })),
  };
}

export type NewCustomer = { fullName: string; birthDate: Date | null; email: string | null; phone: string | null; address: string | null };

/** A customer by number, or null when the desk has none with that number. */
export async function findCustomerByNo(tx: Pick<Tx, "spCustomer">, providerCompanyId: string, customerNo: string) {
  return tx.spCustomer.findUnique({
    where: { providerCompanyId_customerNo: { providerCompanyId, customerNo } },
    select: { id: true, customerNo: true, fullName: true },
  });
}

/**
 * Creates a customer with the next number of the provider ("MET-00042"). Two desks taking the same
 * number at once collide on the unique index; the caller's transaction then fails and is retried.
 */
export async function createCustomer(tx: Tx, providerCompanyId: string, input: NewCustomer, now: Date) {
  const prefix = `${providerCompanyId.slice(0, 3)}-`;
  const last = await tx.spCustomer.findFirst({
    where: { providerCompanyId, customerNo: { startsWith: prefix } },
    orderBy: { customerNo: "desc" },
    select: { customerNo: true },
  });
  const n = last ? Number(last.customerNo.slice(prefix.length)) + 1 : 1;
  const data: Prisma.SpCustomerUncheckedCreateInput = {
    providerCompanyId,
    customerNo: `${prefix}${String(Number.isFinite(n) ? n : 1).padStart(5, "0")}`,
    fullName: input.fullName,
    birthDate: input.birthDate,
    email: input.email,
    phone: input.phone,
    address: input.address,
    createdAt: now,
  };
  return tx.spCustomer.create({ data, select: { id: true, customerNo: true, fullName: true } });
}
