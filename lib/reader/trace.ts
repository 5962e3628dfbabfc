import { ReaderError, statusWordOf, type Reader, type ReaderErrorCode, type ReaderErrorReason } from "./types";

/**
 * One command/response exchange as shown in the APDU trace. It keeps the status word, not its
 * meaning: the trace panel renders the meaning in the reader's language (status-word-words.ts).
 */
export interface TraceEntry {
  readonly id: number;
  readonly command: Uint8Array;
  /** Response ‖ SW1 SW2, or null when the reader failed before the card answered. */
  readonly response: Uint8Array | null;
  /** SW1 SW2 as a number, or null when there is no response (or one shorter than a status word). */
  readonly sw: number | null;
  readonly startedAt: Date;
  readonly durationMs: number;
  /** The reader's own technical text when it failed (shown as data, beside the words of its code). */
  readonly error?: string;
  /** What kind of failure: the words the trace shows (status-word-words.ts); "other" for a non-reader error. */
  readonly errorCode?: ReaderErrorCode | "other";
  readonly errorReason?: ReaderErrorReason | null;
}

export interface ApduTraceOptions {
  /** Oldest entries are dropped beyond this count so a long session stays bounded. */
  readonly maxEntries?: number;
  readonly now?: () => Date;
  /** Monotonic milliseconds for durations. */
  readonly clock?: () => number;
}

/**
 * An observable list of exchanges. `getSnapshot` returns the same array until something changes,
 * as `useSyncExternalStore` requires.
 */
export class ApduTrace {
  #entries: readonly TraceEntry[] = [];
  #nextId = 1;
  readonly #listeners = new Set<() => void>();
  readonly #maxEntries: number;
  readonly now: () => Date;
  readonly clock: () => number;

  constructor(options: ApduTraceOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 500;
    this.now = options.now ?? (() => new Date());
    this.clock = options.clock ?? (() => performance.now());
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  };

  readonly getSnapshot = (): readonly TraceEntry[] => this.#entries;

  readonly clear = (): void => {
    if (this.#entries.length === 0) return;
    this.#entries = [];
    this.#emit();
  };

  record(entry: Omit<TraceEntry, "id">): TraceEntry {
    const full: TraceEntry = { ...entry, id: this.#nextId++ };
    const next = [...this.#entries, full];
    this.#entries = next.length > this.#maxEntries ? next.slice(next.length - this.#maxEntries) : next;
    this.#emit();
    return full;
  }

  #emit(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}

/** A reader that records every exchange of the reader it wraps into `trace`. */
export interface TracingReader extends Reader {
  readonly inner: Reader;
  readonly trace: ApduTrace;
}

/** Wraps `reader` so each transmit lands in the trace, failures included (then rethrown). */
export function withTrace(reader: Reader, trace: ApduTrace = new ApduTrace()): TracingReader {
  return {
    transport: reader.transport,
    inner: reader,
    trace,
    connect: () => reader.connect(),
    disconnect: () => reader.disconnect(),
    isCardPresent: () => reader.isCardPresent(),
    onPresenceChange: (listener) => reader.onPresenceChange(listener),
    async transmit(command) {
      const commandCopy = command.slice();
      const startedAt = trace.now();
      const start = trace.clock();
      try {
        const response = await reader.transmit(command);
        const sw = statusWordOf(response);
        trace.record({
          command: commandCopy,
          response: response.slice(),
          sw,
          startedAt,
          durationMs: trace.clock() - start,
        });
        return response;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        trace.record({
          command: commandCopy,
          response: null,
          sw: null,
          startedAt,
          durationMs: trace.clock() - start,
          error: message,
          errorCode: error instanceof ReaderError ? error.code : "other",
          errorReason: error instanceof ReaderError ? error.reason : null,
        });
        throw error;
      }
    },
  };
}
