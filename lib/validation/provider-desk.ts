import { z } from "zod";
import type { AppMessages } from "@/lib/i18n/messages";
import { dateField, hasControlCharacters, optionalDate, optionalNumber, parseCalendarDate, requiredNumber, singleLineText } from "./fields";

/**
 * The words of the provider forms' errors (messages/<locale>/provider.json "validation"): the browser
 * passes `useTranslations("provider.validation")`, a server action `getTranslations(…)`, so one schema
 * checks both sides and speaks the reader's language.
 */
export type ValidationKey = keyof AppMessages["provider"]["validation"];
export type ValidationWords = (key: ValidationKey, values?: Record<string, string | number>) => string;

/**
 * What the provider desk's browser may send its server actions. The card's answers (card id,
 * attribute data, receipt) are checked for form here and for meaning by the data layer and the
 * issuer; the tenant always comes from the session, never from these fields.
 */

export const UuidSchema = z.uuid("Not a valid id.");

export const AidSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^([0-9A-F]{2}){5,16}$/, "An application id (AID) is 10 to 32 hex digits, e.g. F0524300010001.");

const Base64UrlSchema = z.string().regex(/^[A-Za-z0-9_-]+$/, "must be base64url");

/** A presentation code as the cardholder reads it aloud: "K7Q2-M9XD" (case and spaces forgiven). */
export function presentationCodeSchema(v: ValidationWords) {
  return z.object({
    code: z
      .string({ error: v("presentationCode") })
      .transform((s) => s.replace(/\s+/g, "").toUpperCase())
      .pipe(z.string().regex(/^[A-Z0-9]{4}-?[A-Z0-9]{4}$/, v("presentationCode"))),
  });
}

/** What the desk read from the card (lib/core/workflows/reload-desk.ts CardReading, plus the surface number's last 4). */
export const CardReadingSchema = z
  .object({
    platformType: z.number().int().min(0).max(0xffff),
    cardId: z
      .string()
      .regex(/^[0-9A-F]{16}$/, "A card id is 16 upper-case hex digits.")
      .nullable(),
    cardAttributeData: Base64UrlSchema.min(22).max(1400).nullable(),
    surfaceNumberLast4: z
      .string()
      .regex(/^\d{4}$/)
      .nullable(),
    isCardLocked: z.boolean(),
  })
  .superRefine((card, ctx) => {
    if (card.platformType === 100 && (!card.cardId || card.cardAttributeData))
      ctx.addIssue({ code: "custom", message: "A platform-100 card gives its card id and no attribute data.", path: ["cardId"] });
    if (card.platformType === 200 && (card.cardId || !card.cardAttributeData))
      ctx.addIssue({ code: "custom", message: "A platform-200 card gives attribute data and never its card id.", path: ["cardAttributeData"] });
  });

export const StartReloadSchema = z.object({
  card: CardReadingSchema,
  /** The lease on the presented card (null: a card image file or a real reader). */
  leaseId: UuidSchema.nullable().optional(),
  applicationAids: z.array(AidSchema).min(1, "Choose at least one application to reload.").max(8),
});

/** What the card did with a load (permissions.ts CardLoadOutcome). */
export const CardLoadOutcomeSchema = z.discriminatedUnion("status", [
  z.object({ status: z.literal("loaded"), receipt: Base64UrlSchema.max(1400) }),
  z.object({ status: z.literal("failed"), statusWord: z.number().int().min(0).max(0xffff), step: z.string().max(120) }),
]);

/** A one-line text field: control characters refused, trimmed, at most `max` characters, "" → null. */
const optionalText = (v: ValidationWords, max: number) =>
  z
    .string()
    .refine((s) => !hasControlCharacters(s), v("control"))
    .pipe(singleLineText(max, v("tooLong", { max })))
    .transform((s) => (s === "" ? null : s))
    .nullable()
    .optional()
    .transform((s) => s ?? null);

const amount = (v: ValidationWords) => z.number().int(v("wholeYen")).min(0, v("negative")).max(2_000_000_000, v("tooLarge"));
const optionalAmount = (v: ValidationWords) =>
  optionalNumber(amount(v), v("amountOrEmpty"))
    .optional()
    .transform((x) => x ?? null);

/** A birth date: a real date, not before 1900, not in the future. */
const birthDate = (v: ValidationWords) =>
  dateField({ min: "1900-01-01", max: "today", invalid: v("date"), tooEarly: v("birthDateEarly"), tooLate: v("birthDateFuture") });

/** The first-load form's length limits: the form's maxLength and the server's checks are these. */
export const FIRST_LOAD_LIMITS = { customerNo: 20, fullName: 120, email: 254, phone: 40, address: 200 } as const;

