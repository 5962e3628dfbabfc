import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toHex } from "@/lib/core/bytes";
import { encodeMessageFile } from "@/lib/core/messages";
import { seededDatabase, testDatabase } from "../helpers/db";
import { pointAppAtTestDatabase } from "../helpers/env";

pointAppAtTestDatabase();
const { db } = await import("@/lib/server/db");
const { enqueueMessage } = await import("@/lib/server/exchange/outbox");
const { receiveMessage } = await import("@/lib/server/exchange/inbox");
const { deliverBatch, deliverNow } = await import("@/lib/server/exchange/delivery");
const { registerHandlers } = await import("@/lib/server/exchange/registry");
const { PROVIDER_BATCH_HANDLERS, PROVIDER_HANDLERS } = await import("@/lib/server/data/provider/handlers");
const { wireParties } = await import("@/lib/server/wiring");
const { exportMessageFile, importMessageFile } = await import("@/lib/server/exchange/files");

const { url, kind } = testDatabase();
const PROVIDERS = ["METRO01", "HOSHI01", "SAKURA01"] as const;
let counter = 0;

/** A fresh random old ↔ reissued pair (card ids are 16 hex digits). */
function pair() {
  counter += 1;
  const id = () => toHex(crypto.getRandomValues(new Uint8Array(8)));
  return { oldCardId: id(), reissuedCardId: id(), reissuedAt: new Date(Date.UTC(2026, 10, 1, 0, 0, counter)).toISOString() };
}

async function notify(providerCompanyId: string, pairs = [pair()]) {
  return db().$transaction((tx) =>
    enqueueMessage(tx, "reissuance-notification", { issuerCompanyId: "RECARD01", providerCompanyId }, { platformType: 100, pairs }),
  );
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function runWorker(env: Record<string, string>): { stop(): void; exited: Promise<{ code: number | null; signal: string | null }> } {
  // One process (tsx as a loader, not its CLI, which would run the script in a child of its own).
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/exchange-worker.ts"], {
    env: { ...process.env, DATABASE_URL: url, RECARD_EXPIRE_SECONDS: "2", RECARD_POLL_SECONDS: "0.5", RECARD_MAINTENANCE_SECONDS: "1", ...env },
    stdio: ["ignore", "inherit", "inherit"],
  });
  return { stop: () => child.kill("SIGTERM"), exited: new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal }))) };
}

beforeAll(async () => {
  await seededDatabase();
}, 120_000);
afterAll(async () => {
  const { stopExchangeQueue } = await import("@/lib/server/exchange/queue");
  await stopExchangeQueue();
  await db().$disconnect();
});

