/**
 * The mass reissue benchmark's target process (issue 16): `node --import tsx --conditions=react-server
 * bench/reissue-target.ts [--quick] [--reissues N]`. On a throwaway Debian PostgreSQL: N + B cardholders
 * with a card each (half platform 100; Metro Pass on every card, Sakura Points on every third) and a
 * pending "damaged" reissue request each. Baseline, same run: B requests approved one after another by
 * the single approval (approveReissueRequest), each notification delivered (deliverOne). Then the N others
 * by "approve all eligible" (approveEligibleReissueRequests, 500 per transaction) and every batched
 * notification delivered and processed by the provider. Counts statements (lib/server/db.ts) and checks
 * that every pair reached its provider. Prints one JSON line.
 */
import { parseArgs } from "node:util";
import { loadavg } from "node:os";
import type { Measurement } from "./harness";
import { startSeededServer } from "./lib/seeded-target";

const { values } = parseArgs({ options: { quick: { type: "boolean", default: false }, reissues: { type: "string" } }, strict: true });
const N = Number(values.reissues ?? (values.quick ? 1_000 : 10_000));
const B = values.quick ? 60 : 200;

const server = await startSeededServer();
try {
  const { db, statementsSent } = await import("../lib/server/db");
  const { createExpiringCards } = await import("../prisma/seed/expiring-cards");
  const { approveReissueRequest } = await import("../lib/server/data/issuer/reissue");
  const { approveEligibleReissueRequests } = await import("../lib/server/data/issuer/reissue-bulk");
  const { deliverOne } = await import("../lib/server/exchange/delivery");
  const { startExchangeQueue, stopExchangeQueue } = await import("../lib/server/exchange/queue");
  // The queue without workers: approvals hand their messages to pg-boss as in production, and the bench
  // delivers them itself so that each phase is timed on its own.
  await startExchangeQueue({ work: false });
  // The bench measures approvals, not the examination's yearly limit (one request per cardholder anyway).
  await db().issuerPolicy.update({ where: { id: 1 }, data: { maxReissuesPerYear: 100 } });

  const setup = performance.now();
  await createExpiringCards(db(), "2033-01", N + B, "RB");
  const ids = (
    await db().$queryRawUnsafe<{ id: string }[]>(`
      INSERT INTO iss_reissue_requests (id, old_card_id, cardholder_id, reason, status, created_at)
      SELECT gen_random_uuid(), c.id, c.cardholder_id, 'damaged', 'pending', now() + (row_number() OVER (ORDER BY c.id)) * interval '1 ms'
        FROM iss_cards c JOIN iss_cardholders h ON h.id = c.cardholder_id WHERE h.holder_no LIKE 'RB-%'
      RETURNING id`)
  ).map((r) => r.id);
  const setupMs = performance.now() - setup;
  const actor = await (async () => {
    const u = await db().user.findUniqueOrThrow({ where: { email: "issuer@recard.test" } });
    return {
      id: u.id,
      email: u.email,
      name: u.name,
      role: "issuer" as const,
      tenantId: u.issuerCompanyId!,
      issuerCompanyId: u.issuerCompanyId!,
      companyName: "",
    };
  })();
  const rate = (iterations: number, totalMs: number): Measurement => ({
    iterations,
    totalMs,
    meanMs: totalMs / iterations,
    opsPerSecond: (iterations * 1000) / totalMs,
  });

  // Baseline: the single approval, one after another, each notification delivered.
  const single = ids.slice(0, B);
  let statements = statementsSent();
  let started = performance.now();
  let singleMessages = 0;
  for (const id of single) {
    const approved = await approveReissueRequest(actor, id);
    if (!approved.ok) throw new Error(`single approval refused: ${approved.error.code}`);
    for (const outboxId of approved.value.outboxIds) {
      if ((await deliverOne(outboxId)) !== "delivered") throw new Error("a notification was not delivered");
      singleMessages += 1;
    }
  }
  const baseline = rate(B, performance.now() - started);
  const baselineStatements = (statementsSent() - statements) / B;

  // Reissue in bulk: approve all eligible, then every batched notification delivered and processed.
  const bulk = ids.slice(B);
  const load = loadavg()[0];
  statements = statementsSent();
  started = performance.now();
  const result = await approveEligibleReissueRequests(actor, { requestIds: bulk, limit: bulk.length });
  const approvedMs = performance.now() - started;
  const outbox = await db().outboxMessage.findMany({ where: { type: "reissuance-notification-batch", status: "pending" }, select: { id: true } });
  for (const row of outbox) if ((await deliverOne(row.id)) !== "delivered") throw new Error("a batched notification was not delivered");
  const totalMs = performance.now() - started;
  const bulkStatements = (statementsSent() - statements) / bulk.length;
  if (result.approved !== bulk.length) throw new Error(`approved ${result.approved} of ${bulk.length}: ${JSON.stringify(result.refused)}`);
  const pairs = result.notified.reduce((n, p) => n + p.pairs, 0);
  const [{ held }] = await db().$queryRawUnsafe<[{ held: number }]>(`
    SELECT count(*)::int AS held FROM sp_reissue_notices n JOIN xc_outbox o ON o.message_id = n.source_message_id WHERE o.type = 'reissuance-notification-batch'`);
  if (held !== pairs) throw new Error(`${pairs} pairs sent, ${held} held by the providers`);
  console.log(
    JSON.stringify({
      version: server.version,
      reissues: bulk.length,
      baselineReissues: B,
      setupMs,
      loadAverage: load,
      pairs,
      messages: outbox.length,
      singleMessages,
      statements: { single: baselineStatements, bulk: bulkStatements },
      approvedMs,
      result: { baseline, bulk: rate(bulk.length, totalMs) },
    }),
  );
  await stopExchangeQueue();
  await db().$disconnect();
} finally {
  await server.stop();
}
