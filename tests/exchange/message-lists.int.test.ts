import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/server/db";
import { listCompanyMessages, pageOfReceivedMessages, pageOfRejectedMessages, pageOfSentMessages } from "@/lib/server/data/messages";
import { encodeCursor, type SortDirection } from "@/lib/core/table/list-query";
import { MESSAGE_SORT_KEYS, parseMessageListParams } from "@/lib/validation/message-lists";
import { testDatabase } from "../helpers/db";
import { freshDemoWorld } from "../provider/helpers";

/**
 * The messages pages' lists (issuer and provider): keyset pages of each kind, in every sort, walk the
 * company's messages once, in the database's own order, with no row skipped or repeated (rows sharing a
 * time too); only the company's own; and each portal's CSV export streams the same rows for the
 * signed-in company only, refusing the other roles and signed-out callers.
 */
let session: { user: { id: string; companyName: string }; sid: string } | null = null;
vi.mock("next-auth", async (original) => ({ ...(await original<typeof import("next-auth")>()), getServerSession: async () => session }));

type Cursor = { value: string; id: string } | null;

async function walk<Row extends { id: string }>(page: (after: Cursor) => Promise<{ rows: Row[]; next: Cursor }>): Promise<string[]> {
  const seen: string[] = [];
  let after: Cursor = null;
  for (let i = 0; i < 1000; i++) {
    const result: { rows: Row[]; next: Cursor } = await page(after);
    seen.push(...result.rows.map((r) => r.id));
    if (!result.next) return seen;
    after = result.next;
  }
  throw new Error("the pages never ended");
}

/** Refused arrivals for a company, three of them at the same instant (a tie the id must break). */
async function refuse(owner: string, count: number) {
  const at = new Date("2026-11-30T10:00:00.000Z");
  for (let i = 0; i < count; i++) {
    await db().messageRejection.create({
      data: {
        ownerCompanyId: owner,
        via: "http",
        claimedSender: "NOBODY01",
        claimedMessageId: `NOBODY01-${owner}-P${String(i).padStart(10, "0")}`,
        refusalCode: "bad-signature",
        refusalReason: `=HYPERLINK("x") ${owner} ${i}`,
        excerpt: "eyJ",
        receivedAt: i < 3 ? at : new Date(at.getTime() + i * 1000),
      },
    });
  }
}

/**
 * Traffic between the issuer and two providers, written straight into the outboxes and inboxes (the
 * seeded template has none: the demo's opening traffic is sent at the first start). Each message is in
 * its sender's outbox and its receiver's inbox; three of each company's share a time, and the message
 * ids do not run in time order, so the two orders differ.
 */
async function traffic() {
  const base = new Date("2026-11-30T09:00:00.000Z");
  const sequences = [5, 3, 6, 1, 4, 2];
  for (const provider of ["METRO01", "HOSHI01"]) {
    for (const [i, seq] of sequences.entries()) {
      const at = new Date(base.getTime() + (i < 3 ? 0 : i * 1000));
      for (const [sender, receiver, direction] of [
        ["RECARD01", provider, "I"],
        [provider, "RECARD01", "P"],
      ] as const) {
        const messageId = `RECARD01-${provider}-${direction}${String(seq).padStart(10, "0")}`;
        const common = { messageId, type: direction === "I" ? "charge-statement" : "load-confirmation", platformType: 100, jws: `eyJTEST.${messageId}.sig` };
        await db().outboxMessage.create({
          data: {
            ...common,
            ownerCompanyId: sender,
            receiverCompanyId: receiver,
            status: i === 5 ? "dead" : "delivered",
            attempts: 1,
            lastError: i === 5 ? "receiver said: no, thanks" : null,
            receipt: i === 5 ? undefined : { status: "processed", summary: `stored ${seq}, twice checked` },
            createdAt: at,
          },
        });
        await db().inboxMessage.create({
          data: {
            ...common,
            ownerCompanyId: receiver,
            senderCompanyId: sender,
            fingerprint: "F".repeat(64),
            status: i === 5 ? "refused" : "processed",
            via: "online",
            result: i === 5 ? undefined : { summary: `stored ${seq}` },
            refusalCode: i === 5 ? "unknown-permission" : null,
            receivedAt: at,
          },
        });
      }
    }
  }
}

