"use client";

import { useFormatter, useLocale, useTranslations } from "next-intl";
import { formatMoney } from "@/lib/core/format";
import type { ReloadRefusal, ReloadRefusalCode } from "@/lib/core/workflows/reload";
import { describeRefusal, refusalLabel, type WordsContext, type WordsT } from "@/lib/core/workflows/reload-words";
import { FORMATS } from "@/lib/i18n/formats";
import { statusWordWords } from "@/lib/reader/status-word-words";
import { useStatusWordT } from "@/components/reader/use-reader";

/**
 * The reload words (lib/core/workflows/reload-words.ts) in the reader's language: days and times in the
 * reader's time zone, or in UTC for the audit view.
 */
export function useReloadWords(options: { utc?: boolean } = {}): Omit<WordsContext, "nameOf"> {
  const translate = useTranslations("provider.words");
  const format = useFormatter();
  const locale = useLocale();
  const sw = useStatusWordT();
  const zone = options.utc ? { timeZone: "UTC" } : {};
  const t: WordsT = (key, values) => translate(key as never, values as never);
  return {
    t,
    day: (iso) => format.dateTime(new Date(iso), { ...FORMATS.dateTime.date, ...zone }),
    instant: (iso) => format.dateTime(new Date(iso), { ...FORMATS.dateTime.dateTime, ...zone }),
    money: (amountMinor, currency) => formatMoney(amountMinor, currency, locale),
    statusWord: (code) => statusWordWords(sw, code),
  };
}

/** A refusal's short label in the reader's language. */
export function useRefusalLabel(): (code: ReloadRefusalCode) => string {
  const { t } = useReloadWords();
  return (code) => refusalLabel(code, t);
}

/** A refusal in plain words (rendered from its code), with the patent step where the flow stopped. */
export function RefusalNotice({ refusal, title, nameOf = (aid) => aid }: { refusal: ReloadRefusal; title?: string; nameOf?: (aid: string) => string }) {
  const words = useReloadWords();
  return (
    <div role="alert" className="rounded-lg bg-rose-50 px-4 py-3 text-sm text-rose-900 ring-1 ring-inset ring-rose-200" data-testid="refusal">
      <p className="font-semibold">
        {title ?? refusalLabel(refusal.code, words.t)}{" "}
        <span className="font-normal text-rose-700">{words.t("atStep", { step: words.t("stepName", { step: refusal.step }) })}</span>
      </p>
      <p className="mt-1">{describeRefusal(refusal, { ...words, nameOf })}</p>
    </div>
  );
}
