/**
 * The method-2 inquiry benchmark's target process (issue 16): `node --import tsx --conditions=react-server
 * bench/inquiry-target.ts [--quick] [--inquiries N] [--profile]`. On a throwaway Debian PostgreSQL with the
 * demo world, eight platform-200 cardholders' cards reissued and activated (not timed):
 * - baseline: `openCardAttributeData` alone (native ECDH, HKDF, AES-256-GCM) on those cards' attribute
 *   data, in this process, in this run;
 * - one at a time: a provider's desk writes a Fig. 15 inquiry (outbox + its inquiry row, as
 *   lib/server/data/provider/reload.ts does) and delivers it at once; the issuer verifies it, answers it
 *   (attribute data opened, the old load found, the reload permission carried) and its answer is
 *   delivered back and stored by the provider, all before the next one starts;
 * - a backlog: N inquiries from the three providers' desks wait in the outboxes, then the pg-boss
 *   delivery workers drain them (as `next start` runs them) until every answer is stored.
 * Every inquiry is checked afterwards: delivered, one issuer inbox row, answered OK with a reload
 * permission, the answer stored by its provider. Prints one JSON line.
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { nameOf } from "../tests/helpers/people";
import { startSeededServer } from "./lib/seeded-target";

const { values } = parseArgs({
  options: { quick: { type: "boolean", default: false }, inquiries: { type: "string" }, single: { type: "string" } },
  strict: true,
});
const backlogN = Number(values.inquiries ?? (values.quick ? 300 : 1000));
const singleN = Number(values.single ?? (values.quick ? 40 : 200));
const rawN = values.quick ? 2000 : 10_000;
const load0 = loadavg();

/** Demo cardholders with a platform-200 card and a load to carry over (prisma/seed/demo-data.ts). */
const METHOD_2 = [
  nameOf("Kenji Watanabe"),
  nameOf("Haruto Kobayashi"),
  nameOf("Sota Hayashi"),
  nameOf("Riku Yamaguchi"),
  nameOf("Daiki Hayashi"),
  nameOf("Yamato Abe"),
  nameOf("Minato Okada"),
  nameOf("Asahi Maeda"),
];

