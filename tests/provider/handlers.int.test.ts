import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { deliverNow } from "@/lib/server/exchange/delivery";
import { enqueueMessage } from "@/lib/server/exchange/outbox";
import { uncodedExchangeRows, looksLikeSentence } from "../helpers/coded-exchange";
import { testDatabase } from "../helpers/db";
import { freshDemoWorld } from "./helpers";

beforeAll(freshDemoWorld, 180_000);
afterAll(() => db().$disconnect());

const send = async <T extends Parameters<typeof enqueueMessage>[1]>(
  type: T,
  providerCompanyId: string,
  body: Parameters<typeof enqueueMessage<T>>[3],
  inReplyTo?: string,
) => {
  const sent = await db().$transaction((tx) => enqueueMessage(tx, type, { issuerCompanyId: "RECARD01", providerCompanyId, inReplyTo }, body));
  await deliverNow([sent.outboxId]);
  return sent;
};

describe(`the provider's handlers of the issuer's messages, on ${testDatabase().kind}`, () => {
  it("stores a charge statement once (claim 13), normal and reissue totals apart", async () => {
    const month = new Date().toISOString().slice(0, 7);
    const at = new Date().toISOString();
    const body = {
      platformType: 100 as const,
      period: month,
      currency: "JPY",
      lines: [
        { permissionMessageId: "RECARD01-METRO01-I0000000001", applicationId: "F0524300010001", kind: "normal-load" as const, amountMinor: 300, chargedAt: at },
        {
          permissionMessageId: "RECARD01-METRO01-I0000000002",
          applicationId: "F0524300010001",
          kind: "reissue-reload" as const,
          amountMinor: 100,
          chargedAt: at,
        },
      ],
      totals: { normalLoad: 300, reissueReload: 100, grand: 400 },
    };
    const sent = await send("charge-statement", "METRO01", body);
    const row = await db().spChargeStatement.findUniqueOrThrow({
      where: { providerCompanyId_messageId: { providerCompanyId: "METRO01", messageId: sent.messageId } },
    });
    expect(row).toMatchObject({ period: month, normalTotalMinor: 300, reissueTotalMinor: 100, totalMinor: 400, platformType: 100 });
    // What it came to is a code with parameters, in the provider's inbox and on the issuer's outbox row (the receipt).
    const stored = {
      code: "statement-stored",
      params: { period: month, platformType: 100, lines: 2, totalMinor: 400, currency: "JPY", alreadyStored: false },
    };
    const inbox = await db().inboxMessage.findFirstOrThrow({ where: { ownerCompanyId: "METRO01", messageId: sent.messageId } });
    expect(inbox.result).toEqual({ v: 2, status: "processed", outcome: stored, enqueued: [] });
    expect((await db().outboxMessage.findUniqueOrThrow({ where: { id: sent.outboxId } })).receipt).toEqual({ v: 2, status: "processed", outcome: stored });
    // Delivered again (a retry): the inbox answers from its record; still one row.
    await db().outboxMessage.update({ where: { id: sent.outboxId }, data: { status: "pending" } });
    await deliverNow([sent.outboxId]);
    expect(await db().spChargeStatement.count({ where: { providerCompanyId: "METRO01" } })).toBe(1);
    // The replay is answered with the first outcome, and the sender keeps that.
    expect((await db().outboxMessage.findUniqueOrThrow({ where: { id: sent.outboxId } })).receipt).toEqual({ v: 2, status: "replayed", outcome: stored });
  });

  it("a grant that answers no request of ours, or names another application, is not used", async () => {
    const stray = await send(
      "loading-permission-grant",
      "HOSHI01",
      {
        platformType: 200,
        kind: "first-load",
        applicationId: "F0524300020002",
        loadFileHash: "A".repeat(64),
        permissionToken: "AQID",
        expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      },
      "RECARD01-HOSHI01-P0000009999",
    );
    const inbox = await db().inboxMessage.findUniqueOrThrow({ where: { ownerCompanyId_messageId: { ownerCompanyId: "HOSHI01", messageId: stray.messageId } } });
    expect(inbox.result).toEqual({ v: 2, status: "processed", outcome: { code: "grant-unmatched", params: { messageId: stray.messageId } }, enqueued: [] });
    expect(await db().spLoadRecord.count({ where: { providerCompanyId: "HOSHI01", messageId: stray.messageId } })).toBe(0);
  });

  it("keeps a refusal as its code and field, on both sides: no sentence in the inbox, the receipt or the delivery error", async () => {
    // Fig. 18: platform type 999 is refused, never guessed (step 1802), after the message was verified.
    const sent = await send(
      "loading-permission-grant",
      "HOSHI01",
      {
        platformType: 999,
        kind: "first-load",
        applicationId: "F0524300020002",
        loadFileHash: "A".repeat(64),
        permissionToken: "AQID",
        expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      },
      "RECARD01-HOSHI01-P0000009998",
    );
    const refusal = { code: "platform-type-unknown", field: "platformType" };
    const inbox = await db().inboxMessage.findFirstOrThrow({ where: { ownerCompanyId: "HOSHI01", messageId: sent.messageId } });
    expect([inbox.status, inbox.refusalCode, inbox.refusalReason, inbox.result]).toEqual([
      "refused",
      "platform-type-unknown",
      null,
      { v: 2, status: "refused", refusal, enqueued: [] },
    ]);
    const outbox = await db().outboxMessage.findUniqueOrThrow({ where: { id: sent.outboxId } });
    expect([outbox.status, outbox.lastError, outbox.receipt, outbox.deliveryError]).toEqual([
      "dead",
      null,
      { v: 2, status: "refused", refusal },
      { v: 2, code: "receiver.refused", params: { refusal } },
    ]);
  });

  it("stores codes only: every inbox result, receipt and delivery error of the traffic so far (the seed's and this file's)", async () => {
    // The check can fail: the sentences these rows held before version 2 read as sentences, codes do not.
    expect(looksLikeSentence("1 old ↔ reissued card pair received, 1 new")).toBe(true);
    expect(looksLikeSentence("permission RECARD01-HOSHI01-P0000009999 answers no request of ours; not used")).toBe(true);
    expect(looksLikeSentence("grant-unmatched")).toBe(false);
    // More of the issuer's traffic: a delivery mode twice (the second not newer: kept), a Fig. 12 notification.
    const at = new Date(Date.now() - 60_000).toISOString();
    await send("reissue-delivery-mode", "SAKURA01", { platformType: 100, delivery: "pull", effectiveAt: at });
    await send("reissue-delivery-mode", "SAKURA01", { platformType: 100, delivery: "push", effectiveAt: new Date(Date.now() - 120_000).toISOString() });
    const hex = () =>
      [...crypto.getRandomValues(new Uint8Array(8))]
        .map((b) => b.toString(16).padStart(2, "0"))
        .join("")
        .toUpperCase();
    const notified = await send("reissuance-notification", "SAKURA01", {
      platformType: 100,
      pairs: [{ oldCardId: hex(), reissuedCardId: hex(), reissuedAt: at }],
    });
    expect((await db().outboxMessage.findUniqueOrThrow({ where: { id: notified.outboxId } })).receipt).toEqual({
      v: 2,
      status: "processed",
      outcome: { code: "pairs-stored", params: { pairs: 1, stored: 1 } },
    });
    const scan = await uncodedExchangeRows(["RECARD01", "METRO01", "HOSHI01", "SAKURA01"]);
    expect(scan.problems).toEqual([]);
    // The seed's opening traffic (statements, delivery modes) and this file's messages, processed and refused.
    expect(scan.inbox).toBeGreaterThanOrEqual(6);
    expect(scan.outbox).toBeGreaterThanOrEqual(6);
  });
});
