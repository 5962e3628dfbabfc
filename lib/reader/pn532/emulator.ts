import { concatBytes } from "@/lib/core/bytes";
import { SerialQueue } from "../serial-queue";
import type { CardLike } from "../types";
import { Pn532StreamDecoder } from "./decoder";
import { encodeFrame, pn532Frame, PN532_FRAME, type Pn532Frame } from "./frame";
import { atsFromAtr, encodeTargetList, PN532_COMMAND, PN532_PARAM, PN532_STATUS } from "./protocol";

export interface Pn532EmulatorOptions {
  /** Delivers bytes from the PN532 to the host (the serial line's RX). */
  readonly send: (bytes: Uint8Array) => void;
  /** NFCID1 of the emulated target; 08 first = a random UID (ISO/IEC 14443-3 §6.5.4). */
  readonly nfcId?: Uint8Array;
  /** A real PN532 on HSU sleeps until the 55 55 wake-up preamble; false skips that check. */
  readonly requireWakeUp?: boolean;
}

/** GetFirmwareVersion answer of a PN532 v1.6 supporting ISO 14443A/B and ISO 18092 (§7.2.2). */
const FIRMWARE = Uint8Array.of(0x32, 0x01, 0x06, 0x07);
/** SENS_RES of a double-size-UID-capable ISO 14443-4 card as the PN532 lists it. */
const SENS_RES = Uint8Array.of(0x00, 0x04);
const DEFAULT_NFCID = Uint8Array.of(0x08, 0x52, 0x43, 0x31);

/**
 * The card side of the PN532 host link: a PN532 with a simulated card in its field. It decodes
 * the host's frames with the same codec the transport uses, ACKs each command, and answers as
 * UM0701-02 §6.2.2 and §7 describe. A corrupted frame gets a NACK so the host's retry path runs.
 */
export class Pn532Emulator {
  readonly #send: (bytes: Uint8Array) => void;
  readonly #nfcId: Uint8Array;
  readonly #decoder = new Pn532StreamDecoder();
  readonly #queue = new SerialQueue();
  #isAwake: boolean;
  #card: CardLike | null = null;
  /** The card activated by InListPassiveTarget; a different card in the field is not activated. */
  #activated: CardLike | null = null;
  #lastResponse: Uint8Array | null = null;
  #commandChain: Uint8Array[] = [];
  #pendingResponse: Uint8Array | null = null;
  /** Counters for tests and the benchmark. */
  readonly stats = { framesIn: 0, nacksSent: 0, corruptIn: 0 };

  constructor(options: Pn532EmulatorOptions) {
    this.#send = options.send;
    this.#nfcId = options.nfcId ?? DEFAULT_NFCID;
    this.#isAwake = options.requireWakeUp === false;
  }

  get card(): CardLike | null {
    return this.#card;
  }

  /** Brings `card` into the field (it is powered when the host activates it). */
  insert(card: CardLike): void {
    this.#card = card;
  }

  /** Takes the card out of the field. */
  remove(): CardLike | null {
    const card = this.#card;
    if (card) card.powerOff();
    this.#card = null;
    return card;
  }

  /** Bytes from the host (the serial line's TX). */
  receive(chunk: Uint8Array): void {
    if (!this.#isAwake && chunk.includes(0x55)) this.#isAwake = true;
    for (const event of this.#decoder.push(chunk)) {
      if (event.kind === "corrupt") {
        this.stats.corruptIn++;
        if (this.#isAwake) {
          this.stats.nacksSent++;
          this.#emit(encodeFrame({ kind: "nack" }));
        }
        continue;
      }
      this.stats.framesIn++;
      const frame = event.frame;
      void this.#queue.run(() => this.#handle(frame));
    }
  }

  /** Resolves once every frame received so far has been answered. */
  idle(): Promise<void> {
    return this.#queue.run(async () => undefined);
  }

  #emit(bytes: Uint8Array): void {
    this.#send(bytes);
  }

