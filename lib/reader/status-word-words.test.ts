import { describe, expect, it } from "vitest";
import { describeStatusWord, formatStatusWord, parseStatusWord, STATUS_WORD_CODES, statusWordMeaning, SW } from "@/lib/core/card/status-words";
import { LOCALES, type AppLocale } from "@/lib/i18n/locales";
import type { AppMessages } from "@/lib/i18n/messages";
import { JAPANESE_SCRIPT, messagesWithout, strictTranslator } from "@/lib/i18n/test-words";
import { readerErrorWords, statusWordWords, thrownReaderErrorWords, traceEntryWords, type StatusWordT } from "./status-word-words";
import { READER_ERROR_CODES, READER_ERROR_REASONS, ReaderError } from "./types";

/** A translator of the status-word catalogue that throws on a missing key (instead of printing it). */
const strict = (locale: AppLocale, messages?: AppMessages): StatusWordT => strictTranslator(locale, "common.reader.statusWords", messages);

describe("status-word catalogue (store codes, render words)", () => {
  it("has words for every code in every locale", () => {
    for (const locale of LOCALES) {
      const t = strict(locale);
      for (const code of STATUS_WORD_CODES) expect(t(code, { count: 3, le: 16 }), `${locale} ${code}`).not.toMatch(/statusWords/);
      expect(t("shortResponse")).toBeTruthy();
    }
  });

  it("fails when a code has no words", () => {
    const messages = messagesWithout("ja", "common.reader.statusWords.not-enough-memory");
    expect(() => statusWordWords(strict("ja", messages), SW.NOT_ENOUGH_MEMORY)).toThrow();
  });

  it("speaks the reader's language: the card's every refusal in English (the words logs use) and in Japanese", () => {
    const en = strict("en");
    const ja = strict("ja");
    for (const sw of Object.values(SW)) {
      expect(statusWordWords(en, sw), formatStatusWord(sw)).toBe(describeStatusWord(sw));
      if (sw !== SW.OK) expect(statusWordWords(ja, sw), formatStatusWord(sw)).toMatch(JAPANESE_SCRIPT);
    }
    expect(statusWordWords(ja, 0x6a84)).toBe("このロードファイルに必要なメモリがカードにありません");
    expect(statusWordWords(en, 0x6110)).toBe("OK, 16 bytes still available with GET RESPONSE");
    expect(statusWordWords(en, 0x6100)).toBe("OK, 256 or more bytes still available with GET RESPONSE");
    expect(statusWordWords(ja, 0x6c20)).toBe("Le 不正：Le = 32 で再送してください");
    expect(statusWordMeaning(0x9999)).toEqual({ code: "unknown", values: {} });
  });

  it("renders a trace entry from its status word, a reader failure from its code (never the reader's English text)", () => {
    const entry = { id: 1, command: new Uint8Array(), startedAt: new Date(0), durationMs: 1 };
    expect(traceEntryWords(strict("ja"), { ...entry, response: new Uint8Array([0x6a, 0x82]), sw: 0x6a82 })).toBe(
      "アプリケーションまたはファイルが見つかりません",
    );
    const failed = { ...entry, response: null, sw: null, error: "simulator reader: no card inserted", errorCode: "no-card" as const };
    expect(traceEntryWords(strict("en"), failed)).toBe("No card in the reader (or the card was taken back).");
    expect(traceEntryWords(strict("ja"), failed)).toBe("リーダーにカードがありません（またはカードが返却されました）。");
    expect(traceEntryWords(strict("ja"), { ...entry, response: new Uint8Array([0x90]), sw: null })).toBe(strict("ja")("shortResponse"));
  });

  it("has words for every reader failure code and reason in every locale (issue 15)", () => {
    for (const locale of LOCALES) {
      const t = strict(locale);
      for (const code of [...READER_ERROR_CODES, "other" as const]) {
        const words = readerErrorWords(t, { code });
        expect(words, `${locale} ${code}`).toBeTruthy();
        if (locale === "ja") expect(words, code).toMatch(JAPANESE_SCRIPT);
      }
      for (const reason of READER_ERROR_REASONS) {
        const words = readerErrorWords(t, { code: "unsupported", reason });
        if (locale === "ja") expect(words, reason).toMatch(JAPANESE_SCRIPT);
      }
    }
    // A thrown error: a ReaderError by its reason or code, anything else as "other"; its message never shown.
    const ja = strict("ja");
    expect(thrownReaderErrorWords(ja, new ReaderError("timeout", "PN532: no ACK for InListPassiveTarget after 3 attempts"))).toBe(ja("readerErrors.timeout"));
    expect(thrownReaderErrorWords(ja, new ReaderError("unsupported", "This browser has no WebUSB.", { reason: "no-webusb" }))).toBe(
      ja("readerErrors.reasons.no-webusb"),
    );
    expect(thrownReaderErrorWords(ja, new TypeError("fetch failed"))).toBe(ja("readerErrors.other"));
    // The relay's refusal comes with the server's words in the reader's language: shown after the code's words.
    const refusal = "このデスクはもうカードを保持していません：カード所有者がカードを取り戻しました。";
    expect(thrownReaderErrorWords(ja, new ReaderError("no-card", refusal, { words: refusal }))).toBe(`${ja("readerErrors.no-card")} ${refusal}`);
  });

  it("fails when a reader failure code has no words", () => {
    const messages = messagesWithout("ja", "common.reader.statusWords.readerErrors.timeout");
    expect(() => readerErrorWords(strict("ja", messages), { code: "timeout" })).toThrow();
  });

  it("reads a stored status word back", () => {
    expect(parseStatusWord("6A84")).toBe(0x6a84);
    expect(parseStatusWord("6a84")).toBeNull();
    expect(parseStatusWord("not enough memory")).toBeNull();
  });
});
