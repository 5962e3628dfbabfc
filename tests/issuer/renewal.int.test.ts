/**
 * Renewal runs (issue 14): a run over 500 expiring cards worked by the real pg-boss worker in a child
 * process, killed with SIGKILL halfway and restarted, finishes with each card renewed exactly once and
 * each provider told exactly once per card; the bureau file has one line per renewed card. Plus pause
 * and resume, runs that never share a card, and activation.
 */
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MessageOf } from "@/lib/core/messages";
import { db } from "@/lib/server/db";
import { activateCard } from "@/lib/server/data/issuer/activation";
import {
  BUREAU_HEADER,
  downloadBureauFile,
  getRenewalProgress,
  previewRenewal,
  processRenewalBatch,
  setRenewalRunState,
  startRenewalRun,
} from "@/lib/server/data/issuer/renewal";
import { deliverNow } from "@/lib/server/exchange/delivery";
import { decodeStored } from "@/lib/server/exchange/inbox";
import { testDatabase } from "../helpers/db";
import { createExpiringCards } from "@/prisma/seed/expiring-cards";
import { freshDemoWorld, issuerActor } from "./helpers";
import { nameOf } from "../helpers/people";

const { url } = testDatabase();
// Months no seeded card expires in (the demo world's cards expire by 2031-12).
const MONTH = "2035-03";
const CARDS = 500;

beforeAll(async () => {
  await freshDemoWorld();
  await createExpiringCards(db(), MONTH, CARDS, "RN");
}, 300_000);
afterAll(async () => {
  const { stopExchangeQueue } = await import("@/lib/server/exchange/queue");
  await stopExchangeQueue();
  await db().$disconnect();
});

