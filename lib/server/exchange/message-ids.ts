import "server-only";
import { formatMessageId, type MessageDirection } from "@/lib/core/message-id";
import type { Prisma } from "../db";

type Tx = Pick<Prisma.TransactionClient, "$queryRaw">;

/**
 * Allocates the next message id for (issuer, provider, direction). The single-statement upsert takes
 * the row lock, so concurrent callers get distinct sequence numbers with no gaps on commit and no
 * race (tested with 50 concurrent allocations on PGlite and PostgreSQL). Call it inside the
 * transaction that writes the message, so a rolled-back message gives its number back.
 */
export async function allocateMessageId(
  tx: Tx,
  parts: { issuerCompanyId: string; providerCompanyId: string; direction: MessageDirection },
): Promise<string> {
  const rows = await tx.$queryRaw<{ last_value: bigint }[]>`
    INSERT INTO xc_message_sequences (issuer_company_id, provider_company_id, direction, last_value)
    VALUES (${parts.issuerCompanyId}, ${parts.providerCompanyId}, ${parts.direction}, 1)
    ON CONFLICT (issuer_company_id, provider_company_id, direction)
    DO UPDATE SET last_value = xc_message_sequences.last_value + 1
    RETURNING last_value`;
  const value = rows[0]?.last_value;
  if (value === undefined) throw new Error("message sequence: no row returned");
  return formatMessageId({ ...parts, sequence: Number(value) });
}
