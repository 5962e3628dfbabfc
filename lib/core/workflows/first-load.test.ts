import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { examinationNeedsIncome, ExaminationNotesSchema, examineFirstLoad, installedValue, installParamsFor, type CreditPolicy } from "./first-load";

const HOSHI: CreditPolicy = {
  version: "HOSHI01-2025.1",
  minAnnualIncomeMinor: 2_000_000,
  limitPercentOfIncome: 10,
  maxLimitMinor: 800_000,
  requiresInvestigation: true,
};
const METRO: CreditPolicy = { version: "METRO01-2025.1", minAnnualIncomeMinor: 0, limitPercentOfIncome: 0, maxLimitMinor: 0, requiresInvestigation: false };

describe("examination by the provider's policy", () => {
  it("approves a transit application under a policy without investigation", () => {
    const e = examineFirstLoad(METRO, { appletKind: "transit", declaredIncomeMinor: null, existingLimitsMinor: null, currency: "JPY" });
    expect(e).toMatchObject({ outcome: "approved", limitMinor: 0, policyVersion: "METRO01-2025.1" });
    expect(examinationNeedsIncome(METRO, "transit")).toBe(false);
  });

  it("sets a credit limit from income and existing limits", () => {
    const e = examineFirstLoad(HOSHI, { appletKind: "credit", declaredIncomeMinor: 6_000_000, existingLimitsMinor: 100_000, currency: "JPY" });
    expect(e).toMatchObject({ outcome: "approved", limitMinor: 500_000 });
    expect(e.notes).toEqual([
      { code: "income-meets-minimum", incomeMinor: 6_000_000, minimumMinor: 2_000_000, currency: "JPY" },
      { code: "limit", limitMinor: 500_000, percent: 10, existingMinor: 100_000, currency: "JPY", capped: false },
    ]);
    expect(ExaminationNotesSchema.parse(e.notes)).toEqual(e.notes);
  });

  it("caps the limit at the policy maximum", () => {
    expect(examineFirstLoad(HOSHI, { appletKind: "credit", declaredIncomeMinor: 20_000_000, existingLimitsMinor: 0, currency: "JPY" }).limitMinor).toBe(
      800_000,
    );
  });

  it.each([
    ["income below the minimum", 1_000_000, 0],
    ["no room left", 3_000_000, 300_000],
    ["no income declared", null, 0],
  ])("declines: %s", (_what, income, existing) => {
    expect(examineFirstLoad(HOSHI, { appletKind: "credit", declaredIncomeMinor: income, existingLimitsMinor: existing, currency: "JPY" })).toMatchObject({
      outcome: "declined",
      limitMinor: 0,
    });
  });

  it("a credit application always needs income, even under a lax policy", () => {
    expect(examinationNeedsIncome(METRO, "credit")).toBe(true);
  });

  it("never grants a limit above the maximum or below zero, and declines carry limit 0", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 50_000_000 }),
        fc.integer({ min: 0, max: 5_000_000 }),
        (min, pct, income, existing) => {
          const e = examineFirstLoad(
            { ...HOSHI, minAnnualIncomeMinor: min, limitPercentOfIncome: pct },
            { appletKind: "credit", declaredIncomeMinor: income, existingLimitsMinor: existing, currency: "JPY" },
          );
          expect(e.limitMinor).toBeGreaterThanOrEqual(0);
          expect(e.limitMinor).toBeLessThanOrEqual(HOSHI.maxLimitMinor);
          if (e.outcome === "declined") expect(e.limitMinor).toBe(0);
          if (income < min) expect(e.outcome).toBe("declined");
        },
      ),
    );
  });
});

describe("install parameters", () => {
  it("credit carries the limit and the customer number; others start empty", () => {
    expect(installParamsFor("credit", { limitMinor: 500_000, currency: "JPY", holderReference: "HOS-00001" })).toEqual({
      kind: "credit",
      limit: 500_000,
      currency: "JPY",
      holderReference: "HOS-00001",
    });
    expect(installParamsFor("transit", { limitMinor: 0, currency: "JPY", holderReference: "x" })).toEqual({ kind: "transit", balance: 0, currency: "JPY" });
    expect(installParamsFor("loyalty", { limitMinor: 0, currency: "JPY", holderReference: "x" })).toEqual({ kind: "loyalty", points: 0 });
  });
});

describe("value carried over in the install parameters (issue 12)", () => {
  const base = { limitMinor: 300_000, currency: "JPY", holderReference: "SAK-00001" };
  it.each([
    [
      "transit, a balance carried over in its currency",
      "transit",
      { valueMinor: 1240, unit: "JPY" },
      { kind: "transit", balance: 1240, currency: "JPY" },
      { valueMinor: 1240, unit: "JPY" },
    ],
    ["transit, nothing carried", "transit", null, { kind: "transit", balance: 0, currency: "JPY" }, { valueMinor: 0, unit: "JPY" }],
    [
      "transit never takes points as yen",
      "transit",
      { valueMinor: 350, unit: "PTS" },
      { kind: "transit", balance: 0, currency: "JPY" },
      { valueMinor: 0, unit: "JPY" },
    ],
    ["loyalty, points carried over", "loyalty", { valueMinor: 350, unit: "PTS" }, { kind: "loyalty", points: 350 }, { valueMinor: 350, unit: "PTS" }],
    ["loyalty never takes yen as points", "loyalty", { valueMinor: 1240, unit: "JPY" }, { kind: "loyalty", points: 0 }, { valueMinor: 0, unit: "PTS" }],
    [
      "credit holds a limit, not a value",
      "credit",
      { valueMinor: 1, unit: "JPY" },
      { kind: "credit", limit: 300_000, currency: "JPY", holderReference: "SAK-00001" },
      null,
    ],
  ] as const)("%s", (_name, kind, carried, params, value) => {
    const built = installParamsFor(kind, { ...base, carried });
    expect(built).toEqual(params);
    expect(installedValue(built)).toEqual(value);
  });
});
