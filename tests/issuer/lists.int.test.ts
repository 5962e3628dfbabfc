import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/server/db";
import { pageOfCardholders } from "@/lib/server/data/issuer/cards";
import { listPermissions, pageOfPermissions } from "@/lib/server/data/issuer/permission-registry";
import { encodeCursor } from "@/lib/core/table/list-query";
import { CARDHOLDER_LIST_SORT_KEYS, PERMISSION_LIST_SORT_KEYS, parseCardholderListParams, parsePermissionListParams } from "@/lib/validation/issuer-lists";
import { testDatabase } from "../helpers/db";
import { freshDemoWorld, issuerActor } from "./helpers";

/**
 * The issuer's cardholders and loading permissions: keyset pages in every sort walk the whole list once,
 * in order (ties by id), filters narrow it, the figures are bounded counts, and the CSV exports stream
 * the same rows to the issuer only.
 */
let session: { user: { id: string; companyName: string }; sid: string } | null = null;
vi.mock("next-auth", async (original) => ({ ...(await original<typeof import("next-auth")>()), getServerSession: async () => session }));

beforeAll(freshDemoWorld, 180_000);
afterAll(() => db().$disconnect());

type Cursor = { value: string; id: string };

async function walk<Row extends { id: string }>(page: (after: Cursor | null) => Promise<{ rows: Row[]; next: Cursor | null }>) {
  const seen: Row[] = [];
  let after: Cursor | null = null;
  for (let i = 0; i < 1000; i++) {
    const result: { rows: Row[]; next: Cursor | null } = await page(after);
    seen.push(...result.rows);
    if (!result.next) return seen;
    after = result.next;
  }
  throw new Error("the pages never ended");
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describe(`issuer lists on ${testDatabase().kind}`, () => {
  it("cardholders: by number, name or registration, either way, each once, in order; a search narrows it", async () => {
    const actor = await issuerActor();
    // Two cardholders with the same name and registration instant: only the id orders them.
    const base = await db().cardholder.findFirstOrThrow({ orderBy: { holderNo: "asc" } });
    const { id: _, holderNo: __, email: ___, ...rest } = base;
    const twinAt = new Date("2026-02-02T02:02:02.000Z");
    await db().cardholder.createMany({
      data: ["CH-TWIN-1", "CH-TWIN-2"].map((holderNo, i) => ({ ...rest, holderNo, fullName: "Twin Test", email: `twin${i}@example.test`, createdAt: twinAt })),
    });
    const all = await db().cardholder.findMany({ select: { id: true } });
    expect(all.length).toBeGreaterThan(10);
    for (const key of CARDHOLDER_LIST_SORT_KEYS) {
      for (const dir of ["asc", "desc"] as const) {
        const rows = await walk((after) => pageOfCardholders(actor, { sort: { key, dir }, after, take: 4 }));
        expect(rows.map((r) => r.id).sort(), `${key} ${dir}`).toEqual(all.map((r) => r.id).sort());
        // PostgreSQL orders text by its collation, not by code point: compare with the database's own order.
        const expected = await db().cardholder.findMany({
          orderBy: key === "holderNo" ? [{ holderNo: dir }] : key === "name" ? [{ fullName: dir }, { id: dir }] : [{ createdAt: dir }, { id: dir }],
          select: { id: true },
        });
        expect(
          rows.map((r) => r.id),
          `${key} ${dir} in order`,
        ).toEqual(expected.map((r) => r.id));
      }
    }
    const twins = await walk((after) => pageOfCardholders(actor, { query: "twin test", sort: { key: "name", dir: "asc" }, after, take: 1 }));
    expect(twins.map((r) => r.holderNo).sort()).toEqual(["CH-TWIN-1", "CH-TWIN-2"]);
    expect(twins.map((r) => r.id)).toEqual(twins.map((r) => r.id).sort(compare));
    const byNumber = await pageOfCardholders(actor, { query: base.holderNo.toLowerCase(), sort: { key: "holderNo", dir: "asc" }, after: null });
    expect(byNumber.rows.map((r) => r.id)).toEqual([base.id]);
  });

  it("permissions: by decision time or message id, either way, each once, in order; filters narrow the list and the figures", async () => {
    const actor = await issuerActor();
    const all = await db().loadingPermission.findMany({ select: { id: true, messageId: true, status: true, provider: { select: { companyId: true } } } });
    expect(all.length).toBeGreaterThan(5);
    for (const key of PERMISSION_LIST_SORT_KEYS) {
      for (const dir of ["asc", "desc"] as const) {
        const rows = await walk((after) => pageOfPermissions(actor, {}, { sort: { key, dir }, after, take: 3 }));
        expect(rows.map((r) => r.id).sort(), `${key} ${dir}`).toEqual(all.map((r) => r.id).sort());
        const expected = await db().loadingPermission.findMany({
          orderBy: key === "messageId" ? [{ messageId: dir }] : [{ decidedAt: dir }, { id: dir }],
          select: { id: true },
        });
        expect(
          rows.map((r) => r.id),
          `${key} ${dir} in order`,
        ).toEqual(expected.map((r) => r.id));
      }
    }
    const hoshiConfirmed = all.filter((p) => p.provider.companyId === "HOSHI01" && p.status === "confirmed");
    expect(hoshiConfirmed.length).toBeGreaterThan(0);
    const filter = { providerCompanyId: "HOSHI01", status: "confirmed" as const };
    const rows = await walk((after) => pageOfPermissions(actor, filter, { sort: { key: "decided", dir: "desc" }, after, take: 2 }));
    expect(rows.map((r) => r.id).sort()).toEqual(hoshiConfirmed.map((p) => p.id).sort());
    const listed = await listPermissions(actor, filter, { sort: { key: "decided", dir: "desc" }, after: null, take: 2 });
    expect(listed.total).toEqual({ count: hoshiConfirmed.length, isEstimate: false });
    expect(listed.byStatus.confirmed).toEqual({ count: hoshiConfirmed.length, isEstimate: false });
    expect(listed.byStatus.refused.count).toBe(0);
    const everything = await listPermissions(actor, {}, { sort: { key: "decided", dir: "desc" }, after: null });
    for (const status of ["confirmed", "granted", "refused", "failed"] as const)
      expect(everything.byStatus[status].count, status).toBe(all.filter((p) => p.status === status).length);
    expect(everything.total.count).toBe(all.length);
    // Part of a message id (the grant's, its request's or the original's).
    const one = all[0]!.messageId;
    const found = await pageOfPermissions(actor, { messageId: one.slice(-6).toLowerCase() }, { sort: { key: "messageId", dir: "asc" }, after: null });
    expect(found.rows.map((r) => r.messageId)).toContain(one);
  });

  it("the URL: filters and sort kept, a cursor that does not fit the sort gives the first page", () => {
    const id = "00000000-0000-4000-8000-000000000000";
    expect(parseCardholderListParams({ sort: "name", dir: "desc", after: encodeCursor(["Hana Sato", id]) })).toMatchObject({
      after: { value: "Hana Sato", id },
      links: { sort: "name", dir: "desc" },
    });
    expect(parseCardholderListParams({ sort: "created", after: encodeCursor(["Hana Sato", id]) }).after).toBeNull();
    expect(parseCardholderListParams({ sort: "email" }).sort).toEqual({ key: "holderNo", dir: "asc" });
    expect(parsePermissionListParams({ status: "confirmed", provider: "HOSHI01", kind: "x", sort: "messageId", dir: "asc" })).toMatchObject({
      filter: { status: "confirmed", providerCompanyId: "HOSHI01", kind: undefined },
      links: { status: "confirmed", provider: "HOSHI01", sort: "messageId", dir: "asc" },
    });
    expect(parsePermissionListParams({ after: encodeCursor(["RECARD01-METRO01-I0000000001", id]) }).after).toBeNull();
    expect(parsePermissionListParams({ q: "a\u0000b" }).searchError).toBeTruthy();
  });

  it("the CSV exports stream the issuer's lists in the page's order, and refuse a provider and the signed out", async () => {
    const { GET: cardholders } = await import("@/app/issuer/cardholders/export/route");
    const { GET: permissions } = await import("@/app/issuer/permissions/export/route");
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
        .split("\r\n")
        .map((l) => l.split(","));
    };
    await signIn("issuer@recard.test");
    const holders = await csv(await cardholders(new Request("http://localhost/issuer/cardholders/export?sort=holderNo&dir=desc")));
    expect(holders[0]).toEqual(["holder_no", "name", "email", "cards", "cards_in_use", "identity_verified", "fraud_flag", "created_at"]);
    expect(holders.slice(1).map((r) => r[0])).toEqual((await db().cardholder.findMany({ orderBy: { holderNo: "desc" } })).map((h) => h.holderNo));
    const metro = await csv(await permissions(new Request("http://localhost/issuer/permissions/export?provider=METRO01&sort=messageId&dir=asc")));
    expect(metro[0]!.slice(0, 3)).toEqual(["message_id", "request_message_id", "provider"]);
    const expected = await db().loadingPermission.findMany({ where: { provider: { companyId: "METRO01" } }, orderBy: { messageId: "asc" } });
    expect(expected.length).toBeGreaterThan(0);
    expect(metro.slice(1).map((r) => r[0])).toEqual(expected.map((p) => p.messageId));
    expect(new Set(metro.slice(1).map((r) => r[2]))).toEqual(new Set(["METRO01"]));

    await signIn("desk@metro.recard.test");
    expect((await cardholders(new Request("http://localhost/issuer/cardholders/export"))).status).toBe(403);
    expect((await permissions(new Request("http://localhost/issuer/permissions/export?provider=METRO01"))).status).toBe(403);
    session = null;
    expect((await cardholders(new Request("http://localhost/issuer/cardholders/export"))).status).toBe(401);
    expect((await permissions(new Request("http://localhost/issuer/permissions/export"))).status).toBe(401);
  });
});
