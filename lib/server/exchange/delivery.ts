import "server-only";
import { db } from "../db";
import { enqueueDeliveries } from "./queue";
import { transmit } from "./transport";

/** Attempts before a message is given up as dead (the messages page can send it again). */
export const MAX_ATTEMPTS = 10;

/** Backoff between attempts: 2 s, 4 s, 8 s … capped at 10 minutes. */
export function backoffSeconds(attempts: number): number {
  return Math.min(600, 2 ** Math.max(1, attempts));
}

export type DeliveryResult = "delivered" | "dead" | "retry" | "skipped";

let afterTransmit: (() => void) | null = null;

/** Test seam for crash tests (scripts/exchange-worker.ts): runs after the receiver answered. */
export function setAfterTransmitHook(hook: (() => void) | null): void {
  afterTransmit = hook;
}

/**
 * Delivers one outbox message. At least once: a crash after the receiver took it but before we
 * marked it delivered means it is sent again, and the receiver's inbox answers the repeat with the
 * first result, so the effect happens exactly once.
 */
export async function deliverOne(outboxId: string, now = () => new Date()): Promise<DeliveryResult> {
  return (await deliverWithReceipt(outboxId, now)).result;
}

/** What the receiver answered, as stored on the outbox row (none when the message was not delivered by this call). */
export type DeliveryReceipt = { status: string; summary?: string; code?: string; message?: string };

/** deliverOne, with the receiver's answer (saves reading it back). */
async function deliverWithReceipt(outboxId: string, now = () => new Date()): Promise<{ result: DeliveryResult; receipt: DeliveryReceipt | null }> {
  const row = await db().outboxMessage.findUnique({ where: { id: outboxId } });
  if (!row || row.status !== "pending") return { result: "skipped", receipt: null };
  let outcome;
  try {
    outcome = await transmit(row.jws, row.receiverCompanyId);
  } catch (error) {
    const attempts = row.attempts + 1;
    const dead = attempts >= MAX_ATTEMPTS;
    await db().outboxMessage.update({
      where: { id: row.id },
      data: {
        attempts,
        lastError: (error as Error).message.slice(0, 500),
        nextAttemptAt: new Date(now().getTime() + backoffSeconds(attempts) * 1000),
        ...(dead ? { status: "dead" } : {}),
      },
    });
    return { result: dead ? "dead" : "retry", receipt: null };
  }
  afterTransmit?.();
  // A refusal is final: the receiver checked the message and will refuse it again every time.
  const data =
    outcome.status === "refused"
      ? {
          status: "dead" as const,
          lastError: `${outcome.refusal.code}: ${outcome.refusal.message}`.slice(0, 500),
          receipt: { status: "refused", code: outcome.refusal.code, message: outcome.refusal.message },
        }
      : { status: "delivered" as const, deliveredAt: now(), lastError: null, receipt: { status: outcome.status, summary: outcome.summary } };
  // One statement (Prisma's updateMany with a JSON value wraps its UPDATE in a transaction: three).
  const marked = await db().$executeRaw`
    UPDATE xc_outbox SET attempts = ${row.attempts + 1}, status = ${data.status}::"OutboxStatus", last_error = ${data.lastError},
           receipt = ${JSON.stringify(data.receipt)}::jsonb, delivered_at = ${"deliveredAt" in data ? data.deliveredAt : null}::timestamptz
     WHERE id = ${row.id}::uuid AND status = 'pending'`;
  return { result: outcome.status === "refused" ? "dead" : "delivered", receipt: marked === 1 ? data.receipt : null };
}

/** Pending messages whose next attempt is due, oldest first. */
export async function dueOutboxIds(limit: number, now = new Date()): Promise<string[]> {
  const rows = await db().outboxMessage.findMany({
    where: { status: "pending", nextAttemptAt: { lte: now } },
    orderBy: { createdAt: "asc" },
    take: limit,
    select: { id: true },
  });
  return rows.map((r) => r.id);
}

/**
 * After a transaction that enqueued messages has committed: hand them to the durable queue and try
 * them right away in this process, so a desk sees the issuer's answer within its request. Failures
 * here are fine: the queue retries with backoff, and the sweep finds anything the queue missed.
 */
export function deliverSoon(outboxIds: string[]): void {
  if (outboxIds.length === 0) return;
  void enqueueDeliveries(outboxIds).catch((e: Error) => console.warn(`[exchange] queue unavailable, the sweep will deliver: ${e.message}`));
}

/** Delivers now and waits: for flows that need the answer in the same request. */
export async function deliverNow(outboxIds: string[]): Promise<DeliveryResult[]> {
  return (await deliverNowWithReceipts(outboxIds)).map((d) => d.result);
}

/** deliverNow, with each receiver's answer when this call delivered the message. */
export async function deliverNowWithReceipts(outboxIds: string[]): Promise<{ result: DeliveryResult; receipt: DeliveryReceipt | null }[]> {
  const results: { result: DeliveryResult; receipt: DeliveryReceipt | null }[] = [];
  for (const id of outboxIds) results.push(await deliverWithReceipt(id));
  const retry = outboxIds.filter((_, i) => results[i]!.result === "retry");
  if (retry.length) await enqueueDeliveries(retry).catch(() => {});
  return results;
}
