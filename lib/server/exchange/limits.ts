import "server-only";
import type { Refusal } from "@/lib/core/messages";
import { db } from "../db";
import { env } from "../env";
import type { Via } from "./types";

/**
 * Limits of the exchange's public door (/api/exchange, issue 9), shared by every app instance because
 * they live in the database:
 *  - fixed one-minute windows counted by one atomic upsert per request (`xc_rate_counters`), per client
 *    address before anything is read, and per sender after its signature is verified (counting a
 *    claimed, unverified sender would let anyone exhaust a partner's allowance);
 *  - refused anonymous messages are counted per receiver, refusal code and hour
 *    (`xc_rejection_counts`, the row lock of the upsert orders concurrent ones) and only a sample of
 *    them is kept (`xc_rejections`: at most REJECTION_SAMPLE_PER_HOUR rows per receiver, refusal code
 *    and hour, kept REJECTION_RETENTION_DAYS).
 */
export const RATE_WINDOW_SECONDS = 60;
export const REJECTION_SAMPLE_PER_HOUR = 20;
export const REJECTION_RETENTION_DAYS = 30;

/** Thrown when a verified sender is over its limit: the HTTP door answers 429 with Retry-After. */
export class RateLimited extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`rate limited: retry after ${retryAfterSeconds} s`);
  }
}

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

function windowStart(now: Date, seconds: number): Date {
  const ms = seconds * 1000;
  return new Date(Math.floor(now.getTime() / ms) * ms);
}

/** Counts one request on `key` and says whether it is within `limit` per window. */
export async function countRequest(key: string, limit: number, now = new Date()): Promise<RateDecision> {
  const start = windowStart(now, RATE_WINDOW_SECONDS);
  const rows = await db().$queryRaw<{ count: number }[]>`
    INSERT INTO xc_rate_counters (key, window_start, count) VALUES (${key}, ${start}, 1)
    ON CONFLICT (key, window_start) DO UPDATE SET count = xc_rate_counters.count + 1
    RETURNING count`;
  const count = rows[0]!.count;
  // The first request of a window clears windows that are over (at most a few rows per key remain).
  if (count === 1) await db().$executeRaw`DELETE FROM xc_rate_counters WHERE window_start < ${new Date(start.getTime() - RATE_WINDOW_SECONDS * 1000)}`;
  if (count <= limit) return { ok: true };
  const retryAfterSeconds = Math.max(1, Math.ceil((start.getTime() + RATE_WINDOW_SECONDS * 1000 - now.getTime()) / 1000));
  return { ok: false, retryAfterSeconds };
}

export function addressLimit(address: string | null, now = new Date()): Promise<RateDecision> {
  return countRequest(`exchange:address:${address ?? "unknown"}`, env().RECARD_EXCHANGE_PER_ADDRESS_PER_MINUTE, now);
}

export function senderLimit(senderCompanyId: string, now = new Date()): Promise<RateDecision> {
  return countRequest(`exchange:sender:${senderCompanyId}`, env().RECARD_EXCHANGE_PER_SENDER_PER_MINUTE, now);
}

/**
 * Records a message refused before it could be trusted: always counted, kept as a row only while the
 * receiver's sample for this hour has room. Returns whether a sample row was written.
 */
export async function recordRejection(
  owner: string,
  via: Via,
  jws: string,
  claimed: { sender?: string; messageId?: string },
  r: Refusal,
  now = new Date(),
): Promise<boolean> {
  // The refusal's sentence goes to the log; the sample row keeps its code and field (rendered in the
  // reader's language on the messages page), never the sentence.
  console.info(`[exchange] ${owner} refused an anonymous message via ${via}: ${r.code}: ${r.message}`);
  const hour = windowStart(now, 3600);
  // Single statements, no interactive transaction: the atomic count decides which messages become
  // sample rows (each count up to the sample size gets one), so concurrent refusals stay bounded.
  const rows = await db().$queryRaw<{ count: number }[]>`
    INSERT INTO xc_rejection_counts (owner_company_id, window_start, refusal_code, count) VALUES (${owner}, ${hour}, ${r.code}, 1)
    ON CONFLICT (owner_company_id, window_start, refusal_code) DO UPDATE SET count = xc_rejection_counts.count + 1
    RETURNING count`;
  const count = rows[0]!.count;
  if (count === 1) {
    const cutoff = new Date(hour.getTime() - REJECTION_RETENTION_DAYS * 24 * 3600 * 1000);
    await db().$executeRaw`DELETE FROM xc_rejection_counts WHERE window_start < ${cutoff}`;
    await db().messageRejection.deleteMany({ where: { receivedAt: { lt: cutoff } } });
  }
  if (count > REJECTION_SAMPLE_PER_HOUR) return false;
  await db().messageRejection.create({
    data: {
      ownerCompanyId: owner,
      via,
      claimedSender: claimed.sender?.slice(0, 64) ?? null,
      claimedMessageId: claimed.messageId?.slice(0, 64) ?? null,
      refusalCode: r.code,
      refusalField: r.field?.slice(0, 200) ?? null,
      excerpt: jws.slice(0, 200),
      receivedAt: now,
    },
  });
  return true;
}

/** How many anonymous messages a receiver refused since `since` (the sample holds only some of them). */
export async function rejectionTotal(owner: string, since: Date): Promise<number> {
  const rows = await db().$queryRaw<{ total: number }[]>`
    SELECT coalesce(sum(count), 0)::int AS total FROM xc_rejection_counts WHERE owner_company_id = ${owner} AND window_start >= ${windowStart(since, 3600)}`;
  return rows[0]!.total;
}
