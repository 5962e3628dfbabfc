import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { MessageOf } from "@/lib/core/messages";
import { parseAuditReason } from "@/lib/core/audit-reason";
import { db } from "@/lib/server/db";
import { decodeStored } from "@/lib/server/exchange/inbox";
import { activateCard } from "@/lib/server/data/issuer/activation";
import { approveReissueRequest, fileReissueRequest, rejectReissueRequest, type Reporter } from "@/lib/server/data/issuer/reissue";
import { testDatabase } from "../helpers/db";
import { currentCard, freshDemoWorld, issuerActor } from "./helpers";
import { nameOf } from "../helpers/people";

vi.mock("@/lib/server/exchange/delivery", () => ({ deliverNow: vi.fn(async () => []), deliverSoon: vi.fn(), deliverOne: vi.fn() }));

beforeAll(freshDemoWorld, 180_000);
afterAll(() => db().$disconnect());

async function cardholderReporter(fullName: string): Promise<Reporter> {
  const holder = await db().cardholder.findFirstOrThrow({ where: { fullName } });
  return { kind: "cardholder", userId: holder.id, label: `${fullName} (cardholder)`, cardholderId: holder.id };
}

async function operatorReporter(): Promise<Reporter> {
  const a = await issuerActor();
  return { kind: "operator", userId: a.id, label: `${a.name} (${a.email})` };
}

async function notificationsFor(oldCardId: string) {
  const rows = await db().outboxMessage.findMany({ where: { ownerCompanyId: "RECARD01", type: "reissuance-notification" } });
  return rows
    .map((r) => ({ receiver: r.receiverCompanyId, message: decodeStored(r.jws) as MessageOf<"reissuance-notification"> }))
    .filter((r) => r.message.pairs.some((p) => p.oldCardId === oldCardId));
}

