import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toHex } from "@/lib/core/bytes";
import { seededDatabase, testDatabase } from "../helpers/db";
import { pointAppAtTestDatabase } from "../helpers/env";

// Issue 9: /api/exchange limits that hold across instances (counters in the database), and refused
// anonymous messages kept as a bounded, counted sample.
pointAppAtTestDatabase();
process.env.RECARD_EXCHANGE_PER_ADDRESS_PER_MINUTE = "5";
process.env.RECARD_EXCHANGE_PER_SENDER_PER_MINUTE = "3";
const { db } = await import("@/lib/server/db");
const { enqueueMessage } = await import("@/lib/server/exchange/outbox");
const { receiveMessage } = await import("@/lib/server/exchange/inbox");
const { countRequest, rejectionTotal, REJECTION_SAMPLE_PER_HOUR } = await import("@/lib/server/exchange/limits");
const { POST } = await import("@/app/api/exchange/route");

const { kind } = testDatabase();
let counter = 0;
let addressCounter = 0;

async function signedNotification(providerCompanyId: string): Promise<string> {
  counter += 1;
  const id = () => toHex(crypto.getRandomValues(new Uint8Array(8)));
  const sent = await db().$transaction((tx) =>
    enqueueMessage(
      tx,
      "reissuance-notification",
      { issuerCompanyId: "RECARD01", providerCompanyId },
      {
        platformType: 100,
        pairs: [{ oldCardId: id(), reissuedCardId: id(), reissuedAt: new Date(Date.UTC(2026, 10, 2, 0, 0, counter)).toISOString() }],
      },
    ),
  );
  return (await db().outboxMessage.findUniqueOrThrow({ where: { id: sent.outboxId } })).jws;
}

function post(body: string, address = `198.51.100.${++addressCounter % 250}`): Promise<Response> {
  return POST(
    new Request("http://localhost/api/exchange", { method: "POST", body, headers: { "content-type": "application/jose", "x-forwarded-for": address } }),
  );
}

beforeAll(async () => {
  await seededDatabase();
}, 120_000);
afterAll(async () => {
  await db().$disconnect();
});

describe(`exchange limits on ${kind}`, () => {
  it("counts requests atomically per key and window, with the seconds left to wait", async () => {
    const now = new Date(Date.UTC(2026, 10, 30, 12, 0, 15));
    const decisions = await Promise.all(Array.from({ length: 50 }, () => countRequest("test:concurrent", 10, now)));
    expect(decisions.filter((d) => d.ok)).toHaveLength(10);
    expect(decisions.find((d) => !d.ok)).toEqual({ ok: false, retryAfterSeconds: 45 });
    // The next window starts afresh, and the windows that are over are cleared.
    expect(await countRequest("test:concurrent", 10, new Date(now.getTime() + 60_000))).toEqual({ ok: true });
    await countRequest("test:other", 10, new Date(now.getTime() + 180_000));
    expect(await db().rateCounter.count({ where: { key: "test:concurrent" } })).toBe(0);
  });

  it("answers 429 with Retry-After to one address over its limit; other addresses go on", async () => {
    const statuses: number[] = [];
    let limited: Response | undefined;
    // At most one window boundary in a few requests: 11 requests put 6 in one window at least.
    for (let i = 0; i < 11 && !limited; i++) {
      const response = await post("not a message", "203.0.113.7");
      if (response.status === 429) limited = response;
      else statuses.push(response.status);
    }
    expect(limited?.status).toBe(429);
    expect(Number(limited!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(statuses.length).toBeGreaterThanOrEqual(5);
    expect(new Set(statuses)).toEqual(new Set([422]));
    expect((await post("not a message", "203.0.113.8")).status).toBe(422);
  });

  it("limits a verified sender, and a forger naming that sender spends none of its allowance", async () => {
    const genuine = await signedNotification("HOSHI01");
    const [h, p, s] = genuine.split(".") as [string, string, string];
    const forged = `${h}.${p}.${s.slice(0, -2)}${s.at(-2) === "A" ? "B" : "A"}${s.at(-1)}`;
    for (let i = 0; i < 10; i++) expect((await post(forged)).status).toBe(422);
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 7 && !limited; i++) {
      const response = await post(await signedNotification("HOSHI01"));
      if (response.status === 429) limited = response;
      else statuses.push(response.status);
    }
    expect(limited?.status).toBe(429);
    expect(limited!.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(statuses.length).toBeGreaterThanOrEqual(3);
    expect(new Set(statuses)).toEqual(new Set([200]));
  });

  it("keeps 1,000 refused anonymous messages as a bounded sample, and counts every one", async () => {
    await db().trustedKey.deleteMany({ where: { ownerCompanyId: "METRO01", companyId: "RECARD01" } });
    const jws = await signedNotification("METRO01"); // RECARD01 is now unknown to METRO01
    await db().messageRejection.deleteMany({ where: { ownerCompanyId: "METRO01" } });
    const hourA = new Date();
    const hourB = new Date(hourA.getTime() + 3600_000);
    const codes = new Set<string>();
    for (let batch = 0; batch < 50; batch++) {
      const now = batch < 30 ? hourA : hourB;
      const outcomes = await Promise.all(Array.from({ length: 20 }, () => receiveMessage(jws, "http", now)));
      for (const o of outcomes) codes.add(o.status === "refused" ? o.refusal.code : o.status);
    }
    expect([...codes]).toEqual(["unknown-sender"]);
    const rows = await db().messageRejection.count({ where: { ownerCompanyId: "METRO01" } });
    expect(rows).toBe(2 * REJECTION_SAMPLE_PER_HOUR); // 600 in one hour and 400 in the next: 20 rows each
    expect(await rejectionTotal("METRO01", new Date(hourA.getTime() - 3600_000))).toBe(1000);
    expect(await db().inboxMessage.count({ where: { ownerCompanyId: "METRO01", jws } })).toBe(0);
  });
});
