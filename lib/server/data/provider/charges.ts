import "server-only";
import { outcome, type MessageOf } from "@/lib/core/messages";
import { lastMonths, totalsByMonth, type MonthTotals } from "@/lib/core/months";
import type { ProviderActor } from "../../auth/session";
import { db, type Prisma } from "./db";
import type { HandlerOutcome } from "../../exchange/types";
import type { ProviderTx as Tx } from "./db";
import { keysetOrder, keysetPage, keysetWhere } from "../../db/keyset";
import type { SortState } from "@/lib/core/table/list-query";
import type { UserChargeKindFilter, UserChargeSortKey } from "@/lib/validation/provider-lists";

/**
 * Charges on the provider's side (claims 13 and 14): what it charges its users per load (normal fee
 * or reissue fee, sp_user_charges), and the issuer's monthly statements to it (sp_charge_statements).
 */

/** Claim 13, received: the issuer's statement for a month, kept as received (one per platform type). */
export async function storeChargeStatement(tx: Tx, providerCompanyId: string, message: MessageOf<"charge-statement">, now: Date): Promise<HandlerOutcome> {
  const created = await tx.spChargeStatement.createMany({
    data: [
      {
        providerCompanyId,
        messageId: message.header.messageId,
        platformType: message.platformType,
        period: message.period,
        currency: message.currency,
        normalTotalMinor: message.totals.normalLoad,
        reissueTotalMinor: message.totals.reissueReload,
        totalMinor: message.totals.grand,
        lines: message.lines as unknown as Prisma.InputJsonValue,
        receivedAt: now,
      },
    ],
    skipDuplicates: true,
  });
  return {
    outcome: outcome("statement-stored", {
      period: message.period,
      platformType: message.platformType,
      lines: message.lines.length,
      totalMinor: message.totals.grand,
      currency: message.currency,
      alreadyStored: created.count === 0,
    }),
  };
}

export type UserChargeRow = {
  id: string;
  kind: "normal_load" | "reissue_reload";
  amountMinor: number;
  currency: string;
  chargedAt: Date;
  customerName: string;
  customerNo: string;
  applicationAid: string;
  messageId: string;
  loadRecordId: string;
};

export type ChargesOverview = {
  currency: string;
  totals: { normalMinor: number; reissueMinor: number; normalCount: number; reissueCount: number };
  months: MonthTotals[];
};

/**
 * Claim 14: charges to users, normal and reissue apart, with totals per month for the chart (the list itself:
 * pageOfUserCharges). Read from the month totals a trigger keeps (sp_user_charge_month_totals; issue 16: this
 * summed every charge by kind and pulled twelve months of charges on each visit): a row per month, kind
 * and currency, so the read does not grow with the charges.
 */
export async function getChargesOverview(actor: ProviderActor, options: { months?: number } = {}, now = new Date()): Promise<ChargesOverview> {
  const providerCompanyId = actor.providerCompanyId;
  const span = lastMonths(now, options.months ?? 12);
  const [company, sums] = await Promise.all([
    db().spCompany.findUniqueOrThrow({ where: { providerCompanyId }, select: { currency: true } }),
    db().spUserChargeMonthTotal.findMany({ where: { providerCompanyId }, select: { month: true, kind: true, charges: true, amountMinor: true } }),
  ]);
  const totals = { normalMinor: 0, reissueMinor: 0, normalCount: 0, reissueCount: 0 };
  for (const s of sums) {
    if (s.kind === "normal_load") {
      totals.normalMinor += Number(s.amountMinor);
      totals.normalCount += s.charges;
    } else {
      totals.reissueMinor += Number(s.amountMinor);
      totals.reissueCount += s.charges;
    }
  }
  const recent = sums.map((s) => ({ kind: s.kind, amountMinor: Number(s.amountMinor), chargedAt: s.month }));
  return { currency: company.currency, totals, months: totalsByMonth(span.months, recent) };
}

const USER_CHARGE_SORT_FIELD = { charged: "chargedAt", amount: "amountMinor" } as const;
const USER_CHARGE_KIND = { all: undefined, normal: "normal_load", reissue: "reissue_reload" } as const;

/**
 * Claim 14: one keyset page of the charges to users in the chosen order (newest first by default; or by
 * amount), optionally one kind only, with the cursor of the next page (the CSV export walks them all).
 * Scoped to the signed-in provider; each order is backed by `(provider_company_id, <column>, id)`.
 */
export async function pageOfUserCharges(
  actor: ProviderActor,
  list: { kind: UserChargeKindFilter; sort: SortState<UserChargeSortKey>; after: { value: string; id: string } | null; take?: number },
): Promise<{ rows: UserChargeRow[]; next: { value: string; id: string } | null }> {
  const take = list.take ?? 50;
  const field = USER_CHARGE_SORT_FIELD[list.sort.key];
  const after = list.after ? { value: field === "chargedAt" ? new Date(list.after.value) : Number(list.after.value), id: list.after.id } : null;
  const kind = USER_CHARGE_KIND[list.kind];
  const rows = await db().spUserCharge.findMany({
    where: {
      AND: [{ providerCompanyId: actor.providerCompanyId }, kind ? { kind } : {}, keysetWhere(field, list.sort.dir, after)],
    },
    orderBy: keysetOrder(field, list.sort.dir),
    take: take + 1,
    select: {
      id: true,
      kind: true,
      amountMinor: true,
      currency: true,
      chargedAt: true,
      customer: { select: { fullName: true, customerNo: true } },
      loadRecord: { select: { id: true, applicationAid: true, messageId: true } },
    },
  });
  const charges: UserChargeRow[] = rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    amountMinor: r.amountMinor,
    currency: r.currency,
    chargedAt: r.chargedAt,
    customerName: r.customer.fullName,
    customerNo: r.customer.customerNo,
    applicationAid: r.loadRecord.applicationAid,
    messageId: r.loadRecord.messageId,
    loadRecordId: r.loadRecord.id,
  }));
  return keysetPage(charges, take, (r) => (field === "chargedAt" ? r.chargedAt.toISOString() : String(r.amountMinor)));
}

export type ChargeStatementRow = {
  id: string;
  messageId: string;
  platformType: number;
  period: string;
  currency: string;
  normalTotalMinor: number;
  reissueTotalMinor: number;
  totalMinor: number;
  lineCount: number;
  receivedAt: Date;
};

/** Claim 13: the issuer's statements received, newest period first. */
export async function listChargeStatements(actor: ProviderActor): Promise<ChargeStatementRow[]> {
  const rows = await db().spChargeStatement.findMany({
    where: { providerCompanyId: actor.providerCompanyId },
    orderBy: [{ period: "desc" }, { platformType: "asc" }],
    take: 60,
  });
  return rows.map((r) => ({
    id: r.id,
    messageId: r.messageId,
    platformType: r.platformType,
    period: r.period,
    currency: r.currency,
    normalTotalMinor: r.normalTotalMinor,
    reissueTotalMinor: r.reissueTotalMinor,
    totalMinor: r.totalMinor,
    lineCount: Array.isArray(r.lines) ? r.lines.length : 0,
    receivedAt: r.receivedAt,
  }));
}
