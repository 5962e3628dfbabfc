import "server-only";
import { isUuid } from "@/lib/core/ids";
import { toMessageTimestamp } from "@/lib/core/messages";
import { lastMonths, monthRange, totalsByMonth } from "@/lib/core/months";
import type { IssuerActor } from "../../auth/session";
import { db, Prisma } from "./db";
import { enqueueMessage } from "../../exchange/outbox";
import { startOfUtcMonth } from "../time";
import { auditReason } from "@/lib/core/audit-reason";
import { recordAudit } from "./audit";
import { operator } from "./shared";

/** The fee schedules in force now per provider and application, with their history (claim 13). */
export async function listFeeSchedules(actor: IssuerActor, now = new Date()) {
  void actor;
  const providers = await db().serviceProvider.findMany({
    orderBy: { companyId: "asc" },
    select: {
      id: true,
      companyId: true,
      name: true,
      applications: { orderBy: { aid: "asc" }, select: { id: true, aid: true, name: true, status: true } },
      feeSchedules: {
        orderBy: { validFrom: "desc" },
        select: { id: true, applicationId: true, normalLoadFeeMinor: true, reissueReloadFeeMinor: true, currency: true, validFrom: true },
      },
    },
  });
  return providers.map((p) => {
    const inForce = (applicationId: string | null) => p.feeSchedules.find((f) => f.applicationId === applicationId && f.validFrom <= now) ?? null;
    return {
      id: p.id,
      companyId: p.companyId,
      name: p.name,
      default: inForce(null),
      applications: p.applications.map((a) => ({ ...a, current: inForce(a.id), history: p.feeSchedules.filter((f) => f.applicationId === a.id) })),
    };
  });
}

export type FeeInput = { providerId: string; applicationId: string | null; normalLoadFeeMinor: number; reissueReloadFeeMinor: number; currency: string };

/** A new fee schedule from now on; earlier charges keep the fee they were charged at. */
export async function setFeeSchedule(
  actor: IssuerActor,
  input: FeeInput,
  reason: string,
  now = new Date(),
): Promise<{ ok: true } | { ok: false; error: { code: "not-found"; message: string } }> {
  if (!isUuid(input.providerId) || (input.applicationId !== null && !isUuid(input.applicationId)))
    return { ok: false, error: { code: "not-found", message: "No such provider or application." } };
  return db().$transaction(async (tx) => {
    const provider = await tx.serviceProvider.findUnique({ where: { id: input.providerId }, select: { id: true, companyId: true } });
    const app = input.applicationId
      ? await tx.registeredApplication.findFirst({ where: { id: input.applicationId, providerId: input.providerId }, select: { id: true, aid: true } })
      : null;
    if (!provider || (input.applicationId && !app))
      return { ok: false as const, error: { code: "not-found" as const, message: "No such provider or application." } };
    const row = await tx.feeSchedule.create({ data: { ...input, validFrom: now }, select: { id: true } });
    await recordAudit(tx, {
      actor: operator(actor),
      action: "fees.set",
      subjectType: "fee-schedule",
      subjectId: row.id,
      note: reason,
      data: {
        provider: provider.companyId,
        aid: app?.aid ?? null,
        normal: input.normalLoadFeeMinor,
        reissue: input.reissueReloadFeeMinor,
        currency: input.currency,
      },
    });
    return { ok: true as const };
  });
}

export type ChargeFilter = { providerId?: string; period?: string };

/** Charges to providers, newest first, with the permission (Fig. 17) each one is for. */
export async function listCharges(actor: IssuerActor, filter: ChargeFilter, take = 200) {
  void actor;
  const range = filter.period ? monthRange(filter.period) : null;
  const where: Prisma.ProviderChargeWhereInput = {
    ...(filter.providerId ? { providerId: filter.providerId } : {}),
    ...(range ? { chargedAt: { gte: range.start, lt: range.end } } : {}),
  };
  // Totals from the month totals the trigger keeps (iss_charge_month_totals), not a sum over every charge.
  const [rows, byKind] = await Promise.all([
    db().providerCharge.findMany({
      where,
      orderBy: { chargedAt: "desc" },
      take,
      select: {
        id: true,
        kind: true,
        amountMinor: true,
        currency: true,
        chargedAt: true,
        provider: { select: { companyId: true, name: true } },
        statement: { select: { period: true, messageId: true } },
        permission: {
          select: { messageId: true, originalMessageId: true, application: { select: { aid: true, name: true } }, card: { select: { platformType: true } } },
        },
      },
    }),
    db().chargeMonthTotal.groupBy({
      by: ["kind", "currency"],
      where: { ...(filter.providerId ? { providerId: filter.providerId } : {}), ...(range ? { month: range.start } : {}) },
      _sum: { amountMinor: true, charges: true },
    }),
  ]);
  const totals = { normal: 0, reissue: 0, normalCount: 0, reissueCount: 0, currency: byKind[0]?.currency ?? "JPY" };
  for (const g of byKind) {
    if (g.kind === "normal_load") {
      totals.normal += Number(g._sum.amountMinor ?? 0);
      totals.normalCount += g._sum.charges ?? 0;
    } else {
      totals.reissue += Number(g._sum.amountMinor ?? 0);
      totals.reissueCount += g._sum.charges ?? 0;
    }
  }
  return { rows, totals };
}

