import "server-only";
import { OUTCOME_VERSION, storedRefusal, type DeliveryError, type DeliveryReceipt } from "@/lib/core/messages";
import { db } from "../db";
import { enqueueDeliveries } from "./queue";
import { TransientDeliveryError, transmitMany } from "./transport";
import type { ReceiveOutcome } from "./types";

/** Attempts before a message is given up as dead (the messages page can send it again). */
export const MAX_ATTEMPTS = 10;

/** Backoff between attempts: 2 s, 4 s, 8 s … capped at 10 minutes. */
export function backoffSeconds(attempts: number): number {
  return Math.min(600, 2 ** Math.max(1, attempts));
}

export type DeliveryResult = "delivered" | "dead" | "retry" | "skipped";

/** An outbox message by id, or as enqueueMessage returned it (delivered without reading its row). */
export type OutboxRef = string | { outboxId: string; receiverCompanyId: string; jws: string };

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
export async function deliverOne(outboxId: OutboxRef, now = () => new Date()): Promise<DeliveryResult> {
  return (await deliverBatch([outboxId], now))[0]!.result;
}

type Marking = {
  id: string;
  status: "pending" | "delivered" | "dead";
  /** Why this attempt failed, as a code with parameters (the raw detail is logged, not kept). */
  deliveryError: DeliveryError | null;
  receipt: DeliveryReceipt | null;
  deliveredAt: Date | null;
  nextAttemptAt: Date | null;
};

/**
 * Delivers a batch of outbox messages (issue 16: the queue's workers drain a backlog in batches): one
 * read of their rows, the messages of each receiver handed over together (transmitMany: a hosted
 * receiver claims and handles them in one transaction), then one UPDATE marks every row of the batch.
 * Each message keeps its own outcome: delivered, dead (refused: final), retry (its attempt failed, with
 * backoff) or skipped (not pending). Same guarantee as one at a time: a crash after a receiver took
 * its messages and before they are marked makes them be sent again, and answered from the inbox.
 */
