/**
 * The first load at a provider's desk (DESIGN.md flow 2): the provider's own examination by its
 * configurable credit policy (claims 11/12: what a reload later reuses), and what goes on the card.
 */
import type { AppletKind, AppletParams } from "../card";
import { formatMoney } from "../format";

/** A provider's credit policy (sp_credit_policies), editable on its settings page. */
export type CreditPolicy = {
  readonly version: string;
  readonly minAnnualIncomeMinor: number;
  /** The credit limit granted as a percentage of declared annual income, before existing limits. */
  readonly limitPercentOfIncome: number;
  readonly maxLimitMinor: number;
  /** Whether income and existing limits must be declared and checked before any load. */
  readonly requiresInvestigation: boolean;
};

export type ExaminationInput = {
  readonly appletKind: AppletKind;
  /** Declared annual income in minor units; required when the policy requires an investigation. */
  readonly declaredIncomeMinor: number | null;
  /** Credit limits the customer already holds elsewhere, in minor units. */
  readonly existingLimitsMinor: number | null;
  /** The provider's currency (amounts are minor units of it). */
  readonly currency: string;
};

/** The outcome of the examination, recorded as an sp_credit_investigations row. */
export type Examination = {
  readonly outcome: "approved" | "declined";
  readonly limitMinor: number;
  readonly declaredIncomeMinor: number;
  readonly existingLimitsMinor: number;
  readonly policyVersion: string;
  /** Why, in plain words, one line per check. */
  readonly notes: readonly string[];
};

/** What a desk must ask the customer before examining under `policy`. */
export function examinationNeedsIncome(policy: CreditPolicy, kind: AppletKind): boolean {
  return policy.requiresInvestigation || kind === "credit";
}

/**
 * Examines a first load by the provider's policy. A credit application gets a limit of
 * income × percentage − existing limits, capped by the policy maximum; no room left is a decline.
 * Under a policy that requires no investigation, other applications are approved with limit 0
 * (identity is checked at the desk).
 */
export function examineFirstLoad(policy: CreditPolicy, input: ExaminationInput): Examination {
  const yen = (minor: number) => formatMoney(minor, input.currency);
  const income = input.declaredIncomeMinor ?? 0;
  const existing = input.existingLimitsMinor ?? 0;
  const base = { declaredIncomeMinor: income, existingLimitsMinor: existing, policyVersion: policy.version };
  const needsIncome = examinationNeedsIncome(policy, input.appletKind);
  if (!needsIncome) {
    return {
      ...base,
      outcome: "approved",
      limitMinor: 0,
      notes: [`Policy ${policy.version} requires no credit investigation for this application: identity checked at the desk.`],
    };
  }
  const notes: string[] = [];
  if (input.declaredIncomeMinor === null) {
    return { ...base, outcome: "declined", limitMinor: 0, notes: ["No annual income was declared, and the policy requires it."] };
  }
  if (income < policy.minAnnualIncomeMinor) {
    return {
      ...base,
      outcome: "declined",
      limitMinor: 0,
      notes: [`Declared income ${yen(income)} is below the policy minimum of ${yen(policy.minAnnualIncomeMinor)}.`],
    };
  }
  notes.push(`Declared income ${yen(income)} meets the policy minimum of ${yen(policy.minAnnualIncomeMinor)}.`);
  if (input.appletKind !== "credit") {
    return { ...base, outcome: "approved", limitMinor: 0, notes: [...notes, "Not a credit application: no limit to set."] };
  }
  const room = Math.floor((income * policy.limitPercentOfIncome) / 100) - existing;
  const limit = Math.max(0, Math.min(policy.maxLimitMinor, room));
  if (limit <= 0) {
    return {
      ...base,
      outcome: "declined",
      limitMinor: 0,
      notes: [...notes, `${policy.limitPercentOfIncome}% of income less existing limits of ${yen(existing)} leaves no room for a new limit.`],
    };
  }
  notes.push(
    `Limit ${yen(limit)}: ${policy.limitPercentOfIncome}% of income less existing limits of ${yen(existing)}${room > policy.maxLimitMinor ? `, capped at the policy maximum` : ""}.`,
  );
  return { ...base, outcome: "approved", limitMinor: limit, notes };
}

/**
 * The applet's initial state on the card: a credit applet carries the examined limit and the
 * customer number; a transit or loyalty applet starts empty (a reissued card does not inherit the
 * old card's balance: the old card is gone and the provider holds no copy of it).
 */
export function installParamsFor(
  kind: AppletKind,
  options: {
    readonly limitMinor: number;
    readonly currency: string;
    readonly holderReference: string;
    readonly carried?: { readonly valueMinor: number; readonly unit: string } | null;
  },
): AppletParams {
  const carried = options.carried ?? null;
  switch (kind) {
    case "transit":
      // A reload installs the old card's balance in its own currency (issue 12: value carried over).
      return carried && carried.unit !== "PTS"
        ? { kind: "transit", balance: carried.valueMinor, currency: carried.unit }
        : { kind: "transit", balance: 0, currency: options.currency };
    case "loyalty":
      return { kind: "loyalty", points: carried && carried.unit === "PTS" ? carried.valueMinor : 0 };
    case "credit":
      return { kind: "credit", limit: options.limitMinor, currency: options.currency, holderReference: options.holderReference.slice(0, 32) };
  }
}

/** The value an application starts with under these install parameters (credit holds a limit, not a value). */
export function installedValue(params: AppletParams): { valueMinor: number; unit: string } | null {
  switch (params.kind) {
    case "transit":
      return { valueMinor: params.balance ?? 0, unit: params.currency ?? "JPY" };
    case "loyalty":
      return { valueMinor: params.points ?? 0, unit: "PTS" };
    case "credit":
      return null;
  }
}
