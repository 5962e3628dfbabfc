"use client";

import { useTranslations } from "next-intl";
import { useMemo, useSyncExternalStore } from "react";
import type { ApduTrace, Reader, TraceEntry } from "@/lib/reader";
import type { StatusWordT } from "@/lib/reader/status-word-words";

const NO_ENTRIES: readonly TraceEntry[] = [];
const noop = () => () => undefined;

/** The trace's entries, re-rendering on each new exchange or clear. */
export function useApduTrace(trace: ApduTrace): readonly TraceEntry[] {
  return useSyncExternalStore(trace.subscribe, trace.getSnapshot, () => NO_ENTRIES);
}

/** Whether a card is in `reader`, re-rendering on insert and removal; false without a reader. */
export function useCardPresence(reader: Reader | null): boolean {
  return useSyncExternalStore(
    reader ? (listener) => reader.onPresenceChange(listener) : noop,
    () => (reader ? reader.isCardPresent() : false),
    () => false,
  );
}

/** Status-word meanings in the reader's language (lib/reader/status-word-words.ts renders them from codes). */
export function useStatusWordT(): StatusWordT {
  const t = useTranslations("common.reader.statusWords");
  // Stable while the language is (a dependency of the desk's callbacks).
  return useMemo<StatusWordT>(() => (key, values) => t(key as never, values as never), [t]);
}
