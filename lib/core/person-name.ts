/**
 * A person's name as the issuer records it (issue 15): the name as written (`full_name`: kanji for the demo
 * people, family name first) and its reading in kana (`full_name_kana`, furigana). Japanese readers expect the
 * reading over the kanji (ruby); the parts are paired when the name and its reading have as many parts
 * (佐藤 花 / サトウ ハナ), else the whole name carries the whole reading. No reading is shown when there is none
 * or when it says nothing the name does not (a name written in kana).
 */
export type NamePart = { readonly base: string; readonly reading: string | null };

const SPACES = /[\s\u3000]+/u;

/** The reading worth showing beside this name, or null. */
export function readingOf(name: string, kana: string | null | undefined): string | null {
  const reading = kana?.trim();
  if (!reading) return null;
  const squash = (s: string) => s.split(SPACES).join("");
  return squash(reading) === squash(name.trim()) ? null : reading;
}

/** The name split for ruby: each part with its reading when the parts pair up, else one part with the whole reading. */
export function nameParts(name: string, kana: string | null | undefined): NamePart[] {
  const reading = readingOf(name, kana);
  const bases = name.trim().split(SPACES);
  if (reading === null) return [{ base: name.trim(), reading: null }];
  const readings = reading.split(SPACES);
  if (bases.length > 1 && readings.length === bases.length) return bases.map((base, i) => ({ base, reading: readings[i]! }));
  return [{ base: name.trim(), reading }];
}

/**
 * The name as one line of text, where no markup can go (an option, an e-mail, a title):
 * "佐藤 花（サトウ ハナ）" in Japanese, "佐藤 花 (サトウ ハナ)" in English, the name alone without a reading.
 */
export function nameText(name: string, kana: string | null | undefined, locale: "en" | "ja"): string {
  const reading = readingOf(name, kana);
  if (reading === null) return name.trim();
  return locale === "ja" ? `${name.trim()}（${reading}）` : `${name.trim()} (${reading})`;
}
