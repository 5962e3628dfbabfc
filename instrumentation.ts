/**
 * Next.js start-up hook: the Node.js server process runs the message delivery worker (pg-boss), so
 * signed messages leave the outboxes even when nobody waits for them. Any number of app instances
 * may run it: pg-boss hands each job to one of them.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.RECARD_EXCHANGE_WORKER === "off") return;
  const { startExchangeQueue } = await import("./lib/server/exchange/queue");
  startExchangeQueue().catch((error: Error) => console.error(`[exchange] worker failed to start: ${error.message}`));
}
