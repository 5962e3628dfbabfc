import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lastMonths, monthOf, monthRange, totalsByMonth } from "./months";

const at = (iso: string) => new Date(iso);
// Four-digit years from 1970: what toISOString writes as "YYYY-MM" and Date.UTC reads back.
const instant = fc.date({ min: at("1970-01-01T00:00:00.000Z"), max: at("9998-12-31T23:59:59.999Z"), noInvalidDate: true });

describe("monthOf", () => {
  it.each([
    ["2026-11-01T00:00:00.000Z", "2026-11"],
    ["2026-11-30T23:59:59.999Z", "2026-11"],
    ["2026-12-31T23:59:59.999Z", "2026-12"],
    ["2027-01-01T00:00:00.000Z", "2027-01"],
    ["2024-02-29T12:00:00.000Z", "2024-02"],
    // UTC, not the local day: 09:00 in Tokyo on 1 December is still November in UTC.
    ["2026-12-01T08:59:59.999+09:00", "2026-11"],
  ])("%s is in %s", (iso, month) => {
    expect(monthOf(at(iso))).toBe(month);
  });
});

describe("monthRange", () => {
  it.each([
    ["2026-11", "2026-11-01T00:00:00.000Z", "2026-12-01T00:00:00.000Z"],
    ["2026-12", "2026-12-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z"],
    ["2026-01", "2026-01-01T00:00:00.000Z", "2026-02-01T00:00:00.000Z"],
    ["2024-02", "2024-02-01T00:00:00.000Z", "2024-03-01T00:00:00.000Z"],
  ])("%s spans [%s, %s)", (month, start, end) => {
    expect(monthRange(month)).toEqual({ start: at(start), end: at(end) });
  });

  it("holds the instant whose month it is", () => {
    fc.assert(
      fc.property(instant, (t) => {
        const { start, end } = monthRange(monthOf(t));
        expect(start.getTime()).toBeLessThanOrEqual(t.getTime());
        expect(t.getTime()).toBeLessThan(end.getTime());
      }),
    );
  });
});

describe("lastMonths", () => {
  it.each([
    ["2026-11-15T10:00:00.000Z", 1, ["2026-11"], "2026-11-01T00:00:00.000Z"],
    ["2026-03-31T23:59:59.999Z", 4, ["2025-12", "2026-01", "2026-02", "2026-03"], "2025-12-01T00:00:00.000Z"],
    ["2026-01-01T00:00:00.000Z", 2, ["2025-12", "2026-01"], "2025-12-01T00:00:00.000Z"],
    [
      "2026-11-28T11:34:05.000Z",
      12,
      ["2025-12", "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"],
      "2025-12-01T00:00:00.000Z",
    ],
  ])("from %s, the last %i", (now, count, months, since) => {
    expect(lastMonths(at(now), count)).toEqual({ months, since: at(since) });
  });

  it("are consecutive, end with now's month and begin at `since`", () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 36 }), (now, count) => {
        const { months, since } = lastMonths(now, count);
        expect(months).toHaveLength(count);
        expect(months.at(-1)).toBe(monthOf(now));
        expect(monthRange(months[0]!).start).toEqual(since);
        for (let i = 1; i < months.length; i++) expect(monthRange(months[i - 1]!).end).toEqual(monthRange(months[i]!).start);
      }),
    );
  });
});

describe("totalsByMonth", () => {
  it("sums each kind into its month, keeps the months' order, leaves other months out", () => {
    const charges = [
      { kind: "normal_load", amountMinor: 300, chargedAt: at("2026-10-31T23:59:59.999Z") },
      { kind: "reissue_reload", amountMinor: 100, chargedAt: at("2026-11-01T00:00:00.000Z") },
      { kind: "normal_load", amountMinor: 300, chargedAt: at("2026-11-15T00:00:00.000Z") },
      { kind: "reissue_reload", amountMinor: 100, chargedAt: at("2026-11-30T23:59:59.999Z") },
      { kind: "normal_load", amountMinor: 999, chargedAt: at("2026-08-01T00:00:00.000Z") },
      { kind: "normal_load", amountMinor: 999, chargedAt: at("2026-12-01T00:00:00.000Z") },
    ] as const;
    expect(totalsByMonth(["2026-09", "2026-10", "2026-11"], charges)).toEqual([
      { month: "2026-09", normalMinor: 0, reissueMinor: 0 },
      { month: "2026-10", normalMinor: 300, reissueMinor: 0 },
      { month: "2026-11", normalMinor: 300, reissueMinor: 200 },
    ]);
  });

  it("no months, no totals", () => {
    expect(totalsByMonth([], [{ kind: "normal_load", amountMinor: 1, chargedAt: at("2026-11-01T00:00:00.000Z") }])).toEqual([]);
  });

  it("loses and invents nothing: the totals add up to the charges inside the months", () => {
    const charge = fc.record({
      kind: fc.constantFrom("normal_load" as const, "reissue_reload" as const),
      amountMinor: fc.integer({ min: 0, max: 1_000_000 }),
      chargedAt: instant,
    });
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 24 }), fc.array(charge, { maxLength: 40 }), (now, count, charges) => {
        const { months } = lastMonths(now, count);
        const inside = charges.filter((c) => months.includes(monthOf(c.chargedAt)));
        const totals = totalsByMonth(months, charges);
        const sum = (kind: string) => inside.filter((c) => c.kind === kind).reduce((s, c) => s + c.amountMinor, 0);
        expect(totals.map((t) => t.month)).toEqual(months);
        expect(totals.reduce((s, t) => s + t.normalMinor, 0)).toBe(sum("normal_load"));
        expect(totals.reduce((s, t) => s + t.reissueMinor, 0)).toBe(sum("reissue_reload"));
      }),
    );
  });
});
