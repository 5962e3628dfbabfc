import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createDemoCard, loadFileHash, systemCardEnv } from "@/lib/core/card";
import type { MessageOf } from "@/lib/core/messages";
import { db } from "@/lib/server/db";
import { activateCard } from "@/lib/server/data/issuer/activation";
import { approveReissueRequest, fileReissueRequest } from "@/lib/server/data/issuer/reissue";
import { testDatabase } from "../helpers/db";
import {
  AIDS,
  ask,
  askMethod1Reload,
  attributeData,
  currentCard,
  freshDemoWorld,
  issuerActor,
  loadFileOf,
  loadWithToken,
  replyTo,
  sendAsProvider,
  signedAsProvider,
  walletImage,
  type ProviderId,
} from "./helpers";
import { receiveMessages } from "@/lib/server/exchange/inbox";
import { fromBase64Url } from "@/lib/core/bytes";
import { cardBinding, verifyPermission } from "@/lib/core/card";
import { DEMO_ISSUER_KEYS } from "@/lib/secrets/demo-issuer-keys";
import { nameOf } from "../helpers/people";

vi.mock("@/lib/server/exchange/delivery", () => ({ deliverNow: vi.fn(async () => []), deliverSoon: vi.fn(), deliverOne: vi.fn() }));

type PullReply = MessageOf<"reissuance-information-reply">;
type ReloadAnswer = MessageOf<"reload-permission-grant"> | MessageOf<"reload-permission-refusal">;

const HASH = {
  hoshiCredit: loadFileHash(loadFileOf(AIDS.hoshiCredit, "credit")),
  hoshiRewards: loadFileHash(loadFileOf(AIDS.hoshiRewards, "loyalty")),
  metroPass: loadFileHash(loadFileOf(AIDS.metroPass, "transit")),
};

// Kenji (PF200: Hoshi Credit, Sakura Points) and Hana (PF100: Metro Pass, Sakura Points) reissued.
const world = {} as {
  kenjiOld: { id: string; cardId: string };
  kenjiNew: { id: string; cardId: string; surfaceNumber: string };
  hanaOld: { cardId: string };
  hanaNew: { cardId: string; surfaceNumber: string };
};

async function reissue(fullName: string, reason: "lost" | "damaged") {
  const old = await currentCard(fullName);
  const holder = await db().cardholder.findFirstOrThrow({ where: { fullName } });
  const filed = await fileReissueRequest({ kind: "cardholder", userId: holder.id, label: fullName, cardholderId: holder.id }, { cardUuid: old.id, reason });
  if (!filed.ok) throw new Error(filed.error.message);
  const approved = await approveReissueRequest(await issuerActor(), filed.value.requestId);
  if (!approved.ok) throw new Error(approved.error.message);
  // The cardholder activates the new card before any desk visit (nothing is reloaded on a card waiting for it).
  const activated = await activateCard({ kind: "cardholder", userId: holder.id, label: fullName, cardholderId: holder.id }, approved.value.reissuedCardUuid);
  if (!activated.ok) throw new Error(activated.error.message);
  return { old, reissued: await db().card.findUniqueOrThrow({ where: { id: approved.value.reissuedCardUuid } }) };
}

beforeAll(async () => {
  await freshDemoWorld();
  const kenji = await reissue(nameOf("Kenji Watanabe"), "damaged");
  const hana = await reissue(nameOf("Hana Sato"), "lost");
  Object.assign(world, { kenjiOld: kenji.old, kenjiNew: kenji.reissued, hanaOld: hana.old, hanaNew: hana.reissued });
}, 180_000);
afterAll(() => db().$disconnect());

async function inquire(provider: "METRO01" | "HOSHI01" | "SAKURA01", data: string, aid: string) {
  return ask<"card-information-inquiry", "card-information-reply">(provider, "card-information-inquiry", {
    platformType: 200,
    cardAttributeData: data,
    applicationId: aid,
  });
}

