import { fromHex } from "@/lib/core/bytes";
import type { CardLike } from "../types";
import { decodeVpcdMessage, encodeVpcdFrame, VPCD_MAX_PAYLOAD, type VpcdMessage } from "./frame";

/** SW 6F00 "no precise diagnosis" (ISO 7816-4 Table 6) when an answer cannot be framed. */
const SW_NO_PRECISE_DIAGNOSIS = fromHex("6F00");

export interface VpcdSessionEvents {
  /** After every APDU the card answered, so the caller can save the card image. */
  readonly onApdu?: (command: Uint8Array, response: Uint8Array) => void;
  /** After a control message (power on/off, reset). */
  readonly onControl?: (message: VpcdMessage) => void;
}

/**
 * The card side of one vpcd connection, free of sockets: payload in, frame out (or nothing).
 * A malformed control byte is answered with nothing, as vpcd sends none that we do not know.
 */
export class VpcdCardSession {
  readonly #card: CardLike;
  readonly #events: VpcdSessionEvents;

  constructor(card: CardLike, events: VpcdSessionEvents = {}) {
    this.#card = card;
    this.#events = events;
  }

  /** Handles one payload from vpcd; resolves with the frame to send back, or null. */
  async handle(payload: Uint8Array): Promise<Uint8Array | null> {
    let message: VpcdMessage;
    try {
      message = decodeVpcdMessage(payload);
    } catch {
      return null;
    }
    switch (message.kind) {
      case "power-off":
        this.#card.powerOff();
        this.#events.onControl?.(message);
        return null;
      case "power-on":
        this.#card.powerOn();
        this.#events.onControl?.(message);
        return null;
      case "reset":
        this.#card.reset();
        this.#events.onControl?.(message);
        return null;
      case "get-atr":
        return encodeVpcdFrame(this.#card.atr);
      case "apdu": {
        const response = await this.#card.transmit(message.apdu);
        this.#events.onApdu?.(message.apdu, response);
        return encodeVpcdFrame(response.length > VPCD_MAX_PAYLOAD ? SW_NO_PRECISE_DIAGNOSIS : response);
      }
    }
  }
}