function runWorker(): { kill(signal: NodeJS.Signals): void; exited: Promise<{ code: number | null; signal: string | null }> } {
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/exchange-worker.ts"], {
    env: { ...process.env, DATABASE_URL: url, RECARD_EXPIRE_SECONDS: "5", RECARD_POLL_SECONDS: "0.5", RECARD_MAINTENANCE_SECONDS: "1", DB_POOL_MAX: "4" },
    stdio: ["ignore", "inherit", "inherit"],
  });
  return { kill: (signal) => child.kill(signal), exited: new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal }))) };
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 600_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe(`renewal runs on ${testDatabase().kind}`, () => {
  it("renews 500 expiring cards exactly once each across a SIGKILL of the worker; each provider is told once per card; one bureau line per card", async () => {
    const actor = await issuerActor();
    const preview = await previewRenewal(actor, MONTH);
    expect(preview.total).toBe(CARDS);
    expect(preview.byPlatform).toEqual([
      { platformType: 100, cards: CARDS / 2 },
      { platformType: 200, cards: CARDS / 2 },
    ]);
    expect(preview.byProvider.map((p) => p.companyId).sort()).toEqual(["METRO01", "SAKURA01"]);

    const started = await startRenewalRun(actor, MONTH);
    expect(started).toMatchObject({ ok: true, value: { total: CARDS } });
    if (!started.ok) return;
    const runId = started.value.runId;
    // Nothing is eligible twice: a second run of the same month finds no card.
    expect(await startRenewalRun(actor, MONTH)).toMatchObject({ ok: false, error: { code: "nothing-to-renew" } });

    const renewed = () => db().renewalItem.count({ where: { runId, status: "renewed" } });
    const first = runWorker();
    await until("half the run", async () => (await renewed()) >= CARDS / 2);
    first.kill("SIGKILL");
    expect((await first.exited).signal).toBe("SIGKILL");
    const atKill = await renewed();
    expect(atKill).toBeLessThan(CARDS);

    const second = runWorker();
    try {
      await until("the run finished", async () => (await db().renewalRun.findUniqueOrThrow({ where: { id: runId } })).status === "finished");
    } finally {
      second.kill("SIGTERM");
      await second.exited;
    }
    // The worker delivers as it goes; what its queue had not reached yet is delivered here by the same
    // code (deliverNow), so the test does not wait on polling intervals.
    const pending = await db().outboxMessage.findMany({ where: { type: "reissuance-notification-batch", status: "pending" }, select: { id: true } });
    await deliverNow(pending.map((p) => p.id));

    const items = await db().renewalItem.findMany({ where: { runId } });
    expect(items.filter((i) => i.status === "renewed")).toHaveLength(CARDS);
    const oldIds = items.map((i) => i.oldCardId);
    // Exactly once: one approved renewal request, one link and one new card per old card.
    const requests = await db().reissueRequest.groupBy({ by: ["oldCardId"], where: { oldCardId: { in: oldIds } }, _count: { _all: true } });
    expect(requests).toHaveLength(CARDS);
    expect(requests.every((r) => r._count._all === 1)).toBe(true);
    expect(await db().reissueRequest.count({ where: { oldCardId: { in: oldIds }, reason: "renewal", status: "approved" } })).toBe(CARDS);
    expect(await db().reissueLink.count({ where: { oldCardId: { in: oldIds } } })).toBe(CARDS);
    const newCards = await db().card.findMany({ where: { previousCardId: { in: oldIds } }, select: { status: true, generation: true, surfaceNumber: true } });
    expect(newCards).toHaveLength(CARDS);
    expect(newCards.every((c) => c.status === "issued" && c.generation === 2)).toBe(true);
    // The old cards still work until the new ones are activated.
    expect(await db().card.count({ where: { id: { in: oldIds }, status: "active" } })).toBe(CARDS);

    // Each provider that loaded on a platform-100 card was told about that card exactly once, and holds the pair once.
    const pf100 = await db().card.findMany({
      where: { id: { in: oldIds }, platformType: 100 },
      select: { cardId: true, applications: { select: { application: { select: { provider: { select: { companyId: true } } } } } } },
    });
    const expected = pf100.flatMap((c) => c.applications.map((a) => `${a.application.provider.companyId}|${c.cardId}`)).sort();
    // A renewal run tells each provider in batched notifications (issue 16: reissue-bulk.ts).
    const sent = (await db().outboxMessage.findMany({ where: { ownerCompanyId: "RECARD01", type: "reissuance-notification-batch" } }))
      .flatMap((row) => (decodeStored(row.jws) as MessageOf<"reissuance-notification-batch">).pairs.map((p) => `${row.receiverCompanyId}|${p.oldCardId}`))
      .filter((key) => expected.includes(key))
      .sort();
    expect(sent).toEqual(expected);
    const held = (
      await db().spReissueNotice.findMany({ where: { oldCardId: { in: pf100.map((c) => c.cardId) } }, select: { providerCompanyId: true, oldCardId: true } })
    )
      .map((n) => `${n.providerCompanyId}|${n.oldCardId}`)
      .sort();
    expect(held).toEqual(expected);
    // Platform 200: nobody is told anything (method 2).
    const pf200 = await db().card.findMany({ where: { id: { in: oldIds }, platformType: 200 }, select: { cardId: true } });
    expect(await db().spReissueNotice.count({ where: { oldCardId: { in: pf200.map((c) => c.cardId) } } })).toBe(0);

    const progress = await getRenewalProgress(actor, runId);
    expect(progress).toMatchObject({ status: "finished", total: CARDS, done: CARDS, failed: 0, remaining: 0 });

    const file = await downloadBureauFile(actor, runId);
    expect(file).not.toBeNull();
    const lines = file!.csv.trimEnd().split("\r\n");
    expect(lines[0]).toBe(BUREAU_HEADER);
    expect(lines).toHaveLength(CARDS + 1);
    const printed = lines.slice(1).map((l) => l.match(/^"(\d+)"/)![1]);
    expect(new Set(printed).size).toBe(CARDS);
    expect(printed.sort()).toEqual(newCards.map((c) => c.surfaceNumber).sort());
    expect(await db().bureauDownload.count({ where: { runId, userId: actor.id, lines: CARDS } })).toBe(1);
    expect(await db().auditLog.count({ where: { action: "renewal.bureau-file", subjectId: runId } })).toBe(1);
  }, 900_000);

  it("pauses and resumes; two runs started at once share no card; activation ends the old card and lets providers reload", async () => {
    const actor = await issuerActor();
    await createExpiringCards(db(), "2035-04", 6, "RP");
    const [a, b] = await Promise.all([startRenewalRun(actor, "2035-04"), startRenewalRun(actor, "2035-04")]);
    const runs = [a, b].flatMap((r) => (r.ok ? [r.value] : []));
    expect(runs.reduce((n, r) => n + r.total, 0)).toBe(6);
    const run = runs[0]!;
    expect(await setRenewalRunState(actor, run.runId, "paused")).toEqual({ ok: true, value: null });
    expect(await processRenewalBatch(run.runId, 10)).toMatchObject({ processed: 0, status: "paused" });
    expect(await setRenewalRunState(actor, run.runId, "running")).toEqual({ ok: true, value: null });
    expect(await processRenewalBatch(run.runId, 10)).toMatchObject({ processed: run.total, remaining: 0, status: "finished" });
    expect(await setRenewalRunState(actor, run.runId, "paused")).toMatchObject({ ok: false, error: { code: "already-finished" } });

    const item = await db().renewalItem.findFirstOrThrow({ where: { runId: run.runId, status: "renewed" }, include: { newCard: true, oldCard: true } });
    const holder = item.newCard!.cardholderId;
    const other = await db().cardholder.findFirstOrThrow({ where: { fullName: nameOf("Hana Sato") } });
    expect(await activateCard({ kind: "cardholder", userId: other.id, label: "Hana", cardholderId: other.id }, item.newCard!.id)).toMatchObject({
      ok: false,
      error: { code: "not-found" },
    });
    const me = { kind: "cardholder" as const, userId: holder, label: "holder", cardholderId: holder };
    expect(await activateCard(me, item.newCard!.id)).toMatchObject({ ok: true });
    expect(await activateCard(me, item.newCard!.id)).toMatchObject({ ok: false, error: { code: "not-waiting" } });
    expect(await db().card.findUniqueOrThrow({ where: { id: item.newCard!.id } })).toMatchObject({ status: "active", activatedAt: expect.any(Date) });
    expect(await db().card.findUniqueOrThrow({ where: { id: item.oldCardId } })).toMatchObject({ status: "terminated" });
    expect(await db().cardholderNotice.count({ where: { cardholderId: holder, code: "card-activated" } })).toBe(1);
  }, 300_000);
});
