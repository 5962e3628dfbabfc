/**
 * Any generation (issue 12): a card reissued twice before the cardholder reaches a desk keeps every
 * pending reload on the cardholder's page, and the desk reloads an application loaded two cards back
 * in one step, whether it learnt the chain by push (Metro), by pull (Sakura) or by method 2 (Hoshi).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MessageOf } from "@/lib/core/messages";
import type { CardholderActor } from "@/lib/server/auth/session";
import { db } from "@/lib/server/db";
import { listMyCards } from "@/lib/server/data/cardholder/cards";
import { decodeStored } from "@/lib/server/exchange/inbox";
import { testDatabase } from "../helpers/db";
import { cardOfGeneration, currentCard, freshDemoWorld } from "../issuer/helpers";
import { AIDS, DeskCard, desks, reissue, walletImage } from "../provider/helpers";
import { reloadAtDesk } from "./reload-at-desk";
import { nameOf } from "../helpers/people";

beforeAll(async () => {
  await freshDemoWorld();
  // Sakura learns reissues only by asking (Fig. 19): its reload below goes by pull.
  await db().serviceProvider.update({ where: { companyId: "SAKURA01" }, data: { reissueInfoDelivery: "pull" } });
  // Kenji's card is reissued three times below: the policy's yearly cap is not what this file tests.
  await db().issuerPolicy.update({ where: { id: 1 }, data: { maxReissuesPerYear: 10 } });
}, 180_000);
afterAll(() => db().$disconnect());

async function cardholderActor(email: string): Promise<CardholderActor> {
  const u = await db().user.findUniqueOrThrow({ where: { email } });
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: "cardholder",
    tenantId: u.cardholderId!,
    cardholderId: u.cardholderId!,
    companyName: "ReCard Card Co.",
  };
}

/** What the issuer sent a provider of one type, decoded, oldest first. */
async function sentTo<T extends "reissuance-notification" | "reissuance-information-reply" | "card-information-reply">(provider: string, type: T) {
  const rows = await db().outboxMessage.findMany({ where: { ownerCompanyId: "RECARD01", receiverCompanyId: provider, type }, orderBy: { createdAt: "asc" } });
  return rows.map((r) => decodeStored(r.jws) as MessageOf<T>);
}

