import { useTranslations } from "next-intl";

/**
 * A sentence stored before its row kept codes (issue 15): a record of what was written then, shown as written
 * (data: translate="no", lang="en", so a screen reader reads it as English), behind a visible mark in the
 * page's language that says so. New rows never hold one; their words come from codes.
 */
export function StoredSentence({ children, testId, label }: { children: string; testId?: string; label?: string }) {
  const t = useTranslations("common.exchangeWords");
  return (
    <span title={label ?? t("legacyLabel")}>
      <span className="mr-1 rounded bg-slate-100 px-1 text-[10px] uppercase text-slate-600">{t("legacy")}</span>
      <span translate="no" lang="en" data-testid={testId}>
        {children}
      </span>
    </span>
  );
}
