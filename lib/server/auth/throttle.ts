import "server-only";
import type { Db } from "../db";
import { Prisma } from "../generated/prisma/client";

/**
 * Sign-in throttling (issue 9). Every attempt first RESERVES a slot on each of its keys with one
 * atomic INSERT … ON CONFLICT DO UPDATE … WHERE blocked_until <= now RETURNING: the row lock orders
 * concurrent attempts, so 40 simultaneous guesses cannot all pass a check made before any of them is
 * counted (the old check-then-act race). Only a reserved attempt reaches the password check.
 *
 * A key's n-th attempt (counted from the last success, forgotten after FORGET_AFTER quiet time) sets
 * blocked_until = now + delay(n): 0 while n < free, then base·2^(n-free) seconds up to a cap.
 *
 * Keys (lib/server/auth/sign-in.ts):
 * - `account:<email>` — any address; for unknown e-mails too, so the answer tells nothing;
 * - `account:<email>@<address>` instead, when the account has signed in successfully from that
 *   address before: a stranger's burst against the account does not lock its owner out;
 * - `address:<address>` — every attempt from one client address (an IPv6 /64), whatever the account.
 */
export type ThrottleSchedule = { free: number; baseSeconds: number; maxSeconds: number };

export const ACCOUNT_SCHEDULE: ThrottleSchedule = { free: 3, baseSeconds: 2, maxSeconds: 15 * 60 };
export const ADDRESS_SCHEDULE: ThrottleSchedule = { free: 20, baseSeconds: 2, maxSeconds: 15 * 60 };
/** A key with no attempt for this long starts again from zero. */
export const FORGET_AFTER_SECONDS = 60 * 60;

/** Seconds a key is blocked after its `attempts`-th counted attempt (0 while under the free allowance). */
export function throttleDelaySeconds(attempts: number, schedule: ThrottleSchedule = ACCOUNT_SCHEDULE): number {
  if (attempts < schedule.free) return 0;
  return Math.min(schedule.maxSeconds, schedule.baseSeconds * 2 ** (attempts - schedule.free));
}

export type Reservation = { ok: true } | { ok: false; waitSeconds: number };

/** Atomically counts one attempt on `key`, or refuses it while the key is blocked (with the wait). */
export async function reserveAttempt(db: Db, key: string, now: Date, schedule: ThrottleSchedule): Promise<Reservation> {
  const { free, baseSeconds, maxSeconds } = schedule;
  // n = the number this attempt gets (1 on a new or forgotten key); SET sees the old row, so n is
  // spelled out in both assignments. The delay formula mirrors throttleDelaySeconds.
  const n = Prisma.sql`(CASE WHEN t.last_failure_at < ${now}::timestamptz - make_interval(secs => ${FORGET_AFTER_SECONDS}::float8) THEN 1 ELSE t.failures + 1 END)`;
  const until = (attempt: Prisma.Sql) =>
    Prisma.sql`${now}::timestamptz + make_interval(secs => CASE WHEN ${attempt} < ${free}::int THEN 0 ELSE LEAST(${maxSeconds}::float8, ${baseSeconds}::float8 * power(2, ${attempt} - ${free}::int)) END)`;
  const rows = await db.$queryRaw<{ failures: number }[]>`
    INSERT INTO auth_login_throttle AS t (key, failures, last_failure_at, blocked_until)
    VALUES (${key}, 1, ${now}, ${until(Prisma.sql`1`)})
    ON CONFLICT (key) DO UPDATE SET failures = ${n}, last_failure_at = ${now}, blocked_until = ${until(n)}
    WHERE t.blocked_until <= ${now}
    RETURNING t.failures`;
  if (rows.length === 1) return { ok: true };
  const row = await db.loginThrottle.findUnique({ where: { key }, select: { blockedUntil: true } });
  const waitMs = row ? row.blockedUntil.getTime() - now.getTime() : 1000;
  return { ok: false, waitSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
}

/** After a success: the account key starts again from zero. */
export async function clearAttempts(db: Db, key: string): Promise<void> {
  await db.loginThrottle.deleteMany({ where: { key } });
}

/** After a success: the attempt reserved on an address key is given back (successes do not count against an address). */
export async function releaseAttempt(db: Db, key: string): Promise<void> {
  await db.$executeRaw`UPDATE auth_login_throttle SET failures = GREATEST(failures - 1, 0) WHERE key = ${key}`;
}
