/**
 * A simulated card in a reader slot: a card image (non-volatile memory), a session (RAM, lost on
 * power-off and reset) and an environment (clock, randomness). The object API the reader
 * transports use (lib/reader/types.ts `CardLike`).
 */
import { CARD_ATR } from "./atr";
import { INITIAL_SESSION, processApdu, type Session, type TransmissionProtocol } from "./card-os";
import type { CardEnv } from "./env";
import { decodeCardImage, type CardImage } from "./image";
import { SW } from "./status-words";

/** Answered to any APDU while the card is not powered (a real card would not answer at all). */
export const SW_NOT_POWERED = SW.NO_PRECISE_DIAGNOSIS;

/** The card OS simulator behind one card image. */
export class SimulatedCard {
  /** ISO 7816-3 ATR with TCK; historical bytes spell "ReCard". */
  readonly atr: Uint8Array = CARD_ATR.slice();
  #image: CardImage;
  #session: Session = INITIAL_SESSION;
  #powered = false;
  readonly #env: CardEnv;

  /** Inserts `image` (validated strictly; throws RangeError on a malformed image). The card starts powered off. */
  constructor(image: CardImage, env: CardEnv) {
    const checked = decodeCardImage(image);
    if (!checked.ok) throw new RangeError(checked.error);
    this.#image = checked.value;
    this.#env = env;
  }

  /**
   * Cold reset: powers the card, clears the session (ISD selected), returns the ATR. `protocol` is
   * what the reader negotiates (the ATR offers T=0 first, then T=1); default T=0.
   */
  powerOn(protocol: TransmissionProtocol = "T=0"): Uint8Array {
    this.#powered = true;
    this.#session = { ...INITIAL_SESSION, protocol };
    return this.atr.slice();
  }

  /** Removes power: the session is lost, the image stays. */
  powerOff(): void {
    this.#powered = false;
    this.#session = INITIAL_SESSION;
  }

  /** Warm reset: clears the session (keeping the protocol), returns the ATR. */
  reset(): Uint8Array {
    return this.powerOn(this.#session.protocol);
  }

  /** The protocol of the current session. */
  get protocol(): TransmissionProtocol {
    return this.#session.protocol;
  }

  /** Whether the card is powered. */
  get isPowered(): boolean {
    return this.#powered;
  }

  /** Sends a command APDU; resolves to response data ‖ SW1 SW2. Never throws or rejects. */
  transmit(apdu: Uint8Array): Promise<Uint8Array> {
    if (!this.#powered) return Promise.resolve(Uint8Array.of(SW_NOT_POWERED >> 8, SW_NOT_POWERED & 0xff));
    let input: Uint8Array;
    try {
      input = Uint8Array.from(apdu);
    } catch {
      return Promise.resolve(Uint8Array.of(SW.WRONG_LENGTH >> 8, SW.WRONG_LENGTH & 0xff));
    }
    // processApdu is synchronous, so each call is atomic in arrival order. It is total; the
    // catch is defence in depth so that a broken invariant still ends as a status word.
    try {
      const step = processApdu(this.#image, this.#session, input, this.#env);
      this.#image = step.image;
      this.#session = step.session;
      return Promise.resolve(step.response);
    } catch {
      this.#session = { ...this.#session, load: null, pending: null, chain: null, channel: null };
      return Promise.resolve(Uint8Array.of(SW.NO_PRECISE_DIAGNOSIS >> 8, SW.NO_PRECISE_DIAGNOSIS & 0xff));
    }
  }

  /** The current persistent state (a deep copy). */
  image(): CardImage {
    return structuredClone(this.#image);
  }
}
