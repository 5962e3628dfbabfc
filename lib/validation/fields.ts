import { z } from "zod";

/**
 * Field schemas shared by every form, server action, route handler and search parameter (issue 9):
 * - text refuses NUL and the other control characters (PostgreSQL cannot store NUL in text, and the
 *   others have no business in a name or a reason) with a field error instead of a database error;
 * - numbers are required where the form needs them: an emptied field is "Enter …", never a silent 0
 *   (`z.coerce.number()` turns "" and "  " into 0);
 * - dates are real calendar dates within sane bounds.
 */

/** C0 controls (NUL included), DEL and C1 controls. Multi-line fields allow tab, line feed and carriage return. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;
const CONTROL_EXCEPT_NEWLINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/u;

export const CONTROL_CHARACTER_MESSAGE = "Remove the control characters (such as NUL) from this field.";

/** True when `value` holds a character no text field accepts (single-line rules). */
export function hasControlCharacters(value: string, options: { multiline?: boolean } = {}): boolean {
  return (options.multiline ? CONTROL_EXCEPT_NEWLINES : CONTROL).test(value);
}

/** A one-line text field (names, ids, search words): no control characters, trimmed, at most `max` characters. */
export function singleLineText(max: number, tooLong = `At most ${max} characters.`) {
  return z
    .string()
    .refine((s) => !CONTROL.test(s), CONTROL_CHARACTER_MESSAGE)
    .transform((s) => s.trim())
    .pipe(z.string().max(max, tooLong));
}

/** A multi-line text field (reasons, statements, addresses): line breaks and tabs allowed, other controls refused. */
export function multiLineText(max: number, tooLong = `Keep it under ${max} characters.`) {
  return z
    .string()
    .refine((s) => !CONTROL_EXCEPT_NEWLINES.test(s), CONTROL_CHARACTER_MESSAGE)
    .transform((s) => s.trim())
    .pipe(z.string().max(max, tooLong));
}

const NUMBER_TEXT = /^[+-]?\d+(\.\d+)?$/;

/**
 * A required number from a form field: "" or blanks → the `missing` error (never 0), anything but a
 * plain decimal number → the same error; then `schema` (int, min, max) applies.
 */
export function requiredNumber<S extends z.ZodType<number, number>>(schema: S, missing = "Enter a number.") {
  return z.preprocess(
    (value) => {
      if (typeof value === "number") return value;
      if (typeof value !== "string") return undefined;
      const t = value.trim();
      return NUMBER_TEXT.test(t) ? Number(t) : undefined;
    },
    z.number({ error: missing }).pipe(schema),
  );
}

/** An optional number: "" or absent → null; otherwise as requiredNumber. */
export function optionalNumber<S extends z.ZodType<number, number>>(schema: S, invalid = "Enter a number, or leave it empty.") {
  return z.preprocess(
    (value) => {
      if (value === null || value === undefined) return null;
      if (typeof value === "number") return value;
      if (typeof value !== "string") return Number.NaN;
      const t = value.trim();
      if (t === "") return null;
      return NUMBER_TEXT.test(t) ? Number(t) : Number.NaN;
    },
    z.number({ error: invalid }).pipe(schema).nullable(),
  );
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The UTC midnight of a YYYY-MM-DD calendar date, or null when it is not one (2026-02-30 is not). */
export function parseCalendarDate(value: string): Date | null {
  const m = ISO_DATE.exec(value);
  if (!m) return null;
  const date = new Date(0);
  date.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3])); // not Date.UTC: it maps years 0-99 to 1900-1999
  return date.toISOString().slice(0, 10) === value ? date : null;
}

export type DateBounds = {
  /** Earliest allowed date, YYYY-MM-DD. */
  min: string;
  /** Latest allowed date: YYYY-MM-DD, or "today" (UTC, from `today`). */
  max: string | "today";
  tooEarly?: string;
  tooLate?: string;
  /** Not a calendar date (default: "Use a real date in the form YYYY-MM-DD."). */
  invalid?: string;
  /** The clock, injected for tests. */
  today?: () => Date;
};

/** A YYYY-MM-DD date field within bounds, as the UTC midnight Date. */
export function dateField(bounds: DateBounds) {
  const { min, max, today = () => new Date() } = bounds;
  return z.string().transform((s, ctx) => {
    const t = s.trim();
    const date = parseCalendarDate(t);
    if (!date) {
      ctx.addIssue({ code: "custom", message: bounds.invalid ?? "Use a real date in the form YYYY-MM-DD." });
      return z.NEVER;
    }
    const latest = max === "today" ? today().toISOString().slice(0, 10) : max;
    if (t < min) {
      ctx.addIssue({ code: "custom", message: bounds.tooEarly ?? `Not before ${min}.` });
      return z.NEVER;
    }
    if (t > latest) {
      ctx.addIssue({ code: "custom", message: bounds.tooLate ?? `Not after ${latest}.` });
      return z.NEVER;
    }
    return date;
  });
}

/** A birth date: a real date, not before 1900, not in the future. */
export function birthDateField(today?: () => Date) {
  return dateField({ min: "1900-01-01", max: "today", tooEarly: "A birth date is not before 1900.", tooLate: "A birth date is not in the future.", today });
}

/** An optional date field of a form: "" or absent → null, otherwise `field`'s rules (and its messages). */
export function optionalDate(field: ReturnType<typeof dateField>) {
  return z.preprocess((v) => (v === "" || v === null || v === undefined ? null : v), field.nullable());
}

/**
 * A search box's value from the URL (GET forms): the query to run, or an error to show by the box
 * (and no query). Repeated parameters take the first; over-long input is cut, as the box's maxLength would.
 */
export function parseSearchParam(value: string | string[] | undefined, max = 64): { query: string | undefined; error: string | undefined } {
  const v = Array.isArray(value) ? value[0] : value;
  if (typeof v !== "string") return { query: undefined, error: undefined };
  if (CONTROL.test(v)) return { query: undefined, error: CONTROL_CHARACTER_MESSAGE };
  const query = v.trim().slice(0, max);
  return { query: query === "" ? undefined : query, error: undefined };
}
