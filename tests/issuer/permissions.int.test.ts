import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { MessageOf } from "@/lib/core/messages";
import { db } from "@/lib/server/db";
import { uncodedExchangeRows } from "../helpers/coded-exchange";
import { testDatabase } from "../helpers/db";
import { loadFileHash } from "@/lib/core/card";
import { AIDS, ask, attributeData, cardOfGeneration, currentCard, freshDemoWorld, loadFileOf, loadWithToken, sendAsProvider, walletImage } from "./helpers";
import { nameOf } from "../helpers/people";

// The issuer's replies stay in its outbox: the providers' side is not under test here.
vi.mock("@/lib/server/exchange/delivery", () => ({ deliverNow: vi.fn(async () => []), deliverSoon: vi.fn(), deliverOne: vi.fn() }));

const HASH = {
  metroCycle: loadFileHash(loadFileOf(AIDS.metroCycle, "transit")),
  metroPass: loadFileHash(loadFileOf(AIDS.metroPass, "transit")),
  hoshiCredit: loadFileHash(loadFileOf(AIDS.hoshiCredit, "credit")),
  sakuraPremium: loadFileHash(loadFileOf(AIDS.sakuraPremium, "loyalty")),
  hoshiRewards: loadFileHash(loadFileOf(AIDS.hoshiRewards, "loyalty")),
};

beforeAll(freshDemoWorld, 180_000);
afterAll(() => db().$disconnect());

type Answer = MessageOf<"loading-permission-grant"> | MessageOf<"loading-permission-refusal">;

async function requestPf100(provider: "METRO01" | "HOSHI01" | "SAKURA01", cardId: string, aid: string, hash: string) {
  return ask<"loading-permission-request", Answer["header"]["type"]>(provider, "loading-permission-request", {
    platformType: 100,
    kind: "first-load",
    applicationId: aid,
    cardId,
    loadFileHash: hash,
  });
}

