/**
 * For the unit tests that check a family of stored codes has words in every locale (store codes, render
 * words: docs/i18n.md): a translator that throws on a missing message or a broken argument instead of
 * printing the key, the words the describe…() functions take, and a catalogue with one message removed,
 * for the test that such a gap fails.
 */
import { createTranslator } from "use-intl/core";
import { statusWordMeaning } from "../core/card/status-words";
import { formatMoney } from "../core/format";
import type { AppLocale } from "./locales";
import { messagesFor, type AppMessages } from "./messages";

type Values = Record<string, string | number | boolean | Date | null | undefined>;

/** Japanese script (kana or kanji): what a `ja` text must hold. */
export const JAPANESE_SCRIPT = /[\u3040-\u30ff\u4e00-\u9fff]/;

/** `namespace` of `locale`'s catalogue (or of `messages`), throwing on a missing message. */
export function strictTranslator(locale: AppLocale, namespace: string, messages: AppMessages = messagesFor(locale)): (key: string, values?: Values) => string {
  const t = createTranslator({
    locale,
    messages,
    namespace: namespace as never,
    onError: (error) => {
      throw error;
    },
  });
  return (key, values) => t(key as never, values as never);
}

/** The words a describe…() function of a party's codes takes: `namespace`'s messages, the card's status words, money. */
export function strictWords(locale: AppLocale, namespace: string, messages: AppMessages = messagesFor(locale)) {
  const statusWords = strictTranslator(locale, "common.reader.statusWords", messages);
  return {
    t: strictTranslator(locale, namespace, messages),
    statusWord: (code: number) => {
      const meaning = statusWordMeaning(code);
      return statusWords(meaning.code, meaning.values);
    },
    money: (amountMinor: number, currency: string) => formatMoney(amountMinor, currency, locale),
  };
}

/** `locale`'s catalogue without the message at `path` (dot-separated: "issuer.auditReasons.permission-refused"). */
export function messagesWithout(locale: AppLocale, path: string): AppMessages {
  const messages = structuredClone(messagesFor(locale));
  const keys = path.split(".");
  const last = keys.pop()!;
  let node = messages as unknown as Record<string, unknown>;
  for (const key of keys) node = node[key] as Record<string, unknown>;
  if (!(last in node)) throw new Error(`no message ${path} in ${locale}`);
  delete node[last];
  return messages;
}
