/**
 * The renewal benchmark's database half, in its own process (the data layer reads its configuration
 * once per process): `node --import tsx --conditions=react-server bench/renewal-target.ts [--quick]`.
 * On a real PostgreSQL server: N expiring cards, then (1) the baseline, plain inserts of the rows a
 * renewal writes (a card, a reissue request, a link and a run item per card, one transaction per card,
 * into scratch copies of the tables), half before (2) and half after (3), pooled; (2) a renewal run
 * worked by one worker (processRenewalBatch); (3) delivery of the providers' notifications the run
 * produced. Prints one JSON line.
 */
import { pooled, type Measurement } from "./harness";
import { startSeededServer } from "./lib/seeded-target";

const quick = process.argv.includes("--quick");
const N = quick ? 300 : 10_000;
const MONTH = "2032-01";

const server = await startSeededServer({ poolMax: 4 });
try {
  const { db } = await import("../lib/server/db");
  const { createExpiringCards } = await import("../prisma/seed/expiring-cards");
  const { startRenewalRun, processRenewalBatch } = await import("../lib/server/data/issuer/renewal");
  const { deliverOne } = await import("../lib/server/exchange/delivery");
  await createExpiringCards(db(), MONTH, N, "BN");
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
  const timed = async (count: number, work: () => Promise<void>): Promise<Measurement> => {
    const start = performance.now();
    await work();
    const totalMs = performance.now() - start;
    return { iterations: count, totalMs, meanMs: totalMs / count, opsPerSecond: (count * 1000) / totalMs };
  };

  // (1) Baseline: the same rows, plain inserts, one transaction per card.
  for (const table of ["iss_cards", "iss_reissue_requests", "iss_reissue_links", "iss_renewal_items"]) {
    await db().$executeRawUnsafe(`CREATE TABLE bench_${table} (LIKE ${table} INCLUDING DEFAULTS)`);
  }
  const cards = await db().card.findMany({
    where: { cardholder: { holderNo: { startsWith: "BN-" } } },
    select: { id: true, cardholderId: true, platformType: true },
  });
  // Half the baseline before the run and half after the deliveries, pooled: on a shared machine the
  // load changes during a run of many minutes, and the ratio should not depend on which phase met it.
  let i = 0;
  const insertPlain = (part: typeof cards) =>
    timed(part.length, async () => {
      for (const c of part) {
        i += 1;
        await db().$transaction(async (tx) => {
          const newId = crypto.randomUUID();
          const requestId = crypto.randomUUID();
          await tx.$executeRawUnsafe(
            `INSERT INTO bench_iss_cards (id, card_id, surface_number, platform_type, status, cardholder_id, issued_at, expires_at, generation, card_public_key_jwk, previous_card_id) VALUES ($1::uuid, $2, $3, $4, 'issued', $5::uuid, now(), now() + interval '5 years', 2, '{}'::jsonb, $6::uuid)`,
            newId,
            `B${String(i).padStart(15, "0")}`,
            `8${String(i).padStart(15, "0")}`,
            c.platformType,
            c.cardholderId,
            c.id,
          );
          await tx.$executeRawUnsafe(
            `INSERT INTO bench_iss_reissue_requests (id, request_no, old_card_id, cardholder_id, reason, status) VALUES ($1::uuid, $2, $3::uuid, $4::uuid, 'renewal', 'approved')`,
            requestId,
            i,
            c.id,
            c.cardholderId,
          );
          await tx.$executeRawUnsafe(
            `INSERT INTO bench_iss_reissue_links (id, old_card_id, reissued_card_id, request_id, platform_type, reissued_at) VALUES (gen_random_uuid(), $1::uuid, $2::uuid, $3::uuid, $4, now())`,
            c.id,
            newId,
            requestId,
            c.platformType,
          );
          await tx.$executeRawUnsafe(
            `INSERT INTO bench_iss_renewal_items (id, run_id, old_card_id, status, new_card_id) VALUES (gen_random_uuid(), $1::uuid, $2::uuid, 'renewed', $3::uuid)`,
            crypto.randomUUID(),
            c.id,
            newId,
          );
        });
      }
    });
  const baselineBefore = await insertPlain(cards.slice(0, Math.floor(cards.length / 2)));

  // (2) The renewal run, one worker. The queue runs without its workers: a renewal still hands its
  // notifications and notices to pg-boss (as in production), but nothing delivers them during (2), so
  // (3) delivers every one of them and each phase is measured on its own.
  const { startExchangeQueue, stopExchangeQueue } = await import("../lib/server/exchange/queue");
  await startExchangeQueue({ work: false });
  const started = await startRenewalRun(actor, MONTH);
  if (!started.ok) throw new Error(started.error.message);
  const before = await db().outboxMessage.findMany({ where: { status: "pending" }, select: { id: true } });
  const seen = new Set(before.map((r) => r.id));
  const renewal = await timed(started.value.total, async () => {
    for (;;) {
      const batch = await processRenewalBatch(started.value.runId, 200);
      if (batch.remaining === 0 || batch.processed === 0) break;
    }
  });
  const renewed = await db().renewalItem.count({ where: { runId: started.value.runId, status: "renewed" } });
  if (renewed !== N) throw new Error(`renewed ${renewed} of ${N}`);

  // (3) The providers' notifications of the run, delivered (sign → verify → provider inbox → Fig. 13 row).
  const outbox = (
    await db().outboxMessage.findMany({
      where: { status: "pending", type: { in: ["reissuance-notification", "reissuance-notification-batch"] } },
      orderBy: { createdAt: "asc" },
      select: { id: true },
    })
  ).filter((r) => !seen.has(r.id));
  const delivery = await timed(outbox.length, async () => {
    for (const row of outbox) await deliverOne(row.id);
  });
  const baseline = pooled(baselineBefore, await insertPlain(cards.slice(Math.floor(cards.length / 2))));
  console.log(JSON.stringify({ version: server.version, cards: N, notifications: outbox.length, result: { baseline, renewal, delivery } }));
  // Stop the queue the run started, or it keeps the process alive.
  await stopExchangeQueue();
  await db().$disconnect();
} finally {
  await server.stop();
}
