import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, recordStatements } from "@/lib/server/db";
import { approveReissueRequest, fileReissueRequest } from "@/lib/server/data/issuer/reissue";
import { deliverBatch, deliverOne } from "@/lib/server/exchange/delivery";
import { enqueueMessage } from "@/lib/server/exchange/outbox";
import { toHex } from "@/lib/core/bytes";
import { approveEligibleReissueRequests } from "@/lib/server/data/issuer/reissue-bulk";
import { createExpiringCards } from "@/prisma/seed/expiring-cards";
import { startExchangeQueue, stopExchangeQueue } from "@/lib/server/exchange/queue";
import { TEST_TRANSACTION_TIMEOUT_MS, testDatabase } from "../helpers/db";
import { env } from "@/lib/server/env";
import { counted } from "../helpers/statements";
import { currentCard, freshDemoWorld, issuerActor } from "../issuer/helpers";
import type { ProviderActor } from "@/lib/server/auth/session";
import { confirmReloadCase, openReloadCase, recordReloadLoad } from "@/lib/server/data/provider/reload";
import { AIDS, DeskCard, desks, grantsOf, reissue, walletImage } from "../provider/helpers";
import { nameOf } from "../helpers/people";

/**
 * Round trips to the database per flow (issue 16), counted at the connection (lib/server/db.ts
 * statementsSent: every statement, BEGIN and COMMIT included). The ceilings are today's counts with a
 * small margin, so a regression to per-row queries fails here. A reload's count includes the issuer's
 * side, which runs in the same request when both parties are hosted here (the load confirmation; in
 * method 2 the Fig. 15 inquiry): docs/performance.md splits them.
 */
beforeAll(freshDemoWorld, 180_000);
afterAll(() => db().$disconnect());

const measured: Record<string, number> = {};
afterAll(() => console.log(`[statements] ${JSON.stringify(measured)}`));

