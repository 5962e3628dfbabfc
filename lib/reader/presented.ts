import { fromHex, toHex } from "@/lib/core/bytes";
import { PresenceState } from "./presence";
import { SerialQueue } from "./serial-queue";
import { ReaderError, type Reader } from "./types";

/** Sends one command APDU to the card where it lives and resolves with response ‖ SW1 SW2. */
export type ApduRelay = (command: Uint8Array) => Promise<Uint8Array>;

/**
 * The presented-card transport: the cardholder's card stays in their wallet on the server (the chip in
 * their hand) and this reader relays each APDU to it, as a contactless reader carries APDUs over the
 * air. The relay (a POST to /api/provider/desk/card at the desk) throws a ReaderError when the desk no
 * longer holds the card; this reader then reports the card gone.
 */
export class PresentedCardReader implements Reader {
  readonly transport = "presented" as const;
  readonly #presence = new PresenceState();
  readonly #queue = new SerialQueue();
  readonly #relay: ApduRelay;
  #isConnected = false;

  /** A card is in the field from the start: the desk took it with the presentation code. */
  constructor(relay: ApduRelay) {
    this.#relay = relay;
    this.#presence.set(true);
  }

  async connect(): Promise<void> {
    this.#isConnected = true;
  }

  async disconnect(): Promise<void> {
    this.#isConnected = false;
  }

  /** The card went back to its holder (returned, idle, or ended by the cardholder). */
  cardGone(): void {
    this.#presence.set(false);
  }

  isCardPresent(): boolean {
    return this.#presence.isPresent;
  }

  onPresenceChange(listener: (isPresent: boolean) => void): () => void {
    return this.#presence.subscribe(listener);
  }

  transmit(command: Uint8Array): Promise<Uint8Array> {
    return this.#queue.run(async () => {
      if (!this.#isConnected) throw new ReaderError("not-connected", "presented card: not connected");
      if (!this.#presence.isPresent) throw new ReaderError("no-card", "presented card: the card went back to its holder");
      try {
        const response = await this.#relay(command.slice());
        if (response.length < 2) throw new ReaderError("protocol", "presented card: an answer without a status word");
        return response;
      } catch (e) {
        if (e instanceof ReaderError) {
          if (e.code === "no-card") this.cardGone();
          throw e;
        }
        throw new ReaderError("transport", `presented card: ${(e as Error).message}`, { cause: e });
      }
    });
  }
}

/**
 * The desk's relay over HTTP: POST { leaseId, tab, apdu } to `url`; a 404/409 answer (the lease ended, or
 * is another desk's) is a ReaderError "no-card" carrying the server's words.
 */
export function httpApduRelay(url: string, lease: { leaseId: string; tab: string }, fetcher: typeof fetch = (...a) => fetch(...a)): ApduRelay {
  return async (command) => {
    const res = await fetcher(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...lease, apdu: toHex(command) }),
    });
    const body = (await res.json().catch(() => null)) as { response?: string; message?: string } | null;
    if (res.status === 404 || res.status === 409) {
      // The relay says why in the reader's language (the lease refusal): the desk shows it with the code's words.
      const words = typeof body?.message === "string" && body.message ? body.message : undefined;
      throw new ReaderError("no-card", words ?? "the desk no longer holds this card", { words });
    }
    if (!res.ok || typeof body?.response !== "string" || !/^([0-9A-F]{2})+$/i.test(body.response))
      throw new ReaderError("transport", body?.message ?? `the relay answered HTTP ${res.status}`);
    return fromHex(body.response);
  };
}