describe(`inter-company exchange on ${kind}`, () => {
  it("delivers a notification to three providers exactly once each, even when the worker is killed mid-batch and restarted", async () => {
    const sent: ({ provider: string } & Awaited<ReturnType<typeof notify>>)[] = [];
    for (const p of PROVIDERS) sent.push({ provider: p, ...(await notify(p)) });
    // The first worker dies right after the receiver took its second message, before marking it delivered.
    const crashed = await runWorker({ RECARD_TEST_CRASH_AFTER: "2" }).exited;
    expect(crashed.signal).toBe("SIGKILL");
    const afterCrash = await db().outboxMessage.findMany({ where: { id: { in: sent.map((s) => s.outboxId) } } });
    expect(afterCrash.filter((m) => m.status === "delivered").length).toBeLessThan(3);

    const worker = runWorker({});
    try {
      await waitFor(
        async () => (await db().outboxMessage.count({ where: { id: { in: sent.map((s) => s.outboxId) }, status: "delivered" } })) === 3,
        60_000,
        "all three delivered after restart",
      );
    } finally {
      worker.stop();
      await worker.exited;
    }
    for (const s of sent) {
      const inbox = await db().inboxMessage.findMany({ where: { ownerCompanyId: s.provider, messageId: s.messageId } });
      expect(inbox).toHaveLength(1);
      const pairs = s.message.pairs;
      const notices = await db().spReissueNotice.findMany({ where: { providerCompanyId: s.provider, reissuedCardId: pairs[0]!.reissuedCardId } });
      expect(notices).toHaveLength(1);
      expect(notices[0]!.oldCardId).toBe(pairs[0]!.oldCardId);
    }
    // The message in flight at the crash was sent again and answered from the inbox, not processed twice.
    const delivered = await db().outboxMessage.findMany({ where: { id: { in: sent.map((s) => s.outboxId) } } });
    expect(delivered.some((m) => (m.receipt as { status: string }).status === "replayed")).toBe(true);
  }, 120_000);

  it("a worker killed after a receiver committed a whole batch and before it was marked: sent again, answered from the inbox, nothing done twice", async () => {
    const sent: Awaited<ReturnType<typeof notify>>[] = [];
    for (let i = 0; i < 12; i++) sent.push(await notify("METRO01"));
    const ids = sent.map((s) => s.outboxId);
    // All twelve go to one receiver in one batch: one transaction took them all; the worker dies before marking any.
    const crashed = await runWorker({ RECARD_TEST_CRASH_AFTER: "1" }).exited;
    expect(crashed.signal).toBe("SIGKILL");
    expect(await db().outboxMessage.count({ where: { id: { in: ids }, status: "delivered" } })).toBe(0);
    expect(await db().inboxMessage.count({ where: { ownerCompanyId: "METRO01", messageId: { in: sent.map((s) => s.messageId) } } })).toBe(12);

    const worker = runWorker({});
    try {
      await waitFor(
        async () => (await db().outboxMessage.count({ where: { id: { in: ids }, status: "delivered" } })) === 12,
        60_000,
        "the batch delivered after restart",
      );
    } finally {
      worker.stop();
      await worker.exited;
    }
    const delivered = await db().outboxMessage.findMany({ where: { id: { in: ids } } });
    expect(delivered.map((m) => (m.receipt as { status: string }).status)).toEqual(ids.map(() => "replayed"));
    for (const s of sent) {
      expect(await db().inboxMessage.count({ where: { ownerCompanyId: "METRO01", messageId: s.messageId } })).toBe(1);
      expect(await db().spReissueNotice.count({ where: { providerCompanyId: "METRO01", reissuedCardId: s.message.pairs[0]!.reissuedCardId } })).toBe(1);
    }
  }, 120_000);

  it("drains a backlog through batch workers: 240 messages, each delivered and processed exactly once", async () => {
    // Issue 16: several workers take batches and fetch again at once after a batch (no 2 s sleep per job).
    const sent: { provider: string; outboxId: string; messageId: string }[] = [];
    for (let i = 0; i < 80; i++) for (const p of PROVIDERS) sent.push({ provider: p, ...(await notify(p)) });
    const ids = sent.map((s) => s.outboxId);
    // A long polling interval: only the fetch-again-after-a-batch loop can drain 240 jobs in the wait below.
    const worker = runWorker({ RECARD_POLL_SECONDS: "30" });
    try {
      await waitFor(
        async () => (await db().outboxMessage.count({ where: { id: { in: ids }, status: "delivered" } })) === ids.length,
        240_000,
        "the backlog delivered",
      );
    } finally {
      worker.stop();
      await worker.exited;
    }
    for (const p of PROVIDERS) {
      const mine = sent.filter((s) => s.provider === p).map((s) => s.messageId);
      expect(await db().inboxMessage.count({ where: { ownerCompanyId: p, messageId: { in: mine } } })).toBe(mine.length);
    }
  }, 300_000);

  it("answers a duplicate with the first result and does not duplicate the effect (also when both arrive at once)", async () => {
    const sent = await notify("METRO01");
    const row = await db().outboxMessage.findUniqueOrThrow({ where: { id: sent.outboxId } });
    const [a, b] = await Promise.all([receiveMessage(row.jws, "online"), receiveMessage(row.jws, "online")]);
    expect([a.status, b.status].sort()).toEqual(["processed", "replayed"]);
    const c = await receiveMessage(row.jws, "http");
    expect(c.status).toBe("replayed");
    expect(await db().inboxMessage.count({ where: { ownerCompanyId: "METRO01", messageId: sent.messageId } })).toBe(1);
    expect(await db().spReissueNotice.count({ where: { providerCompanyId: "METRO01", reissuedCardId: sent.message.pairs[0]!.reissuedCardId } })).toBe(1);
  });

  it("gives the same effect through an exported file as online, and a later online copy is a replay", async () => {
    const sent = await notify("HOSHI01");
    const file = await exportMessageFile("RECARD01", sent.messageId);
    expect(file?.fileName).toContain(sent.messageId);
    const imported = await importMessageFile("HOSHI01", file!.text);
    expect(imported.status).toBe("processed");
    const inbox = await db().inboxMessage.findFirstOrThrow({ where: { ownerCompanyId: "HOSHI01", messageId: sent.messageId } });
    expect(inbox.via).toBe("file");
    const notice = await db().spReissueNotice.findFirstOrThrow({
      where: { providerCompanyId: "HOSHI01", reissuedCardId: sent.message.pairs[0]!.reissuedCardId },
    });
    expect(notice.oldCardId).toBe(sent.message.pairs[0]!.oldCardId);
    expect(await deliverNow([sent.outboxId])).toEqual(["delivered"]);
    const outbox = await db().outboxMessage.findUniqueOrThrow({ where: { id: sent.outboxId } });
    expect((outbox.receipt as { status: string }).status).toBe("replayed");
    // Addressed to Hoshi: Metro cannot import it.
    const wrong = await importMessageFile("METRO01", file!.text);
    expect(wrong.status === "refused" && wrong.refusal.code).toBe("wrong-receiver");
  });

  it("refuses forged, unknown, misaddressed and reused messages, and keeps them out of the inbox", async () => {
    const sent = await notify("SAKURA01");
    const { jws } = await db().outboxMessage.findUniqueOrThrow({ where: { id: sent.outboxId } });
    const [h, p, s] = jws.split(".") as [string, string, string];
    const flipped = `${h}.${p}.${s.slice(0, -2)}${s.at(-2) === "A" ? "B" : "A"}${s.at(-1)}`;
    const forged = await receiveMessage(flipped, "http");
    expect(forged.status === "refused" && forged.refusal.code).toMatch(/bad-signature|malformed-jws/);
    expect(await db().inboxMessage.count({ where: { messageId: sent.messageId } })).toBe(0);
    expect(await db().messageRejection.count({ where: { ownerCompanyId: "SAKURA01", claimedMessageId: sent.messageId } })).toBe(1);
    // Kept as its code (and field), never its sentence: the page renders it in the reader's language.
    const sample = await db().messageRejection.findFirstOrThrow({ where: { ownerCompanyId: "SAKURA01", claimedMessageId: sent.messageId } });
    expect([sample.refusalCode, sample.refusalReason]).toEqual([forged.status === "refused" && forged.refusal.code, null]);

    // The genuine message still goes through afterwards: a forgery cannot occupy its id.
    expect((await receiveMessage(jws, "online")).status).toBe("processed");

    // A sender missing from the receiver's trust store.
    await db().trustedKey.deleteMany({ where: { ownerCompanyId: "METRO01", companyId: "RECARD01" } });
    const unknown = await notify("METRO01");
    const unknownRow = await db().outboxMessage.findUniqueOrThrow({ where: { id: unknown.outboxId } });
    const r = await receiveMessage(unknownRow.jws, "online");
    expect(r.status === "refused" && r.refusal.code).toBe("unknown-sender");
    expect(await deliverNow([unknown.outboxId])).toEqual(["dead"]);

    // A file addressed to a company this deployment does not host.
    const bogus = encodeMessageFile(jws, { exportedAt: new Date() });
    const elsewhere = await importMessageFile("NOBODY01", bogus);
    expect(elsewhere.status).toBe("refused");
  });
});

