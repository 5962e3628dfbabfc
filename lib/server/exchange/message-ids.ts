import "server-only";
import { formatMessageId, type MessageDirection } from "@/lib/core/message-id";
import type { Prisma } from "../db";

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

/** Allocates and formats the next message id (see allocateSequence). */
export async function allocateMessageId(tx: Tx, key: SequenceKey): Promise<string> {
  return formatMessageId({ ...key, sequence: await allocateSequence(tx, key) });
}