describe(`statements per flow on ${testDatabase().kind}`, () => {
  it("runs with the tests' transaction timeout, not the app's 5 s (the batch test's setup outlasted it under load)", () => {
    expect(env().DB_TRANSACTION_TIMEOUT_MS).toBe(TEST_TRANSACTION_TIMEOUT_MS);
  });

  it("a reissue approval (two providers with applications on the card), and the delivery of one notification", async () => {
    const actor = await issuerActor();
    const old = await currentCard(nameOf("Hana Sato"));
    const filed = await fileReissueRequest({ kind: "operator", userId: actor.id, label: actor.name }, { cardUuid: old.id, reason: "lost" });
    if (!filed.ok) throw new Error(filed.error.message);
    // The heaviest approval: a temporary card, active at once, so the old card is terminated now and each
    // pushed notification carries its reload permissions (a card waiting for activation carries none).
    const approval = await counted(() => approveReissueRequest(actor, filed.value.requestId, { temporary: true }));
    if (!approval.value.ok) throw new Error(approval.value.error.message);
    measured.reissueApproval = approval.statements;
    expect(approval.value.value.outboxIds.length).toBeGreaterThanOrEqual(2);
    const delivery = await counted(() => deliverOne(approval.value.ok ? approval.value.value.outboxIds[0]! : ""));
    expect(delivery.value).toBe("delivered");
    measured.notificationDelivery = delivery.statements;
    for (const id of approval.value.value.outboxIds.slice(1)) await deliverOne(id);
    expect(approval.statements).toBeLessThanOrEqual(CEILING.reissueApproval);
    expect(delivery.statements).toBeLessThanOrEqual(CEILING.notificationDelivery);
  });

  it("a batch delivery of 90 notifications to three providers (what the delivery workers run)", async () => {
    const providers = ["METRO01", "HOSHI01", "SAKURA01"];
    const id = () => toHex(crypto.getRandomValues(new Uint8Array(8)));
    const outboxIds = await db().$transaction(async (tx) => {
      const ids: string[] = [];
      for (let i = 0; i < 90; i++) {
        const sent = await enqueueMessage(
          tx,
          "reissuance-notification",
          { issuerCompanyId: "RECARD01", providerCompanyId: providers[i % 3]! },
          { platformType: 100, pairs: [{ oldCardId: id(), reissuedCardId: id(), reissuedAt: new Date().toISOString() }] },
        );
        ids.push(sent.outboxId);
      }
      return ids;
    });
    const batch = await counted(() => traced("batch delivery", () => deliverBatch(outboxIds)));
    expect(batch.value.map((d) => d.result)).toEqual(outboxIds.map(() => "delivered"));
    measured.batchDelivery = batch.statements;
    // One read and one update of the outbox; per receiver its trust store, BEGIN, the claims, one insert
    // of every pair (the notifications' batch handler), the inbox results, COMMIT. Per row would be 90 more.
    expect(batch.statements).toBeLessThanOrEqual(CEILING.batchDelivery);
  });

  it("a method-1 reload at the desk after a pushed notification (open, confirm, load, record)", async () => {
    const hana = await currentCard(nameOf("Hana Sato"));
    const card = new DeskCard(await walletImage(hana.surfaceNumber));
    const metro = await desks.metro();
    const reload = await counted(() => traced("method-1 reload", () => reloadInPhases(metro, card, AIDS.metroPass)));
    expect(reload.value.recorded).toBe(true);
    Object.assign(measured, {
      method1Reload: reload.statements,
      method1Open: reload.value.open,
      method1Confirm: reload.value.confirm,
      method1Record: reload.value.record,
    });
    expect(reload.value.open).toBeLessThanOrEqual(CEILING.method1Open);
    expect(reload.value.confirm).toBeLessThanOrEqual(CEILING.method1Confirm);
    expect(reload.value.record).toBeLessThanOrEqual(CEILING.method1Record);
    expect(reload.statements).toBeLessThanOrEqual(CEILING.method1Reload);
  });

  it("a method-2 reload at the desk (open with the Fig. 15 inquiry, confirm, load, record)", async () => {
    await reissue(nameOf("Kenji Watanabe"));
    const kenji = await currentCard(nameOf("Kenji Watanabe"));
    const card = new DeskCard(await walletImage(kenji.surfaceNumber));
    const hoshi = await desks.hoshi();
    const reload = await counted(() => traced("method-2 reload", () => reloadInPhases(hoshi, card, AIDS.hoshiCredit)));
    expect(reload.value.recorded).toBe(true);
    Object.assign(measured, {
      method2Reload: reload.statements,
      method2Open: reload.value.open,
      method2Confirm: reload.value.confirm,
      method2Record: reload.value.record,
    });
    expect(reload.value.open).toBeLessThanOrEqual(CEILING.method2Open);
    expect(reload.value.confirm).toBeLessThanOrEqual(CEILING.method2Confirm);
    expect(reload.value.record).toBeLessThanOrEqual(CEILING.method2Record);
    expect(reload.statements).toBeLessThanOrEqual(CEILING.method2Reload);
  });

  it("a method-1 reload on the bench's path: the new card activated before the visit, so confirm asks the issuer for the permission", async () => {
    // bench/reload-target.ts reloads cards their holders activated: the pushed notification carries no
    // permission (docs/limitations.md), so confirm sends a reload-permission request and the issuer decides.
    // The application to reload, as the bench picks it: the first one loaded on the card before its reissue.
    const loaded = await db().cardApplication.findFirstOrThrow({
      where: { cardId: (await currentCard(nameOf("Yuki Yamamoto"))).id, status: "loaded" },
      orderBy: { loadedAt: "asc" },
      include: { application: { select: { aid: true } } },
    });
    const aid = loaded.application.aid;
    await reissue(nameOf("Yuki Yamamoto"));
    const yuki = await currentCard(nameOf("Yuki Yamamoto"));
    const desk = await ({ "0001": desks.metro, "0002": desks.hoshi, "0003": desks.sakura } as const)[aid.slice(6, 10) as "0001" | "0002" | "0003"]();
    const card = new DeskCard(await walletImage(yuki.surfaceNumber));
    const reload = await counted(() => traced("method-1 reload, permission asked", () => reloadInPhases(desk, card, aid)));
    expect(reload.value.recorded).toBe(true);
    Object.assign(measured, {
      method1AskedReload: reload.statements,
      method1AskedOpen: reload.value.open,
      method1AskedConfirm: reload.value.confirm,
      method1AskedRecord: reload.value.record,
    });
    expect(reload.statements).toBeLessThanOrEqual(CEILING.method1AskedReload);
  });

  it("Fig. 15 inquiries: one answered (the answer delivered back and stored), then 30 from two providers in one batch", async () => {
    // Kenji's card was reissued by the method-2 test above; Sota's (Metro Pass) is reissued here.
    await reissue(nameOf("Sota Hayashi"));
    const asks = [
      { provider: "HOSHI01", aid: AIDS.hoshiCredit, attribute: await attributeDataOf(nameOf("Kenji Watanabe")) },
      { provider: "METRO01", aid: AIDS.metroPass, attribute: await attributeDataOf(nameOf("Sota Hayashi")) },
    ];
    const write = (n: number) =>
      db().$transaction(async (tx) => {
        const sent: { outboxId: string; messageId: string }[] = [];
        for (let i = 0; i < n; i++) {
          const ask = asks[i % asks.length]!;
          const e = await enqueueMessage(
            tx,
            "card-information-inquiry",
            { issuerCompanyId: "RECARD01", providerCompanyId: ask.provider },
            { platformType: 200, cardAttributeData: ask.attribute, applicationId: ask.aid },
          );
          await tx.spCardInquiry.create({
            data: { providerCompanyId: ask.provider, platformType: 200, applicationAid: ask.aid, requestMessageId: e.messageId },
          });
          sent.push(e);
        }
        return sent;
      });
    const answered = async (sent: { messageId: string }[]) =>
      db().spCardInquiry.count({ where: { requestMessageId: { in: sent.map((s) => s.messageId) }, reissueOk: true, replyMessageId: { not: null } } });
    const [one] = await write(1);
    const single = await counted(() => traced("one inquiry", () => deliverOne(one!.outboxId)));
    expect(single.value).toBe("delivered");
    expect(await answered([one!])).toBe(1);
    const many = await write(30);
    const batch = await counted(() => traced("30 inquiries", () => deliverBatch(many.map((m) => m.outboxId))));
    expect(batch.value.map((d) => d.result)).toEqual(many.map(() => "delivered"));
    expect(await answered(many)).toBe(30);
    measured.inquiryDelivery = single.statements;
    measured.inquiryBatch30 = batch.statements;
    expect(single.statements).toBeLessThanOrEqual(CEILING.inquiryDelivery);
    expect(batch.statements).toBeLessThanOrEqual(CEILING.inquiryBatch30);
  });

  it("reissue in bulk: statements per reissue fall with the batch and do not grow with it (no per-row loop)", async () => {
    const actor = await issuerActor();
    // The queue without workers: a worker delivering the batches meanwhile would add its statements to the count.
    await startExchangeQueue({ work: false });
    await createExpiringCards(db(), "2037-02", 60, "SB");
    const ids = (
      await db().$queryRawUnsafe<{ id: string; created_at: Date }[]>(`
        INSERT INTO iss_reissue_requests (id, old_card_id, cardholder_id, reason, status, created_at)
        SELECT gen_random_uuid(), c.id, c.cardholder_id, 'damaged', 'pending', now() + (row_number() OVER (ORDER BY c.id)) * interval '1 ms'
          FROM iss_cards c JOIN iss_cardholders h ON h.id = c.cardholder_id WHERE h.holder_no LIKE 'SB-%'
        RETURNING id, created_at`)
    )
      .sort((a, b) => a.created_at.getTime() - b.created_at.getTime())
      .map((r) => r.id);
    const small = await counted(() => approveEligibleReissueRequests(actor, { requestIds: ids.slice(0, 10) }));
    const large = await counted(() => approveEligibleReissueRequests(actor, { requestIds: ids.slice(10) }));
    expect(small.value.approved).toBe(10);
    expect(large.value.approved).toBe(50);
    // Both providers told in one message each per batch, whatever its size.
    expect(large.value.notified.map((n) => n.messages)).toEqual([1, 1]);
    measured.bulkApproval10 = small.statements;
    measured.bulkApproval50 = large.statements;
    measured.bulkPerReissue50 = Math.round((large.statements / 50) * 100) / 100;
    expect(large.statements / 50).toBeLessThanOrEqual(CEILING.bulkPerReissue);
    expect(large.statements - small.statements).toBeLessThanOrEqual(CEILING.bulkGrowth);
    await stopExchangeQueue();
  });
});

