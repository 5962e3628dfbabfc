/**
 * The first load at a provider's desk (DESIGN.md flow 2): the provider's own examination by its
 * configurable credit policy (claims 11/12: what a reload later reuses), and what goes on the card.
 */
import { z } from "zod";
import type { AppletKind, AppletParams } from "../card";

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

const Minor = z.number().int();
const Currency = z.string().regex(/^[A-Z]{3}$/);
const Percent = z.number().int().min(0);

/**
 * One check of an examination, as a code and its values (sp_credit_investigations.notes stores the
 * list; the desk and the customer page render it in the reader's language: reload-words.ts).
 */
export const ExaminationNoteSchema = z.discriminatedUnion("code", [
  z.object({ code: z.literal("no-investigation"), policyVersion: z.string().max(60) }),
  z.object({ code: z.literal("income-not-declared") }),
  z.object({ code: z.literal("income-below-minimum"), incomeMinor: Minor, minimumMinor: Minor, currency: Currency }),
  z.object({ code: z.literal("income-meets-minimum"), incomeMinor: Minor, minimumMinor: Minor, currency: Currency }),
  z.object({ code: z.literal("not-credit") }),
  z.object({ code: z.literal("no-room"), percent: Percent, existingMinor: Minor, currency: Currency }),
  z.object({ code: z.literal("limit"), limitMinor: Minor, percent: Percent, existingMinor: Minor, currency: Currency, capped: z.boolean() }),
]);
export type ExaminationNote = z.infer<typeof ExaminationNoteSchema>;
export const EXAMINATION_NOTE_CODES = ExaminationNoteSchema.options.map((o) => o.shape.code.value) as ExaminationNote["code"][];
export const ExaminationNotesSchema = z.array(ExaminationNoteSchema).max(20);

/** Reads stored notes back; null when the row holds none this version knows (rows before the codes: legacy_notes). */
export function parseExaminationNotes(stored: unknown): ExaminationNote[] | null {
  const parsed = ExaminationNotesSchema.safeParse(stored);
  return parsed.success ? parsed.data : null;
}

/** The outcome of the examination, recorded as an sp_credit_investigations row. */
export type Examination = {
  readonly outcome: "approved" | "declined";
  readonly limitMinor: number;
  readonly declaredIncomeMinor: number;
  readonly existingLimitsMinor: number;
  readonly policyVersion: string;
  /** Why: one code per check, in order (rendered in the reader's language, never stored as words). */
  readonly notes: readonly ExaminationNote[];
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
  const currency = input.currency;
  const income = input.declaredIncomeMinor ?? 0;
  const existing = input.existingLimitsMinor ?? 0;
  const base = { declaredIncomeMinor: income, existingLimitsMinor: existing, policyVersion: policy.version };
  const needsIncome = examinationNeedsIncome(policy, input.appletKind);
  if (!needsIncome) {
    return {
      ...base,
      outcome: "approved",
      limitMinor: 0,
      notes: [{ code: "no-investigation", policyVersion: policy.version }],
    };
  }
  const notes: ExaminationNote[] = [];
  if (input.declaredIncomeMinor === null) {
    return { ...base, outcome: "declined", limitMinor: 0, notes: [{ code: "income-not-declared" }] };
  }
  if (income < policy.minAnnualIncomeMinor) {
    return {
      ...base,
      outcome: "declined",
      limitMinor: 0,
      notes: [{ code: "income-below-minimum", incomeMinor: income, minimumMinor: policy.minAnnualIncomeMinor, currency }],
    };
  }
  notes.push({ code: "income-meets-minimum", incomeMinor: income, minimumMinor: policy.minAnnualIncomeMinor, currency });
  if (input.appletKind !== "credit") {
    return { ...base, outcome: "approved", limitMinor: 0, notes: [...notes, { code: "not-credit" }] };
  }
  const room = Math.floor((income * policy.limitPercentOfIncome) / 100) - existing;
  const limit = Math.max(0, Math.min(policy.maxLimitMinor, room));
  if (limit <= 0) {
    return {
      ...base,
      outcome: "declined",
      limitMinor: 0,
      notes: [...notes, { code: "no-room", percent: policy.limitPercentOfIncome, existingMinor: existing, currency }],
    };
  }
  notes.push({
    code: "limit",
    limitMinor: limit,
    percent: policy.limitPercentOfIncome,
    existingMinor: existing,
    currency,
    capped: room > policy.maxLimitMinor,
  });
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
