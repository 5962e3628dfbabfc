import { describe, expect, it } from "vitest";
import { CARD_IMAGE_EXPECTED, CARD_IMAGE_PROBLEM_CODES, checkCardImage, describeCardImageProblem, type CardImageProblem } from "@/lib/core/card/image";
import { LOCALES, type AppLocale } from "@/lib/i18n/locales";
import type { AppMessages } from "@/lib/i18n/messages";
import { JAPANESE_SCRIPT, messagesWithout, strictTranslator } from "@/lib/i18n/test-words";
import { cardImageProblemWords, type ImageFileT } from "./card-image-words";

/** The image-file words of `locale`, throwing on a missing message or argument (lib/i18n/test-words.ts). */
const strict = (locale: AppLocale, messages?: AppMessages): ImageFileT => strictTranslator(locale, "common.reader.imageFile", messages);

/** Every parameter any problem's words use, so that a missing one cannot hide. */
const PARAMS = { version: '"2"', supported: 1, min: 0, max: 255, kinds: "transit, loyalty, credit", states: "SELECTABLE, LOCKED", bytes: 65536 };

describe("a card image's problems are codes with words (issue 15: store codes, render words)", () => {
  it("has words for every problem and every expected form in every locale, Japanese in Japanese", () => {
    for (const locale of LOCALES) {
      const t = strict(locale);
      for (const code of CARD_IMAGE_PROBLEM_CODES) {
        const problem: CardImageProblem = { code, path: "image.applications[0].aid", params: { ...PARAMS, expected: "aid" } };
        const words = cardImageProblemWords(t, problem);
        expect(words, `${locale} ${code}`).not.toMatch(/problems\.|expected\.|\{|undefined/);
        if (locale === "ja") expect(words, code).toMatch(JAPANESE_SCRIPT);
      }
      for (const expected of CARD_IMAGE_EXPECTED) expect(t(`expected.${expected}`), `${locale} ${expected}`).toBeTruthy();
    }
  });

  it("fails when a problem has no words", () => {
    const messages = messagesWithout("ja", "common.reader.imageFile.problems.installed-twice");
    expect(() => cardImageProblemWords(strict("ja", messages), { code: "installed-twice", path: "image.applications[1].aid", params: {} })).toThrow();
  });

  it("renders what the decoder finds, with the field as the file names it; tools keep the decoder's English", () => {
    const ja = strict("ja");
    const en = strict("en");
    const notJson = checkCardImage("{");
    expect(notJson.ok).toBe(false);
    if (notJson.ok) return;
    expect(cardImageProblemWords(ja, notJson.error)).toBe("カードイメージではありません：ファイルが JSON ではありません。");
    expect(describeCardImageProblem(notJson.error)).toBe("card image: not valid JSON");

    const version = checkCardImage({ version: 2 });
    expect(version.ok).toBe(false);
    if (version.ok) return;
    expect(cardImageProblemWords(en, version.error)).toBe("Not a card image: version 2 is not supported (this card reads version 1).");
    expect(cardImageProblemWords(ja, version.error)).toContain("バージョン 2 には対応していません");

    const field = checkCardImage({ version: 1, pin: "1234" });
    expect(field.ok).toBe(false);
    if (field.ok) return;
    expect(field.error).toEqual({ code: "unknown-field", path: "image.pin", params: {} });
    expect(cardImageProblemWords(ja, field.error)).toBe("カードイメージではありません：image.pin はカードイメージの項目ではありません。");
  });

  it("says what a field of the wrong form must be, in the reader's language", () => {
    const problem: CardImageProblem = { code: "invalid", path: "image.cardId", params: { expected: "card-id" } };
    expect(cardImageProblemWords(strict("en"), problem)).toBe("Not a card image: image.cardId must be 16 upper-case hex digits.");
    expect(cardImageProblemWords(strict("ja"), problem)).toBe("カードイメージではありません：image.cardId は大文字の 16 進数 16 桁でなければなりません。");
    expect(describeCardImageProblem(problem)).toBe("card image: image.cardId: must be 16 upper-case hex digits");
  });
});
