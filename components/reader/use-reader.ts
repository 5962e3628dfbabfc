"use client";

import { useSyncExternalStore } from "react";
import type { ApduTrace, Reader, TraceEntry } from "@/lib/reader";

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
