import "server-only";
import { randomUUID } from "node:crypto";
import type { ProviderActor } from "../../auth/session";
import { db, type Prisma } from "./db";
import type { ProviderTx as Tx } from "./db";

/**
 * The value ledger (issue 12): what each of the provider's applications holds on a card — a transit
 * balance in minor units of its currency, or points ("PTS") — as last known: at load, at each desk
 * read, frozen when the issuer blocks the card (the hot list), and carried over to the reissued card
 * by the reload (transfer out of the old load, into the new). Append-only history in sp_value_ledger;
 * the current value on sp_load_records. Credit applications hold a limit, not a value: no ledger.
 */

export type AppValue = { valueMinor: number; unit: string };

/** How the desk names the load it read: by card id (platform 100) or by its message id (Fig. 17). */
export type DeskReadTarget = { platformType: 100; cardId: string; aid: string } | { platformType: 200; loadMessageId: string; aid: string };

export type DeskReadResult =
  | { ok: true; loadRecordId: string }
  | { ok: false; refusal: { code: "no-load-record" | "value-change-after-block" | "invalid-value"; blockedAt?: string; frozenValueMinor?: number } };

type LedgerTx = Pick<Tx, "spValueLedger" | "spLoadRecord">;

async function appendLedger(
  tx: LedgerTx,
  providerCompanyId: string,
  loadRecordId: string,
  event: Prisma.SpValueLedgerCreateInput["event"],
  value: AppValue,
  at: Date,
  counterpartLoadId: string | null = null,
) {
  await tx.spValueLedger.create({
    data: { providerCompanyId, loadRecordId, event, valueMinor: value.valueMinor, valueUnit: value.unit, counterpartLoadId, at },
  });
}

/**
 * A desk read the application's value on the card. Before the block it becomes the last known value;
 * after it (the card on our hot list) a different value is refused and kept as an attempt: value
 * spent on a lost card is refused, not silently lost.
 */
export async function recordDeskRead(actor: ProviderActor, target: DeskReadTarget, value: AppValue, now = new Date()): Promise<DeskReadResult> {
  if (!Number.isSafeInteger(value.valueMinor) || value.valueMinor < 0 || !/^(?:[A-Z]{3}|PTS)$/.test(value.unit))
    return { ok: false, refusal: { code: "invalid-value" } };
  const providerCompanyId = actor.providerCompanyId;
  return db().$transaction(async (tx) => {
    const where =
      target.platformType === 100
        ? { providerCompanyId, cardId: target.cardId, applicationAid: target.aid, status: "loaded" as const }
        : { providerCompanyId, messageId: target.loadMessageId, applicationAid: target.aid, status: "loaded" as const };
    const record = await tx.spLoadRecord.findFirst({ where, orderBy: { loadedAt: "desc" }, select: { id: true } });
    if (!record) return { ok: false as const, refusal: { code: "no-load-record" as const } };
    await tx.$queryRaw`SELECT id FROM sp_load_records WHERE id = ${record.id}::uuid FOR UPDATE`;
    const row = await tx.spLoadRecord.findUniqueOrThrow({
      where: { id: record.id },
      select: { id: true, valueMinor: true, valueUnit: true, valueFrozenAt: true },
    });
    if (row.valueFrozenAt) {
      if (row.valueMinor === value.valueMinor && row.valueUnit === value.unit) return { ok: true as const, loadRecordId: row.id };
      await appendLedger(tx, providerCompanyId, row.id, "refused_after_block", value, now);
      return {
        ok: false as const,
        refusal: {
          code: "value-change-after-block" as const,
          blockedAt: row.valueFrozenAt.toISOString(),
          ...(row.valueMinor !== null ? { frozenValueMinor: row.valueMinor } : {}),
        },
      };
    }
    await tx.spLoadRecord.update({ where: { id: row.id }, data: { valueMinor: value.valueMinor, valueUnit: value.unit } });
    await appendLedger(tx, providerCompanyId, row.id, "desk_read", value, now);
    return { ok: true as const, loadRecordId: row.id };
  });
}

/** At block time (card-blocked): the last known values of the named loads are frozen. */
export async function freezeValues(tx: LedgerTx, providerCompanyId: string, where: { cardId: string } | { messageIds: string[] }, at: Date): Promise<number> {
  const records = await tx.spLoadRecord.findMany({
    where: {
      providerCompanyId,
      status: "loaded",
      valueFrozenAt: null,
      ...("cardId" in where ? { cardId: where.cardId } : { messageId: { in: where.messageIds } }),
    },
    select: { id: true, valueMinor: true, valueUnit: true },
  });
  for (const r of records) {
    await tx.spLoadRecord.update({ where: { id: r.id }, data: { valueFrozenAt: at } });
    if (r.valueMinor !== null && r.valueUnit) await appendLedger(tx, providerCompanyId, r.id, "frozen", { valueMinor: r.valueMinor, unit: r.valueUnit }, at);
  }
  return records.length;
}

/** A withdrawn report (card-unblocked): the values are live again. */
export async function unfreezeValues(tx: LedgerTx, providerCompanyId: string, where: { cardId: string } | { messageIds: string[] }, at: Date): Promise<void> {
  const records = await tx.spLoadRecord.findMany({
    where: { providerCompanyId, valueFrozenAt: { not: null }, ...("cardId" in where ? { cardId: where.cardId } : { messageId: { in: where.messageIds } }) },
    select: { id: true, valueMinor: true, valueUnit: true },
  });
  for (const r of records) {
    await tx.spLoadRecord.update({ where: { id: r.id }, data: { valueFrozenAt: null } });
    if (r.valueMinor !== null && r.valueUnit) await appendLedger(tx, providerCompanyId, r.id, "unfrozen", { valueMinor: r.valueMinor, unit: r.valueUnit }, at);
  }
}

/**
 * The ledger lines of a load (its record's value set by the caller): a transfer out of the old load and
 * in, or a load. Rows for `jsonb_to_recordset(…) AS x(id uuid, load_record_id uuid, event text,
 * value_minor int, value_unit text, counterpart_load_id uuid)`: the load's record writes them in its one
 * statement (permissions.ts, recordCardLoad).
 */
export function loadValueLines(loadRecordId: string, value: AppValue, carriedFrom: string | null) {
  const line = (id: string, event: "transfer_out" | "transfer_in" | "load", counterpartLoadId: string | null) => ({
    id: randomUUID(),
    load_record_id: id,
    event,
    value_minor: value.valueMinor,
    value_unit: value.unit,
    counterpart_load_id: counterpartLoadId,
  });
  return carriedFrom ? [line(carriedFrom, "transfer_out", loadRecordId), line(loadRecordId, "transfer_in", carriedFrom)] : [line(loadRecordId, "load", null)];
}