async function originalOf(provider: string, cardUuid: string, aid: string) {
  return db().loadingPermission.findFirstOrThrow({ where: { provider: { companyId: provider }, cardId: cardUuid, application: { aid }, status: "confirmed" } });
}

describe(`card information inquiry (Fig. 10) on ${testDatabase().kind}`, () => {
  it("OK with the message id under which the asking provider loaded the application on the old card (step 1004)", async () => {
    const data = await attributeData(await walletImage(world.kenjiNew.surfaceNumber));
    const { reply, raw } = await inquire("HOSHI01", data, AIDS.hoshiCredit);
    const original = await originalOf("HOSHI01", world.kenjiOld.id, AIDS.hoshiCredit);
    expect(reply.result).toMatchObject({
      reissue: "OK",
      originalMessageId: original.messageId,
      reloadPermission: { originalMessageId: original.messageId, applicationId: AIDS.hoshiCredit },
    });
    expect(reply.platformType).toBe(200);
    // Never a card id: neither the old nor the reissued one, anywhere in the signed message.
    const payload = Buffer.from(raw.split(".")[1]!, "base64url").toString();
    expect(payload).not.toContain(world.kenjiOld.cardId);
    expect(payload).not.toContain(world.kenjiNew.cardId);

    const sakura = await inquire("SAKURA01", await attributeData(await walletImage(world.kenjiNew.surfaceNumber)), AIDS.sakuraPoints);
    expect(sakura.reply.result).toMatchObject({
      reissue: "OK",
      originalMessageId: (await originalOf("SAKURA01", world.kenjiOld.id, AIDS.sakuraPoints)).messageId,
    });
  });

  it("a provider asking about another provider's application gets NG and never that provider's message id", async () => {
    const data = await attributeData(await walletImage(world.kenjiNew.surfaceNumber));
    const sakuraId = (await originalOf("SAKURA01", world.kenjiOld.id, AIDS.sakuraPoints)).messageId;
    const { reply, raw } = await inquire("HOSHI01", data, AIDS.sakuraPoints);
    expect(reply.result).toEqual({ reissue: "NG", reason: "application-not-on-old-card" });
    const payload = Buffer.from(raw.split(".")[1]!, "base64url").toString();
    expect(payload).not.toContain(sakuraId);
    expect(payload).not.toContain("SAKURA01");
    const metro = await inquire("METRO01", data, AIDS.sakuraPoints);
    expect(metro.reply.result).toEqual({ reissue: "NG", reason: "application-not-on-old-card" });
  });

  it("NG for each refusal of step 1005: altered data, unknown card, initially issued card, application not on the old card, old load not successful", async () => {
    const data = await attributeData(await walletImage(world.kenjiNew.surfaceNumber));
    const altered = Buffer.from(data, "base64url");
    altered[70] = altered[70]! ^ 0x80;
    expect((await inquire("HOSHI01", altered.toString("base64url"), AIDS.hoshiCredit)).reply.result).toEqual({
      reissue: "NG",
      reason: "attribute-data-invalid",
    });
    expect((await inquire("HOSHI01", Buffer.alloc(90, 7).toString("base64url"), AIDS.hoshiCredit)).reply.result).toEqual({
      reissue: "NG",
      reason: "attribute-data-invalid",
    });

    const stranger = await createDemoCard({ platformType: 200, env: systemCardEnv() }); // the demo issuer's key, but not in our records
    expect((await inquire("HOSHI01", await attributeData(stranger.image), AIDS.hoshiCredit)).reply.result).toEqual({ reissue: "NG", reason: "card-not-found" });

    const haruto = await currentCard(nameOf("Haruto Kobayashi")); // PF200, never reissued
    expect((await inquire("HOSHI01", await attributeData(await walletImage(haruto.surfaceNumber)), AIDS.hoshiCredit)).reply.result).toEqual({
      reissue: "NG",
      reason: "not-a-reissued-card",
    });

    expect((await inquire("HOSHI01", data, AIDS.hoshiRewards)).reply.result).toEqual({ reissue: "NG", reason: "application-not-on-old-card" });

    // Hoshi Rewards was granted on the old card but the card never confirmed the load.
    const hoshi = await db().serviceProvider.findUniqueOrThrow({ where: { companyId: "HOSHI01" } });
    const rewards = await db().registeredApplication.findUniqueOrThrow({ where: { aid: AIDS.hoshiRewards } });
    await db().loadingPermission.create({
      data: {
        messageId: "RECARD01-HOSHI01-I0000009001",
        requestMessageId: "RECARD01-HOSHI01-P0000009001",
        providerId: hoshi.id,
        applicationId: rewards.id,
        cardId: world.kenjiOld.id,
        kind: "first_load",
        status: "granted",
        token: new Uint8Array([1]),
        loadFileHash: HASH.hoshiRewards,
        expiresAt: new Date(Date.now() + 3600_000),
      },
    });
    expect((await inquire("HOSHI01", data, AIDS.hoshiRewards)).reply.result).toEqual({ reissue: "NG", reason: "old-load-not-successful" });
  });

  it("inquiries delivered together are answered together, each as it is answered alone; a batch delivered again is answered from the inbox", async () => {
    const kenji = await attributeData(await walletImage(world.kenjiNew.surfaceNumber));
    const altered = Buffer.from(kenji, "base64url");
    altered[70] = altered[70]! ^ 0x80;
    const haruto = await attributeData(await walletImage((await currentCard(nameOf("Haruto Kobayashi"))).surfaceNumber));
    const asks: [ProviderId, string, string][] = [
      ["HOSHI01", kenji, AIDS.hoshiCredit],
      ["SAKURA01", kenji, AIDS.sakuraPoints],
      ["HOSHI01", kenji, AIDS.sakuraPoints],
      ["METRO01", altered.toString("base64url"), AIDS.metroPass],
      ["HOSHI01", haruto, AIDS.hoshiCredit],
      ["HOSHI01", kenji, AIDS.hoshiRewards],
      ["HOSHI01", kenji, AIDS.hoshiCredit],
    ];
    const signed = [];
    for (const [provider, data, aid] of asks)
      signed.push(await signedAsProvider(provider, "card-information-inquiry", { platformType: 200, cardAttributeData: data, applicationId: aid }));
    const grantsBefore = await db().loadingPermission.count({ where: { kind: "reload", status: "granted" } });
    const received = await receiveMessages(
      signed.map((s) => s.jws),
      "online",
    );
    expect(received.map((r) => (r.status === "fulfilled" ? r.value.status : "rejected"))).toEqual(asks.map(() => "processed"));
    const together = await Promise.all(signed.map(async (s) => (await replyTo<"card-information-reply">(s.requestId)).result));
    // The same questions one at a time.
    const alone = [];
    for (const [provider, data, aid] of asks) alone.push((await inquire(provider, data, aid)).reply.result);
    const shape = (r: (typeof together)[number]) => ({ ...r, ...("reloadPermission" in r && r.reloadPermission ? { reloadPermission: "carried" } : {}) });
    expect(together.map(shape)).toEqual(alone.map(shape));
    expect(together.map((r) => r.reissue)).toEqual(["OK", "OK", "NG", "NG", "NG", "NG", "OK"]);
    // Each carried permission is its own, signed by the issuer and bound to the card presented.
    const carried = together.flatMap((r) => ("reloadPermission" in r && r.reloadPermission ? [r.reloadPermission] : []));
    expect(carried).toHaveLength(3);
    expect(new Set(carried.map((p) => p.messageId)).size).toBe(3);
    for (const p of carried) {
      const verified = await verifyPermission(fromBase64Url(p.permissionToken), DEMO_ISSUER_KEYS.signing.publicKeyJwk);
      if (!verified.ok) throw new Error(verified.error);
      expect(verified.value).toMatchObject({ messageId: p.messageId, cardBinding: cardBinding(world.kenjiNew.cardId, p.messageId), kind: "reload" });
      expect(await db().loadingPermission.findUniqueOrThrow({ where: { messageId: p.messageId } })).toMatchObject({
        cardId: world.kenjiNew.id,
        status: "granted",
        kind: "reload",
        requestMessageId: p.messageId,
      });
    }
    expect(await db().loadingPermission.count({ where: { kind: "reload", status: "granted" } })).toBe(grantsBefore + 6);
    // Delivered again (the sender never heard back): the first answers, nothing granted or sent twice.
    const again = await receiveMessages(
      signed.map((s) => s.jws),
      "online",
    );
    expect(again.map((r) => (r.status === "fulfilled" ? r.value.status : "rejected"))).toEqual(asks.map(() => "replayed"));
    expect(await db().loadingPermission.count({ where: { kind: "reload", status: "granted" } })).toBe(grantsBefore + 6);
    expect(await db().outboxMessage.count({ where: { inReplyTo: { in: signed.map((s) => s.requestId) } } })).toBe(asks.length);
  });
});

