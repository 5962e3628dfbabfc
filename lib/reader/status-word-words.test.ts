import { createTranslator } from "use-intl/core";
import { describe, expect, it } from "vitest";
import { describeStatusWord, formatStatusWord, parseStatusWord, STATUS_WORD_CODES, statusWordMeaning, SW } from "@/lib/core/card/status-words";
import { LOCALES, type AppLocale } from "@/lib/i18n/locales";
import { messagesFor } from "@/lib/i18n/messages";
import { statusWordWords, traceEntryWords, type StatusWordT } from "./status-word-words";

/** A translator of the status-word catalogue that throws on a missing key (instead of printing it). */
function strict(locale: AppLocale, messages = messagesFor(locale)): StatusWordT {
  const t = createTranslator({
    locale,
    messages,
    namespace: "common.reader.statusWords",
    onError: (error) => {
      throw error;
    },
  });
  return (key, values) => t(key as never, values as never);
}

describe("status-word catalogue (store codes, render words)", () => {
  it("has words for every code in every locale", () => {
    for (const locale of LOCALES) {
      const t = strict(locale);
      for (const code of STATUS_WORD_CODES) expect(t(code, { count: 3, le: 16 }), `${locale} ${code}`).not.toMatch(/statusWords/);
      expect(t("shortResponse")).toBeTruthy();
    }
  });

  it("fails when a code has no words", () => {
    const messages = structuredClone(messagesFor("ja")) as { common: { reader: { statusWords: Record<string, string> } } };
    delete messages.common.reader.statusWords["not-enough-memory"];
    expect(() => statusWordWords(strict("ja", messages as never), SW.NOT_ENOUGH_MEMORY)).toThrow();
  });

  it("speaks the reader's language: the card's every refusal in English (the words logs use) and in Japanese", () => {
    const en = strict("en");
    const ja = strict("ja");
    for (const sw of Object.values(SW)) {
      expect(statusWordWords(en, sw), formatStatusWord(sw)).toBe(describeStatusWord(sw));
      if (sw !== SW.OK) expect(statusWordWords(ja, sw), formatStatusWord(sw)).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    }
    expect(statusWordWords(ja, 0x6a84)).toBe("このロードファイルに必要なメモリがカードにありません");
    expect(statusWordWords(en, 0x6110)).toBe("OK, 16 bytes still available with GET RESPONSE");
    expect(statusWordWords(en, 0x6100)).toBe("OK, 256 or more bytes still available with GET RESPONSE");
    expect(statusWordWords(ja, 0x6c20)).toBe("Le 不正：Le = 32 で再送してください");
    expect(statusWordMeaning(0x9999)).toEqual({ code: "unknown", values: {} });
  });

  it("renders a trace entry from its status word, a reader failure as the reader said it", () => {
    const entry = { id: 1, command: new Uint8Array(), startedAt: new Date(0), durationMs: 1 };
    expect(traceEntryWords(strict("ja"), { ...entry, response: new Uint8Array([0x6a, 0x82]), sw: 0x6a82 })).toBe(
      "アプリケーションまたはファイルが見つかりません",
    );
    expect(traceEntryWords(strict("en"), { ...entry, response: null, sw: null, error: "simulator reader: no card inserted" })).toBe(
      "simulator reader: no card inserted",
    );
  });

  it("reads a stored status word back", () => {
    expect(parseStatusWord("6A84")).toBe(0x6a84);
    expect(parseStatusWord("6a84")).toBeNull();
    expect(parseStatusWord("not enough memory")).toBeNull();
  });
});
