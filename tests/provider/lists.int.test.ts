import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/server/db";
import { pageOfCustomers } from "@/lib/server/data/provider/customers";
import { pageOfLoadRecords } from "@/lib/server/data/provider/load-records";
import { pageOfUserCharges } from "@/lib/server/data/provider/charges";
import { pageOfCardInquiries, pageOfReissueNotices } from "@/lib/server/data/provider/reissuance";
import type { SortState } from "@/lib/core/table/list-query";
import {
  CUSTOMER_SORT_KEYS,
  RECORD_SORT_KEYS,
  REISSUE_NOTICE_SORT_KEYS,
  USER_CHARGE_SORT_KEYS,
  parseCustomerListParams,
  parseRecordListParams,
  parseReissuanceListParams,
  parseUserChargeListParams,
} from "@/lib/validation/provider-lists";
import { encodeCursor } from "@/lib/core/table/list-query";
import { testDatabase } from "../helpers/db";
import { desks, freshDemoWorld } from "./helpers";

/**
 * The provider's growing lists (load records, customers, charges to users, reissuance information): keyset pages in every sort walk the whole
 * list once, in order, with no row skipped or repeated; only the signed-in provider's rows; and the
 * CSV export streams the same rows for that provider only.
 */
let session: { user: { id: string; companyName: string }; sid: string } | null = null;
vi.mock("next-auth", async (original) => ({ ...(await original<typeof import("next-auth")>()), getServerSession: async () => session }));

beforeAll(freshDemoWorld, 180_000);
afterAll(() => db().$disconnect());

