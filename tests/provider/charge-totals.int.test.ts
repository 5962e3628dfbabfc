import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lastMonths, totalsByMonth } from "@/lib/core/months";
import { db } from "@/lib/server/db";
import { getChargesOverview } from "@/lib/server/data/provider/charges";
import { counted } from "../helpers/statements";
import { testDatabase } from "../helpers/db";
import { desks, freshDemoWorld } from "./helpers";

/**
 * The provider's charges page reads month totals a trigger keeps (sp_user_charge_month_totals, issue 16),
 * not every charge: after charges are added, changed (amount, month, kind) and removed, the overview is
 * still what summing the charges themselves gives, for this provider only, in 2 statements however many
 * charges there are.
 */
beforeAll(freshDemoWorld, 180_000);
afterAll(() => db().$disconnect());

const NOW = new Date("2026-11-20T09:00:00Z");

/** The overview as summing every charge gives it (what the page read before the totals). */
async function summedFromCharges(providerCompanyId: string) {
  const charges = await db().spUserCharge.findMany({ where: { providerCompanyId }, select: { kind: true, amountMinor: true, chargedAt: true } });
  const of = (kind: string) => charges.filter((c) => c.kind === kind);
  return {
    totals: {
      normalMinor: of("normal_load").reduce((s, c) => s + c.amountMinor, 0),
      reissueMinor: of("reissue_reload").reduce((s, c) => s + c.amountMinor, 0),
      normalCount: of("normal_load").length,
      reissueCount: of("reissue_reload").length,
    },
    months: totalsByMonth(lastMonths(NOW, 12).months, charges),
  };
}

describe(`the provider's charge totals on ${testDatabase().kind}`, () => {
  it("stay what summing the charges gives through inserts, changes and deletes, for this provider only", async () => {
    const metro = await desks.metro();
    const hoshi = await desks.hoshi();
    const seeded = await db().spUserCharge.findMany({ where: { providerCompanyId: metro.providerCompanyId }, orderBy: { chargedAt: "asc" } });
    expect(seeded.length).toBeGreaterThanOrEqual(2);
    const overview = await getChargesOverview(metro, {}, NOW);
    expect({ totals: overview.totals, months: overview.months }).toEqual(await summedFromCharges(metro.providerCompanyId));
    expect(overview.totals.normalCount + overview.totals.reissueCount).toBe(seeded.length);

    // Changed: an amount, a month (into the chart's span and out of it) and a kind; then one removed and put back.
    const [first, second] = seeded as [(typeof seeded)[0], (typeof seeded)[0]];
    await db().spUserCharge.update({
      where: { id: first.id },
      data: { amountMinor: first.amountMinor + 1234, chargedAt: new Date("2026-09-30T23:59:59.999Z") },
    });
    await db().spUserCharge.update({
      where: { id: second.id },
      data: { kind: second.kind === "normal_load" ? "reissue_reload" : "normal_load", chargedAt: new Date("2024-01-01T00:00:00Z") },
    });
    const hoshiBefore = await getChargesOverview(hoshi, {}, NOW);
    const { id: _id, ...removed } = first;
    await db().spUserCharge.delete({ where: { id: first.id } });
    let now = await getChargesOverview(metro, {}, NOW);
    expect({ totals: now.totals, months: now.months }).toEqual(await summedFromCharges(metro.providerCompanyId));
    await db().spUserCharge.create({ data: { ...removed, chargedAt: new Date("2026-10-01T00:00:00Z") } });
    now = await getChargesOverview(metro, {}, NOW);
    expect({ totals: now.totals, months: now.months }).toEqual(await summedFromCharges(metro.providerCompanyId));
    expect(now.months.find((m) => m.month === "2026-10")!.normalMinor + now.months.find((m) => m.month === "2026-10")!.reissueMinor).toBeGreaterThanOrEqual(
      removed.amountMinor,
    );
    // Another provider's figures did not move.
    expect(await getChargesOverview(hoshi, {}, NOW)).toEqual(hoshiBefore);
  });

  it("reads the page's figures in 2 statements, however many charges there are", async () => {
    const metro = await desks.metro();
    const small = await counted(() => getChargesOverview(metro, {}, NOW));
    const [charge] = await db().spUserCharge.findMany({ where: { providerCompanyId: metro.providerCompanyId }, take: 1 });
    // 25 years of months: the read is still one statement for the totals and one for the currency.
    await db().$executeRaw`
      INSERT INTO sp_user_charge_month_totals (provider_company_id, month, kind, currency, charges, amount_minor)
      SELECT ${metro.providerCompanyId}, make_date(2000 + g / 12, g % 12 + 1, 1), 'normal_load', ${charge!.currency}, 1, 100
        FROM generate_series(0, 299) AS g
      ON CONFLICT DO NOTHING`;
    const big = await counted(() => getChargesOverview(metro, {}, NOW));
    expect(small.statements).toBe(2);
    expect(big.statements).toBe(2);
  });
});
