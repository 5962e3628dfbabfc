import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/server/db";
import { pageOfCustomers } from "@/lib/server/data/provider/customers";
import { pageOfLoadRecords } from "@/lib/server/data/provider/load-records";
import type { SortState } from "@/lib/core/table/list-query";
import { CUSTOMER_SORT_KEYS, RECORD_SORT_KEYS, parseCustomerListParams, parseRecordListParams } from "@/lib/validation/provider-lists";
import { encodeCursor } from "@/lib/core/table/list-query";
import { testDatabase } from "../helpers/db";
import { desks, freshDemoWorld } from "./helpers";

/**
 * The provider's growing lists (load records, customers): keyset pages in every sort walk the whole
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

  it("the URL: a cursor that does not fit the sort, or a junk sort, gives the first page in the default order", () => {
    const cursor = encodeCursor(["2026-01-01T00:00:00.000Z", "00000000-0000-4000-8000-000000000000"]);
    expect(parseRecordListParams({ sort: "created", dir: "asc", after: cursor }).after).toEqual({
      value: "2026-01-01T00:00:00.000Z",
      id: "00000000-0000-4000-8000-000000000000",
    });
    expect(parseRecordListParams({ sort: "messageId", after: encodeCursor(["x y", "00000000-0000-4000-8000-000000000000"]) }).after).toBeNull();
    expect(parseCustomerListParams({ sort: "amount", dir: "up" }).sort).toEqual({ key: "created", dir: "desc" });
    expect(parseCustomerListParams({ q: "a\u0000b" }).searchError).toBeTruthy();
  });

  it("the CSV exports stream this provider's rows only, one line each, and refuse other roles", async () => {
    const { GET: records } = await import("@/app/provider/records/export/route");
    const { GET: customers } = await import("@/app/provider/customers/export/route");
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

    await signIn("issuer@recard.test");
    const refused = await records(new Request("http://localhost/provider/records/export"));
    expect(refused.status).toBe(403);
    session = null;
    expect((await customers(new Request("http://localhost/provider/customers/export"))).status).toBe(401);
  });
});