async function walk<Row extends { id: string }>(
  page: (after: { value: string; id: string } | null) => Promise<{ rows: Row[]; next: { value: string; id: string } | null }>,
) {
  const seen: Row[] = [];
  let after: { value: string; id: string } | null = null;
  for (let i = 0; i < 1000; i++) {
    const result: { rows: Row[]; next: { value: string; id: string } | null } = await page(after);
    seen.push(...result.rows);
    if (!result.next) return seen;
    after = result.next;
  }
  throw new Error("the pages never ended");
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describe(`provider lists on ${testDatabase().kind}`, () => {
  it("load records: every sort and direction walks each of this provider's records once, in order", async () => {
    const metro = await desks.metro();
    const all = await db().spLoadRecord.findMany({ where: { providerCompanyId: metro.providerCompanyId }, select: { id: true } });
    expect(all.length).toBeGreaterThan(5);
    for (const key of RECORD_SORT_KEYS) {
      for (const dir of ["asc", "desc"] as const) {
        const sort: SortState<(typeof RECORD_SORT_KEYS)[number]> = { key, dir };
        const rows = await walk((after) => pageOfLoadRecords(metro, { sort, after, take: 4 }));
        expect(rows.map((r) => r.id).sort(), `${key} ${dir}`).toEqual(all.map((r) => r.id).sort());
        const values = rows.map((r) => (key === "created" ? r.createdAt.toISOString() : r.messageId) + "|" + r.id);
        const sorted = [...values].sort(compare);
        expect(values, `${key} ${dir} in order`).toEqual(dir === "asc" ? sorted : sorted.reverse());
      }
    }
  });

  it("customers: every sort and direction walks each of this provider's customers once, in order, and a search narrows it", async () => {
    const hoshi = await desks.hoshi();
    const all = await db().spCustomer.findMany({ where: { providerCompanyId: hoshi.providerCompanyId }, select: { id: true, fullName: true } });
    expect(all.length).toBeGreaterThan(3);
    for (const key of CUSTOMER_SORT_KEYS) {
      for (const dir of ["asc", "desc"] as const) {
        const rows = await walk((after) => pageOfCustomers(hoshi, { sort: { key, dir }, after, take: 3 }));
        expect(rows.map((r) => r.id).sort(), `${key} ${dir}`).toEqual(all.map((r) => r.id).sort());
      }
    }
    const someone = all[0]!.fullName;
    const found = await pageOfCustomers(hoshi, { query: someone, sort: { key: "name", dir: "asc" }, after: null });
    expect(found.rows.map((r) => r.fullName)).toContain(someone);
    expect(found.rows.every((r) => r.fullName.toLowerCase().includes(someone.toLowerCase()))).toBe(true);
  });

  it("another provider's rows never appear", async () => {
    const metro = await desks.metro();
    const hoshi = await desks.hoshi();
    const metroRecords = await walk((after) => pageOfLoadRecords(metro, { sort: { key: "created", dir: "desc" }, after, take: 50 }));
    const hoshiIds = new Set(
      (await db().spLoadRecord.findMany({ where: { providerCompanyId: hoshi.providerCompanyId }, select: { id: true } })).map((r) => r.id),
    );
    expect(hoshiIds.size).toBeGreaterThan(0);
    expect(metroRecords.some((r) => hoshiIds.has(r.id))).toBe(false);
  });

  it("charges to users: by time and by amount, either way, each of this provider's charges once, in order; a kind filter narrows it", async () => {
    const metro = await desks.metro();
    const all = await db().spUserCharge.findMany({ where: { providerCompanyId: metro.providerCompanyId }, select: { id: true, kind: true } });
    expect(all.length).toBeGreaterThan(3);
    for (const key of USER_CHARGE_SORT_KEYS) {
      for (const dir of ["asc", "desc"] as const) {
        const rows = await walk((after) => pageOfUserCharges(metro, { kind: "all", sort: { key, dir }, after, take: 2 }));
        expect(rows.map((r) => r.id).sort(), `${key} ${dir}`).toEqual(all.map((r) => r.id).sort());
        // Keyset order: the sort value, then the id (amounts repeat: the id keeps the walk exact).
        const keys = rows.map((r) => [key === "charged" ? r.chargedAt.getTime() : r.amountMinor, r.id] as const);
        const sorted = [...keys].sort((a, b) => a[0] - b[0] || compare(a[1], b[1]));
        expect(keys, `${key} ${dir} in order`).toEqual(dir === "asc" ? sorted : sorted.reverse());
      }
    }
    const reissue = await walk((after) => pageOfUserCharges(metro, { kind: "reissue", sort: { key: "amount", dir: "desc" }, after, take: 2 }));
    expect(reissue.map((r) => r.id).sort()).toEqual(
      all
        .filter((c) => c.kind === "reissue_reload")
        .map((c) => c.id)
        .sort(),
    );
    expect(reissue.every((r) => r.kind === "reissue_reload")).toBe(true);
  });

  it("reissuance information: pairs by time received (ties by id) or by reissued card id, either way, once each; inquiries newest first", async () => {
    const metro = await desks.metro();
    const hoshi = await desks.hoshi();
    // Pairs of both providers with the same card ids, several received at the same instant, so the id decides their order.
    const at = new Date("2026-03-01T09:00:00.000Z");
    const pair = (provider: string, i: number, received: Date) => ({
      providerCompanyId: provider,
      platformType: 100,
      oldCardId: `AA1${String(i).padStart(13, "0")}`,
      reissuedCardId: `BB1${String(i).padStart(13, "0")}`,
      reissuedAt: received,
      receivedAt: received,
      sourceMessageId: `RECARD01-${provider}-I${String(9_000_000_000 + i)}`,
      via: "push" as const,
    });
    await db().spReissueNotice.createMany({
      data: [
        ...Array.from({ length: 7 }, (_, i) => pair(metro.providerCompanyId, i, i < 4 ? at : new Date(at.getTime() + i * 1000))),
        ...Array.from({ length: 3 }, (_, i) => pair(hoshi.providerCompanyId, i, at)),
      ],
    });
    await db().spCardInquiry.createMany({
      data: Array.from({ length: 5 }, (_, i) => ({
        providerCompanyId: i < 3 ? metro.providerCompanyId : hoshi.providerCompanyId,
        platformType: 200,
        applicationAid: "F0524300010001",
        requestMessageId: `TEST-INQUIRY-${i}`,
        askedAt: at,
      })),
    });
    const all = await db().spReissueNotice.findMany({ where: { providerCompanyId: metro.providerCompanyId }, select: { id: true } });
    expect(all.length).toBeGreaterThanOrEqual(7);
    for (const key of REISSUE_NOTICE_SORT_KEYS) {
      for (const dir of ["asc", "desc"] as const) {
        const rows = await walk((after) => pageOfReissueNotices(metro, { sort: { key, dir }, after, take: 3 }));
        expect(rows.map((r) => r.id).sort(), `${key} ${dir}`).toEqual(all.map((r) => r.id).sort());
        const values = rows.map((r) => (key === "received" ? r.receivedAt.toISOString() + "|" + r.id : r.reissuedCardId));
        const sorted = [...values].sort(compare);
        expect(values, `${key} ${dir} in order`).toEqual(dir === "asc" ? sorted : sorted.reverse());
      }
    }
    // A search keeps to this provider: Hoshi's pairs match the same words but never show at Metro.
    const found = await walk((after) => pageOfReissueNotices(metro, { query: "b1000000000", sort: { key: "received", dir: "desc" }, after, take: 2 }));
    expect(found.map((r) => r.reissuedCardId).sort()).toEqual(Array.from({ length: 7 }, (_, i) => `BB1${String(i).padStart(13, "0")}`));
    const hoshiPairs = await walk((after) => pageOfReissueNotices(hoshi, { sort: { key: "reissuedCardId", dir: "asc" }, after, take: 2 }));
    expect(hoshiPairs.filter((r) => r.reissuedCardId.startsWith("BB1000"))).toHaveLength(3);

    const inquiries = await walk((after) => pageOfCardInquiries(metro, { query: "TEST-INQUIRY", after, take: 2 }));
    expect(inquiries.map((r) => r.requestMessageId).sort()).toEqual(["TEST-INQUIRY-0", "TEST-INQUIRY-1", "TEST-INQUIRY-2"]);
    const ids = inquiries.map((r) => r.id);
    expect(ids).toEqual([...ids].sort(compare).reverse());
  });

  it("the URL: a cursor that does not fit the sort, or a junk sort, gives the first page in the default order", () => {
    const cursor = encodeCursor(["2026-01-01T00:00:00.000Z", "00000000-0000-4000-8000-000000000000"]);
    expect(parseRecordListParams({ sort: "created", dir: "asc", after: cursor }).after).toEqual({
      value: "2026-01-01T00:00:00.000Z",
      id: "00000000-0000-4000-8000-000000000000",
    });
    expect(parseRecordListParams({ sort: "messageId", after: encodeCursor(["x y", "00000000-0000-4000-8000-000000000000"]) }).after).toBeNull();
    expect(parseCustomerListParams({ sort: "amount", dir: "up" }).sort).toEqual({ key: "created", dir: "desc" });
    expect(parseCustomerListParams({ q: "a\u0000b" }).searchError).toBeTruthy();
    expect(
      parseUserChargeListParams({ kind: "reissue", sort: "amount", dir: "asc", after: encodeCursor(["200", "00000000-0000-4000-8000-000000000000"]) }),
    ).toMatchObject({
      kind: "reissue",
      after: { value: "200" },
      links: { kind: "reissue", sort: "amount", dir: "asc" },
    });
    expect(
      parseUserChargeListParams({ kind: "junk", sort: "amount", after: encodeCursor(["2026-01-01T00:00:00.000Z", "00000000-0000-4000-8000-000000000000"]) }),
    ).toMatchObject({
      kind: "all",
      after: null,
    });
    const inquiries = encodeCursor(["2026-01-01T00:00:00.000Z", "00000000-0000-4000-8000-000000000000"]);
    expect(parseReissuanceListParams({ sort: "reissuedCardId", inquiries }).inquiriesAfter).not.toBeNull();
    expect(parseReissuanceListParams({ sort: "reissuedCardId", after: encodeCursor(["not hex", "00000000-0000-4000-8000-000000000000"]) }).after).toBeNull();
  });

  it("the CSV exports stream this provider's rows only, one line each, and refuse other roles", async () => {
    const { GET: records } = await import("@/app/provider/records/export/route");
    const { GET: customers } = await import("@/app/provider/customers/export/route");
    const { GET: charges } = await import("@/app/provider/charges/export/route");
    const { GET: reissuance } = await import("@/app/provider/reissuance/export/route");
    const { createSession } = await import("@/lib/server/auth/sessions");
    const signIn = async (email: string) => {
      const user = await db().user.findUniqueOrThrow({ where: { email } });
      const sid = await createSession(db(), { userId: user.id, address: null, now: new Date(), policy: { idleMs: 3_600_000, maxAgeMs: 3_600_000 } });
      session = { user: { id: user.id, companyName: "test" }, sid };
    };
    await signIn("desk@metro.recard.test");
    const metro = await desks.metro();
    const text = await (await records(new Request("http://localhost/provider/records/export?sort=messageId&dir=asc"))).text();
    const lines = text
      .replace(/^\uFEFF/, "")
      .trimEnd()
      .split("\r\n");
    expect(lines[0]).toBe("message_id,card_id,surface_number_last4,platform_type,application_aid,customer_no,customer,kind,status,loaded_at,created_at");
    const expected = await db().spLoadRecord.findMany({
      where: { providerCompanyId: metro.providerCompanyId },
      orderBy: [{ messageId: "asc" }, { id: "asc" }],
    });
    expect(lines.slice(1).map((l) => l.split(",")[0])).toEqual(expected.map((r) => r.messageId));
    const customerLines = (await (await customers(new Request("http://localhost/provider/customers/export"))).text()).trimEnd().split("\r\n");
    expect(customerLines.length - 1).toBe(await db().spCustomer.count({ where: { providerCompanyId: metro.providerCompanyId } }));

    // Charges to users and reissuance pairs: Metro's rows, in the asked order; none of Hoshi's.
    const hoshi = await desks.hoshi();
    const csv = async (response: Response) =>
      (await response.text())
        .replace(/^\uFEFF/, "")
        .trimEnd()
        .split("\r\n")
        .map((l) => l.split(","));
    const chargeRows = await csv(await charges(new Request("http://localhost/provider/charges/export?sort=amount&dir=asc")));
    expect(chargeRows[0]).toEqual(["charged_at", "customer_no", "customer", "application_aid", "kind", "amount_minor", "currency", "message_id"]);
    const metroCharges = await db().spUserCharge.findMany({
      where: { providerCompanyId: metro.providerCompanyId },
      orderBy: [{ amountMinor: "asc" }, { id: "asc" }],
      include: { loadRecord: true },
    });
    expect(chargeRows.slice(1).map((r) => r[7])).toEqual(metroCharges.map((c) => c.loadRecord.messageId));
    const hoshiMessages = new Set(
      (await db().spLoadRecord.findMany({ where: { providerCompanyId: hoshi.providerCompanyId }, select: { messageId: true } })).map((r) => r.messageId),
    );
    expect(hoshiMessages.size).toBeGreaterThan(0);
    expect(chargeRows.slice(1).some((r) => hoshiMessages.has(r[7]!))).toBe(false);
    const reissuanceRows = await csv(await reissuance(new Request("http://localhost/provider/reissuance/export?sort=reissuedCardId&dir=desc")));
    expect(reissuanceRows[0]).toEqual(["reissued_card_id", "old_card_id", "reissued_at", "received_at", "via", "message_id"]);
    const metroPairs = await db().spReissueNotice.findMany({ where: { providerCompanyId: metro.providerCompanyId }, orderBy: { reissuedCardId: "desc" } });
    expect(reissuanceRows.slice(1).map((r) => r[0])).toEqual(metroPairs.map((p) => p.reissuedCardId));
    // Hoshi holds pairs with the same card ids (the test above): their messages never appear.
    const hoshiSources = new Set(
      (await db().spReissueNotice.findMany({ where: { providerCompanyId: hoshi.providerCompanyId }, select: { sourceMessageId: true } })).map(
        (p) => p.sourceMessageId,
      ),
    );
    expect(hoshiSources.size).toBeGreaterThan(0);
    expect(reissuanceRows.slice(1).some((r) => hoshiSources.has(r[5]!))).toBe(false);
    expect(reissuanceRows.length - 1).toBe(metroPairs.length);

    await signIn("issuer@recard.test");
    const refused = await records(new Request("http://localhost/provider/records/export"));
    expect(refused.status).toBe(403);
    expect((await charges(new Request("http://localhost/provider/charges/export"))).status).toBe(403);
    expect((await reissuance(new Request("http://localhost/provider/reissuance/export"))).status).toBe(403);
    session = null;
    expect((await customers(new Request("http://localhost/provider/customers/export"))).status).toBe(401);
    expect((await charges(new Request("http://localhost/provider/charges/export"))).status).toBe(401);
    expect((await reissuance(new Request("http://localhost/provider/reissuance/export"))).status).toBe(401);
  });
});
