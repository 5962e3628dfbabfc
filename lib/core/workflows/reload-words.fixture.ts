import { createTranslator } from "use-intl/core";
import { messagesFor } from "@/lib/i18n/messages";
import { formatDate, formatInstant, formatMoney } from "../format";
import { statusWordMeaning } from "../card/status-words";
import type { WordsContext, WordsT } from "./reload-words";

/** The reload words in English with ISO days and UTC instants, for unit tests. */
export function englishWords(): Omit<WordsContext, "nameOf"> {
  const t = createTranslator({ locale: "en", messages: messagesFor("en"), namespace: "provider.words" });
  const sw = createTranslator({ locale: "en", messages: messagesFor("en"), namespace: "common.reader.statusWords" });
  return {
    t: ((key, values) => t(key as never, values as never)) as WordsT,
    day: formatDate,
    instant: formatInstant,
    money: formatMoney,
    statusWord: (code) => {
      const meaning = statusWordMeaning(code);
      return sw(meaning.code as never, meaning.values as never);
    },
  };
}
