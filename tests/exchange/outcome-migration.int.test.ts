import { readdirSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { listCompanyMessages } from "@/lib/server/data/messages";
import { parseMessageListParams } from "@/lib/validation/message-lists";
import { testDatabase } from "../helpers/db";
import { freshDemoWorld } from "../issuer/helpers";

beforeAll(freshDemoWorld, 180_000);
afterAll(() => db().$disconnect());

/** The data part of the migration that made outcomes codes (it ran on the empty template; here it runs on rows of before). */
function mappingStatements(): string[] {
  const dir = readdirSync("prisma/migrations").find((d) => d.endsWith("_exchange_outcome_codes"));
  if (!dir) throw new Error("the exchange_outcome_codes migration is missing");
  const sql = readFileSync(`prisma/migrations/${dir}/migration.sql`, "utf8");
  const data = sql.slice(sql.indexOf("UPDATE "));
  return data
    .split(/;\s*\n/)
    .map((s) => s.trim())
    .filter((s) => s.startsWith("UPDATE"));
}

const id = (n: number) => `RECARD01-METRO01-I09999999${String(n).padStart(2, "0")}`;
const PAIRS = "1 old ↔ reissued card pair received, 1 new";
const row = { senderCompanyId: "RECARD01", type: "reissuance-notification", platformType: 100, jws: "x", via: "online" as const };
const sent = { ownerCompanyId: "RECARD01", receiverCompanyId: "METRO01", type: "reissuance-notification", platformType: 100, jws: "x" };

describe(`rows stored before outcome codes, on ${testDatabase().kind}`, () => {
  it("the migration maps refusals and HTTP errors to codes, and the page shows processed sentences of before as legacy", async () => {
    await db().inboxMessage.createMany({
      data: [
        {
          ...row,
          ownerCompanyId: "METRO01",
          messageId: id(1),
          fingerprint: "F1".repeat(32),
          status: "processed",
          result: { status: "processed", summary: PAIRS, enqueued: [] },
        },
        {
          ...row,
          ownerCompanyId: "METRO01",
          messageId: id(2),
          fingerprint: "F2".repeat(32),
          status: "refused",
          result: {
            status: "refused",
            summary: "platform type unknown: the card's method cannot be determined",
            enqueued: [],
            refusal: { code: "platform-type-unknown", message: "platform type unknown: the card's method cannot be determined", field: "platformType" },
          },
          refusalCode: "platform-type-unknown",
          refusalReason: "platform type unknown: the card's method cannot be determined",
        },
      ],
    });
    await db().outboxMessage.createMany({
      data: [
        { ...sent, messageId: id(11), status: "delivered", receipt: { status: "processed", summary: PAIRS } },
        {
          ...sent,
          messageId: id(12),
          status: "dead",
          lastError: "bad-signature: the signature does not verify",
          receipt: { status: "refused", code: "bad-signature", message: "the signature does not verify" },
        },
        { ...sent, messageId: id(13), status: "pending", lastError: "http://sakura.example: HTTP 503" },
        { ...sent, messageId: id(14), status: "pending", lastError: "http://sakura.example: fetch failed" },
      ],
    });
    const statements = mappingStatements();
    expect(statements).toHaveLength(3);
    for (const statement of statements) await db().$executeRawUnsafe(statement);

    const inbox = async (n: number) => db().inboxMessage.findFirstOrThrow({ where: { ownerCompanyId: "METRO01", messageId: id(n) } });
    const outbox = async (n: number) => db().outboxMessage.findUniqueOrThrow({ where: { messageId: id(n) } });
    expect(await inbox(1)).toMatchObject({ result: { status: "processed", summary: PAIRS } }); // not mappable: left as it was
    expect(await inbox(2)).toMatchObject({
      refusalCode: "platform-type-unknown",
      refusalReason: null,
      result: { v: 2, status: "refused", refusal: { code: "platform-type-unknown", field: "platformType" }, enqueued: [] },
    });
    expect(await outbox(11)).toMatchObject({ receipt: { status: "processed", summary: PAIRS }, deliveryError: null });
    expect(await outbox(12)).toMatchObject({
      lastError: null,
      receipt: { v: 2, status: "refused", refusal: { code: "bad-signature" } },
      deliveryError: { v: 2, code: "receiver.refused", params: { refusal: { code: "bad-signature" } } },
    });
    expect(await outbox(13)).toMatchObject({ lastError: null, deliveryError: { v: 2, code: "transport.http-status", params: { status: 503 } } });
    expect(await outbox(14)).toMatchObject({ lastError: "http://sakura.example: fetch failed", deliveryError: null });

    // What the messages pages get: codes to render, and the sentences of before marked legacy.
    const metro = await listCompanyMessages("METRO01", parseMessageListParams({ kind: "received" }));
    const received = (n: number) => metro.received.find((m) => m.messageId === id(n))!.result;
    expect(received(1)).toEqual({ kind: "legacy", text: PAIRS });
    expect(received(2)).toEqual({
      kind: "coded",
      value: { v: 2, status: "refused", refusal: { code: "platform-type-unknown", field: "platformType" }, enqueued: [] },
    });
    const issuer = await listCompanyMessages("RECARD01", parseMessageListParams({ kind: "sent" }), 1000);
    const out = (n: number) => issuer.sent.find((m) => m.messageId === id(n))!;
    expect(out(11).receipt).toEqual({ kind: "legacy", text: `processed: ${PAIRS}` });
    expect(out(12).lastError).toEqual({ kind: "coded", value: { v: 2, code: "receiver.refused", params: { refusal: { code: "bad-signature" } } } });
    expect(out(13).lastError).toEqual({ kind: "coded", value: { v: 2, code: "transport.http-status", params: { status: 503 } } });
    expect(out(14).lastError).toEqual({ kind: "legacy", text: "http://sakura.example: fetch failed" });
  });
});
