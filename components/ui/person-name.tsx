import { useLocale } from "next-intl";
import { nameParts, readingOf } from "@/lib/core/person-name";

/**
 * A person's name as recorded, with its reading in kana (lib/core/person-name.ts). In Japanese the reading
 * stands over the kanji as furigana (ruby, one reading per part when the parts pair up); in English, where a
 * reader of Latin letters looks for it beside the name, it follows the name in brackets, as a secondary text. Data, not
 * words: marked translate="no", and lang="ja" on the Japanese script so it is read (and typeset) as Japanese.
 */
export function PersonName({ name, kana, className }: { name: string; kana?: string | null; className?: string }) {
  const locale = useLocale();
  const reading = readingOf(name, kana);
  const lang = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(name) ? "ja" : undefined;
  if (reading === null) {
    return (
      <span translate="no" lang={lang} className={className} data-testid="person-name">
        {name}
      </span>
    );
  }
  if (locale === "ja") {
    return (
      <span translate="no" lang="ja" className={className} data-testid="person-name">
        {nameParts(name, kana).map((part, i) => (
          <span key={i}>
            {i > 0 && " "}
            <ruby>
              {part.base}
              <rp>（</rp>
              <rt className="text-[0.6em] font-normal text-slate-600">{part.reading}</rt>
              <rp>）</rp>
            </ruby>
          </span>
        ))}
      </span>
    );
  }
  return (
    <span translate="no" className={className} data-testid="person-name">
      <span lang={lang}>{name}</span>{" "}
      <span className="text-[0.85em] font-normal text-slate-600" data-testid="person-name-reading">
        (<span lang="ja">{reading}</span>)
      </span>
    </span>
  );
}