describe(`reissue requests (Figs. 5 and 9) on ${testDatabase().kind}`, () => {
  it("a cardholder reports only their own card; lost blocks it at once; one pending request per card", async () => {
    const hana = await currentCard(nameOf("Hana Sato"));
    const kenjiReporter = await cardholderReporter(nameOf("Kenji Watanabe"));
    const foreign = await fileReissueRequest(kenjiReporter, { cardUuid: hana.id, reason: "stolen" });
    expect(foreign).toEqual({ ok: false, error: { code: "not-found", message: expect.any(String) } });
    expect((await db().card.findUniqueOrThrow({ where: { id: hana.id } })).status).toBe("active");

    const reporter = await cardholderReporter(nameOf("Hana Sato"));
    const filed = await fileReissueRequest(reporter, { cardUuid: hana.id, reason: "lost", statement: "Left it on the Ginza line." });
    expect(filed).toMatchObject({ ok: true, value: { blocked: true } });
    const blocked = await db().card.findUniqueOrThrow({ where: { id: hana.id } });
    expect(blocked).toMatchObject({ status: "blocked", blockedReason: "Reported lost" });
    expect((await db().walletCard.findUniqueOrThrow({ where: { surfaceNumber: hana.surfaceNumber } })).state).toBe("gone");
    expect(await db().auditLog.count({ where: { action: "card.block", subjectId: hana.id } })).toBe(1);

    const again = await fileReissueRequest(reporter, { cardUuid: hana.id, reason: "stolen" });
    expect(again).toMatchObject({ ok: false, error: { code: "already-pending" } });
    // Two at the same moment: the partial unique index lets exactly one through.
    const aoi = await currentCard(nameOf("Aoi Shimizu"));
    const aoiReporter = await cardholderReporter(nameOf("Aoi Shimizu"));
    const both = await Promise.all([
      fileReissueRequest(aoiReporter, { cardUuid: aoi.id, reason: "damaged" }),
      fileReissueRequest(await operatorReporter(), { cardUuid: aoi.id, reason: "damaged" }),
    ]);
    expect(both.filter((r) => r.ok)).toHaveLength(1);
    expect(both.find((r) => !r.ok)).toMatchObject({ ok: false, error: { code: "already-pending" } });
    expect(await db().reissueRequest.count({ where: { oldCardId: aoi.id, status: "pending" } })).toBe(1);
  });

  it("approval on platform 100: a reissued card of the same type waiting for activation, the lost card still blocked, the link, the wallet, and Fig. 12 to exactly the providers that loaded on it", async () => {
    const actor = await issuerActor();
    const old = await currentCard(nameOf("Hana Sato"));
    const request = await db().reissueRequest.findFirstOrThrow({ where: { oldCardId: old.id, status: "pending" } });
    const approved = await approveReissueRequest(actor, request.id);
    expect(approved.ok).toBe(true);
    if (!approved.ok) return;
    expect(approved.value.notified.sort()).toEqual(["METRO01", "SAKURA01"]);
    // What the operator is told: the companies by name, how each learns of the new card, the cardholder.
    expect(approved.value).toMatchObject({
      requestNo: request.requestNo,
      cardholderName: nameOf("Hana Sato"),
      reloaders: [
        { companyId: "METRO01", name: "Metro Transit", learns: "told-now" },
        { companyId: "SAKURA01", name: "Sakura Points", learns: "told-now" },
      ],
    });
    const reissued = await db().card.findUniqueOrThrow({ where: { id: approved.value.reissuedCardUuid } });
    expect(reissued).toMatchObject({
      platformType: 100,
      status: "issued",
      activatedAt: null,
      previousCardId: old.id,
      generation: old.generation + 1,
      cardholderId: old.cardholderId,
    });
    expect(reissued.cardId).not.toBe(old.cardId);
    // The lost card stays blocked (since the report) until the new one is activated (tests/issuer/activation.int.test.ts).
    expect((await db().card.findUniqueOrThrow({ where: { id: old.id } })).status).toBe("blocked");
    expect(await db().auditLog.count({ where: { action: "card.terminate", subjectId: old.id } })).toBe(0);
    expect(await db().reissueLink.findUniqueOrThrow({ where: { oldCardId: old.id } })).toMatchObject({
      reissuedCardId: reissued.id,
      requestId: request.id,
      platformType: 100,
    });
    expect((await db().walletCard.findUniqueOrThrow({ where: { surfaceNumber: reissued.surfaceNumber } })).state).toBe("in_hand");

    const notes = await notificationsFor(old.cardId);
    expect(notes.map((n) => n.receiver).sort()).toEqual(["METRO01", "SAKURA01"]);
    for (const n of notes) {
      expect(n.message.platformType).toBe(100);
      expect(n.message.pairs).toEqual([{ oldCardId: old.cardId, reissuedCardId: reissued.cardId, reissuedAt: expect.any(String) }]);
    }
    const audit = await db().auditLog.findFirstOrThrow({ where: { action: "reissue.approve", subjectId: request.id } });
    expect(audit.actorLabel).toBe("Aiko Tanaka (issuer@recard.test)");
    // Why, as a code and its values: no sentence is stored (the page renders it in the reader's language).
    expect(audit).toMatchObject({ reason: { code: "reissue-approved", params: { reason: request.reason, override: false } }, note: null, legacyReason: null });
    expect(parseAuditReason(audit.reason)).not.toBeNull();
    for (const row of await db().auditLog.findMany({ where: { subjectId: { in: [request.id, old.id, reissued.id] } } })) {
      expect(parseAuditReason(row.reason), `${row.action}: a known code`).not.toBeNull();
      expect(row.legacyReason).toBeNull();
    }

    // A second operator deciding it afterwards is told who decided and when (codes and values, no sentence).
    const twice = await rejectReissueRequest(await issuerActor("supervisor@recard.test"), request.id, "Changed my mind about it.");
    const decidedAt = (await db().reissueRequest.findUniqueOrThrow({ where: { id: request.id } })).decidedAt!.toISOString();
    expect(twice).toMatchObject({ ok: false, error: { code: "already-decided", decided: { status: "approved", byName: "Aiko Tanaka", at: decidedAt } } });
  });

  it("approval on platform 200 stores the link and notifies nobody (step 905); the damaged card works and stays in hand until the activation, then is surrendered", async () => {
    const old = await currentCard(nameOf("Kenji Watanabe"));
    const filed = await fileReissueRequest(await cardholderReporter(nameOf("Kenji Watanabe")), { cardUuid: old.id, reason: "damaged" });
    expect(filed).toMatchObject({ ok: true, value: { blocked: false } });
    expect((await db().card.findUniqueOrThrow({ where: { id: old.id } })).status).toBe("active");
    const before = await db().outboxMessage.count();
    const approved = await approveReissueRequest(await issuerActor("supervisor@recard.test"), filed.ok ? filed.value.requestId : "");
    expect(approved).toMatchObject({
      ok: true,
      value: {
        platformType: 200,
        notified: [],
        outboxIds: [],
        reloaders: [
          { name: "Hoshi Card Services", learns: "inquiry-at-visit" },
          { name: "Sakura Points", learns: "inquiry-at-visit" },
        ],
      },
    });
    expect(await db().outboxMessage.count()).toBe(before);
    expect(await db().reissueLink.count({ where: { oldCardId: old.id, platformType: 200 } })).toBe(1);
    expect((await db().card.findUniqueOrThrow({ where: { id: old.id } })).status).toBe("active");
    expect((await db().walletCard.findUniqueOrThrow({ where: { surfaceNumber: old.surfaceNumber } })).state).toBe("in_hand");
    const kenji = await cardholderReporter(nameOf("Kenji Watanabe"));
    if (kenji.kind !== "cardholder" || !approved.ok) throw new Error("unreachable");
    expect(
      await activateCard({ kind: "cardholder", userId: kenji.userId, label: kenji.label, cardholderId: kenji.cardholderId }, approved.value.reissuedCardUuid),
    ).toMatchObject({ ok: true });
    expect((await db().card.findUniqueOrThrow({ where: { id: old.id } })).status).toBe("terminated");
    expect((await db().walletCard.findUniqueOrThrow({ where: { surfaceNumber: old.surfaceNumber } })).state).toBe("surrendered");
    // No message anywhere names the old card id.
    const all = await db().outboxMessage.findMany({ select: { jws: true } });
    expect(all.some((r) => JSON.stringify(decodeStored(r.jws)).includes(old.cardId))).toBe(false);
  });

  it("rejection needs a reason, keeps it for the cardholder, and leaves a blocked card blocked (504/904)", async () => {
    const actor = await issuerActor();
    const ren = await currentCard(nameOf("Ren Suzuki")); // seeded: blocked (stolen), pending request
    const request = await db().reissueRequest.findFirstOrThrow({ where: { oldCardId: ren.id, status: "pending" } });
    expect(await rejectReissueRequest(actor, request.id, "  ")).toMatchObject({ ok: false, error: { code: "reason-required" } });
    const rejected = await rejectReissueRequest(actor, request.id, "The police report number does not match our records; call us.");
    expect(rejected.ok).toBe(true);
    expect(await db().reissueRequest.findUniqueOrThrow({ where: { id: request.id } })).toMatchObject({
      status: "rejected",
      rejectionReason: "The police report number does not match our records; call us.",
      decidedByUserId: actor.id,
      reissuedCardId: null,
    });
    expect((await db().card.findUniqueOrThrow({ where: { id: ren.id } })).status).toBe("blocked");
    expect(await db().auditLog.count({ where: { action: "reissue.reject", subjectId: request.id } })).toBe(1);
    expect(await approveReissueRequest(actor, "00000000-0000-0000-0000-000000000000")).toMatchObject({ ok: false, error: { code: "not-found" } });
  });

  it("a failing examination is approved only with an override reason; thresholds come from the policy", async () => {
    const actor = await issuerActor();
    const takumi = await currentCard(nameOf("Takumi Inoue")); // fraud flag
    const filed = await fileReissueRequest(await operatorReporter(), { cardUuid: takumi.id, reason: "damaged" });
    const id = filed.ok ? filed.value.requestId : "";
    const refused = await approveReissueRequest(actor, id);
    expect(refused).toMatchObject({ ok: false, error: { code: "examination-failed", message: expect.stringContaining("no fraud flag") } });
    expect(await db().card.count({ where: { cardholderId: takumi.cardholderId } })).toBe(1);
    const overridden = await approveReissueRequest(actor, id, { overrideReason: "Fraud desk cleared the flag by phone today." });
    expect(overridden.ok).toBe(true);
    expect((await db().reissueRequest.findUniqueOrThrow({ where: { id } })).examination).toMatchObject({ passed: false, overridden: true });
    // The override is a code; the operator's own words are kept apart, as typed (data, not a sentence to translate).
    expect(await db().auditLog.findFirstOrThrow({ where: { action: "reissue.approve", subjectId: id } })).toMatchObject({
      reason: { code: "reissue-approved", params: { reason: "damaged", override: true } },
      note: "Fraud desk cleared the flag by phone today.",
    });

    await db().issuerPolicy.update({ where: { id: 1 }, data: { maxReissuesPerYear: 0 } });
    const akari = await currentCard(nameOf("Akari Mori"));
    const f2 = await fileReissueRequest(await operatorReporter(), { cardUuid: akari.id, reason: "damaged" });
    expect(await approveReissueRequest(actor, f2.ok ? f2.value.requestId : "")).toMatchObject({
      ok: false,
      error: { code: "examination-failed", message: expect.stringContaining("reissues this year") },
    });
    await db().issuerPolicy.update({ where: { id: 1 }, data: { maxReissuesPerYear: 2 } });
  });

  it("a provider set to pull is not notified at reissue time (it asks at reload time, Fig. 19)", async () => {
    await db().serviceProvider.update({ where: { companyId: "METRO01" }, data: { reissueInfoDelivery: "pull" } });
    const mei = await currentCard(nameOf("Mei Ito")); // seeded pending 'damaged', Metro Pass + Metro Cycle
    const request = await db().reissueRequest.findFirstOrThrow({ where: { oldCardId: mei.id, status: "pending" } });
    const approved = await approveReissueRequest(await issuerActor(), request.id);
    expect(approved).toMatchObject({
      ok: true,
      value: { notified: [], pullOnly: ["METRO01"], reloaders: [{ companyId: "METRO01", name: "Metro Transit", learns: "asks-at-visit" }] },
    });
    expect(await notificationsFor(mei.cardId)).toHaveLength(0);
    await db().serviceProvider.update({ where: { companyId: "METRO01" }, data: { reissueInfoDelivery: "push" } });
  });

  it("two operators approving the same request at once: one reissued card, one link, one set of notifications", async () => {
    const aoi = await currentCard(nameOf("Aoi Shimizu"));
    const request = await db().reissueRequest.findFirstOrThrow({ where: { oldCardId: aoi.id, status: "pending" } });
    const [a, b] = await Promise.all([
      approveReissueRequest(await issuerActor(), request.id),
      approveReissueRequest(await issuerActor("supervisor@recard.test"), request.id),
    ]);
    const results = [a, b];
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const winner = results.find((r) => r.ok)!;
    const decided = await db().reissueRequest.findUniqueOrThrow({ where: { id: request.id }, select: { decidedAt: true, decidedByUserId: true } });
    const winnerName = (await db().user.findUniqueOrThrow({ where: { id: decided.decidedByUserId! } })).name;
    expect(winner.ok && winner.value.cardholderName).toBe(nameOf("Aoi Shimizu"));
    expect(results.find((r) => !r.ok)).toMatchObject({
      ok: false,
      error: { code: "already-decided", decided: { status: "approved", byName: winnerName, at: decided.decidedAt!.toISOString() } },
    });
    expect(await db().card.count({ where: { cardholderId: aoi.cardholderId } })).toBe(2);
    expect(await db().reissueLink.count({ where: { oldCardId: aoi.id } })).toBe(1);
    expect(await db().walletCard.count({ where: { cardholderId: aoi.cardholderId } })).toBe(2);
    expect((await notificationsFor(aoi.cardId)).map((n) => n.receiver)).toEqual(["METRO01"]);
    expect(await db().auditLog.count({ where: { action: "reissue.approve", subjectId: request.id } })).toBe(1);
  });
});