  #respond(payload: Uint8Array): void {
    const bytes = encodeFrame(pn532Frame(payload));
    this.#lastResponse = bytes;
    this.#emit(bytes);
  }

  #syntaxError(): void {
    const bytes = encodeFrame({ kind: "error" });
    this.#lastResponse = bytes;
    this.#emit(bytes);
  }

  async #handle(frame: Pn532Frame): Promise<void> {
    if (!this.#isAwake) return;
    switch (frame.kind) {
      case "nack":
        // §6.2.2: the host asks for the last response again.
        if (this.#lastResponse) this.#emit(this.#lastResponse);
        return;
      case "ack":
        // §6.2.2: an ACK from the host aborts the command in progress; nothing is pending here.
        return;
      case "error":
        return;
      case "info":
        if (frame.tfi !== PN532_FRAME.TFI_HOST) return;
        this.#emit(encodeFrame({ kind: "ack" }));
        await this.#command(frame.payload);
        return;
    }
  }

  async #command(payload: Uint8Array): Promise<void> {
    const code = payload[0];
    const params = payload.subarray(1);
    const reply = (body: ArrayLike<number>) => this.#respond(Uint8Array.from([code! + 1, ...Array.from(body)]));
    switch (code) {
      case PN532_COMMAND.Diagnose: {
        const test = params[0];
        if (test === 0x00) return reply([0x00, ...params.subarray(1)]);
        if (test === PN532_PARAM.DIAGNOSE_CARD_PRESENCE) {
          const present = this.#activated !== null && this.#activated === this.#card;
          return reply([present ? 0x00 : 0x01]);
        }
        return this.#syntaxError();
      }
      case PN532_COMMAND.GetFirmwareVersion:
        return params.length === 0 ? reply(FIRMWARE) : this.#syntaxError();
      case PN532_COMMAND.SAMConfiguration:
        return params[0] === PN532_PARAM.SAM_MODE_NORMAL ? reply([]) : this.#syntaxError();
      case PN532_COMMAND.RFConfiguration:
        return params.length >= 1 ? reply([]) : this.#syntaxError();
      case PN532_COMMAND.InListPassiveTarget:
        return this.#listPassiveTarget(params, reply);
      case PN532_COMMAND.InDataExchange:
        return this.#dataExchange(params, reply);
      case PN532_COMMAND.InRelease: {
        const tg = params[0];
        if (tg === undefined) return this.#syntaxError();
        if (tg === 0x00 || tg === 0x01) {
          this.#activated = null;
          this.#resetExchange();
        }
        return reply([PN532_STATUS.OK]);
      }
      default:
        return this.#syntaxError();
    }
  }

  #listPassiveTarget(params: Uint8Array, reply: (body: ArrayLike<number>) => void): void {
    const maxTg = params[0];
    const brTy = params[1];
    if (maxTg === undefined || brTy === undefined || maxTg < 1 || maxTg > 2) return this.#syntaxError();
    this.#resetExchange();
    const card = this.#card;
    if (brTy !== PN532_PARAM.BRTY_106_TYPE_A || !card) {
      this.#activated = null;
      return reply([0x00]);
    }
    // Activation (ISO/IEC 14443-3 anticollision, then RATS) powers the chip in the field.
    const atr = card.powerOn();
    this.#activated = card;
    return reply(encodeTargetList([{ tg: 1, sensRes: SENS_RES, selRes: PN532_PARAM.SEL_RES_ISO14443_4, nfcId: this.#nfcId, ats: atsFromAtr(atr) }]));
  }

  async #dataExchange(params: Uint8Array, reply: (body: ArrayLike<number>) => void): Promise<void> {
    const tgByte = params[0];
    if (tgByte === undefined) return this.#syntaxError();
    const data = params.subarray(1);
    if (data.length > PN532_PARAM.MAX_DATA_EXCHANGE) return reply([PN532_STATUS.BUFFER_INSUFFICIENT]);
    if ((tgByte & ~PN532_PARAM.TG_MI) !== 0x01 || this.#activated === null) {
      this.#resetExchange();
      return reply([PN532_STATUS.NOT_ACCEPTABLE]);
    }
    if (this.#activated !== this.#card) {
      this.#resetExchange();
      return reply([PN532_STATUS.TIMEOUT]);
    }
    if (data.length === 0 && this.#pendingResponse && this.#commandChain.length === 0) return this.#sendResponsePart(reply);
    this.#pendingResponse = null;
    this.#commandChain.push(data.slice());
    if ((tgByte & PN532_PARAM.TG_MI) !== 0) return reply([PN532_STATUS.OK]);
    const apdu = concatBytes(...this.#commandChain);
    this.#commandChain = [];
    if (apdu.length === 0) return reply([PN532_STATUS.INVALID_PARAMETER]);
    this.#pendingResponse = await this.#activated.transmit(apdu);
    return this.#sendResponsePart(reply);
  }

  #sendResponsePart(reply: (body: ArrayLike<number>) => void): void {
    const pending = this.#pendingResponse ?? new Uint8Array(0);
    const part = pending.subarray(0, PN532_PARAM.MAX_DATA_EXCHANGE);
    const rest = pending.subarray(part.length);
    this.#pendingResponse = rest.length > 0 ? rest : null;
    return reply([rest.length > 0 ? PN532_PARAM.STATUS_MI : PN532_STATUS.OK, ...part]);
  }

  #resetExchange(): void {
    this.#commandChain = [];
    this.#pendingResponse = null;
  }
}
