/**
 * The delivery backlog benchmark's target process (issue 16): `node --import tsx --conditions=react-server
 * bench/delivery-target.ts [--quick] [--messages N]`. On a throwaway Debian PostgreSQL: N signed
 * reissue notifications wait in the outbox, then the pg-boss delivery workers (lib/server/exchange/queue.ts,
 * as `next start` runs them) drain them. Baseline: the same delivery one message after another in a plain
 * loop (deliverOne), no queue. Prints one JSON line.
 */
import { parseArgs } from "node:util";
import { toHex } from "../lib/core/bytes";
import { migrate } from "../lib/server/db/migrate";
import { startTempPostgres } from "../scripts/lib/temp-postgres";
import type { Measurement } from "./harness";

const { values } = parseArgs({ options: { quick: { type: "boolean", default: false }, messages: { type: "string" } }, strict: true });
const total = Number(values.messages ?? (values.quick ? 400 : 10_000));
const sample = values.quick ? 100 : 500;

const server = await startTempPostgres();
try {
  process.env.DATABASE_URL = server.url;
  process.env.NEXTAUTH_SECRET = "bench-secret-bench-secret-bench-secret-bench";
  process.env.RECARD_DB_KIND = "postgresql";
  process.env.RECARD_DEMO = "1";
  await migrate(server.url);
  const { seedIfEmpty } = await import("../prisma/seed");
  await seedIfEmpty(server.url);
  (await import("../lib/server/wiring")).wireParties();
  const { db } = await import("../lib/server/db");
  const { enqueueMessage } = await import("../lib/server/exchange/outbox");
  const { deliverOne } = await import("../lib/server/exchange/delivery");
  const { startExchangeQueue, stopExchangeQueue } = await import("../lib/server/exchange/queue");

  const providers = ["METRO01", "HOSHI01", "SAKURA01"];
  const id = () => toHex(crypto.getRandomValues(new Uint8Array(8)));
  const enqueue = async (n: number): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const sent = await db().$transaction((tx) =>
        enqueueMessage(
          tx,
          "reissuance-notification",
          { issuerCompanyId: "RECARD01", providerCompanyId: providers[i % providers.length]! },
          {
            platformType: 100,
            pairs: [{ oldCardId: id(), reissuedCardId: id(), reissuedAt: new Date().toISOString() }],
          },
        ),
      );
      ids.push(sent.outboxId);
    }
    return ids;
  };
  const rate = (iterations: number, totalMs: number): Measurement => ({
    iterations,
    totalMs,
    meanMs: totalMs / iterations,
    opsPerSecond: (iterations * 1000) / totalMs,
  });

  // Baseline: one message after another, no queue.
  const first = await enqueue(sample);
  let started = performance.now();
  for (const outboxId of first) await deliverOne(outboxId);
  const baseline = rate(sample, performance.now() - started);

  // The backlog: every message waits in the outbox before a worker starts (a deployment coming back,
  // or a burst of reissues), then the workers drain it.
  const backlog = await enqueue(total);
  started = performance.now();
  await startExchangeQueue({ log: () => {} });
  for (;;) {
    const pending = await db().outboxMessage.count({ where: { id: { in: backlog }, status: "pending" } });
    if (pending === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const drain = rate(total, performance.now() - started);
  await stopExchangeQueue();
  const delivered = await db().outboxMessage.count({ where: { id: { in: backlog }, status: "delivered" } });
  console.log(JSON.stringify({ version: server.version, messages: total, delivered, result: { baseline, drain } }));
  await db().$disconnect();
} finally {
  await server.stop();
}
