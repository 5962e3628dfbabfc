/**
 * The delivery backlog benchmark's target process (issue 16): `node --import tsx --conditions=react-server
 * bench/delivery-target.ts [--quick] [--messages N]`. On a throwaway Debian PostgreSQL: N signed
 * reissue notifications wait in the outbox, then the pg-boss delivery workers (lib/server/exchange/queue.ts,
 * as `next start` runs them) drain them. Baseline: the same delivery one message after another in a plain
 * loop (deliverOne), no queue; beside it deliverBatch in a plain loop (the workers' unit of work without
 * the queue). Every drained message is checked: delivered once, one inbox row, one stored pair. Prints one
 * JSON line (with the load average before and after, the machine being shared).
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { toHex } from "../lib/core/bytes";
import type { Measurement } from "./harness";
import { startSeededServer } from "./lib/seeded-target";

const { values } = parseArgs({ options: { quick: { type: "boolean", default: false }, messages: { type: "string" } }, strict: true });
const total = Number(values.messages ?? (values.quick ? 400 : 10_000));
const sample = values.quick ? 100 : 500;
const load0 = loadavg();

const server = await startSeededServer();
try {
  const { db } = await import("../lib/server/db");
  const { enqueueMessage } = await import("../lib/server/exchange/outbox");
  const { statementsSent } = await import("../lib/server/db");
  const { deliverBatch, deliverOne } = await import("../lib/server/exchange/delivery");
  const { DELIVERY_BATCH, DELIVERY_WORKERS, startExchangeQueue, stopExchangeQueue } = await import("../lib/server/exchange/queue");

  const providers = ["METRO01", "HOSHI01", "SAKURA01"];
  const id = () => toHex(crypto.getRandomValues(new Uint8Array(8)));
  // Signed notifications written to the outbox, 50 to a transaction (the setup, not measured).
  const enqueue = async (n: number): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < n; i += 50) {
      const sent = await db().$transaction(
        async (tx) => {
          const out: string[] = [];
          for (let k = i; k < Math.min(n, i + 50); k++) {
            const e = await enqueueMessage(
              tx,
              "reissuance-notification",
              { issuerCompanyId: "RECARD01", providerCompanyId: providers[k % providers.length]! },
              { platformType: 100, pairs: [{ oldCardId: id(), reissuedCardId: id(), reissuedAt: new Date().toISOString() }] },
            );
            out.push(e.outboxId);
          }
          return out;
        },
        { timeout: 120_000, maxWait: 120_000 },
      );
      ids.push(...sent);
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
  let statements = statementsSent();
  for (const outboxId of first) await deliverOne(outboxId);
  const baseline = rate(sample, performance.now() - started);
  const baselineStatements = (statementsSent() - statements) / sample;

  // The workers' unit of work without the queue: deliverBatch of DELIVERY_BATCH in a plain loop.
  const second = await enqueue(sample);
  started = performance.now();
  statements = statementsSent();
  for (let i = 0; i < second.length; i += DELIVERY_BATCH) await deliverBatch(second.slice(i, i + DELIVERY_BATCH));
  const batches = rate(sample, performance.now() - started);
  const batchStatements = (statementsSent() - statements) / sample;

  // The backlog: every message waits in the outbox before a worker starts (a deployment coming back,
  // or a burst of reissues), then the workers drain it (the sweep at start queues every due message).
  const backlog = await enqueue(total);
  const loadBefore = loadavg();
  started = performance.now();
  statements = statementsSent();
  await startExchangeQueue({ log: () => {} });
  // Every message before the backlog was delivered: any pending one is the backlog's. (A count over the
  // 10,000 ids every 100 ms cost this process a good part of its CPU: it slowed the drain it measured.)
  for (;;) {
    const [{ pending }] = await db().$queryRaw<[{ pending: number }]>`SELECT count(*)::int AS pending FROM xc_outbox WHERE status = 'pending'`;
    if (pending === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const drain = rate(total, performance.now() - started);
  // The polling above sends one statement per 100 ms: not the workers'.
  const drainStatements = (statementsSent() - statements - Math.ceil(drain.totalMs / 100)) / total;
  await stopExchangeQueue();
  const delivered = await db().outboxMessage.count({ where: { id: { in: backlog }, status: "delivered" } });
  const messageIds = (await db().outboxMessage.findMany({ where: { id: { in: backlog } }, select: { messageId: true } })).map((m) => m.messageId);
  const inboxRows = await db().inboxMessage.count({ where: { messageId: { in: messageIds } } });
  const pairs = await db().spReissueNotice.count({ where: { sourceMessageId: { in: messageIds } } });
  console.log(
    JSON.stringify({
      version: server.version,
      messages: total,
      delivered,
      inboxRows,
      pairs,
      workers: DELIVERY_WORKERS,
      batch: DELIVERY_BATCH,
      load: { start: load0[0], drainStart: loadBefore[0], end: loadavg()[0] },
      statements: { baseline: baselineStatements, batches: batchStatements, drain: drainStatements },
      result: { baseline, batches, drain },
    }),
  );
  await db().$disconnect();
} finally {
  await server.stop();
}
