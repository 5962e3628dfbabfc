/**
 * Next.js start-up hook, in the Node.js server process:
 *  - validates the environment first (lib/server/env.ts): a production server that would run on the
 *    public demo keys without RECARD_DEMO=1 refuses to start (lib/server/deployment.ts);
 *  - registers the parties' message handlers with the exchange (lib/server/wiring.ts);
 *  - runs the message delivery worker (pg-boss), so signed messages leave the outboxes even when
 *    nobody waits for them. Any number of app instances may run it: pg-boss hands each job to one.
 * `onRequestError`: a request that failed on an unavailable database (a statement or connect timeout)
 * opens the fail-fast window in which the proxy answers 503 at once (lib/server/db/availability.ts).
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  const { env } = await import("./lib/server/env");
  try {
    env();
  } catch (error) {
    console.error(`[recard] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  const { wireParties } = await import("./lib/server/wiring");
  wireParties();
  if (process.env.RECARD_EXCHANGE_WORKER === "off") return;
  const { startExchangeQueue } = await import("./lib/server/exchange/queue");
  startExchangeQueue().catch((error: Error) => console.error(`[exchange] worker failed to start: ${error.message}`));
}

export async function onRequestError(error: unknown) {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { isDatabaseUnavailableError, markDatabaseUnavailable } = await import("./lib/server/db/availability");
  if (isDatabaseUnavailableError(error)) markDatabaseUnavailable(Date.now());
}