describe(`reload from any generation on ${testDatabase().kind}`, () => {
  it("after two reissues the current card still lists the first card's applications to reload", async () => {
    const first = await currentCard(nameOf("Hana Sato"));
    await reissue(nameOf("Hana Sato"), "damaged");
    const second = await currentCard(nameOf("Hana Sato"));
    await reissue(nameOf("Hana Sato"), "lost");
    const third = await currentCard(nameOf("Hana Sato"));
    expect(third.generation).toBe(first.generation + 2);
    const mine = await listMyCards(await cardholderActor("hana@recard.test"));
    const card = mine.current.find((c) => c.id === third.id)!;
    expect(card.reloadGuide?.oldCardLast4).toBe(second.surfaceNumber.slice(-4));
    expect(card.reloadGuide?.applications.map((a) => [a.name, a.fromCardLast4, a.reloaded]).sort()).toEqual([
      ["Metro Pass", first.surfaceNumber.slice(-4), false],
      ["Sakura Points", first.surfaceNumber.slice(-4), false],
    ]);
  });

  it("push: Metro was told the whole chain at the second reissue and reloads Metro Pass from the first card in one step", async () => {
    const [first, second, third] = [
      await cardOfGeneration(nameOf("Hana Sato"), 1),
      await cardOfGeneration(nameOf("Hana Sato"), 2),
      await currentCard(nameOf("Hana Sato")),
    ];
    const notices = await sentTo("METRO01", "reissuance-notification");
    expect(notices.at(-1)?.pairs.map((p) => [p.oldCardId, p.reissuedCardId])).toEqual([
      [first.cardId, second.cardId],
      [second.cardId, third.cardId],
    ]);
    const oldLoad = await db().spLoadRecord.findFirstOrThrow({ where: { providerCompanyId: "METRO01", cardId: first.cardId, applicationAid: AIDS.metroPass } });

    const { opened, recorded } = await reloadAtDesk(await desks.metro(), new DeskCard(await walletImage(third.surfaceNumber)), [AIDS.metroPass]);
    expect(opened.method).toBe(1);
    expect(opened.steps.find((s) => s.step === "704")).toMatchObject({ code: "reissue-notice-found", params: { oldCardId: second.cardId } });
    expect(opened.steps.find((s) => s.step === "706")).toMatchObject({
      code: "old-card-records",
      params: { oldCardId: second.cardId, earlierCardIds: [first.cardId] },
    });
    expect(opened.applications[0]).toMatchObject({ state: "reloadable", old: { messageId: oldLoad.messageId, cardId: first.cardId } });
    expect(recorded).toEqual([
      expect.objectContaining({ ok: true, value: expect.objectContaining({ charge: expect.objectContaining({ kind: "reissue_reload" }) }) }),
    ]);
    const reload = await db().spLoadRecord.findFirstOrThrow({ where: { providerCompanyId: "METRO01", previousLoadId: oldLoad.id } });
    expect(reload).toMatchObject({ kind: "reload", status: "loaded", cardId: third.cardId });
    // The issuer checked the original against every earlier card of the chain and confirmed the receipt.
    expect(await db().loadingPermission.findUniqueOrThrow({ where: { messageId: reload.messageId } })).toMatchObject({
      status: "confirmed",
      kind: "reload",
      originalMessageId: oldLoad.messageId,
      cardId: third.id,
    });
  });

  it("pull: Sakura, told nothing, asks once and gets both pairs, then reloads Sakura Points from the first card", async () => {
    const [first, second, third] = [
      await cardOfGeneration(nameOf("Hana Sato"), 1),
      await cardOfGeneration(nameOf("Hana Sato"), 2),
      await currentCard(nameOf("Hana Sato")),
    ];
    expect(await db().spReissueNotice.count({ where: { providerCompanyId: "SAKURA01" } })).toBe(0);
    const { opened, recorded } = await reloadAtDesk(await desks.sakura(), new DeskCard(await walletImage(third.surfaceNumber)), [AIDS.sakuraPoints]);
    expect(opened.steps.map((s) => s.step)).toEqual(expect.arrayContaining(["704 → 408", "409", "706", "708"]));
    const replies = await sentTo("SAKURA01", "reissuance-information-reply");
    expect(replies).toHaveLength(1);
    expect(replies[0]?.result).toMatchObject({
      status: "found",
      pairs: [
        expect.objectContaining({ oldCardId: first.cardId, reissuedCardId: second.cardId }),
        expect.objectContaining({ oldCardId: second.cardId, reissuedCardId: third.cardId }),
      ],
    });
    expect(recorded.map((r) => r.ok)).toEqual([true]);
    expect(await db().spLoadRecord.count({ where: { providerCompanyId: "SAKURA01", cardId: third.cardId, kind: "reload", status: "loaded" } })).toBe(1);

    // Both pending reloads are done: the cardholder's page says so.
    const mine = await listMyCards(await cardholderActor("hana@recard.test"));
    expect(
      mine.current
        .find((c) => c.id === third.id)
        ?.reloadGuide?.applications.map((a) => [a.name, a.reloaded])
        .sort(),
    ).toEqual([
      ["Metro Pass", true],
      ["Sakura Points", true],
    ]);
  });

  it("method 2: Hoshi asks about Kenji's twice-reissued platform-200 card and reloads Hoshi Credit under the first card's message id", async () => {
    const first = await currentCard(nameOf("Kenji Watanabe"));
    await reissue(nameOf("Kenji Watanabe"), "damaged");
    await reissue(nameOf("Kenji Watanabe"), "stolen");
    const third = await currentCard(nameOf("Kenji Watanabe"));
    expect(third.generation).toBe(first.generation + 2);
    const oldLoad = await db().spLoadRecord.findFirstOrThrow({
      where: { providerCompanyId: "HOSHI01", applicationAid: AIDS.hoshiCredit, customer: { fullName: nameOf("Kenji Watanabe") } },
    });

    const { opened, recorded } = await reloadAtDesk(await desks.hoshi(), new DeskCard(await walletImage(third.surfaceNumber)), [AIDS.hoshiCredit]);
    expect(opened.method).toBe(2);
    const replies = await sentTo("HOSHI01", "card-information-reply");
    expect(replies.at(-1)?.result).toMatchObject({
      reissue: "OK",
      originalMessageId: oldLoad.messageId,
      reloadPermission: { originalMessageId: oldLoad.messageId },
    });
    expect(opened.applications[0]).toMatchObject({ state: "reloadable", old: { messageId: oldLoad.messageId } });
    expect(recorded.map((r) => r.ok)).toEqual([true]);
    const issuerSide = await db().loadingPermission.findFirstOrThrow({ where: { originalMessageId: oldLoad.messageId, kind: "reload", status: "confirmed" } });
    expect(issuerSide.cardId).toBe(third.id);

    // A third reissue: the answer now names the reload on the third card, not the first card's load again.
    await reissue(nameOf("Kenji Watanabe"), "damaged");
    const fourth = await currentCard(nameOf("Kenji Watanabe"));
    const again = await reloadAtDesk(await desks.hoshi(), new DeskCard(await walletImage(fourth.surfaceNumber)), [AIDS.hoshiCredit]);
    expect((await sentTo("HOSHI01", "card-information-reply")).at(-1)?.result).toMatchObject({ reissue: "OK", originalMessageId: issuerSide.messageId });
    expect(again.recorded.map((r) => r.ok)).toEqual([true]);
  });
});
