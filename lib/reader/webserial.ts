import { concatBytes, toHex } from "@/lib/core/bytes";
import { Pn532StreamDecoder } from "./pn532/decoder";
import { encodeFrame, hostFrame, PN532_FRAME } from "./pn532/frame";
import { EventInbox } from "./pn532/inbox";
import { decodeTargetList, describePn532Error, PN532_COMMAND, PN532_PARAM, PN532_STATUS, PN532_WAKE_UP, type Pn532TargetA } from "./pn532/protocol";
import { PresenceState } from "./presence";
import { SerialQueue } from "./serial-queue";
import { ReaderError, type Reader } from "./types";

/** The part of the Web Serial `SerialPort` the transport uses, so tests and e2e can stand in for it. */
export interface SerialPortLike {
  open(options: { baudRate: number }): Promise<void>;
  close(): Promise<void>;
  readonly readable: ReadableStream<Uint8Array> | null;
  readonly writable: WritableStream<Uint8Array> | null;
}

export interface WebSerialReaderOptions {
  /** PN532 HSU default is 115200 baud (UM0701-02 §6.2.3). */
  readonly baudRate?: number;
  /** The PN532 ACKs within a millisecond or two; beyond this the command is resent. */
  readonly ackTimeoutMs?: number;
  /** Time allowed for the card's answer after the ACK. */
  readonly responseTimeoutMs?: number;
  /** Resends after NACK or missing ACK, and NACKs sent for a corrupted response. */
  readonly retries?: number;
  /** Presence polling period; 0 disables polling (then call `refreshPresence`). */
  readonly presencePollMs?: number;
}

const DEFAULTS = {
  baudRate: 115_200,
  ackTimeoutMs: 250,
  responseTimeoutMs: 3_000,
  retries: 3,
  presencePollMs: 500,
} as const;

/** Reader over a PN532 NFC controller on a USB-UART bridge (Web Serial, `navigator.serial`). */
export class WebSerialReader implements Reader {
  readonly transport = "webserial" as const;
  readonly #port: SerialPortLike;
  readonly #options: Required<WebSerialReaderOptions>;
  readonly #presence = new PresenceState();
  readonly #queue = new SerialQueue();
  readonly #decoder = new Pn532StreamDecoder();
  readonly #inbox = new EventInbox();
  #reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  #writer: WritableStreamDefaultWriter<Uint8Array> | null = null;
  #readLoop: Promise<void> | null = null;
  #pollTimer: ReturnType<typeof setInterval> | null = null;
  #target: Pn532TargetA | null = null;
  #isConnected = false;
  /** Firmware reported by GetFirmwareVersion: IC, Ver, Rev, Support (§7.2.2). */
  firmware: Uint8Array | null = null;

  constructor(port: SerialPortLike, options: WebSerialReaderOptions = {}) {
    this.#port = port;
    this.#options = { ...DEFAULTS, ...options };
  }

  /** The ISO/IEC 14443-4 target currently activated, if any. */
  get target(): Pn532TargetA | null {
    return this.#target;
  }

  get isConnected(): boolean {
    return this.#isConnected;
  }

