import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { deliverNow } from "@/lib/server/exchange/delivery";
import { enqueueMessage } from "@/lib/server/exchange/outbox";
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
    // Delivered again (a retry): the inbox answers from its record; still one row.
    await db().outboxMessage.update({ where: { id: sent.outboxId }, data: { status: "pending" } });
    await deliverNow([sent.outboxId]);
    expect(await db().spChargeStatement.count({ where: { providerCompanyId: "METRO01" } })).toBe(1);
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
    expect((inbox.result as { summary: string }).summary).toContain("answers no request of ours");
    expect(await db().spLoadRecord.count({ where: { providerCompanyId: "HOSHI01", messageId: stray.messageId } })).toBe(0);
  });
});