const server = await startSeededServer();
try {
  const { db, statementsSent } = await import("../lib/server/db");
  const { currentCard, DeskCard, reissue, walletImage } = await import("../tests/provider/helpers");
  const { enqueueMessage } = await import("../lib/server/exchange/outbox");
  const { deliverNow } = await import("../lib/server/exchange/delivery");
  const { DELIVERY_BATCH, DELIVERY_WORKERS, startExchangeQueue, stopExchangeQueue } = await import("../lib/server/exchange/queue");
  const { openCardAttributeData } = await import("../lib/server/issuer/attribute-data");
  const { DEMO_ISSUER_KEYS } = await import("../lib/secrets/demo-issuer-keys");
  const { fromBase64Url } = await import("../lib/core/bytes");

  await db().$executeRaw`UPDATE iss_policy SET max_reissues_per_year = 1000000`;
  const providerOf = { "0001": "METRO01", "0002": "HOSHI01", "0003": "SAKURA01" } as const;
  type Inquirer = { name: string; aid: string; provider: string; attribute: string };
  const inquirers: Inquirer[] = [];
  for (const name of METHOD_2) {
    const old = await currentCard(name);
    const app = await db().cardApplication.findFirstOrThrow({
      where: { cardId: old.id, status: "loaded" },
      orderBy: { loadedAt: "asc" },
      include: { application: { select: { aid: true } } },
    });
    await reissue(name);
    const attribute = (await new DeskCard(await walletImage((await currentCard(name)).surfaceNumber)).read()).cardAttributeData!;
    const aid = app.application.aid;
    inquirers.push({ name, aid, provider: providerOf[aid.slice(6, 10) as keyof typeof providerOf], attribute });
  }

  // Baseline: the raw opening of the same cards' attribute data, with the key that opens it.
  const bytes = inquirers.map((q) => fromBase64Url(q.attribute));
  let t = performance.now();
  for (let i = 0; i < rawN; i++)
    if (!openCardAttributeData(DEMO_ISSUER_KEYS.encryption.privateKeyJwk, bytes[i % bytes.length]!).ok) throw new Error("bench: attribute data did not open");
  const rawMs = performance.now() - t;

  /** A desk's inquiry as reload.ts writes it: the signed message in the outbox and the provider's inquiry row, one transaction. */
  type Tx = Parameters<Parameters<ReturnType<typeof db>["$transaction"]>[0]>[0];
  const writeInquiry = async (tx: Tx, q: Inquirer): Promise<{ outboxId: string; messageId: string }> => {
    const now = new Date();
    const sent = await enqueueMessage(
      tx,
      "card-information-inquiry",
      { issuerCompanyId: "RECARD01", providerCompanyId: q.provider, now },
      { platformType: 200, cardAttributeData: q.attribute, applicationId: q.aid },
    );
    await tx.spCardInquiry.create({
      data: { providerCompanyId: q.provider, platformType: 200, applicationAid: q.aid, requestMessageId: sent.messageId, askedAt: now },
    });
    return { outboxId: sent.outboxId, messageId: sent.messageId };
  };

  // One at a time: written, delivered, answered and the answer stored before the next starts.
  const singleTimes: number[] = [];
  const singleIds: string[] = [];
  let before = statementsSent();
  t = performance.now();
  for (let i = 0; i < singleN; i++) {
    const started = performance.now();
    const sent = await db().$transaction((tx) => writeInquiry(tx, inquirers[i % inquirers.length]!));
    const [delivered] = await deliverNow([sent.outboxId]);
    if (delivered !== "delivered") throw new Error(`bench: inquiry ${delivered}`);
    singleTimes.push(performance.now() - started);
    singleIds.push(sent.messageId);
  }
  const singleMs = performance.now() - t;
  const singleStatements = (statementsSent() - before) / singleN;

  // The backlog: every desk's inquiry waits in the outbox (written 50 to a transaction, not timed), then the workers drain them.
  const backlogIds: string[] = [];
  for (let i = 0; i < backlogN; i += 50) {
    const ids = await db().$transaction(
      async (tx) => {
        const out: string[] = [];
        for (let k = i; k < Math.min(backlogN, i + 50); k++) out.push((await writeInquiry(tx, inquirers[k % inquirers.length]!)).messageId);
        return out;
      },
      { timeout: 120_000, maxWait: 120_000 },
    );
    backlogIds.push(...ids);
  }
  const loadBefore = loadavg();
  before = statementsSent();
  t = performance.now();
  await startExchangeQueue({ log: () => {} });
  // Done when every inquiry's answer is stored at its desk (the answers travel back through the same outboxes).
  let polls = 0;
  for (;;) {
    polls += 1;
    const [{ pending }] = await db().$queryRaw<[{ pending: number }]>`SELECT count(*)::int AS pending FROM xc_outbox WHERE status = 'pending'`;
    if (pending === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const backlogMs = performance.now() - t;
  const backlogStatements = (statementsSent() - before - polls) / backlogN;
  await stopExchangeQueue();

  // Checks: every inquiry delivered once, answered OK with a permission, the answer stored by its desk.
  const check = async (ids: string[]) => {
    const [row] = await db().$queryRaw<[{ delivered: number; inbox: number; ok: number; replies: number; stored: number }]>`
      SELECT (SELECT count(*)::int FROM xc_outbox WHERE message_id = ANY(${ids}::text[]) AND status = 'delivered') AS delivered,
             (SELECT count(*)::int FROM xc_inbox WHERE owner_company_id = 'RECARD01' AND message_id = ANY(${ids}::text[])) AS inbox,
             (SELECT count(*)::int FROM xc_inbox WHERE owner_company_id = 'RECARD01' AND message_id = ANY(${ids}::text[])
                 AND result->'outcome'->>'code' = 'inquiry-ok') AS ok,
             (SELECT count(*)::int FROM xc_outbox o WHERE o.in_reply_to = ANY(${ids}::text[]) AND o.status = 'delivered'
                 AND o.type = 'card-information-reply') AS replies,
             (SELECT count(*)::int FROM sp_card_inquiries WHERE request_message_id = ANY(${ids}::text[]) AND reissue_ok AND reply_message_id IS NOT NULL) AS stored`;
    return row;
  };
  const rate = (n: number, ms: number) => ({ iterations: n, totalMs: ms, meanMs: ms / n, opsPerSecond: (n * 1000) / ms });
  const sorted = [...singleTimes].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  console.log(
    JSON.stringify({
      version: server.version,
      inquirers: inquirers.map((q) => `${q.provider}/${q.aid}`),
      workers: DELIVERY_WORKERS,
      batch: DELIVERY_BATCH,
      load: { start: load0[0], backlogStart: loadBefore[0], end: loadavg()[0] },
      raw: rate(rawN, rawMs),
      single: { ...rate(singleN, singleMs), p50Ms: at(0.5), p99Ms: at(0.99), statementsEach: singleStatements, check: await check(singleIds) },
      backlog: { ...rate(backlogN, backlogMs), statementsEach: backlogStatements, check: await check(backlogIds) },
    }),
  );
  await db().$disconnect();
} finally {
  await server.stop();
}
