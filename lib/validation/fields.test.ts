import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  birthDateField,
  CONTROL_CHARACTER_MESSAGE,
  dateField,
  multiLineText,
  optionalNumber,
  parseCalendarDate,
  parseSearchParam,
  requiredNumber,
  singleLineText,
} from "./fields";
import { createTranslator } from "use-intl/core";
import { messagesFor } from "@/lib/i18n/messages";
import { creditPolicyFormSchema, firstLoadFormSchema } from "./provider-desk";

const v = createTranslator({ locale: "en", messages: messagesFor("en"), namespace: "provider.validation" });
const CreditPolicyFormSchema = creditPolicyFormSchema(v);
const FirstLoadFormSchema = firstLoadFormSchema(v);

const errors = (r: { success: boolean; error?: z.ZodError }) => (r.success ? [] : r.error!.issues.map((i) => i.message));

describe("text fields refuse control characters", () => {
  const CONTROLS = ["\u0000", "\u0001", "\u0007", "\u001b", "\u007f", "\u0085", "\u009f"];

  it.each(CONTROLS)("single line refuses U+%s", (c) => {
    const r = singleLineText(64).safeParse(`Hana${c}Sato`);
    expect(errors(r)[0]).toBe(CONTROL_CHARACTER_MESSAGE);
  });

  it("single line refuses line breaks and tabs; multi-line allows them but not NUL", () => {
    expect(singleLineText(64).safeParse("a\nb").success).toBe(false);
    expect(singleLineText(64).safeParse("a\tb").success).toBe(false);
    expect(multiLineText(500).safeParse("first line\r\nsecond\tline").data).toBe("first line\r\nsecond\tline");
    expect(errors(multiLineText(500).safeParse("a\u0000b"))).toEqual([CONTROL_CHARACTER_MESSAGE]);
  });

  it("trims, counts the trimmed length and keeps ordinary Unicode", () => {
    expect(singleLineText(5).safeParse("  佐藤花子  ").data).toBe("佐藤花子");
    expect(errors(singleLineText(3).safeParse("abcd"))).toEqual(["At most 3 characters."]);
  });

  it("the control-character error comes first, alone, when a minimum follows", () => {
    const reason = multiLineText(500).pipe(z.string().min(5, "Say why."));
    expect(errors(reason.safeParse("\u0000"))).toEqual([CONTROL_CHARACTER_MESSAGE]);
    expect(errors(reason.safeParse("abc"))).toEqual(["Say why."]);
  });
});

describe("numbers are required where the schema needs them", () => {
  const fee = requiredNumber(z.number().int("Whole yen only.").min(0, "Not negative."), "Enter an amount.");

  it.each(["", "   ", null, undefined, "abc", "1,000", "0x10", "1e3", "Infinity", "NaN"])("%j → Enter an amount (never 0)", (v) => {
    expect(errors(fee.safeParse(v))).toEqual(["Enter an amount."]);
  });

  it.each([
    ["0", 0],
    [" 120 ", 120],
    ["+5", 5],
    [7, 7],
  ])("%j → %d", (v, n) => {
    expect(fee.safeParse(v).data).toBe(n);
  });

  it("then applies the schema's own rules", () => {
    expect(errors(fee.safeParse("1.5"))).toEqual(["Whole yen only."]);
    expect(errors(fee.safeParse("-1"))).toEqual(["Not negative."]);
  });

  it("optional numbers: empty is null, junk is an error", () => {
    const o = optionalNumber(z.number().int().min(0), "Enter an amount, or leave it empty.");
    expect(o.safeParse("").data).toBeNull();
    expect(o.safeParse(null).data).toBeNull();
    expect(o.safeParse(" 42 ").data).toBe(42);
    expect(errors(o.safeParse("4 2"))).toEqual(["Enter an amount, or leave it empty."]);
  });

  it("the credit policy form: an emptied field is a field error on that field", () => {
    const r = CreditPolicyFormSchema.safeParse({ minAnnualIncome: "", limitPercentOfIncome: "30", maxLimit: "500000", requiresInvestigation: "on" });
    expect(r.success).toBe(false);
    expect(z.flattenError(r.error!).fieldErrors).toEqual({ minAnnualIncome: ["Enter an amount."] });
  });
});

