/**
 * Fail fast while the database is stuck (issue 9). Every statement has a server-side timeout and the
 * pool a connect timeout (lib/server/db.ts), so a page on a stuck database fails after a few seconds.
 * Once one request has failed that way (instrumentation.ts `onRequestError`), the proxy answers every
 * page and action with 503 and Retry-After at once for a short window, instead of letting each request
 * wait out its own timeout and end in Next's 500 page. A successful health probe closes the window early.
 *
 * The state is per process (a slot on globalThis, shared by the proxy's and the routes' module graphs);
 * no secret is in it. Clocks are passed in (tests inject them).
 */

/** How long pages answer 503 after a database timeout before the next request tries the database again. */
export const DATABASE_RETRY_SECONDS = 10;

const slot = globalThis as unknown as { recardDatabaseUnavailableUntil?: number };

/** PostgreSQL SQLSTATEs of an unavailable server: query_canceled (statement timeout), admin shutdown, connection failures. */
const UNAVAILABLE_SQLSTATES = new Set(["57014", "57P01", "57P02", "57P03", "08000", "08001", "08003", "08006"]);
/** Prisma's codes for an unreachable server, a timed-out connection and an exhausted pool. */
const UNAVAILABLE_PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
const UNAVAILABLE_MESSAGES = [
  /canceling statement due to statement timeout/i,
  /timeout exceeded when trying to connect/i,
  /connection terminated/i,
  /ECONNREFUSED/,
  /can't reach database server/i,
  /terminating connection due to administrator command/i,
];

/**
 * Whether an error (or any error in its `cause` chain) says the database is unavailable, rather than
 * that a statement was wrong: a timeout, a refused or lost connection, an exhausted pool.
 */
export function isDatabaseUnavailableError(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === "object" && !seen.has(current)) {
    seen.add(current);
    const e = current as { code?: unknown; message?: unknown; cause?: unknown; originalCode?: unknown };
    for (const code of [e.code, e.originalCode]) {
      if (typeof code === "string" && (UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_PRISMA_CODES.has(code))) return true;
    }
    if (typeof e.message === "string" && UNAVAILABLE_MESSAGES.some((re) => re.test(e.message as string))) return true;
    current = e.cause;
  }
  return false;
}

/** Opens (or extends) the fail-fast window after a request failed on an unavailable database. */
export function markDatabaseUnavailable(nowMs: number, seconds = DATABASE_RETRY_SECONDS): void {
  slot.recardDatabaseUnavailableUntil = Math.max(slot.recardDatabaseUnavailableUntil ?? 0, nowMs + seconds * 1000);
}

/** The database answered: the window closes. */
export function markDatabaseAvailable(): void {
  delete slot.recardDatabaseUnavailableUntil;
}

/** Seconds until the next request may try the database again, or null when it may try now. */
export function databaseRetryAfter(nowMs: number): number | null {
  const until = slot.recardDatabaseUnavailableUntil;
  if (until === undefined || nowMs >= until) return null;
  return Math.max(1, Math.ceil((until - nowMs) / 1000));
}
