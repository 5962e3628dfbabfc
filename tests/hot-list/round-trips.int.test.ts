/**
 * Fewer round trips (issue 12): the issuer's answers carry the reload permission, so a reload exchanges
 * 0 issuer round trips after a pushed notification for a card active at once (a temporary card), 1 by
 * pull (the Fig. 19 request) and 1 by method 2 (the Fig. 10 inquiry). A card that waited for its
 * cardholder's activation (issue 14: every other new card) was notified before it could take a
 * permission, so its desk asks once. Counted from the provider's outbox: every request it sent to the issuer during
 * the reload (the load confirmation is a one-way report, not a round trip) and every answer it got.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MessageOf } from "@/lib/core/messages";
import { db } from "@/lib/server/db";
import { decodeStored } from "@/lib/server/exchange/inbox";
import { approveReissueRequest, fileReissueRequest } from "@/lib/server/data/issuer/reissue";
import { deliverNow } from "@/lib/server/exchange/delivery";
import { testDatabase } from "../helpers/db";
import { currentCard, freshDemoWorld, issuerActor, walletImage as walletImageOf } from "../issuer/helpers";
import { AIDS, DeskCard, desks, reissue, walletImage } from "../provider/helpers";
import { reloadAtDesk } from "./reload-at-desk";
import { nameOf } from "../helpers/people";

beforeAll(async () => {
  await freshDemoWorld();
  await db().serviceProvider.update({ where: { companyId: "SAKURA01" }, data: { reissueInfoDelivery: "pull" } });
}, 180_000);
afterAll(() => db().$disconnect());

async function operatorReporter() {
  const a = await issuerActor();
  return { kind: "operator" as const, userId: a.id, label: a.name };
}

/** A lost card replaced by a temporary card: active at once, so the pushed notification carries the permissions. */
async function reissueWithTemporaryCard(fullName: string) {
  const old = await currentCard(fullName);
  const filed = await fileReissueRequest(await operatorReporter(), { cardUuid: old.id, reason: "lost" });
  if (!filed.ok) throw new Error(filed.error.message);
  await deliverNow(filed.value.outboxIds);
  const approved = await approveReissueRequest(await issuerActor(), filed.value.requestId, { temporary: true });
  if (!approved.ok) throw new Error(approved.error.message);
  await deliverNow(approved.value.outboxIds);
  return { old, approval: approved.value };
}

/** Messages a provider sent to the issuer, and received from it, since `since` (by type). */
async function traffic(provider: string, since: Date) {
  const sent = await db().outboxMessage.findMany({ where: { ownerCompanyId: provider, createdAt: { gte: since } }, select: { type: true } });
  const received = await db().inboxMessage.findMany({ where: { ownerCompanyId: provider, receivedAt: { gte: since } }, select: { type: true } });
  const count = (rows: { type: string }[]) => rows.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.type]: (acc[r.type] ?? 0) + 1 }), {});
  const requests = sent.filter((r) => r.type !== "load-confirmation");
  return { sent: count(sent), received: count(received), roundTrips: requests.length };
}

