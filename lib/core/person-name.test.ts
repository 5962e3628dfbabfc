import { describe, expect, it } from "vitest";
import { DEMO_CARDHOLDERS } from "@/prisma/seed/demo-data";
import { KANA } from "@/lib/validation/cardholder";
import { nameParts, nameText, readingOf } from "./person-name";

describe("person names with their reading (issue 15)", () => {
  it.each([
    [
      "佐藤 花",
      "サトウ ハナ",
      [
        { base: "佐藤", reading: "サトウ" },
        { base: "花", reading: "ハナ" },
      ],
    ],
    [
      "佐藤　花",
      "さとう　はな",
      [
        { base: "佐藤", reading: "さとう" },
        { base: "花", reading: "はな" },
      ],
    ],
    // Parts that do not pair up: the whole name carries the whole reading.
    ["佐藤花", "サトウ ハナ", [{ base: "佐藤花", reading: "サトウ ハナ" }]],
    ["林 大輝", "ハヤシダイキ", [{ base: "林 大輝", reading: "ハヤシダイキ" }]],
    // No reading, or one that says nothing more than the name.
    ["Hana Sato", null, [{ base: "Hana Sato", reading: null }]],
    ["さくら", "さくら", [{ base: "さくら", reading: null }]],
    ["サトウ ハナ", "サトウハナ", [{ base: "サトウ ハナ", reading: null }]],
    [" 花 ", "  ", [{ base: "花", reading: null }]],
  ])("%s / %s", (name, kana, parts) => {
    expect(nameParts(name, kana)).toEqual(parts);
  });

  it("one line of text: the reading in brackets of the reader's language, the name alone without one", () => {
    expect(nameText("佐藤 花", "サトウ ハナ", "ja")).toBe("佐藤 花（サトウ ハナ）");
    expect(nameText("佐藤 花", "サトウ ハナ", "en")).toBe("佐藤 花 (サトウ ハナ)");
    expect(nameText("Test Card", null, "ja")).toBe("Test Card");
    expect(readingOf("ハナ", "ハナ")).toBeNull();
  });

  it("every demo cardholder has a kanji name and a kana reading that pair up part by part", () => {
    for (const holder of DEMO_CARDHOLDERS) {
      expect(holder.name, holder.romaji).toMatch(/\p{Script=Han}/u);
      expect(holder.kana, holder.romaji).toMatch(KANA);
      const parts = nameParts(holder.name, holder.kana);
      expect(parts, holder.romaji).toHaveLength(2);
      expect(parts.every((p) => p.reading !== null)).toBe(true);
    }
    // The romaji handles are unique (tests find people by them).
    expect(new Set(DEMO_CARDHOLDERS.map((h) => h.romaji)).size).toBe(DEMO_CARDHOLDERS.length);
  });
});
