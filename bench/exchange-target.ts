/**
 * One database's half of the exchange benchmark, in its own process (the data layer reads its
 * configuration once per process): `node --import tsx --conditions=react-server bench/exchange-target.ts
 * embedded|postgresql [--quick]`. Prints one JSON line of measurements.
 */
import { toHex } from "../lib/core/bytes";
import { measure, pooled, type Measurement } from "./harness";
import { startSeededServer } from "./lib/seeded-target";

const kind = process.argv[2];
const quick = process.argv.includes("--quick");
if (kind !== "embedded" && kind !== "postgresql") throw new Error("usage: exchange-target.ts embedded|postgresql");

const server = await startSeededServer({ kind, poolMax: 4 });
try {
  const { db } = await import("../lib/server/db");
  const { enqueueMessage } = await import("../lib/server/exchange/outbox");
  const { deliverOne } = await import("../lib/server/exchange/delivery");
  const { receiveMessage } = await import("../lib/server/exchange/inbox");
  const { allocateMessageId } = await import("../lib/server/exchange/message-ids");

  const opts = { minTimeMs: quick ? 300 : 2000, minIterations: quick ? 10 : 30, warmupIterations: 5 };
  const id = () => toHex(crypto.getRandomValues(new Uint8Array(8)));
  const notify = () =>
    db().$transaction((tx) =>
      enqueueMessage(
        tx,
        "reissuance-notification",
        { issuerCompanyId: "RECARD01", providerCompanyId: "METRO01" },
        {
          platformType: 100,
          pairs: [{ oldCardId: id(), reissuedCardId: id(), reissuedAt: new Date().toISOString() }],
        },
      ),
    );
  const baseline = () => db().$transaction((tx) => tx.$queryRaw`SELECT 1`);
  const before = await measure(baseline, opts);
  const allocate = await measure(
    () => db().$transaction((tx) => allocateMessageId(tx, { issuerCompanyId: "RECARD01", providerCompanyId: "METRO01", direction: "I" })),
    opts,
  );
  const enqueue = await measure(notify, opts);
  const roundTrip = await measure(async () => deliverOne((await notify()).outboxId), opts);
  const { jws } = await db().outboxMessage.findFirstOrThrow({ where: { status: "delivered" } });
  const replay = await measure(() => receiveMessage(jws, "online"), opts);
  const after = await measure(baseline, opts);
  const result: Record<string, Measurement> = { baseline: pooled(before, after), allocate, enqueue, roundTrip, replay };
  console.log(JSON.stringify({ kind, version: server.version, result }));
  await db().$disconnect();
} finally {
  await server.stop();
}