describe(`delivery in batches on ${kind}`, () => {
  it("gives each message of a batch its own outcome: a replay, a pair named twice, a handler that throws", async () => {
    const replay = await notify("SAKURA01");
    const first = await notify("SAKURA01");
    const twice = await notify("SAKURA01", [first.message.pairs[0]!, pair()]);
    // Received before (e.g. by file) but never marked delivered: the batch answers it from the inbox.
    const early = await db().outboxMessage.findUniqueOrThrow({ where: { id: replay.outboxId } });
    expect((await receiveMessage(early.jws, "file")).status).toBe("processed");
    const results = await deliverBatch([replay, first, twice].map((m) => m.outboxId));
    expect(results.map((r) => [r.result, r.receipt?.status])).toEqual([
      ["delivered", "replayed"],
      ["delivered", "processed"],
      ["delivered", "processed"],
    ]);
    // The pair named again is new for the first message only, as one after another (the batch handler).
    // The receipt carries the receiver's outcome as a code with parameters, not a sentence (version 2).
    expect(results[1]!.receipt).toEqual({ v: 2, status: "processed", outcome: { code: "pairs-stored", params: { pairs: 1, stored: 1 } } });
    expect(results[2]!.receipt).toEqual({ v: 2, status: "processed", outcome: { code: "pairs-stored", params: { pairs: 2, stored: 1 } } });
    const kept = await db().outboxMessage.findUniqueOrThrow({ where: { id: twice.outboxId } });
    expect([kept.receipt, kept.lastError, kept.deliveryError]).toEqual([results[2]!.receipt, null, null]);
    const inboxRow = await db().inboxMessage.findFirstOrThrow({ where: { ownerCompanyId: "SAKURA01", messageId: twice.messageId } });
    expect([inboxRow.result, inboxRow.refusalReason]).toEqual([
      { v: 2, status: "processed", outcome: { code: "pairs-stored", params: { pairs: 2, stored: 1 } }, enqueued: [] },
      null,
    ]);
    const stored = await db().spReissueNotice.findMany({ where: { providerCompanyId: "SAKURA01", reissuedCardId: first.message.pairs[0]!.reissuedCardId } });
    expect(stored.map((n) => n.sourceMessageId)).toEqual([first.messageId]);

    // The handler of one message throws: its batch's transaction rolls back, and each message is received on its own.
    const batch = [await notify("SAKURA01"), await notify("SAKURA01"), await notify("SAKURA01")];
    const failing = batch[1]!;
    const boom = (messageId: string) => {
      if (messageId === failing.messageId) throw new Error("the provider's handler failed");
    };
    registerHandlers(
      "provider",
      { ...PROVIDER_HANDLERS, "reissuance-notification": (m, ctx) => (boom(m.header.messageId), PROVIDER_HANDLERS["reissuance-notification"]!(m, ctx)) },
      { "reissuance-notification": (ms, ctx) => (ms.forEach((m) => boom(m.header.messageId)), PROVIDER_BATCH_HANDLERS["reissuance-notification"]!(ms, ctx)) },
    );
    let outcomes;
    try {
      outcomes = await deliverBatch(batch.map((m) => m.outboxId));
    } finally {
      wireParties();
    }
    expect(outcomes.map((r) => [r.result, r.receipt?.status])).toEqual([
      ["delivered", "processed"],
      ["retry", undefined],
      ["delivered", "processed"],
    ]);
    const failed = await db().outboxMessage.findUniqueOrThrow({ where: { id: failing.outboxId } });
    // The handler's error is logged; the row keeps a code (the raw detail is no sentence for the page).
    expect([failed.status, failed.attempts, failed.lastError, failed.deliveryError]).toEqual([
      "pending",
      1,
      null,
      { v: 2, code: "receiver.failed", params: {} },
    ]);
    expect(await db().inboxMessage.count({ where: { ownerCompanyId: "SAKURA01", messageId: failing.messageId } })).toBe(0);

    // Retried with the handler back: delivered once; a message already delivered is skipped, not received again.
    expect((await deliverBatch([failing.outboxId, batch[0]!.outboxId])).map((r) => r.result)).toEqual(["delivered", "skipped"]);
    for (const m of [replay, first, twice, ...batch]) {
      expect(await db().inboxMessage.count({ where: { ownerCompanyId: "SAKURA01", messageId: m.messageId } })).toBe(1);
    }
  });

  it("keeps the receiver's trust store checked on every batch: a key removed refuses the next batch, a key put back accepts the one after", async () => {
    // The first batch reads the store; the process keeps it, and each claim checks its digest in the same
    // statement, so the removal below is seen although the kept keys still hold the removed one.
    const keys = await db().trustedKey.findMany({ where: { ownerCompanyId: "HOSHI01", companyId: "RECARD01" } });
    expect(keys.length).toBeGreaterThan(0);
    const before = [await notify("HOSHI01"), await notify("HOSHI01")];
    expect((await deliverBatch(before.map((m) => m.outboxId))).map((r) => r.result)).toEqual(["delivered", "delivered"]);

    await db().trustedKey.deleteMany({ where: { ownerCompanyId: "HOSHI01", companyId: "RECARD01" } });
    const refused = [await notify("HOSHI01"), await notify("HOSHI01")];
    const answers = await deliverBatch(refused.map((m) => m.outboxId));
    expect(answers.map((r) => [r.result, r.receipt])).toEqual([
      ["dead", { v: 2, status: "refused", refusal: { code: "unknown-sender" } }],
      ["dead", { v: 2, status: "refused", refusal: { code: "unknown-sender" } }],
    ]);
    // Claimed under the kept keys, then rolled back when the digest differed: no inbox row stays.
    expect(await db().inboxMessage.count({ where: { ownerCompanyId: "HOSHI01", messageId: { in: refused.map((m) => m.messageId) } } })).toBe(0);

    await db().trustedKey.createMany({ data: keys.map((k) => ({ ...k, publicJwk: k.publicJwk as object })) });
    const accepted = [await notify("HOSHI01"), await notify("HOSHI01")];
    expect((await deliverBatch(accepted.map((m) => m.outboxId))).map((r) => r.result)).toEqual(["delivered", "delivered"]);
  });
});
