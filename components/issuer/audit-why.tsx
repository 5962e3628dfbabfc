import { getLocale, getTranslations } from "next-intl/server";
import { describeAuditReason, type AuditReason, type AuditReasonWords } from "@/lib/core/audit-reason";
import { formatMoney } from "@/lib/core/format";
import { statusWordWords } from "@/lib/reader/status-word-words";
import { StoredSentence } from "@/components/ui/stored-sentence";

/** What an audit row says about why: its reason code, a person's own words, or a legacy sentence. */
export type AuditWhyRow = { reason: AuditReason | null; note: string | null; legacyReason: string | null };

/** Renders audit reasons in the reader's language (issuer.json "auditReasons", status words from the catalogue). */
export async function getAuditReasonWords(): Promise<(reason: AuditReason) => string> {
  const [t, sw, locale] = await Promise.all([getTranslations("issuer.auditReasons"), getTranslations("common.reader.statusWords"), getLocale()]);
  const words: AuditReasonWords = {
    t: (key, values) => t(key as never, values as never),
    statusWord: (code) => statusWordWords((key, values) => sw(key as never, values as never), code),
    money: (amountMinor, currency) => formatMoney(amountMinor, currency, locale),
  };
  return (reason) => describeAuditReason(reason, words);
}

/**
 * The "why" of an audit row: the reason in the reader's language (page words, translated), then a
 * person's own words and any sentence stored before the codes, both as data (translate="no": shown as
 * typed or as recorded, never translated).
 */
export function AuditWhy({
  row,
  words,
  noteLabel,
  legacyLabel,
}: {
  row: AuditWhyRow;
  words: (reason: AuditReason) => string;
  noteLabel: string;
  legacyLabel: string;
}) {
  if (!row.reason && !row.note && !row.legacyReason) return <>—</>;
  return (
    <>
      {row.reason && <span data-testid="audit-reason">{words(row.reason)}</span>}
      {row.note && (
        <span className="block text-slate-600">
          {noteLabel}{" "}
          <q translate="no" data-testid="audit-note">
            {row.note}
          </q>
        </span>
      )}
      {row.legacyReason && (
        <span className="block">
          <StoredSentence testId="audit-legacy" label={legacyLabel}>
            {row.legacyReason}
          </StoredSentence>
        </span>
      )}
    </>
  );
}
