import { SimulatedCard, systemCardEnv, type CardEnv, type CardImage } from "@/lib/core/card";
import { PresenceState } from "./presence";
import { SerialQueue } from "./serial-queue";
import { ReaderError, type CardLike, type Reader } from "./types";

/**
 * A virtual reader in the browser or in Node: a simulated card is inserted (and powered on,
 * as a contact reader does when the card lands) or removed, and APDUs go straight to it.
 */
export class SimulatorReader implements Reader {
  readonly transport = "simulator" as const;
  readonly #presence = new PresenceState();
  readonly #queue = new SerialQueue();
  #card: CardLike | null = null;
  #isConnected = false;

  constructor(card?: CardLike) {
    if (card) this.insert(card);
  }

  /** The card in the slot, if any. */
  get card(): CardLike | null {
    return this.#card;
  }

  get isConnected(): boolean {
    return this.#isConnected;
  }

  /** Inserts `card` (replacing any card already there) and powers it on; returns its ATR. */
  insert(card: CardLike): Uint8Array {
    if (this.#card && this.#card !== card) this.#card.powerOff();
    this.#card = card;
    const atr = card.powerOn();
    this.#presence.set(true);
    return atr;
  }

  /** Inserts a card image as a simulated card (the desk's "insert card"); returns the card so its image can be saved later. */
  insertImage(image: CardImage, env: CardEnv = systemCardEnv()): SimulatedCard {
    const card = new SimulatedCard(image, env);
    this.insert(card);
    return card;
  }

  /** Removes the card, powering it off; returns it so the caller can save its image. */
  remove(): CardLike | null {
    const card = this.#card;
    if (!card) return null;
    card.powerOff();
    this.#card = null;
    this.#presence.set(false);
    return card;
  }

  async connect(): Promise<void> {
    this.#isConnected = true;
  }

  async disconnect(): Promise<void> {
    this.#isConnected = false;
  }

  isCardPresent(): boolean {
    return this.#presence.isPresent;
  }

  onPresenceChange(listener: (isPresent: boolean) => void): () => void {
    return this.#presence.subscribe(listener);
  }

  transmit(command: Uint8Array): Promise<Uint8Array> {
    return this.#queue.run(async () => {
      if (!this.#isConnected) throw new ReaderError("not-connected", "simulator reader: not connected");
      const card = this.#card;
      if (!card) throw new ReaderError("no-card", "simulator reader: no card inserted");
      return card.transmit(command.slice());
    });
  }
}