/** The first-load form (FormData): the customer, the applications, the examination inputs. Checked in the browser before sending and again by the server action. */
export function firstLoadFormSchema(v: ValidationWords) {
  return z
    .object({
      customerMode: z.enum(["existing", "new"], { error: v("customerMode") }),
      customerNo: optionalText(v, FIRST_LOAD_LIMITS.customerNo),
      fullName: optionalText(v, FIRST_LOAD_LIMITS.fullName),
      birthDate: optionalDate(birthDate(v)),
      email: z
        .union([z.literal(""), z.email(v("email")).max(FIRST_LOAD_LIMITS.email, v("tooLong", { max: FIRST_LOAD_LIMITS.email }))], { error: v("email") })
        .nullable()
        .optional()
        .transform((x) => x || null),
      phone: optionalText(v, FIRST_LOAD_LIMITS.phone),
      address: optionalText(v, FIRST_LOAD_LIMITS.address),
      applicationAids: z
        .array(
          z
            .string()
            .trim()
            .toUpperCase()
            .regex(/^([0-9A-F]{2}){5,16}$/, v("aid")),
        )
        .min(1, v("applications"))
        .max(8),
      declaredIncome: optionalAmount(v),
      existingLimits: optionalAmount(v),
    })
    .superRefine((f, ctx) => {
      if (f.customerMode === "existing" && !f.customerNo) ctx.addIssue({ code: "custom", message: v("customerNo"), path: ["customerNo"] });
      if (f.customerMode === "new" && !f.fullName) ctx.addIssue({ code: "custom", message: v("fullName"), path: ["fullName"] });
    });
}

export type FirstLoadFormFields =
  "customerMode" | "customerNo" | "fullName" | "birthDate" | "email" | "phone" | "address" | "applicationAids" | "declaredIncome" | "existingLimits";

const FIRST_LOAD_TEXT_FIELDS = ["customerNo", "fullName", "birthDate", "email", "phone", "address", "declaredIncome", "existingLimits"] as const;

/** What was typed in the first-load form, given back with errors so the form keeps every value. */
export type FirstLoadTyped = { text: Partial<Record<(typeof FIRST_LOAD_TEXT_FIELDS)[number], string>>; applicationAids: string[] };

/** The first-load form's FormData as FirstLoadFormSchema reads it (the same in the browser and in the action). */
export function firstLoadFormInput(formData: FormData): Record<string, unknown> {
  return {
    customerMode: formData.get("customerMode"),
    customerNo: formData.get("customerNo"),
    fullName: formData.get("fullName"),
    birthDate: formData.get("birthDate"),
    email: formData.get("email"),
    phone: formData.get("phone"),
    address: formData.get("address"),
    applicationAids: formData.getAll("applicationAids"),
    declaredIncome: formData.get("declaredIncome"),
    existingLimits: formData.get("existingLimits"),
  };
}

/** The typed values to show again (cut to a sane length; the schema's limits apply on the next submit). */
export function firstLoadTyped(formData: FormData): FirstLoadTyped {
  const text: FirstLoadTyped["text"] = {};
  for (const name of FIRST_LOAD_TEXT_FIELDS) {
    const v = formData.get(name);
    if (typeof v === "string") text[name] = v.slice(0, 500);
  }
  return {
    text,
    applicationAids: formData
      .getAll("applicationAids")
      .filter((v): v is string => typeof v === "string")
      .slice(0, 16),
  };
}

/** The provider's credit policy settings form. */
export function creditPolicyFormSchema(v: ValidationWords) {
  return z.object({
    minAnnualIncome: requiredNumber(amount(v), v("enterAmount")),
    limitPercentOfIncome: requiredNumber(z.number().int(v("wholePercent")).min(0, v("percentRange")).max(100, v("percentRange")), v("enterPercent")),
    maxLimit: requiredNumber(amount(v), v("enterAmount")),
    requiresInvestigation: z.preprocess((x) => x === "on" || x === "true" || x === true, z.boolean()),
  });
}

/** Values the desk read from its applications on a platform-100 card (issue 12, the value ledger). */
export const DeskReadsSchema = z.object({
  cardId: z.string().regex(/^[0-9A-F]{16}$/, "A card id is 16 upper-case hex digits."),
  values: z
    .array(
      z.object({
        aid: z.string().regex(/^[0-9A-F]{10,32}$/),
        valueMinor: z.number().int().min(0).max(0xffff_ffff),
        unit: z.string().regex(/^(?:[A-Z]{3}|PTS)$/),
      }),
    )
    .max(16),
});

/** A new version of one application's fees to users (claim 14), effective now or from a later day. */
export function feeScheduleFormSchema(v: ValidationWords) {
  const fee = (missing: ValidationKey) => requiredNumber(z.number().int(v("wholeYen")).min(0, v("negative")).max(10_000_000, v("feeMax")), v(missing));
  return z.object({
    applicationAid: z
      .string({ error: v("aid") })
      .trim()
      .toUpperCase()
      .regex(/^([0-9A-F]{2}){5,16}$/, v("aid")),
    normalFee: fee("normalFee"),
    reissueFee: fee("reissueFee"),
    /** A calendar day in the provider's time zone, or empty for "now". The data layer checks it against its clock. */
    effectiveFrom: z.preprocess(
      (x) => (typeof x === "string" && x.trim() === "" ? null : x),
      z
        .string()
        .trim()
        .refine((s) => parseCalendarDate(s) !== null, v("date"))
        .nullable(),
    ),
  });
}
export type FeeScheduleFormFields = "applicationAid" | "normalFee" | "reissueFee" | "effectiveFrom";
