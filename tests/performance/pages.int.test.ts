/**
 * The list pages' data functions cost the same number of statements whatever the number of rows
 * (issue 16): the reissue queue with a handful or hundreds pending, the card list on a small or a
 * large card base. Counted at the connection (lib/server/db.ts statementsSent), so a return to one
 * query per row fails here. Speed itself is measured by `npm run bench -- --scale N`, never here.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { EXACT_COUNT_UP_TO } from "@/lib/server/data/counts";
import { cardListSql, getCardholder, listCards, pageOfCardholders, type CardCursor } from "@/lib/server/data/issuer/cards";
import { listPermissions } from "@/lib/server/data/issuer/permission-registry";
import { chargesByMonth, issueMonthlyStatement, listCharges, listStatements } from "@/lib/server/data/issuer/charges";
import { getIssuerDashboard } from "@/lib/server/data/issuer/dashboard";
import { listProviders } from "@/lib/server/data/issuer/providers";
import { fileReissueRequest, listReissueQueue, QUEUE_PENDING_SHOWN } from "@/lib/server/data/issuer/reissue";
import { createCardBase } from "@/prisma/seed/card-base";
import { testDatabase } from "../helpers/db";
import { counted } from "../helpers/statements";
import { currentCard, freshDemoWorld, issuerActor } from "../issuer/helpers";
import { nameOf } from "../helpers/people";

beforeAll(freshDemoWorld, 180_000);
afterAll(() => db().$disconnect());

const BIG = EXACT_COUNT_UP_TO + 500;
const PENDING = QUEUE_PENDING_SHOWN + 150;

describe(`list pages at scale on ${testDatabase().kind}`, () => {
  const small: Record<string, number> = {};

  it("on the demo world: the queue in 3 statements, the card list in 2, the charges chart in 1, the overview in 3", async () => {
    const actor = await issuerActor();
    const hana = await currentCard(nameOf("Hana Sato"));
    const filed = await fileReissueRequest({ kind: "operator", userId: actor.id, label: actor.name }, { cardUuid: hana.id, reason: "damaged" });
    if (!filed.ok) throw new Error(filed.error.message);
    const queue = await counted(() => listReissueQueue(actor));
    expect(queue.value.pending.map((p) => p.id)).toContain(filed.value.requestId);
    expect(queue.value.pendingTotal).toBe(queue.value.pending.length);
    const item = queue.value.pending.find((p) => p.id === filed.value.requestId)!;
    expect(item.cardholder.name).toBe(nameOf("Hana Sato"));
    expect(item.applications.length).toBeGreaterThanOrEqual(2);
    expect(item.examination.checks.map((c) => c.id)).toEqual(["identity", "reissues-this-year", "card-status", "fraud-flag"]);
    small.queue = queue.statements;
    expect(queue.statements).toBe(3);

    const cards = await counted(() => listCards(actor, {}));
    expect(cards.value.total).toEqual({ count: await db().card.count(), isEstimate: false });
    small.cards = cards.statements;
    expect(cards.statements).toBe(2);
    // Found by the reading of the name as well as by the name (issue 15).
    const found = await listCards(actor, { query: "ハナ" });
    expect(found.rows.map((r) => r.cardholderName)).toContain(nameOf("Hana Sato"));

    const chart = await counted(() => chargesByMonth(actor, {}));
    expect(chart.value).toHaveLength(12);
    expect(chart.statements).toBe(1);

    const overview = await counted(() => getIssuerDashboard(actor));
    expect(overview.value.cardsByStatus.active).toEqual({ count: await db().card.count({ where: { status: "active" } }), isEstimate: false });
    expect(overview.value.openReissueRequests.count).toBe(queue.value.pendingTotal);
    expect(overview.statements).toBe(3);

    // Issue 15's lists: a keyset page and its bounded figures, no OFFSET and no count of every row.
    const permissions = await counted(() => listPermissions(actor, {}, { sort: { key: "decided", dir: "desc" }, after: null }));
    expect(permissions.value.total).toEqual({ count: await db().loadingPermission.count(), isEstimate: false });
    small.permissions = permissions.statements;
    const holders = await counted(() => pageOfCardholders(actor, { sort: { key: "name", dir: "asc" }, after: null }));
    small.cardholders = holders.statements;
    expect(holders.statements).toBeLessThanOrEqual(2);

    // The providers page: each provider's decisions and each application's loaded cards, exact while small.
    const providers = await counted(() => listProviders(actor));
    small.providers = providers.statements;
    expect(providers.statements).toBeLessThanOrEqual(3);
    for (const p of providers.value) {
      expect(p.permissions).toEqual({ count: await db().loadingPermission.count({ where: { providerId: p.id } }), isEstimate: false });
      for (const a of p.applications)
        expect(a.cardsLoaded, a.aid).toEqual({
          count: await db().cardApplication.count({ where: { applicationId: a.id, status: "loaded" } }),
          isEstimate: false,
        });
    }
  });

  it(`with ${BIG.toLocaleString("en-US")} more cards and ${PENDING} pending reports: the same statements`, async () => {
    const actor = await issuerActor();
    await createCardBase(db(), BIG, "PG", { pendingReissues: PENDING, charges: true });

    const queue = await counted(() => listReissueQueue(actor));
    expect(queue.value.pending).toHaveLength(QUEUE_PENDING_SHOWN);
    expect(queue.value.pendingTotal).toBe(await db().reissueRequest.count({ where: { status: "pending" } }));
    expect(queue.statements).toBe(small.queue);
    // Oldest first, each with the facts of its own card.
    const created = queue.value.pending.map((p) => p.createdAt);
    expect([...created].sort()).toEqual(created);
    const some = queue.value.pending.at(-1)!;
    const card = await db().card.findUniqueOrThrow({
      where: { id: some.oldCard.id },
      select: { cardholderId: true, _count: { select: { applications: true } } },
    });
    expect(card.cardholderId).toBe(some.cardholder.id);
    expect(some.applications).toHaveLength(card._count.applications);

    // Past EXACT_COUNT_UP_TO the total is the planner's estimate: one statement more, never a count of every row.
    const cards = await counted(() => listCards(actor, {}));
    expect(cards.value.total.isEstimate).toBe(true);
    expect(cards.value.total.count).toBeGreaterThan(EXACT_COUNT_UP_TO);
    expect(cards.statements).toBe(small.cards! + 1);
    const blocked = await counted(() => listCards(actor, { status: "blocked", platformType: 200 }));
    expect(blocked.value.total).toEqual({ count: await db().card.count({ where: { status: "blocked", platformType: 200 } }), isEstimate: false });
    expect(blocked.statements).toBe(small.cards);

    // Permissions: the same page statements, one EXPLAIN for each figure past EXACT_COUNT_UP_TO; a page
    // deep in the list (after the middle permission) costs what the first does. Cardholders the same.
    const permissions = await counted(() => listPermissions(actor, {}, { sort: { key: "decided", dir: "desc" }, after: null }));
    const estimated = [permissions.value.total, ...Object.values(permissions.value.byStatus)].filter((f) => f.isEstimate);
    expect(permissions.value.total.isEstimate).toBe(true);
    expect(permissions.value.byStatus.refused).toEqual({ count: await db().loadingPermission.count({ where: { status: "refused" } }), isEstimate: false });
    expect(permissions.statements).toBe(small.permissions! + estimated.length);
    const [middle] = await db().loadingPermission.findMany({
      orderBy: [{ decidedAt: "desc" }, { id: "desc" }],
      skip: Math.floor((await db().loadingPermission.count()) / 2),
      take: 1,
    });
    const deep = await counted(() =>
      listPermissions(actor, {}, { sort: { key: "decided", dir: "desc" }, after: { value: middle!.decidedAt.toISOString(), id: middle!.id } }),
    );
    expect(deep.value.rows).toHaveLength(50);
    expect(deep.value.rows[0]!.decidedAt.getTime()).toBeLessThanOrEqual(middle!.decidedAt.getTime());
    expect(deep.statements).toBe(permissions.statements);
    const holders = await counted(() => pageOfCardholders(actor, { sort: { key: "name", dir: "asc" }, after: null }));
    expect(holders.statements).toBe(small.cardholders);
    const last = holders.value.rows.at(-1)!;
    const next = await counted(() => pageOfCardholders(actor, { sort: { key: "name", dir: "asc" }, after: holders.value.next }));
    expect(next.statements).toBe(small.cardholders);
    expect(next.value.rows).toHaveLength(50);
    expect(next.value.rows.some((r) => r.id === last.id || holders.value.rows.some((h) => h.id === r.id))).toBe(false);

    // The providers page: a figure past EXACT_COUNT_UP_TO is the planner's estimate (one EXPLAIN more each),
    // never a count of every permission or every card's applications.
    const providers = await counted(() => listProviders(actor));
    const providerFigures = providers.value.flatMap((p) => [p.permissions, ...p.applications.map((a) => a.cardsLoaded)]);
    expect(providerFigures.some((f) => f.isEstimate)).toBe(true);
    for (const f of providerFigures) if (f.isEstimate) expect(f.count).toBeGreaterThan(EXACT_COUNT_UP_TO);
    expect(providers.statements).toBe(small.providers! + providerFigures.filter((f) => f.isEstimate).length);
    const chart = await counted(() => chargesByMonth(actor, {}));
    expect(chart.statements).toBe(1);
    // The overview: the same 3 statements, and one EXPLAIN for each figure past EXACT_COUNT_UP_TO.
    const overview = await counted(() => getIssuerDashboard(actor));
    const figures = [overview.value.cardsByStatus, overview.value.cardsByPlatform, overview.value.cardholders, overview.value.openReissueRequests].flatMap(
      (f) => ("count" in f ? [f] : Object.values(f)),
    );
    expect(overview.value.cardsByStatus.active.isEstimate).toBe(true);
    expect(overview.value.cardsByStatus.blocked).toEqual({ count: await db().card.count({ where: { status: "blocked" } }), isEstimate: false });
    expect(overview.statements).toBe(3 + [...figures, overview.value.permissionsToday, overview.value.reloadsToday].filter((f) => f.isEstimate).length);
    const since = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - 11, 1));
    const sum = await db().providerCharge.aggregate({ where: { chargedAt: { gte: since } }, _sum: { amountMinor: true } });
    expect(chart.value.reduce((s, m) => s + m.normal + m.reissue, 0)).toBe(sum._sum.amountMinor);
  });

  it("a cardholder's page and the statements list count their own rows only, with the right numbers", async () => {
    const actor = await issuerActor();
    const hana = await currentCard(nameOf("Hana Sato"));
    const holder = await getCardholder(actor, (await db().card.findUniqueOrThrow({ where: { id: hana.id }, select: { cardholderId: true } })).cardholderId);
    for (const c of holder!.cards)
      expect(c._count.applications, c.surfaceNumber).toBe(await db().cardApplication.count({ where: { cardId: c.id, status: "loaded" } }));
    const metro = await db().serviceProvider.findUniqueOrThrow({ where: { companyId: "METRO01" }, select: { id: true } });
    const now = new Date();
    const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 15)).toISOString().slice(0, 7);
    const issued = await issueMonthlyStatement(actor, metro.id, lastMonth);
    if (!issued.ok) throw new Error(issued.error.message);
    const statements = await listStatements(actor);
    expect(statements.length).toBeGreaterThan(0);
    expect(statements.some((st) => st._count.charges > 0)).toBe(true);
    for (const st of statements) expect(st._count.charges).toBe(await db().providerCharge.count({ where: { statementId: st.id } }));
  });

  it("the charges' totals come from the month totals the trigger keeps, and follow inserts, updates and deletes", async () => {
    const actor = await issuerActor();
    const exact = async () => {
      const g = await db().providerCharge.groupBy({ by: ["kind"], _sum: { amountMinor: true }, _count: { _all: true } });
      const k = (kind: string) => g.find((x) => x.kind === kind);
      return {
        normal: k("normal_load")?._sum.amountMinor ?? 0,
        reissue: k("reissue_reload")?._sum.amountMinor ?? 0,
        normalCount: k("normal_load")?._count._all ?? 0,
        reissueCount: k("reissue_reload")?._count._all ?? 0,
      };
    };
    const shown = async () => {
      const { totals } = await listCharges(actor, {});
      return { normal: totals.normal, reissue: totals.reissue, normalCount: totals.normalCount, reissueCount: totals.reissueCount };
    };
    expect(await shown()).toEqual(await exact());
    const [a, b] = await db().providerCharge.findMany({ take: 2, orderBy: { chargedAt: "asc" }, select: { id: true } });
    await db().providerCharge.update({ where: { id: a!.id }, data: { amountMinor: 12_345, kind: "reissue_reload", chargedAt: new Date() } });
    await db().providerCharge.delete({ where: { id: b!.id } });
    expect(await shown()).toEqual(await exact());
    const month = new Date().toISOString().slice(0, 7);
    const inMonth = await listCharges(actor, { period: month });
    const since = new Date(`${month}-01T00:00:00Z`);
    expect(inMonth.totals.normal + inMonth.totals.reissue).toBe(
      (await db().providerCharge.aggregate({ where: { chargedAt: { gte: since } }, _sum: { amountMinor: true } }))._sum.amountMinor,
    );
  });

  it("keyset pages of the card list: every matching card once, newest first, the same statements on the last page as on the first", async () => {
    const actor = await issuerActor();
    const filter = { status: "active" as const, platformType: 100 as const };
    const expected = await db().card.count({ where: filter });
    const seen: string[] = [];
    const issued: number[] = [];
    let after: CardCursor | null = null;
    const costs = new Set<number>();
    do {
      const page = await counted(() => listCards(actor, filter, { after, take: 100 }));
      costs.add(page.statements);
      for (const r of page.value.rows) {
        seen.push(r.id);
        issued.push(r.issuedAt.getTime());
      }
      after = page.value.next;
    } while (after);
    expect(seen).toHaveLength(expected);
    expect(new Set(seen).size).toBe(expected);
    expect([...issued].sort((a, b) => b - a)).toEqual(issued);
    expect(costs.size).toBe(1);
  });

  it.each([
    ["surface", "asc"],
    ["surface", "desc"],
    ["cardId", "asc"],
    ["issued", "asc"],
  ] as const)("keyset pages sorted by %s %s: every matching card once, in order, the same statements on every page", async (key, dir) => {
    const actor = await issuerActor();
    const filter = { platformType: 200 as const };
    const expected = await db().card.count({ where: filter });
    const values: string[] = [];
    const ids = new Set<string>();
    let after: CardCursor | null = null;
    const costs = new Set<number>();
    do {
      const page = await counted(() => listCards(actor, filter, { after, take: 250, sort: { key, dir } }));
      costs.add(page.statements);
      for (const r of page.value.rows) {
        ids.add(r.id);
        values.push(key === "surface" ? r.surfaceNumber : key === "cardId" ? r.cardId : `${r.issuedAt.toISOString()}|${r.id}`);
      }
      after = page.value.next;
    } while (after);
    expect(ids.size).toBe(expected);
    expect(values).toHaveLength(expected);
    const sorted = [...values].sort();
    expect(values).toEqual(dir === "asc" ? sorted : sorted.reverse());
    expect(costs.size).toBe(1);
    // Index-backed: the plan of a later page reads an index in the sort's order, no sort of every row, no OFFSET.
    const sql = cardListSql(filter, null, 51, { key, dir });
    const plan = (await db().$queryRaw<{ "QUERY PLAN": string }[]>`EXPLAIN ${sql}`).map((r) => r["QUERY PLAN"]).join("\n");
    expect(plan, plan).toMatch(/Index Scan/);
    expect(plan).not.toMatch(/OFFSET/i);
  });

  it("searches: any part of a surface number, a name in any case, a card id, a holder number; LIKE characters taken literally", async () => {
    const actor = await issuerActor();
    const card = await db().card.findFirstOrThrow({
      where: { cardholder: { holderNo: "PG-0000042" } },
      select: { id: true, surfaceNumber: true, cardId: true },
    });
    for (const query of [card.surfaceNumber.slice(5, 13), "scale holder pg 42", card.cardId.toLowerCase(), "pg-0000042"]) {
      const { rows } = await listCards(actor, { query });
      expect(
        rows.map((r) => r.id),
        query,
      ).toContain(card.id);
    }
    expect((await listCards(actor, { query: "%" })).rows).toHaveLength(0);
    expect((await listCards(actor, { query: "Scale_Holder" })).rows).toHaveLength(0);
  });
});