describe(`reissuance information pull (Fig. 19, step 409) on ${testDatabase().kind}`, () => {
  const pull = (provider: "METRO01" | "HOSHI01" | "SAKURA01", reissuedCardId: string) =>
    ask<"reissuance-information-request", "reissuance-information-reply">(provider, "reissuance-information-request", { platformType: 100, reissuedCardId });

  it("gives the pair only to a provider that had an application on the old card", async () => {
    const metro = await pull("METRO01", world.hanaNew.cardId);
    expect(metro.reply.result).toMatchObject({
      status: "found",
      pairs: [{ oldCardId: world.hanaOld.cardId, reissuedCardId: world.hanaNew.cardId, reissuedAt: expect.any(String) }],
    });
    const hoshi = await pull("HOSHI01", world.hanaNew.cardId);
    expect(hoshi.reply.result).toEqual({ status: "not-found", reason: "no-application-of-yours-on-old-card" });
    expect(JSON.stringify(hoshi.reply)).not.toContain(world.hanaOld.cardId);
  });

  it("not-a-reissued-card for a first card, an unknown id, and a platform-200 card's id", async () => {
    const aoi = await currentCard(nameOf("Aoi Shimizu"));
    for (const id of [aoi.cardId, "00000000000000AA", world.kenjiNew.cardId]) {
      const r: { reply: PullReply } = await pull("METRO01", id);
      expect(r.reply.result).toEqual({ status: "not-found", reason: "not-a-reissued-card" });
    }
  });

  it("a card reissued twice gives the chain back to the card holding the load still to reload", async () => {
    // Yuki: Metro Pass loaded on her first card and reloaded on her second (seed); now a third.
    const second = await currentCard(nameOf("Yuki Yamamoto"));
    const { reissued: third } = await (async () => {
      const holder = await db().cardholder.findFirstOrThrow({ where: { fullName: nameOf("Yuki Yamamoto") } });
      const filed = await fileReissueRequest(
        { kind: "cardholder", userId: holder.id, label: "Yuki", cardholderId: holder.id },
        { cardUuid: second.id, reason: "damaged" },
      );
      const approved = await approveReissueRequest(await issuerActor(), filed.ok ? filed.value.requestId : "", {
        overrideReason: "Second reissue this year, approved by the desk.",
      });
      if (!approved.ok) throw new Error(approved.error.message);
      return { reissued: await db().card.findUniqueOrThrow({ where: { id: approved.value.reissuedCardUuid } }) };
    })();
    const r = await pull("METRO01", third.cardId);
    expect(r.reply.result).toMatchObject({
      status: "found",
      pairs: [{ oldCardId: second.cardId, reissuedCardId: third.cardId, reissuedAt: expect.any(String) }],
    });
  });
});

