import { statusWordMeaning } from "@/lib/core/card/status-words";
import type { TraceEntry } from "./trace";

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

/** The meaning column of an APDU trace entry: the status word's, or the reader's own failure. */
export function traceEntryWords(t: StatusWordT, entry: TraceEntry): string {
  if (entry.sw !== null) return statusWordWords(t, entry.sw);
  return entry.error ?? t("shortResponse");
}
