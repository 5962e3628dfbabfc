/**
 * Reissue in bulk (issue 16): "approve all eligible" approves many pending requests with set-based
 * statements and the single approval's rules, and tells each provider in one batched, signed
 * notification; the provider stores each pair on its own (known pairs change nothing, a bad pair is
 * refused alone). Crashes between any two steps lose nothing and do nothing twice.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MessageOf } from "@/lib/core/messages";
import { db } from "@/lib/server/db";
import { approveEligibleReissueRequests, setBulkApprovalHook } from "@/lib/server/data/issuer/reissue-bulk";
import { listCompanyMessages } from "@/lib/server/data/messages";
import { parseMessageListParams } from "@/lib/validation/message-lists";
import { deliverOne, setAfterTransmitHook } from "@/lib/server/exchange/delivery";
import { decodeStored } from "@/lib/server/exchange/inbox";
import { enqueueMessage } from "@/lib/server/exchange/outbox";
import { startExchangeQueue, stopExchangeQueue } from "@/lib/server/exchange/queue";
import { testDatabase } from "../helpers/db";
import { createExpiringCards } from "@/prisma/seed/expiring-cards";
import { freshDemoWorld, issuerActor } from "./helpers";

beforeAll(async () => {
  await freshDemoWorld();
  // The queue without its workers: approvals hand their messages to it as in production, and the tests
  // deliver them themselves (a worker delivering at the same moment would race the test's own sweep).
  await startExchangeQueue({ work: false });
}, 300_000);
afterAll(async () => {
  setBulkApprovalHook(null);
  setAfterTransmitHook(null);
  await stopExchangeQueue();
  await db().$disconnect();
});

/** `n` cardholders with a card each (half platform 100; Metro Pass on all, Sakura Points on every third) and a pending "damaged" request each. */
async function pendingRequests(prefix: string, n: number): Promise<string[]> {
  await createExpiringCards(db(), "2036-01", n, prefix);
  return (
    await db().$queryRawUnsafe<{ id: string }[]>(`
      INSERT INTO iss_reissue_requests (id, old_card_id, cardholder_id, reason, status, created_at)
      SELECT gen_random_uuid(), c.id, c.cardholder_id, 'damaged', 'pending', now()
        FROM iss_cards c JOIN iss_cardholders h ON h.id = c.cardholder_id WHERE h.holder_no LIKE '${prefix}-%'
      RETURNING id`)
  ).map((r) => r.id);
}

/** Every pending outbox message, delivered as the queue would (a sweep after a crash). */
async function sweep(): Promise<string[]> {
  const rows = await db().outboxMessage.findMany({
    where: { status: "pending", type: "reissuance-notification-batch" },
    orderBy: { createdAt: "asc" },
    select: { id: true },
  });
  for (const row of rows) expect(await deliverOne(row.id)).toBe("delivered");
  return rows.map((r) => r.id);
}

const batches = () => db().outboxMessage.findMany({ where: { type: "reissuance-notification-batch" }, orderBy: { createdAt: "asc" } });

