import { z } from "zod";
import { birthDateField, multiLineText, requiredNumber, singleLineText } from "./fields";

/**
 * A new cardholder as the issuer's operator enters it (the patent's "basic information": name, sex,
 * age, occupation, income, address) plus contact and language. Japanese names: the name as written
 * (kanji, kana or Latin letters) and, for a name in kanji, its reading in kana (furigana).
 */

/** Hiragana or katakana (including the long-vowel mark, middle dot and spaces, full or half width). */
export const KANA = /^[\p{Script=Hiragana}\p{Script=Katakana}ー・\s\u3000]+$/u;
const HAS_KANJI = /\p{Script=Han}/u;

export const CreateCardholderSchema = z
  .object({
    fullName: singleLineText(100, "Keep the name under 100 characters.").pipe(z.string().min(2, "Enter the cardholder's name.")),
    fullNameKana: singleLineText(100, "Keep the reading under 100 characters.")
      .refine((s) => s === "" || KANA.test(s), "Write the reading in hiragana or katakana.")
      .optional()
      .transform((s) => (s ? s : undefined)),
    sex: z.enum(["female", "male", "other", "undisclosed"], { error: "Choose one." }),
    // A real date from 1900 to today, kept as the YYYY-MM-DD text the data layer takes.
    birthDate: birthDateField().transform((d) => d.toISOString().slice(0, 10)),
    occupation: singleLineText(80).pipe(z.string().min(1, "Enter an occupation.")),
    // Required: an emptied field is an error, never an income of ¥0.
    annualIncomeMinor: requiredNumber(
      z.number().int("Enter a whole number of yen.").min(0, "Income cannot be negative.").max(10_000_000_000, "That is more than we can record."),
      "Enter a whole number of yen.",
    ),
    postalCode: z
      .string()
      .trim()
      .regex(/^\d{3}-?\d{4}$/, "A postal code is 7 digits, e.g. 150-0002.")
      .transform((s) => (s.includes("-") ? s : `${s.slice(0, 3)}-${s.slice(3)}`)),
    address: multiLineText(200).pipe(z.string().min(5, "Enter the full address.")),
    email: z
      .email("Enter an e-mail address.")
      .max(200)
      .transform((s) => s.toLowerCase()),
    phone: z
      .string()
      .trim()
      .regex(/^\+?[0-9][0-9\- ]{5,18}[0-9]$/, "Enter a phone number, e.g. 090-1234-5678."),
    locale: z.enum(["en", "ja"]).default("en"),
    platformType: z.coerce.number().pipe(z.union([z.literal(100), z.literal(200)], { error: "Choose platform type 100 or 200." })),
  })
  .superRefine((v, ctx) => {
    if (HAS_KANJI.test(v.fullName) && !v.fullNameKana)
      ctx.addIssue({ code: "custom", path: ["fullNameKana"], message: "A name in kanji needs its reading in kana." });
  });

export type CreateCardholderInput = z.infer<typeof CreateCardholderSchema>;

/** A new portal password (invitation acceptance). */
export const SetPasswordSchema = z
  .object({
    password: z.string().min(10, "Use at least 10 characters.").max(200, "Keep it under 200 characters."),
    confirm: z.string(),
  })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "The two passwords differ." });