describe(`issuer round trips of a reload on ${testDatabase().kind}`, () => {
  it("push: the notification for a temporary card (active at once) carries Metro's reload permission, bound to the new card; the desk asks nothing", async () => {
    const { approval } = await reissueWithTemporaryCard(nameOf("Hana Sato"));
    const notification = await db().outboxMessage.findFirstOrThrow({
      where: { ownerCompanyId: "RECARD01", receiverCompanyId: "METRO01", type: "reissuance-notification" },
      orderBy: { createdAt: "desc" },
    });
    const carried = (decodeStored(notification.jws) as MessageOf<"reissuance-notification">).reloadPermissions ?? [];
    expect(carried.map((p) => p.applicationId)).toEqual([AIDS.metroPass]);
    const issuerRow = await db().loadingPermission.findUniqueOrThrow({ where: { messageId: carried[0]!.messageId }, include: { card: true } });
    expect(issuerRow).toMatchObject({ status: "granted", kind: "reload", card: { cardId: approval.reissuedCardId } });

    const since = new Date();
    const { opened, confirmed, recorded } = await reloadAtDesk(await desks.metro(), new DeskCard(await walletImage(approval.surfaceNumber)), [AIDS.metroPass]);
    expect(opened.method).toBe(1);
    expect(confirmed?.applications[0]?.permission).toMatchObject({ status: "granted", grant: { messageId: carried[0]!.messageId } });
    expect(recorded.map((r) => r.ok)).toEqual([true]);
    const t = await traffic("METRO01", since);
    expect(t.roundTrips).toBe(0);
    expect(t.sent).toEqual({ "load-confirmation": 1 });
    expect(t.received).toEqual({});
    expect(await db().loadingPermission.findUniqueOrThrow({ where: { messageId: carried[0]!.messageId } })).toMatchObject({ status: "confirmed" });
  });

  it("push, a card that waited for its activation: the notification carries no permission; after the activation the desk asks once", async () => {
    const { approval } = await reissue(nameOf("Yuki Yamamoto"), "damaged"); // activated by the cardholder after the approval
    const notification = await db().outboxMessage.findFirstOrThrow({
      where: { ownerCompanyId: "RECARD01", receiverCompanyId: "METRO01", type: "reissuance-notification" },
      orderBy: { createdAt: "desc" },
    });
    const message = decodeStored(notification.jws) as MessageOf<"reissuance-notification">;
    expect(message.pairs.at(-1)?.reissuedCardId).toBe(approval.reissuedCardId);
    expect(message.reloadPermissions).toBeUndefined();
    const since = new Date();
    const { opened, recorded } = await reloadAtDesk(await desks.metro(), new DeskCard(await walletImage(approval.surfaceNumber)), [AIDS.metroPass]);
    expect(opened.method).toBe(1);
    expect(recorded.map((r) => r.ok)).toEqual([true]);
    const t = await traffic("METRO01", since);
    expect(t.roundTrips).toBe(1);
    expect(t.sent).toEqual({ "reload-permission-request": 1, "load-confirmation": 1 });
    expect(t.received).toEqual({ "reload-permission-grant": 1 });
  });

  it("pull: one request; its answer carries the pairs and Sakura's reload permission", async () => {
    const hana = await currentCard(nameOf("Hana Sato"));
    const since = new Date();
    const { recorded } = await reloadAtDesk(await desks.sakura(), new DeskCard(await walletImage(hana.surfaceNumber)), [AIDS.sakuraPoints]);
    expect(recorded.map((r) => r.ok)).toEqual([true]);
    const t = await traffic("SAKURA01", since);
    expect(t.roundTrips).toBe(1);
    expect(t.sent).toEqual({ "reissuance-information-request": 1, "load-confirmation": 1 });
    expect(t.received).toEqual({ "reissuance-information-reply": 1 });
  });

  it("method 2: one inquiry; the 'reissue OK' answer carries Hoshi's reload permission", async () => {
    const { approval } = await reissue(nameOf("Kenji Watanabe"), "stolen");
    const since = new Date();
    const { opened, recorded } = await reloadAtDesk(await desks.hoshi(), new DeskCard(await walletImage(approval.surfaceNumber)), [AIDS.hoshiCredit]);
    expect(opened.method).toBe(2);
    expect(recorded.map((r) => r.ok)).toEqual([true]);
    const t = await traffic("HOSHI01", since);
    expect(t.roundTrips).toBe(1);
    expect(t.sent).toEqual({ "card-information-inquiry": 1, "load-confirmation": 1 });
    expect(t.received).toEqual({ "card-information-reply": 1 });
  });

  it("a handed-over permission is used once: a second visit after the first gave it up asks the issuer again", async () => {
    const mei = await currentCard(nameOf("Mei Ito"));
    const { approval } = await reissue(nameOf("Mei Ito"), "damaged");
    expect(approval.reissuedCardId).not.toBe(mei.cardId);
    const metro = await desks.metro();
    const card = new DeskCard(await walletImage(approval.surfaceNumber));
    const { finishReloadCase, openReloadCase, confirmReloadCase } = await import("@/lib/server/data/provider/reload");
    const first = await openReloadCase(metro, { ...(await card.read()), applicationAids: [AIDS.metroPass] });
    await confirmReloadCase(metro, first.id);
    await finishReloadCase(metro, first.id);
    const since = new Date();
    const { recorded } = await reloadAtDesk(metro, card, [AIDS.metroPass]);
    expect(recorded.map((r) => r.ok)).toEqual([true]);
    const t = await traffic("METRO01", since);
    expect(t.sent).toEqual({ "reload-permission-request": 1, "load-confirmation": 1 });
    expect(t.received).toEqual({ "reload-permission-grant": 1 });
  });

  it("a reissued card reported lost before its reload: the provider holding a pushed permission is told, and its desk refuses the card", async () => {
    const { approval } = await reissueWithTemporaryCard(nameOf("Aoi Shimizu"));
    const notification = await db().outboxMessage.findFirstOrThrow({
      where: { ownerCompanyId: "RECARD01", receiverCompanyId: "METRO01", type: "reissuance-notification" },
      orderBy: { createdAt: "desc" },
    });
    expect((decodeStored(notification.jws) as MessageOf<"reissuance-notification">).reloadPermissions?.length).toBeGreaterThan(0);
    const filed = await fileReissueRequest(await operatorReporter(), { cardUuid: approval.reissuedCardUuid, reason: "lost" });
    if (!filed.ok) throw new Error(filed.error.message);
    expect(filed.value.hotList).toContain("METRO01");
    await deliverNow(filed.value.outboxIds);
    const since = new Date();
    const { opened } = await reloadAtDesk(await desks.metro(), new DeskCard(await walletImageOf(approval.surfaceNumber)), [AIDS.metroPass]);
    expect(opened).toMatchObject({ outcome: "refused", refusal: { code: "card-blocked", step: "hot list" } });
    expect((await traffic("METRO01", since)).sent).toEqual({});
  });
});