beforeAll(async () => {
  await freshDemoWorld();
  await traffic();
  await refuse("METRO01", 5);
  await refuse("HOSHI01", 2);
}, 180_000);
afterAll(() => db().$disconnect());

const DIRECTIONS: SortDirection[] = ["asc", "desc"];

describe(`message lists on ${testDatabase().kind}`, () => {
  for (const company of ["RECARD01", "METRO01"]) {
    it(`${company}: every kind, sort and direction walks each of its messages once, in the database's order`, async () => {
      const where = { ownerCompanyId: company };
      for (const dir of DIRECTIONS) {
        for (const key of MESSAGE_SORT_KEYS.sent) {
          const order = key === "at" ? { createdAt: dir } : { messageId: dir };
          const expected = await db().outboxMessage.findMany({ where, orderBy: [order, { id: dir }], select: { id: true } });
          expect(expected.length, "enough messages to page").toBeGreaterThan(3);
          const ids = await walk((after) => pageOfSentMessages(company, { sort: { key, dir }, after, take: 3 }));
          expect(ids, `sent ${key} ${dir}`).toEqual(expected.map((r) => r.id));
        }
        for (const key of MESSAGE_SORT_KEYS.received) {
          const order = key === "at" ? { receivedAt: dir } : { messageId: dir };
          const expected = await db().inboxMessage.findMany({ where, orderBy: [order, { id: dir }], select: { id: true } });
          expect(expected.length, "enough messages to page").toBeGreaterThan(3);
          const ids = await walk((after) => pageOfReceivedMessages(company, { sort: { key, dir }, after, take: 3 }));
          expect(ids, `received ${key} ${dir}`).toEqual(expected.map((r) => r.id));
        }
        const expected = await db().messageRejection.findMany({ where, orderBy: [{ receivedAt: dir }, { id: dir }], select: { id: true } });
        const ids = await walk((after) => pageOfRejectedMessages(company, { sort: { key: "at", dir }, after, take: 2 }));
        expect(ids, `rejected ${dir}`).toEqual(expected.map((r) => r.id));
      }
    });
  }

  it("a page holds one kind, the cursor of the next page and how many of each kind there are; another company's rows never appear", async () => {
    const first = await listCompanyMessages("METRO01", parseMessageListParams({ kind: "sent", sort: "messageId", dir: "asc" }), 2);
    expect(first.kind).toBe("sent");
    expect(first.sent).toHaveLength(2);
    expect(first.received).toEqual([]);
    expect(first.rejected).toEqual([]);
    expect(first.sent.every((m) => /^RECARD01-METRO01-P\d{10}$/.test(m.messageId))).toBe(true);
    expect(first.next).toEqual({ value: first.sent[1]!.messageId, id: first.sent[1]!.id });
    const second = await listCompanyMessages(
      "METRO01",
      parseMessageListParams({ kind: "sent", sort: "messageId", dir: "asc", after: encodeCursor([first.next!.value, first.next!.id]) }),
      2,
    );
    expect(second.sent[0]!.messageId > first.sent[1]!.messageId).toBe(true);
    const where = { ownerCompanyId: "METRO01" };
    expect(first.counts).toEqual({
      received: { count: await db().inboxMessage.count({ where }), isEstimate: false },
      sent: { count: await db().outboxMessage.count({ where }), isEstimate: false },
      rejected: { count: 5, isEstimate: false },
    });

    const hoshi = {
      sent: new Set((await db().outboxMessage.findMany({ where: { ownerCompanyId: "HOSHI01" }, select: { id: true } })).map((r) => r.id)),
      received: new Set((await db().inboxMessage.findMany({ where: { ownerCompanyId: "HOSHI01" }, select: { id: true } })).map((r) => r.id)),
      rejected: new Set((await db().messageRejection.findMany({ where: { ownerCompanyId: "HOSHI01" }, select: { id: true } })).map((r) => r.id)),
    };
    expect(hoshi.sent.size * hoshi.received.size * hoshi.rejected.size).toBeGreaterThan(0);
    const sort = { key: "at", dir: "desc" } as const;
    expect((await walk((after) => pageOfSentMessages("METRO01", { sort, after, take: 50 }))).some((id) => hoshi.sent.has(id))).toBe(false);
    expect((await walk((after) => pageOfReceivedMessages("METRO01", { sort, after, take: 50 }))).some((id) => hoshi.received.has(id))).toBe(false);
    expect((await walk((after) => pageOfRejectedMessages("METRO01", { sort, after, take: 50 }))).some((id) => hoshi.rejected.has(id))).toBe(false);
  });

  it("the URL: an unknown kind or sort gives the received messages newest first; a cursor that does not fit the sort gives the first page", () => {
    const id = "00000000-0000-4000-8000-000000000000";
    expect(parseMessageListParams({ kind: "outbox", sort: "type" })).toMatchObject({
      kind: "received",
      sort: { key: "at", dir: "desc" },
      after: null,
      links: {},
    });
    // Refused arrivals have no message id of their own to sort by.
    expect(parseMessageListParams({ kind: "rejected", sort: "messageId", dir: "asc" }).sort).toEqual({ key: "at", dir: "desc" });
    expect(parseMessageListParams({ kind: "sent", sort: "messageId", after: encodeCursor(["RECARD01-METRO01-P0000000001", id]) }).after).toEqual({
      value: "RECARD01-METRO01-P0000000001",
      id,
    });
    expect(parseMessageListParams({ kind: "sent", sort: "messageId", after: encodeCursor(["2026-01-01T00:00:00.000Z", id]) }).after).toBeNull();
    expect(parseMessageListParams({ kind: "sent", after: encodeCursor(["x' OR 1=1", id]) }).after).toBeNull();
    expect(parseMessageListParams({ kind: "sent", sort: "messageId", dir: "asc" }).links).toEqual({ kind: "sent", sort: "messageId", dir: "asc" });
  });

  it("the CSV exports stream the signed-in company's messages only, and refuse the other roles and signed-out callers", async () => {
    const { GET: issuerExport } = await import("@/app/issuer/messages/export/route");
    const { GET: providerExport } = await import("@/app/provider/messages/export/route");
    const { createSession } = await import("@/lib/server/auth/sessions");
    const signIn = async (email: string) => {
      const user = await db().user.findUniqueOrThrow({ where: { email } });
      const sid = await createSession(db(), { userId: user.id, address: null, now: new Date(), policy: { idleMs: 3_600_000, maxAgeMs: 3_600_000 } });
      session = { user: { id: user.id, companyName: "test" }, sid };
    };
    const csv = async (response: Response) => {
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
      return (await response.text())
        .replace(/^\uFEFF/, "")
        .trimEnd()
        .split("\r\n");
    };
    const get = (handler: (r: Request) => Promise<Response>, query: string) => handler(new Request(`http://localhost/x/messages/export${query}`));

    await signIn("desk@metro.recard.test");
    const sent = await csv(await get(providerExport, "?kind=sent&sort=messageId&dir=asc"));
    expect(sent[0]).toBe(
      "created_at,message_id,type,receiver,platform_type,status,attempts,next_attempt_at,delivered_at,in_reply_to,last_error,delivery_error,receipt",
    );
    const expectedSent = await db().outboxMessage.findMany({ where: { ownerCompanyId: "METRO01" }, orderBy: [{ messageId: "asc" }, { id: "asc" }] });
    expect(sent.slice(1).map((l) => l.split(",")[1])).toEqual(expectedSent.map((m) => m.messageId));
    expect(expectedSent).toHaveLength(6);
    // The stored answer is in the file as stored (its JSON, quoted); the signed message never is.
    expect(sent.join("\n")).toContain(`"{""status"":""processed"",""summary"":""stored 1, twice checked""}"`);
    expect(sent.join("\n")).not.toContain("eyJTEST");

    const received = await csv(await get(providerExport, "?kind=received"));
    expect(received[0]).toBe("received_at,message_id,type,sender,platform_type,via,status,in_reply_to,refusal_code,refusal_reason,result");
    const expectedReceived = await db().inboxMessage.findMany({ where: { ownerCompanyId: "METRO01" }, orderBy: [{ receivedAt: "desc" }, { id: "desc" }] });
    expect(received.slice(1).map((l) => l.split(",")[1])).toEqual(expectedReceived.map((m) => m.messageId));

    const refused = await csv(await get(providerExport, "?kind=rejected&dir=asc"));
    expect(refused[0]).toBe("received_at,via,claimed_sender,claimed_message_id,refusal_code,refusal_field,refusal_reason");
    expect(refused.slice(1)).toHaveLength(5);
    expect(refused.slice(1).every((l) => l.includes("NOBODY01-METRO01-P"))).toBe(true);
    // A stored reason that a spreadsheet would run as a formula is exported as text.
    expect(refused.join("\n")).toContain(`"'=HYPERLINK(""x"") METRO01 0"`);

    // Another provider gets its own messages from the same route; no parameter names the company.
    await signIn("desk@hoshi.recard.test");
    const hoshi = await csv(await get(providerExport, "?kind=rejected&owner=METRO01&companyId=METRO01"));
    expect(hoshi.slice(1)).toHaveLength(2);
    expect(hoshi.join("\n")).not.toContain("METRO01");
    const hoshiSent = await csv(await get(providerExport, "?kind=sent&companyId=METRO01"));
    expect(hoshiSent.length).toBeGreaterThan(1);
    expect(hoshiSent.slice(1).every((l) => l.split(",")[1]!.startsWith("RECARD01-HOSHI01-P"))).toBe(true);

    await signIn("issuer@recard.test");
    const issuerSent = await csv(await get(issuerExport, "?kind=sent"));
    expect(issuerSent.length - 1).toBe(await db().outboxMessage.count({ where: { ownerCompanyId: "RECARD01" } }));
    expect((await get(providerExport, "?kind=sent")).status).toBe(403);

    for (const email of ["desk@metro.recard.test", "hana@recard.test"]) {
      await signIn(email);
      const response = await get(issuerExport, "?kind=sent");
      expect(response.status, email).toBe(403);
      expect(await response.text()).not.toMatch(/RECARD01-[A-Z0-9]+-[IP]\d{10}/);
    }
    expect((await get(providerExport, "?kind=sent")).status, "cardholder").toBe(403);
    session = null;
    expect((await get(issuerExport, "")).status).toBe(401);
    expect((await get(providerExport, "")).status).toBe(401);
  });

  it("the live view's route answers the page its URL names, for the signed-in company only", async () => {
    const { GET } = await import("@/app/api/messages/route");
    const { createSession } = await import("@/lib/server/auth/sessions");
    const user = await db().user.findUniqueOrThrow({ where: { email: "desk@hoshi.recard.test" } });
    const sid = await createSession(db(), { userId: user.id, address: null, now: new Date(), policy: { idleMs: 3_600_000, maxAgeMs: 3_600_000 } });
    session = { user: { id: user.id, companyName: "test" }, sid };
    const body = (await (await GET(new Request("http://localhost/api/messages?kind=rejected&dir=asc"))).json()) as {
      companyId: string;
      kind: string;
      rejected: { claimedMessageId: string }[];
      sent: unknown[];
    };
    expect(body.companyId).toBe("HOSHI01");
    expect(body.kind).toBe("rejected");
    expect(body.sent).toEqual([]);
    expect(body.rejected.map((r) => r.claimedMessageId).sort()).toEqual(["NOBODY01-HOSHI01-P0000000000", "NOBODY01-HOSHI01-P0000000001"]);
  });
});