describe(`reload permissions (flow 7) on ${testDatabase().kind}`, () => {
  const reloadPf200 = async (provider: "HOSHI01" | "SAKURA01" | "METRO01", surfaceNumber: string, aid: string, hash: string, originalMessageId: string) =>
    ask<"reload-permission-request", ReloadAnswer["header"]["type"]>(provider, "reload-permission-request", {
      platformType: 200,
      kind: "reload",
      applicationId: aid,
      originalMessageId,
      cardAttributeData: await attributeData(await walletImage(surfaceNumber)),
      loadFileHash: hash,
    });

  it("grants without a new examination, the card accepts it, the confirmation charges the reissue fee; a second reload is refused", async () => {
    const original = await originalOf("HOSHI01", world.kenjiOld.id, AIDS.hoshiCredit);
    const { reply } = await reloadPf200("HOSHI01", world.kenjiNew.surfaceNumber, AIDS.hoshiCredit, HASH.hoshiCredit, original.messageId);
    expect(reply.header.type).toBe("reload-permission-grant");
    const grant = reply as MessageOf<"reload-permission-grant">;
    expect(grant.originalMessageId).toBe(original.messageId);
    const permission = await db().loadingPermission.findUniqueOrThrow({ where: { messageId: grant.header.messageId } });
    expect(permission).toMatchObject({ kind: "reload", status: "granted", originalMessageId: original.messageId, cardId: world.kenjiNew.id });

    const { loaded } = await loadWithToken(await walletImage(world.kenjiNew.surfaceNumber), grant.permissionToken, AIDS.hoshiCredit, "credit");
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    await sendAsProvider("HOSHI01", "load-confirmation", {
      platformType: 200,
      permissionMessageId: grant.header.messageId,
      applicationId: AIDS.hoshiCredit,
      outcome: { status: "loaded", receipt: Buffer.from(loaded.value.receipt).toString("base64url") },
    });
    const confirmed = await db().loadingPermission.findUniqueOrThrow({ where: { id: permission.id }, include: { charge: true } });
    expect(confirmed.status).toBe("confirmed");
    expect(confirmed.charge).toMatchObject({ kind: "reissue_reload", amountMinor: 200 });

    const second = await reloadPf200("HOSHI01", world.kenjiNew.surfaceNumber, AIDS.hoshiCredit, HASH.hoshiCredit, original.messageId);
    expect(second.reply).toMatchObject({ header: { type: "reload-permission-refusal" }, reason: "other" });
  });

  it("refuses: an original that is not this provider's on the old card, never confirmed, a card that is not reissued, a blocked card", async () => {
    const haruto = await currentCard(nameOf("Haruto Kobayashi"));
    const harutoOriginal = await originalOf("HOSHI01", haruto.id, AIDS.hoshiCredit);
    const notOnOld = await reloadPf200("HOSHI01", world.kenjiNew.surfaceNumber, AIDS.hoshiCredit, HASH.hoshiCredit, harutoOriginal.messageId);
    expect(notOnOld.reply).toMatchObject({ header: { type: "reload-permission-refusal" }, reason: "original-not-found" });

    const neverLoaded = await reloadPf200("HOSHI01", world.kenjiNew.surfaceNumber, AIDS.hoshiRewards, HASH.hoshiRewards, "RECARD01-HOSHI01-I0000009001");
    expect(neverLoaded.reply).toMatchObject({ reason: "original-not-loaded" });

    const notReissued = await reloadPf200("HOSHI01", haruto.surfaceNumber, AIDS.hoshiCredit, HASH.hoshiCredit, harutoOriginal.messageId);
    expect(notReissued.reply).toMatchObject({ reason: "not-a-reissued-card" });

    const ren = await currentCard(nameOf("Ren Suzuki")); // blocked
    const renOriginal = await originalOf("METRO01", ren.id, AIDS.metroPass);
    const blocked = await reloadPf200("METRO01", ren.surfaceNumber, AIDS.metroPass, HASH.metroPass, renOriginal.messageId);
    expect(blocked.reply).toMatchObject({ reason: "card-blocked" });
    expect(await db().auditLog.count({ where: { action: "permission.reload-refuse" } })).toBeGreaterThanOrEqual(5);
  });

  it("method 1: a reload on the reissued card id, referring to the load on the old card", async () => {
    const original = await originalOf("METRO01", (await db().card.findUniqueOrThrow({ where: { cardId: world.hanaOld.cardId } })).id, AIDS.metroPass);
    const { reply } = await askMethod1Reload<"reload-permission-grant">("METRO01", {
      applicationId: AIDS.metroPass,
      originalMessageId: original.messageId,
      cardId: world.hanaNew.cardId,
      loadFileHash: HASH.metroPass,
    });
    expect(reply.header.type).toBe("reload-permission-grant");
    // The old card id is refused: it is terminated.
    const onOld = await askMethod1Reload<"reload-permission-refusal">("METRO01", {
      applicationId: AIDS.metroPass,
      originalMessageId: original.messageId,
      cardId: world.hanaOld.cardId,
      loadFileHash: HASH.metroPass,
    });
    expect(onOld.reply.reason).toBe("card-terminated");
  });

  it("refuses on the contract before the application, and the application before the card; a refusal naming no permission on file is kept in the audit trail only", async () => {
    const original = await originalOf("METRO01", (await db().card.findUniqueOrThrow({ where: { cardId: world.hanaOld.cardId } })).id, AIDS.metroPass);
    const request = (over: { applicationId?: string; loadFileHash?: string; originalMessageId?: string; cardId?: string }) =>
      askMethod1Reload<"reload-permission-refusal">("METRO01", {
        applicationId: AIDS.metroPass,
        originalMessageId: original.messageId,
        cardId: world.hanaNew.cardId,
        loadFileHash: HASH.metroPass,
        ...over,
      });
    const filed = (messageId: string) => db().loadingPermission.findUnique({ where: { messageId } });
    const metro = await db().serviceProvider.findUniqueOrThrow({ where: { companyId: "METRO01" } });
    const pass = await db().registeredApplication.findUniqueOrThrow({ where: { aid: AIDS.metroPass } });

    // Another provider's application reads as unregistered; the wrong load file as unapproved (filed without the card: not looked at yet).
    const foreign = await request({ applicationId: AIDS.hoshiCredit, loadFileHash: HASH.hoshiCredit });
    expect(foreign.reply).toMatchObject({ header: { type: "reload-permission-refusal" }, reason: "application-not-registered" });
    expect(await filed(foreign.reply.header.messageId)).toMatchObject({ status: "refused", providerId: metro.id, applicationId: null, cardId: null });
    const wrongFile = await request({ loadFileHash: HASH.hoshiCredit });
    expect(wrongFile.reply.reason).toBe("application-not-approved");
    expect(await filed(wrongFile.reply.header.messageId)).toMatchObject({ applicationId: pass.id, cardId: null, refusalCode: "application-not-approved" });

    // An original nobody has on file: refused, and no permission row refers to it.
    const unknown = await request({ originalMessageId: "RECARD01-METRO01-I0000009999" });
    expect(unknown.reply.reason).toBe("original-not-found");
    expect(await filed(unknown.reply.header.messageId)).toBeNull();
    expect(await db().auditLog.count({ where: { action: "permission.reload-refuse", subjectId: unknown.reply.header.messageId } })).toBe(1);

    // A suspended contract comes first, whatever else is wrong.
    await db().serviceProvider.update({ where: { id: metro.id }, data: { contractStatus: "suspended" } });
    try {
      const suspended = await request({ loadFileHash: HASH.hoshiCredit });
      expect(suspended.reply.reason).toBe("contract-suspended");
      expect(await filed(suspended.reply.header.messageId)).toMatchObject({ providerId: metro.id, applicationId: null, cardId: null });
    } finally {
      await db().serviceProvider.update({ where: { id: metro.id }, data: { contractStatus: "active" } });
    }
    // The card id of another platform type is "not found", after the contract and the application pass.
    const kenjiById = await request({ cardId: world.kenjiNew.cardId });
    expect(kenjiById.reply.reason).toBe("card-not-found");
    expect(await filed(kenjiById.reply.header.messageId)).toMatchObject({ applicationId: pass.id, cardId: null });
  });
});
