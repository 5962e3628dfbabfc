import { describe, expect, it } from "vitest";
import { LOCALES, type AppLocale } from "@/lib/i18n/locales";
import type { AppMessages } from "@/lib/i18n/messages";
import { messagesWithout, strictWords } from "@/lib/i18n/test-words";
import { EXAMINATION_NOTE_CODES, ExaminationNotesSchema, type ExaminationNote } from "./first-load";
import { LOAD_FAILURE_CODES, LoadFailureSchema, parseLoadFailure, type LoadFailure } from "./load-failure";
import { describeExaminationNote, describeLoadFailure, describeRefusal } from "./reload-words";
import { reloadRefusal } from "./reload";

const FAILURES: { [C in LoadFailure["code"]]: Extract<LoadFailure, { code: C }> } = {
  "card-refused": { code: "card-refused", step: "INSTALL [for load]", sw: "6A84" },
  "receipt-mismatch": { code: "receipt-mismatch", problem: "card-binding" },
  "grant-mismatch": { code: "grant-mismatch", mismatch: "load-file" },
  expired: { code: "expired" },
  "visit-ended": { code: "visit-ended", why: "lease-ended" },
  cancelled: { code: "cancelled" },
};
const NOTES: { [C in ExaminationNote["code"]]: Extract<ExaminationNote, { code: C }> } = {
  "no-investigation": { code: "no-investigation", policyVersion: "METRO01-2025.1" },
  "income-not-declared": { code: "income-not-declared" },
  "income-below-minimum": { code: "income-below-minimum", incomeMinor: 1_000_000, minimumMinor: 2_000_000, currency: "JPY" },
  "income-meets-minimum": { code: "income-meets-minimum", incomeMinor: 6_000_000, minimumMinor: 2_000_000, currency: "JPY" },
  "not-credit": { code: "not-credit" },
  "no-room": { code: "no-room", percent: 10, existingMinor: 300_000, currency: "JPY" },
  limit: { code: "limit", limitMinor: 500_000, percent: 10, existingMinor: 100_000, currency: "JPY", capped: true },
};

/** The provider's words in one locale, throwing on a missing message instead of printing its key. */
function wordsIn(locale: AppLocale, messages?: AppMessages) {
  return {
    ...strictWords(locale, "provider.words", messages),
    day: (iso: string) => iso.slice(0, 10),
    instant: (iso: string) => iso,
    nameOf: (aid: string) => aid,
  };
}

describe("a permission's failure and an examination's notes (store codes, render words)", () => {
  it("every failure code and every note code has words in every locale", () => {
    expect(Object.keys(FAILURES).sort()).toEqual([...LOAD_FAILURE_CODES].sort());
    expect(Object.keys(NOTES).sort()).toEqual([...EXAMINATION_NOTE_CODES].sort());
    for (const locale of LOCALES) {
      const words = wordsIn(locale);
      for (const f of Object.values(FAILURES)) expect(describeLoadFailure(f, words), `${locale} ${f.code}`).not.toMatch(/words\.|\{|\}/);
      for (const n of Object.values(NOTES)) expect(describeExaminationNote(n, words), `${locale} ${n.code}`).not.toMatch(/words\.|\{|\}/);
    }
  });

  it("renders the card's status word from the catalogue, in the reader's language", () => {
    expect(describeLoadFailure(FAILURES["card-refused"], wordsIn("en"))).toBe(
      "the card refused INSTALL [for load] with status word 6A84 (Not enough memory on the card for this load file)",
    );
    expect(describeLoadFailure(FAILURES["card-refused"], wordsIn("ja"))).toBe(
      "カードが INSTALL [for load] を拒否しました（ステータスワード 6A84：このロードファイルに必要なメモリがカードにありません）",
    );
    expect(describeExaminationNote(NOTES.limit, wordsIn("en"))).toBe(
      "Limit ¥500,000: 10% of income less existing limits of ¥100,000, capped at the policy maximum.",
    );
    const refusal = reloadRefusal("card-refused-load", "load", { loadFailure: FAILURES["card-refused"] });
    expect(describeRefusal(refusal, wordsIn("ja"))).toContain("このロードファイルに必要なメモリがカードにありません");
    // A case stored before the codes shows its English lines as they were.
    const legacy = reloadRefusal("examination-declined", "examination", { notes: ["No annual income was declared."] }, "F0");
    expect(describeRefusal(legacy, wordsIn("en"))).toContain("No annual income was declared.");
  });

  it("a code without words fails", () => {
    const messages = messagesWithout("ja", "provider.words.failures.expired");
    expect(() => describeLoadFailure({ code: "expired" }, wordsIn("ja", messages))).toThrow();
  });

  it("stores no sentence: a status word is four hex digits, a sentence is refused", () => {
    expect(LoadFailureSchema.safeParse({ code: "card-refused", step: "LOAD", sw: "Not enough memory" }).success).toBe(false);
    expect(parseLoadFailure("the card refused LOAD with SW 6A84 (Not enough memory on the card for this load file)")).toBeNull();
    expect(ExaminationNotesSchema.safeParse(["Declared income ¥6,000,000 meets the policy minimum."]).success).toBe(false);
    for (const f of Object.values(FAILURES)) expect(parseLoadFailure(JSON.parse(JSON.stringify(f)))).toEqual(f);
  });
});
