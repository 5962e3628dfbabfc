import { statusWordMeaning } from "@/lib/core/card/status-words";
import type { TraceEntry } from "./trace";
import { ReaderError, type ReaderErrorCode, type ReaderErrorReason } from "./types";

/** `useTranslations("common.reader.statusWords")` / `getTranslations(…)`, keyed loosely (keys are codes). */
export type StatusWordT = (key: string, values?: Record<string, number>) => string;

/**
 * A status word's meaning in the reader's language: the card's code (lib/core/card/status-words.ts)
 * rendered from messages/<locale>/common.json "reader.statusWords". Nothing stores these words.
 */
export function statusWordWords(t: StatusWordT, sw: number): string {
  const meaning = statusWordMeaning(sw);
  return t(meaning.code, meaning.values);
}

/**
 * A reader's failure in the reader's language (issue 15): the words of its reason when it has one, else of its
 * code ("readerErrors.<code>", "other" for what is not a ReaderError). The reader's own technical text is not
 * in them: a page shows it as data beside the words (readerErrorDetail).
 */
export function readerErrorWords(t: StatusWordT, failure: { code: ReaderErrorCode | "other"; reason?: ReaderErrorReason | null }): string {
  return failure.reason ? t(`readerErrors.reasons.${failure.reason}`) : t(`readerErrors.${failure.code}`);
}

/**
 * The words of a thrown error, as readerErrorWords renders them, followed by the server's own words when it
 * gave its reason (the relay's lease refusal, already in the reader's language).
 */
export function thrownReaderErrorWords(t: StatusWordT, error: unknown): string {
  if (!(error instanceof ReaderError)) return readerErrorWords(t, { code: "other" });
  const words = readerErrorWords(t, error);
  return error.words ? `${words} ${error.words}` : words;
}

/** The meaning column of an APDU trace entry: the status word's, or the words of the reader's failure. */
export function traceEntryWords(t: StatusWordT, entry: TraceEntry): string {
  if (entry.sw !== null) return statusWordWords(t, entry.sw);
  if (entry.errorCode) return readerErrorWords(t, { code: entry.errorCode, reason: entry.errorReason });
  return t("shortResponse");
}
