import "server-only";
import { formatMessageId, type MessageDirection } from "@/lib/core/message-id";
import { Prisma } from "../generated/prisma/client";

type Tx = Pick<Prisma.TransactionClient, "$queryRaw">;

type SequenceKey = { issuerCompanyId: string; providerCompanyId: string; direction: MessageDirection };

/**
 * Allocates the next sequence number for (issuer, provider, direction). The single-statement upsert
 * takes the row lock, so concurrent callers get distinct numbers (tested with 50 concurrent
 * allocations on both PostgreSQL servers). Call it inside the transaction that writes the message, so
 * a rolled-back message gives its number back.
 */
export async function allocateSequence(tx: Tx, key: SequenceKey): Promise<number> {
  const rows = await tx.$queryRaw<{ last_value: bigint }[]>`
    INSERT INTO xc_message_sequences (issuer_company_id, provider_company_id, direction, last_value)
    VALUES (${key.issuerCompanyId}, ${key.providerCompanyId}, ${key.direction}, 1)
    ON CONFLICT (issuer_company_id, provider_company_id, direction)
    DO UPDATE SET last_value = xc_message_sequences.last_value + 1
    RETURNING last_value`;
  const value = rows[0]?.last_value;
  if (value === undefined) throw new Error("message sequence: no row returned");
  return Number(value);
}

/**
 * allocateSequence as a data-modifying CTE for a caller's own statement (issue 16: one round trip fewer):
 * the number is taken only when `when` (a CTE of that statement) has a row, and returned as `last_value`.
 * The caller passes it to enqueueMessage (`sequence`) in the same transaction.
 */
export function allocateSequenceSql(key: SequenceKey, when: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO xc_message_sequences (issuer_company_id, provider_company_id, direction, last_value)
    SELECT ${key.issuerCompanyId}, ${key.providerCompanyId}, ${key.direction}, 1 WHERE EXISTS (SELECT 1 FROM ${when})
    ON CONFLICT (issuer_company_id, provider_company_id, direction)
    DO UPDATE SET last_value = xc_message_sequences.last_value + 1
    RETURNING last_value`;
}

/** Allocates and formats the next message id (see allocateSequence). */
export async function allocateMessageId(tx: Tx, key: SequenceKey): Promise<string> {
  return formatMessageId({ ...key, sequence: await allocateSequence(tx, key) });
}

/**
 * Allocates `count` consecutive numbers for each key in one statement (a batch handler's replies and
 * grants): the first number of each entry, in the order given. The rows are locked in a fixed order
 * (sorted keys), so two batches never wait on each other in a circle.
 */
export async function allocateSequences(tx: Tx, requests: readonly { key: SequenceKey; count: number }[]): Promise<number[]> {
  const name = (k: SequenceKey) => `${k.issuerCompanyId}\u0000${k.providerCompanyId}\u0000${k.direction}`;
  const totals = new Map<string, { key: SequenceKey; count: number }>();
  for (const r of requests) {
    if (!Number.isInteger(r.count) || r.count < 0) throw new Error(`message sequence: cannot allocate ${r.count} numbers`);
    const entry = totals.get(name(r.key)) ?? { key: r.key, count: 0 };
    entry.count += r.count;
    totals.set(name(r.key), entry);
  }
  const wanted = [...totals.values()].filter((t) => t.count > 0).sort((a, b) => (name(a.key) < name(b.key) ? -1 : 1));
  const next = new Map<string, number>();
  if (wanted.length > 0) {
    const rows = await tx.$queryRaw<{ issuer_company_id: string; provider_company_id: string; direction: string; last_value: bigint }[]>`
      INSERT INTO xc_message_sequences AS s (issuer_company_id, provider_company_id, direction, last_value)
      SELECT k.issuer, k.provider, k.direction, k.count
        FROM unnest(${wanted.map((w) => w.key.issuerCompanyId)}::text[], ${wanted.map((w) => w.key.providerCompanyId)}::text[],
                    ${wanted.map((w) => w.key.direction)}::text[], ${wanted.map((w) => w.count)}::bigint[]) WITH ORDINALITY AS k(issuer, provider, direction, count, n)
       ORDER BY k.n
      ON CONFLICT (issuer_company_id, provider_company_id, direction) DO UPDATE SET last_value = s.last_value + EXCLUDED.last_value
      RETURNING issuer_company_id, provider_company_id, direction, last_value`;
    const byName = new Map(wanted.map((w) => [name(w.key), w.count]));
    for (const r of rows) {
      const key = { issuerCompanyId: r.issuer_company_id, providerCompanyId: r.provider_company_id, direction: r.direction.trim() as MessageDirection };
      next.set(name(key), Number(r.last_value) - byName.get(name(key))! + 1);
    }
    if (next.size !== wanted.length) throw new Error("message sequence: a row was not returned");
  }
  return requests.map((r) => {
    const first = next.get(name(r.key)) ?? 0;
    next.set(name(r.key), first + r.count);
    return first;
  });
}
