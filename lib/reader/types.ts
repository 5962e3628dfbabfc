/** The one reader interface every transport implements (DESIGN.md, "The card and the reader"). */

export type ReaderTransport = "simulator" | "webserial" | "webusb" | "pcsc-bridge" | "presented";

/** Called with the new presence whenever a card enters or leaves the reader. */
export type PresenceListener = (isPresent: boolean) => void;

/** A card reader: one `transmit(apdu) → response ‖ SW1 SW2` whatever the wire. */
export interface Reader {
  readonly transport: ReaderTransport;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  isCardPresent(): boolean;
  /** Returns the unsubscribe function (useSyncExternalStore's `subscribe` shape). */
  onPresenceChange(listener: PresenceListener): () => void;
  /** Sends a command APDU; resolves with response data ‖ SW1 SW2. Rejects with ReaderError. */
  transmit(command: Uint8Array): Promise<Uint8Array>;
}

/**
 * The structural shape of `SimulatedCard` (lib/core/card) that the readers need: transports
 * depend on this, not on the simulator, so a real card behind a bridge fits the same slot.
 */
export interface CardLike {
  readonly atr: Uint8Array;
  powerOn(): Uint8Array;
  powerOff(): void;
  reset(): Uint8Array;
  /** Response ‖ SW1 SW2; never rejects. */
  transmit(apdu: Uint8Array): Promise<Uint8Array>;
}

/** What kind of reader failure (issue 15: a code, rendered in the reader's language by status-word-words.ts). */
export const READER_ERROR_CODES = ["not-connected", "no-card", "timeout", "protocol", "transport", "unsupported"] as const;
export type ReaderErrorCode = (typeof READER_ERROR_CODES)[number];
/** A failure the desk can say more precisely than its code: which browser feature is missing or blocked. */
export const READER_ERROR_REASONS = ["no-web-serial", "no-webusb", "webusb-blocked"] as const;
export type ReaderErrorReason = (typeof READER_ERROR_REASONS)[number];

/**
 * A failure of the reader or its wire, never a card refusal (those are status words). `message` is the
 * reader's own technical text (English, for logs and the trace's detail); people read the code's words.
 */
export class ReaderError extends Error {
  override readonly name = "ReaderError";
  readonly reason: ReaderErrorReason | null;
  /**
   * The server's own words for this failure, rendered for this request in the reader's language (the relay's
   * lease refusal: "This desk no longer holds the card: the cardholder took the card back."). Never stored.
   */
  readonly words: string | null;
  constructor(
    readonly code: ReaderErrorCode,
    message: string,
    options?: { cause?: unknown; reason?: ReaderErrorReason; words?: string },
  ) {
    super(message, options);
    this.reason = options?.reason ?? null;
    this.words = options?.words ?? null;
  }
}

/** Status word of a response APDU (ISO 7816-4 §5.1.3: the last two bytes). */
export function statusWordOf(response: Uint8Array): number | null {
  if (response.length < 2) return null;
  return ((response[response.length - 2]! << 8) | response[response.length - 1]!) >>> 0;
}