/**
 * One page of charges (keyset, by time or by amount, either way; ties by id) with the cursor of the
 * next page: the charges list and its CSV export read it. `after` is the last row's sort value and id.
 */
export async function pageOfCharges(
  actor: IssuerActor,
  filter: ChargeFilter,
  page: { after: { value: string; id: string } | null; take: number; sort: { key: "charged" | "amount"; dir: "asc" | "desc" } },
) {
  void actor;
  const range = filter.period ? monthRange(filter.period) : null;
  const { key, dir } = page.sort;
  const field = key === "charged" ? "chargedAt" : "amountMinor";
  const cmp = dir === "desc" ? "lt" : "gt";
  const value = page.after ? (key === "charged" ? new Date(page.after.value) : Number(page.after.value)) : null;
  const where: Prisma.ProviderChargeWhereInput = {
    ...(filter.providerId ? { providerId: filter.providerId } : {}),
    ...(range ? { chargedAt: { gte: range.start, lt: range.end } } : {}),
    ...(page.after && value !== null ? { AND: [{ OR: [{ [field]: { [cmp]: value } }, { [field]: value, id: { [cmp]: page.after.id } }] }] } : {}),
  };
  const rows = await db().providerCharge.findMany({
    where,
    orderBy: [{ [field]: dir }, { id: dir }],
    take: page.take + 1,
    select: {
      id: true,
      kind: true,
      amountMinor: true,
      currency: true,
      chargedAt: true,
      provider: { select: { companyId: true, name: true } },
      statement: { select: { period: true, messageId: true } },
      permission: { select: { messageId: true, application: { select: { aid: true, name: true } }, card: { select: { platformType: true } } } },
    },
  });
  const shown = rows.slice(0, page.take);
  const last = shown.at(-1);
  const next = rows.length > page.take && last ? { value: key === "charged" ? last.chargedAt.toISOString() : String(last.amountMinor), id: last.id } : null;
  return { rows: shown, next };
}

export type MonthlyTotals = { period: string; normal: number; reissue: number }[];

/** Totals by month and kind for the last `months` months (for the chart), oldest first. */
export async function chargesByMonth(actor: IssuerActor, filter: { providerId?: string }, months = 12, now = new Date()): Promise<MonthlyTotals> {
  void actor;
  const span = lastMonths(now, months);
  // A row per provider, month and kind, kept by a trigger (iss_charge_month_totals; issue 16: this
  // pulled every charge of twelve months, then summed them all in SQL on each visit).
  const sums = await db().chargeMonthTotal.groupBy({
    by: ["month", "kind"],
    where: { month: { gte: span.since }, ...(filter.providerId ? { providerId: filter.providerId } : {}) },
    _sum: { amountMinor: true },
  });
  const rows = sums.map((r) => ({ kind: r.kind, amountMinor: Number(r._sum.amountMinor ?? 0), chargedAt: r.month }));
  return totalsByMonth(span.months, rows).map((m) => ({ period: m.month, normal: m.normalMinor, reissue: m.reissueMinor }));
}

/** Statements issued, newest first. */
export async function listStatements(actor: IssuerActor, take = 50) {
  void actor;
  const statements = await db().chargeStatement.findMany({
    orderBy: [{ period: "desc" }, { issuedAt: "desc" }],
    take,
    select: {
      id: true,
      period: true,
      platformType: true,
      currency: true,
      normalTotalMinor: true,
      reissueTotalMinor: true,
      totalMinor: true,
      messageId: true,
      issuedAt: true,
      provider: { select: { companyId: true, name: true } },
    },
  });
  // The lines of these statements only (iss_provider_charges_statement_id_idx): Prisma's `_count` would
  // group every charge ever made by statement on each visit (prisma/orm#23669).
  const lines = await db().providerCharge.groupBy({ by: ["statementId"], where: { statementId: { in: statements.map((s) => s.id) } }, _count: { _all: true } });
  const count = new Map(lines.map((l) => [l.statementId, l._count._all]));
  return statements.map((s) => ({ ...s, _count: { charges: count.get(s.id) ?? 0 } }));
}

export type StatementResult =
  | { ok: true; value: { statements: { platformType: 100 | 200; messageId: string; total: number; lines: number }[]; outboxIds: string[] } }
  | { ok: false; error: { code: "not-found" | "period-open" | "nothing-to-bill" | "already-issued"; message: string } };