describe(`reissue in bulk on ${testDatabase().kind}`, () => {
  it("approves every eligible request once, leaves the refused pending with their code, and tells each provider in one batched message", async () => {
    const actor = await issuerActor();
    const ids = await pendingRequests("BA", 30);
    // One cardholder carries a fraud flag (the demo policy refuses then); another has a second card with
    // a pending request under a policy of one reissue a year: the first is approved, the second refused,
    // as one approval after another would decide.
    const [flagged, limited] = await db().reissueRequest.findMany({ where: { id: { in: ids } }, orderBy: { requestNo: "asc" }, take: 2 });
    await db().cardholder.update({ where: { id: flagged!.cardholderId }, data: { fraudFlag: true } });
    const policy = await db().issuerPolicy.findUniqueOrThrow({ where: { id: 1 } });
    await db().issuerPolicy.update({ where: { id: 1 }, data: { maxReissuesPerYear: 1 } });
    const second = await db().card.create({
      data: {
        cardId: "BA00000000000002",
        surfaceNumber: "9000000000000002",
        platformType: 100,
        cardholderId: limited!.cardholderId,
        issuedAt: new Date(),
        expiresAt: new Date(Date.now() + 86_400_000 * 365),
        cardPublicKeyJwk: {},
      },
    });
    const secondRequest = await db().reissueRequest.create({
      data: { oldCardId: second.id, cardholderId: limited!.cardholderId, reason: "damaged", status: "pending", createdAt: new Date(Date.now() + 1000) },
    });
    ids.push(secondRequest.id);

    const result = await approveEligibleReissueRequests(actor, { requestIds: ids, batchSize: 500 });
    expect(result.approved).toBe(29);
    expect(result.refused).toEqual([{ code: "examination-failed", requests: 2 }]);
    expect(await db().reissueRequest.count({ where: { id: { in: [flagged!.id, secondRequest.id] }, status: "pending" } })).toBe(2);
    expect(await db().reissueRequest.count({ where: { id: limited!.id, status: "approved" } })).toBe(1);

    const approved = await db().reissueRequest.findMany({
      where: { id: { in: ids }, status: "approved" },
      select: {
        id: true,
        oldCardId: true,
        reissuedCardId: true,
        examination: true,
        reissuedCard: { select: { status: true, generation: true, previousCardId: true } },
      },
    });
    expect(approved).toHaveLength(29);
    for (const r of approved) {
      expect(r.reissuedCard).toMatchObject({ status: "issued", generation: 2, previousCardId: r.oldCardId });
      expect((r.examination as { passed: boolean }).passed).toBe(true);
    }
    expect(await db().reissueLink.count({ where: { requestId: { in: ids } } })).toBe(29);
    expect(await db().auditLog.count({ where: { action: "reissue.approve", subjectId: { in: ids } } })).toBe(29);
    expect(await db().cardholderNotice.count({ where: { idempotencyKey: { in: ids.map((id) => `reissue-approved:${id}`) } } })).toBe(29);
    expect(
      await db().walletCard.count({
        where: {
          surfaceNumber: {
            in: (await db().card.findMany({ where: { previousCardId: { in: approved.map((r) => r.oldCardId) } } })).map((c) => c.surfaceNumber),
          },
        },
      }),
    ).toBe(29);
    // The old cards (damaged, still usable) stay active until the new ones are activated.
    expect(await db().card.count({ where: { id: { in: approved.map((r) => r.oldCardId) }, status: "active" } })).toBe(29);

    // One message per provider for the whole batch, with exactly the pairs of its platform-100 cards.
    const sent = await batches();
    expect(sent.map((m) => m.receiverCompanyId).sort()).toEqual(["METRO01", "SAKURA01"]);
    const pf100 = await db().card.findMany({
      where: { id: { in: approved.map((r) => r.oldCardId) }, platformType: 100 },
      select: { cardId: true, applications: { select: { application: { select: { provider: { select: { companyId: true } } } } } } },
    });
    const expected = pf100.flatMap((c) => c.applications.map((a) => `${a.application.provider.companyId}|${c.cardId}`)).sort();
    const told = sent.flatMap((row) =>
      (decodeStored(row.jws) as MessageOf<"reissuance-notification-batch">).pairs.map((p) => `${row.receiverCompanyId}|${p.oldCardId}`),
    );
    expect(told.sort()).toEqual(expected);
    expect(result.notified.reduce((n, p) => n + p.pairs, 0)).toBe(expected.length);

    await sweep();
    const held = (await db().spReissueNotice.findMany({ where: { oldCardId: { in: pf100.map((c) => c.cardId) } } })).map(
      (n) => `${n.providerCompanyId}|${n.oldCardId}`,
    );
    expect(held.sort()).toEqual(expected);
    // Platform 200 tells nobody (step 905).
    expect(told.length).toBeLessThan(approved.length * 2);

    // Approving again changes nothing: the rest are not eligible.
    const again = await approveEligibleReissueRequests(actor, { requestIds: ids });
    expect(again.approved).toBe(0);
    expect(again.refused).toEqual([
      { code: "already-decided", requests: 29 },
      { code: "examination-failed", requests: 2 },
    ]);
    expect(await batches()).toHaveLength(2);
    await db().issuerPolicy.update({ where: { id: 1 }, data: { maxReissuesPerYear: policy.maxReissuesPerYear } });
  }, 300_000);

  it("a crash inside a batch rolls it back whole; a crash after commit leaves the notifications in the outbox for the sweep; nothing is done twice", async () => {
    const actor = await issuerActor();
    const ids = await pendingRequests("BC", 12);
    const before = (await batches()).length;
    const cardsBefore = await db().card.count();

    // (1) Crash inside the transaction, once everything is written: nothing of the batch remains.
    setBulkApprovalHook((step) => {
      if (step === "written") throw new Error("crash inside the batch");
    });
    await expect(approveEligibleReissueRequests(actor, { requestIds: ids, batchSize: 5 })).rejects.toThrow("crash inside the batch");
    expect(await db().reissueRequest.count({ where: { id: { in: ids }, status: "pending" } })).toBe(12);
    expect(await db().card.count()).toBe(cardsBefore);
    expect(await batches()).toHaveLength(before);

    // (2) Crash after the first batch committed, before its delivery: the first batch is approved with
    // its notifications waiting in the outbox, the others untouched.
    setBulkApprovalHook((step) => {
      if (step === "committed") throw new Error("crash after commit");
    });
    await expect(approveEligibleReissueRequests(actor, { requestIds: ids, batchSize: 5 })).rejects.toThrow("crash after commit");
    setBulkApprovalHook(null);
    expect(await db().reissueRequest.count({ where: { id: { in: ids }, status: "approved" } })).toBe(5);
    const waiting = await db().outboxMessage.findMany({ where: { type: "reissuance-notification-batch", status: "pending" } });
    expect(waiting.length).toBeGreaterThan(0);

    // (3) The sweep delivers them; the receiver's answer is lost once (crash after transmit), so the
    // message goes again and the inbox answers with the first result: each pair is held once.
    let crashes = 1;
    setAfterTransmitHook(() => {
      if (crashes-- > 0) throw new Error("crash after transmit");
    });
    await expect(deliverOne(waiting[0]!.id)).rejects.toThrow("crash after transmit");
    setAfterTransmitHook(null);
    await sweep();
    const first = decodeStored(waiting[0]!.jws) as MessageOf<"reissuance-notification-batch">;
    expect(await db().spReissueNotice.count({ where: { reissuedCardId: { in: first.pairs.map((p) => p.reissuedCardId) } } })).toBe(first.pairs.length);
    expect(await db().inboxMessage.count({ where: { messageId: waiting[0]!.messageId } })).toBe(1);
    const receipt = (await db().outboxMessage.findUniqueOrThrow({ where: { id: waiting[0]!.id } })).receipt as { status: string };
    expect(receipt.status).toBe("replayed");

    // (4) The rest: approved once each; every request of the 12 has exactly one new card and one link.
    const rest = await approveEligibleReissueRequests(actor, { requestIds: ids, batchSize: 5 });
    expect(rest.approved).toBe(7);
    await sweep();
    expect(await db().reissueLink.count({ where: { requestId: { in: ids } } })).toBe(12);
    const olds = (await db().reissueRequest.findMany({ where: { id: { in: ids } }, select: { oldCardId: true } })).map((r) => r.oldCardId);
    expect(await db().card.count({ where: { previousCardId: { in: olds } } })).toBe(12);
    const pf100 = await db().card.findMany({
      where: { id: { in: olds }, platformType: 100 },
      select: { cardId: true, applications: { select: { id: true } } },
    });
    expect(await db().spReissueNotice.count({ where: { oldCardId: { in: pf100.map((c) => c.cardId) } } })).toBe(
      pf100.reduce((n, c) => n + c.applications.length, 0),
    );
    // Approval charges nobody: charges arise at reload time only.
    expect(await db().providerCharge.count({ where: { permission: { cardId: { in: olds } } } })).toBe(0);
  }, 300_000);

  it("the provider takes each pair of a batch on its own: known pairs change nothing, a bad pair is refused alone", async () => {
    const held = await db().spReissueNotice.findFirstOrThrow({ where: { providerCompanyId: "METRO01" } });
    const fresh = (n: number) => `C0FFEE${String(n).padStart(10, "0")}`;
    const at = new Date(Date.now() - 1000).toISOString();
    const sent = await db().$transaction((tx) =>
      enqueueMessage(
        tx,
        "reissuance-notification-batch",
        { issuerCompanyId: "RECARD01", providerCompanyId: "METRO01" },
        {
          platformType: 100,
          pairs: [
            { oldCardId: held.oldCardId, reissuedCardId: held.reissuedCardId, reissuedAt: held.reissuedAt.toISOString() }, // known
            { oldCardId: fresh(1), reissuedCardId: held.reissuedCardId, reissuedAt: at }, // conflicts: that new card has another old one
            { oldCardId: fresh(2), reissuedCardId: fresh(3), reissuedAt: at }, // new
            { oldCardId: fresh(4), reissuedCardId: fresh(4), reissuedAt: at }, // same card
            { oldCardId: fresh(2), reissuedCardId: fresh(5), reissuedAt: at }, // duplicate of the new one's old card
          ],
        },
      ),
    );
    const count = await db().spReissueNotice.count({ where: { providerCompanyId: "METRO01" } });
    expect(await deliverOne(sent.outboxId)).toBe("delivered");
    expect(await db().spReissueNotice.count({ where: { providerCompanyId: "METRO01" } })).toBe(count + 1);
    expect(
      await db().spReissueNotice.findUnique({ where: { providerCompanyId_reissuedCardId: { providerCompanyId: "METRO01", reissuedCardId: fresh(3) } } }),
    ).toMatchObject({
      oldCardId: fresh(2),
      sourceMessageId: sent.messageId,
      via: "push",
    });
    expect(await db().spReissueNotice.findUniqueOrThrow({ where: { id: held.id } })).toEqual(held);
    // The receipt on the issuer's outbox row: the provider's verdict per pair, as codes.
    expect((await db().outboxMessage.findUniqueOrThrow({ where: { id: sent.outboxId } })).receipt).toEqual({
      v: 2,
      status: "processed",
      outcome: {
        code: "pairs-batch-stored",
        params: {
          pairs: 5,
          stored: 1,
          known: 1,
          refused: 3,
          refusedPairs: [
            { pair: 1, code: "duplicate-in-batch" }, // its reissued card id is pair 0's: the first one stands
            { pair: 3, code: "same-card" },
            { pair: 4, code: "duplicate-in-batch" },
          ],
        },
      },
    });
    // The issuer's messages page names the refused pairs' cards, read from the message as it was sent; other
    // rows have none.
    const page = await listCompanyMessages("RECARD01", parseMessageListParams({ kind: "sent" }), 1000);
    expect(page.sent.find((m) => m.messageId === sent.messageId)?.refusedPairs).toEqual([
      { pair: 1, code: "duplicate-in-batch", oldCardId: fresh(1), reissuedCardId: held.reissuedCardId },
      { pair: 3, code: "same-card", oldCardId: fresh(4), reissuedCardId: fresh(4) },
      { pair: 4, code: "duplicate-in-batch", oldCardId: fresh(2), reissuedCardId: fresh(5) },
    ]);
    const others = page.sent.filter((m) => m.messageId !== sent.messageId);
    expect(others.length).toBeGreaterThan(0);
    expect(others.every((m) => m.refusedPairs.length === 0)).toBe(true);
  }, 120_000);
});
