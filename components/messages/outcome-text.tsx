"use client";
import { useFormatter, useLocale, useTranslations } from "next-intl";
import { formatMoney } from "@/lib/core/format";
import { describeStored, storedCode, type ExchangeWordsContext, type ExchangeWordsT, type StoredValue } from "@/lib/core/messages";

/** The exchange words (lib/core/messages/outcome-words.ts) in the reader's language. */
export function useExchangeWords(): ExchangeWordsContext {
  const translate = useTranslations("common.exchangeWords");
  const format = useFormatter();
  const locale = useLocale();
  const t: ExchangeWordsT = (key, values) => translate(key as never, values as never);
  return {
    t,
    instant: (iso) => format.dateTime(new Date(iso), "dateTime"),
    money: (amountMinor, currency) => formatMoney(amountMinor, currency, locale),
  };
}

/**
 * One outcome, refusal or delivery error on the messages pages, rendered from its code in the reader's
 * language. A row stored before codes shows its sentence as it was (data: translate="no"), marked as such.
 */
export function OutcomeText(value: StoredValue) {
  const words = useExchangeWords();
  const { legacy, text } = describeStored(value, words);
  if (!legacy) return <span data-outcome={storedCode(value)}>{text}</span>;
  return (
    <span data-outcome="legacy" title={words.t("legacyLabel")}>
      <span className="mr-1 rounded bg-slate-100 px-1 text-[10px] uppercase text-slate-600">{words.t("legacy")}</span>
      <span translate="no" lang="en">
        {text}
      </span>
    </span>
  );
}