/**
 * Claim 13: the monthly statement to a provider, normal loads and reissue reloads kept apart. The
 * charge-statement message carries one platform type (a provider books method-1 loads by card id,
 * method-2 loads by message id), so one statement per platform type present that month. Each
 * charge is billed once: it is linked to its statement. Deliver `outboxIds` after commit.
 */
export async function issueMonthlyStatement(actor: IssuerActor, providerId: string, period: string, now = new Date()): Promise<StatementResult> {
  const { start, end } = monthRange(period);
  if (end > startOfUtcMonth(now))
    return { ok: false, error: { code: "period-open", message: `${period} is not over yet: a statement covers a closed month.` } };
  return db().$transaction(
    async (tx) => {
      const provider = await tx.serviceProvider.findUnique({ where: { id: providerId }, select: { id: true, companyId: true, name: true } });
      if (!provider) return { ok: false as const, error: { code: "not-found" as const, message: "No such provider." } };
      // Serialise statement runs per provider: a second operator waits, then finds the charges billed.
      await tx.$queryRaw`SELECT id FROM iss_service_providers WHERE id = ${provider.id}::uuid FOR UPDATE`;
      const charges = await tx.providerCharge.findMany({
        where: { providerId: provider.id, statementId: null, chargedAt: { gte: start, lt: end } },
        orderBy: { chargedAt: "asc" },
        select: {
          id: true,
          kind: true,
          amountMinor: true,
          currency: true,
          chargedAt: true,
          permission: { select: { messageId: true, application: { select: { aid: true } }, card: { select: { platformType: true } } } },
        },
      });
      if (charges.length === 0) {
        const billed = await tx.chargeStatement.count({ where: { providerId: provider.id, period } });
        return billed > 0
          ? { ok: false as const, error: { code: "already-issued" as const, message: `${provider.name}'s statement for ${period} was already issued.` } }
          : { ok: false as const, error: { code: "nothing-to-bill" as const, message: `${provider.name} has no charges in ${period}.` } };
      }
      const groups = new Map<string, typeof charges>();
      for (const c of charges) {
        const key = `${c.permission.card?.platformType === 200 ? 200 : 100}|${c.currency}`;
        groups.set(key, [...(groups.get(key) ?? []), c]);
      }
      const statements: { platformType: 100 | 200; messageId: string; total: number; lines: number }[] = [];
      const outboxIds: string[] = [];
      for (const [key, lines] of groups) {
        const [pf, currency] = key.split("|") as [string, string];
        const platformType = pf === "200" ? 200 : 100;
        const normal = lines.filter((l) => l.kind === "normal_load").reduce((s, l) => s + l.amountMinor, 0);
        const reissue = lines.filter((l) => l.kind === "reissue_reload").reduce((s, l) => s + l.amountMinor, 0);
        const sent = await enqueueMessage(
          tx,
          "charge-statement",
          { issuerCompanyId: actor.issuerCompanyId, providerCompanyId: provider.companyId, now },
          {
            platformType,
            period,
            currency,
            lines: lines.map((l) => ({
              permissionMessageId: l.permission.messageId,
              applicationId: l.permission.application!.aid,
              kind: l.kind === "normal_load" ? ("normal-load" as const) : ("reissue-reload" as const),
              amountMinor: l.amountMinor,
              chargedAt: toMessageTimestamp(l.chargedAt),
            })),
            totals: { normalLoad: normal, reissueReload: reissue, grand: normal + reissue },
          },
        );
        const statement = await tx.chargeStatement.create({
          data: {
            providerId: provider.id,
            period,
            platformType,
            currency,
            normalTotalMinor: normal,
            reissueTotalMinor: reissue,
            totalMinor: normal + reissue,
            messageId: sent.messageId,
            issuedAt: now,
          },
          select: { id: true },
        });
        await tx.providerCharge.updateMany({ where: { id: { in: lines.map((l) => l.id) } }, data: { statementId: statement.id } });
        await recordAudit(tx, {
          actor: operator(actor),
          action: "statement.issue",
          subjectType: "charge-statement",
          subjectId: statement.id,
          reason: auditReason("statement-issued", {
            period,
            provider: provider.companyId,
            platformType: platformType as 100 | 200,
            normalMinor: normal,
            reissueMinor: reissue,
            currency,
          }),
          data: { messageId: sent.messageId, lines: lines.length },
        });
        statements.push({ platformType, messageId: sent.messageId, total: normal + reissue, lines: lines.length });
        outboxIds.push(sent.outboxId);
      }
      return { ok: true as const, value: { statements, outboxIds } };
    },
    { timeout: 30_000, maxWait: 30_000 },
  );
}