describe("dates within sane ranges", () => {
  const today = () => new Date("2026-11-30T12:00:00Z");

  it("parses only real calendar dates", () => {
    expect(parseCalendarDate("2024-02-29")?.toISOString()).toBe("2024-02-29T00:00:00.000Z");
    expect(parseCalendarDate("2026-02-29")).toBeNull();
    expect(parseCalendarDate("2026-13-01")).toBeNull();
    expect(parseCalendarDate("26-01-01")).toBeNull();
    expect(parseCalendarDate("+09999-12-31")).toBeNull();
  });

  it.each([
    ["9999-12-31", "A birth date is not in the future."],
    ["2026-12-01", "A birth date is not in the future."],
    ["1899-12-31", "A birth date is not before 1900."],
    ["0001-01-01", "A birth date is not before 1900."],
    ["1990-02-30", "Use a real date in the form YYYY-MM-DD."],
    ["1990-01-01\u0000", "Use a real date in the form YYYY-MM-DD."],
  ])("birth date %s → %s", (v, message) => {
    expect(errors(birthDateField(today).safeParse(v))).toEqual([message]);
  });

  it("accepts today and 1900-01-01 as birth dates", () => {
    expect(birthDateField(today).safeParse("2026-11-30").data?.toISOString()).toBe("2026-11-30T00:00:00.000Z");
    expect(birthDateField(today).safeParse("1900-01-01").success).toBe(true);
  });

  it("fixed bounds", () => {
    const d = dateField({ min: "2020-01-01", max: "2030-12-31" });
    expect(errors(d.safeParse("2031-01-01"))).toEqual(["Not after 2030-12-31."]);
    expect(d.safeParse("2025-06-15").success).toBe(true);
  });

  it("the first-load form: birth date 9999-12-31 is a field error on birthDate only", () => {
    const r = FirstLoadFormSchema.safeParse({
      customerMode: "new",
      fullName: "Sato Hana",
      birthDate: "9999-12-31",
      email: "",
      phone: "",
      address: "",
      applicationAids: ["F0524300010001"],
      declaredIncome: "",
      existingLimits: "",
    });
    expect(r.success).toBe(false);
    expect(z.flattenError(r.error!).fieldErrors).toEqual({ birthDate: ["A birth date is not in the future."] });
  });

  it("the first-load form: NUL in a name is a field error", () => {
    const r = FirstLoadFormSchema.safeParse({ customerMode: "new", fullName: "Sato\u0000Hana", birthDate: "", applicationAids: ["F0524300010001"] });
    expect(z.flattenError(r.error!).fieldErrors).toEqual({ fullName: [CONTROL_CHARACTER_MESSAGE] });
  });
});

describe("search parameters", () => {
  it("a NUL is an error to show, not a query", () => {
    expect(parseSearchParam("Sato\u0000")).toEqual({ query: undefined, error: CONTROL_CHARACTER_MESSAGE });
  });
  it("trims, cuts, takes the first of repeated values, ignores empty", () => {
    expect(parseSearchParam("  Sato ")).toEqual({ query: "Sato", error: undefined });
    expect(parseSearchParam("x".repeat(100), 64).query).toHaveLength(64);
    expect(parseSearchParam(["a", "b"]).query).toBe("a");
    expect(parseSearchParam("   ")).toEqual({ query: undefined, error: undefined });
    expect(parseSearchParam(undefined)).toEqual({ query: undefined, error: undefined });
  });
});

describe("the issuer's new-cardholder form uses the same rules", async () => {
  const { CreateCardholderSchema } = await import("./cardholder");
  const valid = {
    fullName: "Sato Hana",
    sex: "female",
    birthDate: "1990-04-01",
    occupation: "Teacher",
    annualIncomeMinor: "5000000",
    postalCode: "150-0002",
    address: "1-2-3 Shibuya, Tokyo",
    email: "hana@example.com",
    phone: "090-1234-5678",
    locale: "en",
    platformType: "100",
  };

  it("accepts a valid cardholder", () => {
    expect(CreateCardholderSchema.safeParse(valid).data?.birthDate).toBe("1990-04-01");
  });
  it("an emptied income is a field error, a far-future birth date too, NUL in the name too", () => {
    const r = CreateCardholderSchema.safeParse({ ...valid, annualIncomeMinor: "", birthDate: "9999-12-31", fullName: "Sato\u0000Hana" });
    expect(z.flattenError(r.error!).fieldErrors).toEqual({
      annualIncomeMinor: ["Enter a whole number of yen."],
      birthDate: ["A birth date is not in the future."],
      fullName: [CONTROL_CHARACTER_MESSAGE],
    });
  });
});