  async connect(): Promise<void> {
    if (this.#isConnected) return;
    await this.#port.open({ baudRate: this.#options.baudRate });
    const readable = this.#port.readable;
    const writable = this.#port.writable;
    if (!readable || !writable) throw new ReaderError("transport", "serial port opened without streams");
    this.#reader = readable.getReader();
    this.#writer = writable.getWriter();
    this.#decoder.reset();
    this.#inbox.reopen();
    this.#readLoop = this.#pump(this.#reader);
    this.#isConnected = true;
    try {
      await this.#queue.run(async () => {
        // HSU wake-up: the long preamble in front of SAMConfiguration normal mode.
        await this.#command([PN532_COMMAND.SAMConfiguration, PN532_PARAM.SAM_MODE_NORMAL, 0x14, 0x01], PN532_WAKE_UP);
        const firmware = await this.#command([PN532_COMMAND.GetFirmwareVersion]);
        if (firmware.length !== 4 || firmware[0] !== 0x32) {
          throw new ReaderError("protocol", `not a PN532: GetFirmwareVersion answered ${toHex(firmware)}`);
        }
        this.firmware = firmware;
        // One passive activation attempt, so InListPassiveTarget answers at once when the field is empty.
        await this.#command([PN532_COMMAND.RFConfiguration, PN532_PARAM.RF_CFG_MAX_RETRIES, 0xff, 0x01, 0x01]);
        await this.#detect();
      });
    } catch (error) {
      await this.disconnect();
      throw error;
    }
    if (this.#options.presencePollMs > 0) {
      this.#pollTimer = setInterval(() => {
        void this.refreshPresence().catch(() => undefined);
      }, this.#options.presencePollMs);
    }
  }

  async disconnect(): Promise<void> {
    if (this.#pollTimer) clearInterval(this.#pollTimer);
    this.#pollTimer = null;
    if (this.#isConnected && this.#target) {
      await this.#queue.run(() => this.#command([PN532_COMMAND.InRelease, 0x00])).catch(() => undefined);
    }
    this.#isConnected = false;
    this.#target = null;
    this.#presence.set(false);
    this.#inbox.close(new ReaderError("not-connected", "PN532: disconnected"));
    const reader = this.#reader;
    const writer = this.#writer;
    this.#reader = null;
    this.#writer = null;
    if (reader) {
      await reader.cancel().catch(() => undefined);
      reader.releaseLock();
    }
    await this.#readLoop?.catch(() => undefined);
    this.#readLoop = null;
    if (writer) {
      writer.releaseLock();
    }
    await this.#port.close().catch(() => undefined);
  }

  isCardPresent(): boolean {
    return this.#presence.isPresent;
  }

  onPresenceChange(listener: (isPresent: boolean) => void): () => void {
    return this.#presence.subscribe(listener);
  }

  /** Checks the field once: Diagnose card presence for an activated target, else InListPassiveTarget. */
  refreshPresence(): Promise<boolean> {
    return this.#queue.run(async () => {
      if (!this.#isConnected) return false;
      if (this.#target) {
        const result = await this.#command([PN532_COMMAND.Diagnose, PN532_PARAM.DIAGNOSE_CARD_PRESENCE]);
        if (result[0] === 0x00) return true;
        this.#lost();
        await this.#command([PN532_COMMAND.InRelease, 0x00]);
      }
      return this.#detect();
    });
  }

  transmit(command: Uint8Array): Promise<Uint8Array> {
    return this.#queue.run(async () => {
      if (!this.#isConnected) throw new ReaderError("not-connected", "PN532: not connected");
      if (!this.#target && !(await this.#detect())) throw new ReaderError("no-card", "PN532: no card in the field");
      const tg = this.#target!.tg;
      const max: number = PN532_PARAM.MAX_DATA_EXCHANGE;
      let status = 0;
      let data: Uint8Array = new Uint8Array(0);
      // Host-side chaining: MI in Tg while more command bytes follow (§7.3.8).
      for (let offset = 0; offset === 0 || offset < command.length; offset += max) {
        const part = command.subarray(offset, offset + max);
        const hasMore = offset + max < command.length;
        [status, data] = this.#splitStatus(await this.#command([PN532_COMMAND.InDataExchange, hasMore ? tg | PN532_PARAM.TG_MI : tg, ...part]));
        this.#checkStatus(status);
        if (hasMore && data.length > 0) throw new ReaderError("protocol", "PN532: data returned before the last command part");
      }
      const parts = [data];
      while ((status & PN532_PARAM.STATUS_MI) !== 0) {
        [status, data] = this.#splitStatus(await this.#command([PN532_COMMAND.InDataExchange, tg]));
        this.#checkStatus(status);
        parts.push(data);
      }
      return concatBytes(...parts);
    });
  }

  #splitStatus(body: Uint8Array): [number, Uint8Array] {
    const status = body[0];
    if (status === undefined) throw new ReaderError("protocol", "PN532 InDataExchange: missing status byte");
    return [status, body.slice(1)];
  }

  #checkStatus(status: number): void {
    const code = status & PN532_PARAM.STATUS_ERROR_MASK;
    if (code === PN532_STATUS.OK) return;
    if (code === PN532_STATUS.TIMEOUT || code === 0x29 || code === 0x2b) {
      this.#lost();
      throw new ReaderError("no-card", `PN532: ${describePn532Error(code)}`);
    }
    throw new ReaderError("protocol", `PN532 status 0x${code.toString(16).padStart(2, "0")}: ${describePn532Error(code)}`);
  }

  #lost(): void {
    this.#target = null;
    this.#presence.set(false);
  }

  async #detect(): Promise<boolean> {
    const body = await this.#command([PN532_COMMAND.InListPassiveTarget, 0x01, PN532_PARAM.BRTY_106_TYPE_A]);
    let targets: Pn532TargetA[];
    try {
      targets = decodeTargetList(body);
    } catch (error) {
      throw new ReaderError("protocol", error instanceof Error ? error.message : String(error), { cause: error });
    }
    const target = targets.find((t) => (t.selRes & PN532_PARAM.SEL_RES_ISO14443_4) !== 0) ?? null;
    this.#target = target;
    this.#presence.set(target !== null);
    return target !== null;
  }

  async #write(bytes: Uint8Array): Promise<void> {
    const writer = this.#writer;
    if (!writer) throw new ReaderError("not-connected", "PN532: not connected");
    await writer.write(bytes);
  }

  async #pump(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const event of this.#decoder.push(value)) this.#inbox.push(event);
      }
      this.#inbox.close(new ReaderError("transport", "PN532: serial line closed"));
    } catch (error) {
      this.#inbox.close(new ReaderError("transport", "PN532: serial line failed", { cause: error }));
    }
  }

  /**
   * One command/response dialog (UM0701-02 §6.2.2): send, await ACK (resend after NACK or
   * silence), await the response (NACK a corrupted one so the PN532 repeats it), and return
   * the response body after its code. `prefix` goes out in front of the first attempt only.
   */
  async #command(payload: readonly number[], prefix?: Uint8Array): Promise<Uint8Array> {
    const code = payload[0]!;
    const name = `command 0x${code.toString(16).padStart(2, "0")}`;
    const frame = encodeFrame(hostFrame(Uint8Array.from(payload)));
    const { ackTimeoutMs, responseTimeoutMs, retries } = this.#options;
    this.#inbox.clear();
    let early: Uint8Array | null = null;
    let acked = false;
    for (let attempt = 0; attempt <= retries && !acked && !early; attempt++) {
      await this.#write(attempt === 0 && prefix ? concatBytes(prefix, frame) : frame);
      for (;;) {
        const event = await this.#inbox.next(ackTimeoutMs);
        if (event === null) break;
        if (event.kind === "corrupt") continue;
        const f = event.frame;
        if (f.kind === "ack") {
          acked = true;
          break;
        }
        if (f.kind === "nack") break;
        // The ACK itself was lost on the line but the answer arrived: take it, never resend (an APDU must run once).
        if (f.kind === "info" && f.tfi === PN532_FRAME.TFI_PN532 && f.payload[0] === code + 1) {
          early = f.payload.slice(1);
          break;
        }
        if (f.kind === "error") throw new ReaderError("protocol", `PN532 error frame for ${name} (§6.2.1.5)`);
      }
    }
    if (early) return early;
    if (!acked) throw new ReaderError("timeout", `PN532: no ACK for ${name} after ${retries + 1} attempts`);
    let nacks = 0;
    for (;;) {
      const event = await this.#inbox.next(responseTimeoutMs);
      if (event === null) {
        // §6.2.2: an ACK from the host aborts the command the PN532 is still running.
        await this.#write(encodeFrame({ kind: "ack" })).catch(() => undefined);
        this.#decoder.reset();
        throw new ReaderError("timeout", `PN532: no response to ${name} within ${responseTimeoutMs} ms`);
      }
      if (event.kind === "corrupt") {
        if (nacks++ >= retries) throw new ReaderError("protocol", `PN532: response to ${name} corrupted ${nacks} times (${event.field})`);
        await this.#write(encodeFrame({ kind: "nack" }));
        continue;
      }
      const f = event.frame;
      if (f.kind === "ack" || f.kind === "nack") continue;
      if (f.kind === "error") throw new ReaderError("protocol", `PN532 error frame for ${name} (§6.2.1.5)`);
      if (f.tfi !== PN532_FRAME.TFI_PN532 || f.payload[0] !== code + 1) {
        throw new ReaderError("protocol", `PN532: expected response 0x${(code + 1).toString(16)} to ${name}, got ${toHex(f.payload.subarray(0, 1))}`);
      }
      return f.payload.slice(1);
    }
  }
}