/** The card attribute data (DF70) a desk reads from the cardholder's current card. */
async function attributeDataOf(name: string): Promise<string> {
  const card = new DeskCard(await walletImage((await currentCard(name)).surfaceNumber));
  return (await card.read()).cardAttributeData!;
}

/** The desk's reload as its page runs it, counting each server call's statements (the card's own work sends none). */
async function reloadInPhases(actor: ProviderActor, card: DeskCard, aid: string) {
  const input = { ...(await card.read()), applicationAids: [aid] };
  const opened = await counted(() => openReloadCase(actor, input));
  const confirmed = await counted(() => confirmReloadCase(actor, opened.value.id));
  const [grant] = grantsOf(confirmed.value.applications);
  if (!grant) throw new Error(`no grant: ${JSON.stringify(confirmed.value.applications.map((a) => [a.state, a.refusal?.code]))}`);
  const outcome = await card.load(grant);
  const recorded = await counted(() => recordReloadLoad(actor, opened.value.id, grant.permissionId, outcome));
  return {
    recorded: recorded.value.recorded.ok && recorded.value.view.outcome === "reloaded",
    open: opened.statements,
    confirm: confirmed.statements,
    record: recorded.statements,
  };
}

/** TRACE_STATEMENTS=1 prints each statement a flow sent (to find what to gather). */
async function traced<T>(label: string, flow: () => Promise<T>): Promise<T> {
  if (!process.env.TRACE_STATEMENTS) return flow();
  const { value, texts } = await recordStatements(flow);
  console.log(`[trace] ${label}: ${texts.length}\n${texts.map((t, i) => `${i + 1}. ${t.replace(/\s+/g, " ").slice(0, 260)}`).join("\n")}`);
  return value;
}