export async function deliverBatch(refs: readonly OutboxRef[], now = () => new Date()): Promise<{ result: DeliveryResult; receipt: DeliveryReceipt | null }[]> {
  const outboxIds = refs.map((r) => (typeof r === "string" ? r : r.outboxId));
  const toRead = refs.filter((r): r is string => typeof r === "string");
  // A message this process just enqueued is handed over as it was written (issue 16: its row is not read
  // back). If another delivery took it meanwhile, the receiver answers the repeat from its inbox and the
  // marking below leaves the row as that delivery marked it.
  const rows = [
    ...refs.flatMap((r) => (typeof r === "string" ? [] : [{ id: r.outboxId, receiverCompanyId: r.receiverCompanyId, jws: r.jws, attempts: 0 }])),
    ...(toRead.length === 0
      ? []
      : await db().outboxMessage.findMany({
          where: { id: { in: toRead }, status: "pending" },
          select: { id: true, receiverCompanyId: true, jws: true, attempts: true },
        })),
  ];
  const byReceiver = new Map<string, typeof rows>();
  for (const row of rows) byReceiver.set(row.receiverCompanyId, [...(byReceiver.get(row.receiverCompanyId) ?? []), row]);
  const markings: Marking[] = [];
  const results = new Map<string, DeliveryResult>();
  for (const [receiver, group] of byReceiver) {
    const answers = await transmitMany(
      group.map((row) => row.jws),
      receiver,
    ).catch((reason: unknown) => group.map((): PromiseSettledResult<ReceiveOutcome> => ({ status: "rejected", reason })));
    group.forEach((row, k) => {
      const answer = answers[k]!;
      if (answer.status === "rejected") {
        const attempts = row.attempts + 1;
        const dead = attempts >= MAX_ATTEMPTS;
        const reason = answer.reason;
        console.warn(`[exchange] delivery of ${row.id} to ${receiver} failed (attempt ${attempts}): ${String((reason as Error)?.message ?? reason)}`);
        markings.push({
          id: row.id,
          status: dead ? "dead" : "pending",
          deliveryError: reason instanceof TransientDeliveryError ? reason.error : { v: OUTCOME_VERSION, code: "receiver.failed", params: {} },
          receipt: null,
          deliveredAt: null,
          nextAttemptAt: new Date(now().getTime() + backoffSeconds(attempts) * 1000),
        });
        results.set(row.id, dead ? "dead" : "retry");
        return;
      }
      afterTransmit?.();
      const outcome = answer.value;
      // A refusal is final: the receiver checked the message and will refuse it again every time.
      if (outcome.status === "refused") {
        console.warn(`[exchange] ${receiver} refused ${row.id}: ${outcome.refusal.code}: ${outcome.refusal.message}`);
        const refusal = storedRefusal(outcome.refusal);
        markings.push({
          id: row.id,
          status: "dead",
          deliveryError: { v: OUTCOME_VERSION, code: "receiver.refused", params: { refusal } },
          receipt: { v: OUTCOME_VERSION, status: "refused", refusal },
          deliveredAt: null,
          nextAttemptAt: null,
        });
        results.set(row.id, "dead");
      } else {
        markings.push({
          id: row.id,
          status: "delivered",
          deliveryError: null,
          receipt: { v: OUTCOME_VERSION, status: outcome.status, outcome: outcome.outcome },
          deliveredAt: now(),
          nextAttemptAt: null,
        });
        results.set(row.id, "delivered");
      }
    });
  }
  // One statement for the whole batch; a row some other delivery marked meanwhile is left as it is.
  const marked = new Set<string>();
  if (markings.length > 0) {
    const col = <T>(f: (m: Marking) => T) => markings.map(f);
    const updated = await db().$queryRaw<{ id: string }[]>`
      UPDATE xc_outbox AS o
         SET attempts = o.attempts + 1, status = m.status::"OutboxStatus", last_error = NULL, delivery_error = m.delivery_error::jsonb,
             receipt = coalesce(m.receipt::jsonb, o.receipt), delivered_at = m.delivered_at, next_attempt_at = coalesce(m.next_attempt_at, o.next_attempt_at)
        FROM unnest(${col((m) => m.id)}::uuid[], ${col((m) => m.status)}::text[], ${col((m) => (m.deliveryError ? JSON.stringify(m.deliveryError) : null))}::text[],
                    ${col((m) => (m.receipt ? JSON.stringify(m.receipt) : null))}::text[], ${col((m) => m.deliveredAt)}::timestamptz[],
                    ${col((m) => m.nextAttemptAt)}::timestamptz[]) AS m(id, status, delivery_error, receipt, delivered_at, next_attempt_at)
       WHERE o.id = m.id AND o.status = 'pending'
      RETURNING o.id`;
    for (const u of updated) marked.add(u.id);
  }
  const receipts = new Map(markings.map((m) => [m.id, m.receipt]));
  return outboxIds.map((id) => {
    const result = results.get(id) ?? "skipped";
    return { result, receipt: marked.has(id) ? (receipts.get(id) ?? null) : null };
  });
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
export async function deliverNow(outboxIds: readonly OutboxRef[]): Promise<DeliveryResult[]> {
  return (await deliverNowWithReceipts(outboxIds)).map((d) => d.result);
}

/** deliverNow, with each receiver's answer when this call delivered the message. */
export async function deliverNowWithReceipts(refs: readonly OutboxRef[]): Promise<{ result: DeliveryResult; receipt: DeliveryReceipt | null }[]> {
  const results = refs.length > 0 ? await deliverBatch(refs) : [];
  const retry = refs.filter((_, i) => results[i]!.result === "retry").map((r) => (typeof r === "string" ? r : r.outboxId));
  if (retry.length) await enqueueDeliveries(retry).catch(() => {});
  return results;
}
