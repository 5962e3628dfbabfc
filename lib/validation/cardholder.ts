import { z } from "zod";
import { dateField, multiLineText, requiredNumber, singleLineText } from "./fields";

/**
 * A new cardholder as the issuer's operator enters it (the patent's "basic information": name, sex,
 * age, occupation, income, address) plus contact and language. Japanese names: the name as written
 * (kanji, kana or Latin letters) and, for a name in kanji, its reading in kana (furigana).
 */

/** Hiragana or katakana (including the long-vowel mark, middle dot and spaces, full or half width). */
export const KANA = /^[\p{Script=Hiragana}\p{Script=Katakana}ー・\s\u3000]+$/u;
const HAS_KANJI = /\p{Script=Han}/u;

/** The words of the schema's messages (English by default; the issuer's action passes the reader's language). */
export type CardholderWords = {
  nameLong: string;
  nameRequired: string;
  kanaLong: string;
  kanaScript: string;
  sex: string;
  dateInvalid: string;
  birthTooEarly: string;
  birthTooLate: string;
  occupationLong: string;
  occupationRequired: string;
  income: string;
  incomeNegative: string;
  incomeTooLarge: string;
  postalCode: string;
  addressLong: string;
  addressRequired: string;
  email: string;
  phone: string;
  platformType: string;
  kanaRequired: string;
};

export const CARDHOLDER_WORDS_EN: CardholderWords = {
  nameLong: "Keep the name under 100 characters.",
  nameRequired: "Enter the cardholder's name.",
  kanaLong: "Keep the reading under 100 characters.",
  kanaScript: "Write the reading in hiragana or katakana.",
  sex: "Choose one.",
  dateInvalid: "Use a real date in the form YYYY-MM-DD.",
  birthTooEarly: "A birth date is not before 1900.",
  birthTooLate: "A birth date is not in the future.",
  occupationLong: "At most 80 characters.",
  occupationRequired: "Enter an occupation.",
  income: "Enter a whole number of yen.",
  incomeNegative: "Income cannot be negative.",
  incomeTooLarge: "That is more than we can record.",
  postalCode: "A postal code is 7 digits, e.g. 150-0002.",
  addressLong: "Keep it under 200 characters.",
  addressRequired: "Enter the full address.",
  email: "Enter an e-mail address.",
  phone: "Enter a phone number, e.g. 090-1234-5678.",
  platformType: "Choose platform type 100 or 200.",
  kanaRequired: "A name in kanji needs its reading in kana.",
};

export function createCardholderSchema(w: CardholderWords = CARDHOLDER_WORDS_EN, today?: () => Date) {
  return z
    .object({
      fullName: singleLineText(100, w.nameLong).pipe(z.string().min(2, w.nameRequired)),
      fullNameKana: singleLineText(100, w.kanaLong)
        .refine((s) => s === "" || KANA.test(s), w.kanaScript)
        .optional()
        .transform((s) => (s ? s : undefined)),
      sex: z.enum(["female", "male", "other", "undisclosed"], { error: w.sex }),
      // A real date from 1900 to today, kept as the YYYY-MM-DD text the data layer takes.
      birthDate: dateField({ min: "1900-01-01", max: "today", tooEarly: w.birthTooEarly, tooLate: w.birthTooLate, invalid: w.dateInvalid, today }).transform(
        (d) => d.toISOString().slice(0, 10),
      ),
      occupation: singleLineText(80, w.occupationLong).pipe(z.string().min(1, w.occupationRequired)),
      // Required: an emptied field is an error, never an income of ¥0.
      annualIncomeMinor: requiredNumber(z.number().int(w.income).min(0, w.incomeNegative).max(10_000_000_000, w.incomeTooLarge), w.income),
      postalCode: z
        .string({ error: w.postalCode })
        .trim()
        .regex(/^\d{3}-?\d{4}$/, w.postalCode)
        .transform((s) => (s.includes("-") ? s : `${s.slice(0, 3)}-${s.slice(3)}`)),
      address: multiLineText(200, w.addressLong).pipe(z.string().min(5, w.addressRequired)),
      email: z
        .email(w.email)
        .max(200, w.email)
        .transform((s) => s.toLowerCase()),
      phone: z
        .string({ error: w.phone })
        .trim()
        .regex(/^\+?[0-9][0-9\- ]{5,18}[0-9]$/, w.phone),
      locale: z.enum(["en", "ja"]).default("en"),
      platformType: z.coerce.number({ error: w.platformType }).pipe(z.union([z.literal(100), z.literal(200)], { error: w.platformType })),
    })
    .superRefine((v, ctx) => {
      if (HAS_KANJI.test(v.fullName) && !v.fullNameKana) ctx.addIssue({ code: "custom", path: ["fullNameKana"], message: w.kanaRequired });
    });
}

export const CreateCardholderSchema = createCardholderSchema();

export type CreateCardholderInput = z.infer<typeof CreateCardholderSchema>;

/** A new portal password (invitation acceptance). */
export const SetPasswordSchema = z
  .object({
    password: z.string().min(10, "Use at least 10 characters.").max(200, "Keep it under 200 characters."),
    confirm: z.string(),
  })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "The two passwords differ." });