describe(`loading permissions (flow 2) on ${testDatabase().kind}`, () => {
  it("grants a card-bound permission under a new message id; the card accepts it; the receipt confirms and charges the normal fee", async () => {
    const card = await currentCard(nameOf("Aoi Shimizu")); // PF100, Metro Pass only
    const { requestId, reply } = await requestPf100("METRO01", card.cardId, AIDS.metroCycle, HASH.metroCycle);
    expect(reply.header.type).toBe("loading-permission-grant");
    const grant = reply as MessageOf<"loading-permission-grant">;
    expect(grant.header.inReplyTo).toBe(requestId);
    expect(grant.header.messageId).toMatch(/^RECARD01-METRO01-I\d{10}$/);
    const permission = await db().loadingPermission.findUniqueOrThrow({ where: { messageId: grant.header.messageId } });
    expect(permission).toMatchObject({ status: "granted", kind: "first_load", requestMessageId: requestId, cardId: card.id });

    const { loaded } = await loadWithToken(await walletImage(card.surfaceNumber), grant.permissionToken, AIDS.metroCycle, "transit");
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    const receipt = Buffer.from(loaded.value.receipt).toString("base64url");
    const confirm = () =>
      sendAsProvider("METRO01", "load-confirmation", {
        platformType: 100,
        permissionMessageId: grant.header.messageId,
        applicationId: AIDS.metroCycle,
        outcome: { status: "loaded", receipt },
      });
    // No reply message for a confirmation: read the effect.
    expect((await confirm()).outcome).toMatchObject({
      status: "processed",
      outcome: { code: "load-confirmed", params: { messageId: grant.header.messageId, kind: "normal_load", amountMinor: 200, currency: "JPY" } },
    });
    // A repeat changes nothing.
    expect((await confirm()).outcome).toMatchObject({
      status: "processed",
      outcome: { code: "confirmation-repeated", params: { messageId: grant.header.messageId } },
    });
    const after = await db().loadingPermission.findUniqueOrThrow({ where: { messageId: grant.header.messageId }, include: { charge: true, cardApp: true } });
    expect(after.status).toBe("confirmed");
    expect(after.cardApp?.status).toBe("loaded");
    expect(after.charge).toMatchObject({ kind: "normal_load", amountMinor: 200, currency: "JPY" });
    expect(await db().providerCharge.count({ where: { permissionId: after.id } })).toBe(1);
  });

  it("a receipt from another load does not confirm; a failed load marks the permission failed", async () => {
    const card = await currentCard(nameOf("Tsumugi Fujita")); // PF100, Metro Pass only
    const { reply } = await requestPf100("METRO01", card.cardId, AIDS.metroCycle, HASH.metroCycle);
    const grant = reply as MessageOf<"loading-permission-grant">;
    const other = await db().loadingPermission.findFirstOrThrow({ where: { status: "confirmed", provider: { companyId: "METRO01" } } });
    await sendAsProvider("METRO01", "load-confirmation", {
      platformType: 100,
      permissionMessageId: grant.header.messageId,
      applicationId: AIDS.metroCycle,
      outcome: { status: "loaded", receipt: Buffer.from(other.receipt!).toString("base64url") },
    });
    expect((await db().loadingPermission.findUniqueOrThrow({ where: { messageId: grant.header.messageId } })).status).toBe("granted");
    expect(await db().auditLog.findMany({ where: { action: "permission.receipt-refused" } })).toMatchObject([
      // Why, as the verifier's code (another card's key, or the same card's receipt for another message id); no English in the row.
      { reason: { code: "receipt-refused", params: { problem: expect.stringMatching(/^(signature|message-id)$/) } }, legacyReason: null, data: {} },
    ]);

    await sendAsProvider("METRO01", "load-confirmation", {
      platformType: 100,
      permissionMessageId: grant.header.messageId,
      applicationId: AIDS.metroCycle,
      outcome: { status: "failed", statusWord: "6985" },
    });
    const failed = await db().loadingPermission.findUniqueOrThrow({ where: { messageId: grant.header.messageId }, include: { charge: true } });
    expect(failed.status).toBe("failed");
    expect(failed.charge).toBeNull();
  });

  it("grants on a platform-200 card from its attribute data (method 2)", async () => {
    const card = await currentCard(nameOf("Hinata Ogawa")); // PF200, nothing loaded
    const { reply } = await ask<"loading-permission-request", "loading-permission-grant">("HOSHI01", "loading-permission-request", {
      platformType: 200,
      kind: "first-load",
      applicationId: AIDS.hoshiRewards,
      cardAttributeData: await attributeData(await walletImage(card.surfaceNumber)),
      loadFileHash: HASH.hoshiRewards,
    });
    expect(reply.header.type).toBe("loading-permission-grant");
    expect(JSON.stringify(reply)).not.toContain(card.cardId);
    expect((await db().loadingPermission.findUniqueOrThrow({ where: { messageId: reply.header.messageId } })).cardId).toBe(card.id);
  });

  describe("every refusal comes back with its reason and is kept on file", () => {
    async function expectRefusal(p: Promise<{ reply: unknown; requestId: string }>, reason: string, text?: RegExp) {
      const { reply, requestId } = await p;
      const r = reply as MessageOf<"loading-permission-refusal">;
      expect(r.header.type).toBe("loading-permission-refusal");
      expect(r.reason).toBe(reason);
      if (text) expect(r.text).toMatch(text);
      const row = await db().loadingPermission.findFirst({ where: { requestMessageId: requestId } });
      if (row) expect(row).toMatchObject({ status: "refused", refusalCode: reason, messageId: r.header.messageId, token: null });
      // The audit row keeps the refusal's code, not the sentence sent beside it.
      expect(
        await db().auditLog.count({ where: { action: "permission.refuse", reason: { equals: { code: "permission-refused", params: { refusal: reason } } } } }),
      ).toBeGreaterThan(0);
      return r;
    }

    it("no contract / suspended contract", async () => {
      const card = await currentCard(nameOf("Aoi Shimizu"));
      await db().serviceProvider.update({ where: { companyId: "METRO01" }, data: { contractStatus: "suspended" } });
      await expectRefusal(requestPf100("METRO01", card.cardId, AIDS.metroPass, HASH.metroPass), "contract-suspended", /suspended/);
      await db().serviceProvider.update({ where: { companyId: "METRO01" }, data: { contractStatus: "terminated" } });
      await expectRefusal(requestPf100("METRO01", card.cardId, AIDS.metroPass, HASH.metroPass), "no-contract", /ended/);
      await db().serviceProvider.update({ where: { companyId: "METRO01" }, data: { contractStatus: "active" } });
    });

    it("unregistered, foreign and unapproved applications, and a load file that is not the approved one", async () => {
      const card = await currentCard(nameOf("Ema Goto")); // PF100, Sakura Points
      await expectRefusal(requestPf100("METRO01", card.cardId, "F0524300019999", HASH.metroPass), "application-not-registered");
      // Another provider's application reads as unregistered: nothing about it is revealed.
      const foreign = await expectRefusal(requestPf100("METRO01", card.cardId, AIDS.hoshiCredit, HASH.hoshiCredit), "application-not-registered");
      expect(foreign.text).not.toMatch(/Hoshi/);
      await expectRefusal(requestPf100("SAKURA01", card.cardId, AIDS.sakuraPremium, HASH.sakuraPremium), "application-not-approved", /review/);
      await expectRefusal(requestPf100("METRO01", card.cardId, AIDS.metroPass, HASH.metroCycle), "application-not-approved", /not the approved load file/);
      await db().registeredApplication.update({ where: { aid: AIDS.metroCycle }, data: { status: "revoked" } });
      await expectRefusal(requestPf100("METRO01", card.cardId, AIDS.metroCycle, HASH.metroCycle), "application-not-approved", /revoked/);
      await db().registeredApplication.update({ where: { aid: AIDS.metroCycle }, data: { status: "approved" } });
    });

    it("unknown, blocked and terminated cards; altered attribute data; the wrong platform type", async () => {
      await expectRefusal(requestPf100("METRO01", "0123456789ABCDEF", AIDS.metroPass, HASH.metroPass), "card-not-found");
      const ren = await currentCard(nameOf("Ren Suzuki")); // PF200, blocked (stolen)
      const renData = await attributeData(await walletImage(ren.surfaceNumber));
      await expectRefusal(
        ask("HOSHI01", "loading-permission-request", {
          platformType: 200,
          kind: "first-load",
          applicationId: AIDS.hoshiRewards,
          cardAttributeData: renData,
          loadFileHash: HASH.hoshiRewards,
        }),
        "card-blocked",
      );
      const yukiOld = await cardOfGeneration(nameOf("Yuki Yamamoto"), 1); // PF100, replaced
      await expectRefusal(requestPf100("METRO01", yukiOld.cardId, AIDS.metroCycle, HASH.metroCycle), "card-terminated");
      const bytes = Buffer.from(renData, "base64url");
      bytes[80] = bytes[80]! ^ 0x01;
      await expectRefusal(
        ask("HOSHI01", "loading-permission-request", {
          platformType: 200,
          kind: "first-load",
          applicationId: AIDS.hoshiRewards,
          cardAttributeData: bytes.toString("base64url"),
          loadFileHash: HASH.hoshiRewards,
        }),
        "attribute-data-invalid",
      );
      // A platform-200 card named by its card id (which no provider can read) is not found.
      const kenji = await currentCard(nameOf("Kenji Watanabe"));
      await expectRefusal(requestPf100("HOSHI01", kenji.cardId, AIDS.hoshiRewards, HASH.hoshiRewards), "card-not-found");
    });
  });

  it("keeps what each request, confirmation and refusal came to as codes with parameters, never sentences", async () => {
    const scan = await uncodedExchangeRows(["RECARD01"]);
    expect(scan.problems).toEqual([]);
    const results = await db().inboxMessage.findMany({ where: { ownerCompanyId: "RECARD01" }, select: { result: true } });
    const codes = new Set(results.map((r) => (r.result as { outcome?: { code: string } }).outcome?.code));
    // The issuer's handlers of this file: grants, refusals (by reason code), confirmations, a failed load, a receipt refused.
    for (const code of ["permission-granted", "permission-refused", "load-confirmed", "confirmation-repeated", "load-failed", "receipt-refused"]) {
      expect(codes, code).toContain(code);
    }
    const refused = results.find((r) => (r.result as { outcome?: { code: string } }).outcome?.code === "permission-refused")!.result;
    expect(refused).toMatchObject({
      v: 2,
      status: "processed",
      outcome: { params: { reason: expect.any(String), messageId: expect.stringMatching(/^RECARD01-/) } },
    });
  });
});