/**
 * Today's counts (after issue 16's reload work) plus a margin of one or two for a process's first use of
 * its caches (a provider's issuer, a company's hosted role, a receiver's trust store, the issuer's key
 * history). A reload's record includes the issuer taking the load confirmation in the same request (the
 * inbox claim with the trust store's check, its two statements, the last carrying the inbox result,
 * BEGIN/COMMIT, the outbox marked: 6 of them once the caches are warm).
 */
const CEILING = {
  // A reissue approval: 53 (59 before its reissue chain was one recursive statement).
  reissueApproval: 56,
  // Reissue in bulk, 50 requests in one batch (about 25 statements whatever the size: a per-row loop would be 30+ per reissue).
  bulkPerReissue: 0.7,
  // 50 requests against 10: the same statements (a retried surface-number draw may add two).
  bulkGrowth: 3,
  notificationDelivery: 11,
  /** 90 notifications, 30 to each of three providers: 20 today (0.22 a message; one at a time costs 8 each). */
  batchDelivery: 22,
  // Method 1 after a push: open 2, confirm 7 and record 13 (three of them first reads of per-process caches: the
  // provider's issuer, the issuer's hosted role and its trust store; 20 in all once warm). Were 2, 9, 17: 28.
  method1Open: 3,
  method1Confirm: 8,
  method1Record: 14,
  method1Reload: 24,
  // Method 2: open 25 (the issuer's Fig. 15 answer and its delivery back: 14 of them), confirm 6, record 11 (two first reads of
  // per-process caches: the provider's issuer, the issuer's key history; 40 once warm). Were 37, 8, 16: 61.
  method2Open: 27,
  method2Confirm: 7,
  method2Record: 12,
  method2Reload: 44,
  // Method 1 with the permission asked at confirm (the bench's path): 41, confirm 28 of them (the issuer's
  // decision on the reload-permission request reads every fact with the reply's sequence number in one
  // statement, then writes in one: 5 with its BEGIN, inbox claim and COMMIT). Was 53, confirm 40.
  method1AskedReload: 43,
  /**
   * One Fig. 15 inquiry delivered: verify, inbox, the issuer's answer (3: one read of every fact, the
   * sequence numbers, one write of the grant, the signed answer, the audit rows and the inbox result), and
   * the answer delivered back and stored at the desk: 14 (38 before issue 16's reload work, 20 before h16s).
   */
  inquiryDelivery: 15,
  /** 30 inquiries from two providers in one batch, answered and their answers stored: 19 (one at a time: 14 each). */
  inquiryBatch30: 21,
};
