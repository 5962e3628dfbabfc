import "server-only";
import type { Db } from "../db";

/**
 * Repeated sign-in failures are slowed down per e-mail address (known or not): after
 * FREE_FAILURES failures each further attempt must wait 2^(n - FREE_FAILURES) seconds (capped),
 * counted from the last failure. A success clears the counter.
 */
export const FREE_FAILURES = 3;
export const MAX_DELAY_SECONDS = 300;

/** Seconds to wait after `failures` failures (0 while under the free allowance). */
export function throttleDelaySeconds(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(MAX_DELAY_SECONDS, 2 ** (failures - FREE_FAILURES));
}

/** Seconds the caller must still wait before trying `key` again, or 0. */
export async function secondsUntilAllowed(db: Db, key: string, now: Date): Promise<number> {
  const row = await db.loginThrottle.findUnique({ where: { key } });
  if (!row) return 0;
  const waitUntil = row.lastFailureAt.getTime() + throttleDelaySeconds(row.failures) * 1000;
  return Math.max(0, Math.ceil((waitUntil - now.getTime()) / 1000));
}

/** Records one failed attempt for `key` (atomic increment). */
export async function recordFailure(db: Db, key: string, now: Date): Promise<void> {
  await db.loginThrottle.upsert({
    where: { key },
    create: { key, failures: 1, lastFailureAt: now },
    update: { failures: { increment: 1 }, lastFailureAt: now },
  });
}

/** Clears the failures of `key` after a successful sign-in. */
export async function clearFailures(db: Db, key: string): Promise<void> {
  await db.loginThrottle.deleteMany({ where: { key } });
}
