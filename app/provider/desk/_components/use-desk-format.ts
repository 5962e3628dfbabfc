"use client";

import { useFormatter, useLocale, useTranslations } from "next-intl";
import { formatMoney } from "@/lib/core/format";
import type { AppletReading } from "@/lib/core/workflows/reload-desk";
import { useStatusWordT } from "@/components/reader/use-reader";
import { statusWordWords } from "@/lib/reader/status-word-words";
import type { RunnerWords } from "./load-runner";

/** Money and times for the desk's client components: the reader's language, times in the reader's time zone. */
export function useDeskFormat() {
  const locale = useLocale();
  const format = useFormatter();
  return {
    money: (amountMinor: number, currency: string) => formatMoney(amountMinor, currency, locale),
    when: (at: Date | string) => format.dateTime(new Date(at), "dateTime"),
    day: (at: Date | string) => format.dateTime(new Date(at), "date"),
  };
}

/** The words of the card operations (load-runner.ts) and of what an application reads on the card. */
export function useRunnerWords(): { t: RunnerWords; describeReading: (reading: AppletReading) => string; statusWord: (sw: number) => string } {
  const t = useTranslations("provider.runner");
  const sw = useStatusWordT();
  const { money } = useDeskFormat();
  const words: RunnerWords = (key, values) => t(key as never, values as never);
  return {
    t: words,
    statusWord: (code) => statusWordWords(sw, code),
    describeReading: (r) =>
      r.kind === "transit"
        ? t("reading.transit", { balance: money(r.balance, r.currency) })
        : r.kind === "loyalty"
          ? t("reading.loyalty", { points: r.points })
          : t("reading.credit", { limit: money(r.limit, r.currency), holder: r.holder ?? "", hasHolder: r.holder ? "yes" : "no" }),
  };
}
