import { concatBytes } from "@/lib/core/bytes";
import {
  CCID_CHAIN,
  CCID_COMMAND_STATUS,
  CCID_ERROR_CODE,
  CCID_HEADER_LENGTH,
  CCID_ICC_STATUS,
  CCID_MESSAGE,
  CCID_POWER_SELECT,
  ccidDataLength,
  commandStatusOf,
  decodeCcidResponse,
  decodeNotifySlotChange,
  describeCcidError,
  encodeCcidCommand,
  iccStatusOf,
  type CcidCommand,
  type CcidResponse,
} from "./ccid/message";
import { PresenceState } from "./presence";
import { SerialQueue } from "./serial-queue";
import { ReaderError, type Reader } from "./types";
import { USB_CLASS_SMART_CARD, type UsbDeviceLike, type UsbEndpointLike } from "./usb-types";

/**
 * What the UI says about WebUSB: Chromium keeps the smart-card class on its protected list,
 * so the CCID transport only works outside an ordinary page (Isolated Web Apps, tests).
 */
export const WEBUSB_SMART_CARD_BLOCKED_MESSAGE =
  "Chromium blocks WebUSB access to smart-card readers (USB interface class 0x0B, CCID), so an ordinary web page " +
  "cannot claim a CCID reader; only Isolated Web Apps can. Use a PN532 NFC reader on a USB-serial bridge (Web Serial), " +
  "or serve the card to your computer's PC/SC stack with the bridge (npm run card -- vpcd) and use your usual tools.";

export interface WebUsbReaderOptions {
  readonly slot?: number;
  /** dwMaxCCIDMessageLength of the reader's class descriptor (§5.1); 271 is the short-APDU minimum. */
  readonly maxMessageLength?: number;
  /** Time allowed for one bulk-IN message (time extensions restart it). */
  readonly responseTimeoutMs?: number;
  /** Cap on consecutive time-extension messages for one command. */
  readonly maxTimeExtensions?: number;
}

const DEFAULTS = { slot: 0, maxMessageLength: 271, responseTimeoutMs: 5_000, maxTimeExtensions: 1_000 } as const;

/** Reader over a CCID USB reader through WebUSB (USB CCID Rev 1.1, bulk transfers). */
export class WebUsbReader implements Reader {
  readonly transport = "webusb" as const;
  readonly #device: UsbDeviceLike;
  readonly #options: Required<WebUsbReaderOptions>;
  readonly #presence = new PresenceState();
  readonly #queue = new SerialQueue();
  #seq = 0;
  #interfaceNumber: number | null = null;
  #bulkIn: UsbEndpointLike | null = null;
  #bulkOut: UsbEndpointLike | null = null;
  #interruptIn: UsbEndpointLike | null = null;
  #isConnected = false;
  #isPowered = false;
  #inbox: Uint8Array = new Uint8Array(0);
  /** ATR of the last power-on. */
  atr: Uint8Array | null = null;

  constructor(device: UsbDeviceLike, options: WebUsbReaderOptions = {}) {
    this.#device = device;
    this.#options = { ...DEFAULTS, ...options };
  }

  get isConnected(): boolean {
    return this.#isConnected;
  }

  async connect(): Promise<void> {
    if (this.#isConnected) return;
    const device = this.#device;
    if (!device.opened) await device.open();
    if (device.configuration === null) {
      const first = device.configurations[0];
      if (!first) throw new ReaderError("unsupported", "USB device has no configuration");
      await device.selectConfiguration(first.configurationValue);
    }
    const ccid = device.configuration?.interfaces.find((i) => i.alternate.interfaceClass === USB_CLASS_SMART_CARD);
    if (!ccid) throw new ReaderError("unsupported", "USB device has no smart-card (CCID, class 0x0B) interface");
    try {
      await device.claimInterface(ccid.interfaceNumber);
    } catch (error) {
      if (error instanceof Error && (error.name === "SecurityError" || /protected class/i.test(error.message))) {
        throw new ReaderError("unsupported", WEBUSB_SMART_CARD_BLOCKED_MESSAGE, { cause: error, reason: "webusb-blocked" });
      }
      throw new ReaderError("transport", `claiming the CCID interface failed: ${String(error)}`, { cause: error });
    }
    const endpoints = ccid.alternate.endpoints;
    this.#bulkIn = endpoints.find((e) => e.type === "bulk" && e.direction === "in") ?? null;
    this.#bulkOut = endpoints.find((e) => e.type === "bulk" && e.direction === "out") ?? null;
    this.#interruptIn = endpoints.find((e) => e.type === "interrupt" && e.direction === "in") ?? null;
    if (!this.#bulkIn || !this.#bulkOut) throw new ReaderError("unsupported", "CCID interface lacks bulk endpoints (§4.2)");
    this.#interfaceNumber = ccid.interfaceNumber;
    this.#inbox = new Uint8Array(0);
    this.#isConnected = true;
    await this.refreshPresence();
    if (this.#interruptIn) void this.#listenForSlotChanges(this.#interruptIn);
  }

  async disconnect(): Promise<void> {
    if (!this.#isConnected) return;
    if (this.#isPowered) {
      await this.#queue.run(() => this.#exchange({ type: "IccPowerOff", slot: this.#options.slot, seq: 0 })).catch(() => undefined);
    }
    this.#isConnected = false;
    this.#isPowered = false;
    this.#presence.set(false);
    const device = this.#device;
    if (this.#interfaceNumber !== null) await device.releaseInterface(this.#interfaceNumber).catch(() => undefined);
    this.#interfaceNumber = null;
    await device.close().catch(() => undefined);
  }

  isCardPresent(): boolean {
    return this.#presence.isPresent;
  }

  onPresenceChange(listener: (isPresent: boolean) => void): () => void {
    return this.#presence.subscribe(listener);
  }

  /** Asks the slot state with PC_to_RDR_GetSlotStatus (§6.1.3). */
  refreshPresence(): Promise<boolean> {
    return this.#queue.run(async () => {
      if (!this.#isConnected) return false;
      const status = await this.#exchange({ type: "GetSlotStatus", slot: this.#options.slot, seq: 0 });
      const icc = iccStatusOf(status.status);
      if (icc !== CCID_ICC_STATUS.ACTIVE) this.#isPowered = false;
      this.#presence.set(icc !== CCID_ICC_STATUS.ABSENT);
      return icc !== CCID_ICC_STATUS.ABSENT;
    });
  }

  transmit(command: Uint8Array): Promise<Uint8Array> {
    return this.#queue.run(async () => {
      if (!this.#isConnected) throw new ReaderError("not-connected", "CCID reader: not connected");
      if (!this.#isPowered) await this.#powerOn();
      const slot = this.#options.slot;
      const max = this.#options.maxMessageLength - CCID_HEADER_LENGTH;
      // Extended APDU level: a command longer than one message goes out in parts (§6.1.4, wLevelParameter).
      let reply: CcidResponse;
      if (command.length <= max) {
        reply = await this.#exchange({ type: "XfrBlock", slot, seq: 0, bwi: 0, levelParameter: CCID_CHAIN.BEGINS_AND_ENDS, data: command });
      } else {
        let offset = 0;
        for (;;) {
          const part = command.subarray(offset, offset + max);
          const isFirst = offset === 0;
          offset += part.length;
          const isLast = offset >= command.length;
          const level = isFirst ? CCID_CHAIN.BEGINS_CONTINUES : isLast ? CCID_CHAIN.CONTINUES_ENDS : CCID_CHAIN.CONTINUES;
          reply = await this.#exchange({ type: "XfrBlock", slot, seq: 0, bwi: 0, levelParameter: level, data: part });
          if (isLast) break;
          if (reply.type !== "DataBlock" || reply.chainParameter !== CCID_CHAIN.EMPTY_CONTINUE) {
            throw new ReaderError("protocol", "CCID: reader did not ask for the next command part (bChainParameter 10)");
          }
        }
      }
      if (reply.type !== "DataBlock") throw new ReaderError("protocol", "CCID: XfrBlock answered without RDR_to_PC_DataBlock");
      const parts = [reply.data];
      let chain = reply.chainParameter;
      while (chain === CCID_CHAIN.BEGINS_CONTINUES || chain === CCID_CHAIN.CONTINUES) {
        const next = await this.#exchange({ type: "XfrBlock", slot, seq: 0, bwi: 0, levelParameter: CCID_CHAIN.EMPTY_CONTINUE, data: new Uint8Array(0) });
        if (next.type !== "DataBlock") throw new ReaderError("protocol", "CCID: chained response without RDR_to_PC_DataBlock");
        parts.push(next.data);
        chain = next.chainParameter;
      }
      if (chain !== CCID_CHAIN.BEGINS_AND_ENDS && chain !== CCID_CHAIN.CONTINUES_ENDS) {
        throw new ReaderError("protocol", `CCID: unexpected bChainParameter 0x${chain.toString(16)}`);
      }
      return concatBytes(...parts);
    });
  }

  async #powerOn(): Promise<void> {
    const reply = await this.#exchange({ type: "IccPowerOn", slot: this.#options.slot, seq: 0, powerSelect: CCID_POWER_SELECT.AUTOMATIC });
    if (reply.type !== "DataBlock") throw new ReaderError("protocol", "CCID: IccPowerOn answered without RDR_to_PC_DataBlock");
    this.atr = reply.data;
    this.#isPowered = true;
    this.#presence.set(true);
  }

  /** Sends one command and returns its answer: same slot and bSeq, time extensions waited out, failures mapped. */
  async #exchange(command: CcidCommand): Promise<CcidResponse> {
    const seq = this.#seq;
    this.#seq = (this.#seq + 1) & 0xff;
    const bytes = encodeCcidCommand({ ...command, seq });
    const out = await this.#device.transferOut(this.#bulkOut!.endpointNumber, bytes as Uint8Array<ArrayBuffer>);
    if (out.status !== "ok" || out.bytesWritten !== bytes.length) throw new ReaderError("transport", `CCID bulk-OUT ${out.status}`);
    for (let extensions = 0; ; extensions++) {
      const response = await this.#readMessage();
      if (response.slot !== command.slot || response.seq !== seq) {
        throw new ReaderError("protocol", `CCID: sequence mismatch: sent slot ${command.slot} seq ${seq}, got slot ${response.slot} seq ${response.seq}`);
      }
      const commandStatus = commandStatusOf(response.status);
      if (commandStatus === CCID_COMMAND_STATUS.TIME_EXTENSION) {
        // §6.2.6: the card asked for more time (bError = BWT multiplier); the real answer follows.
        if (extensions >= this.#options.maxTimeExtensions) throw new ReaderError("timeout", "CCID: too many time extensions");
        continue;
      }
      if (commandStatus === CCID_COMMAND_STATUS.FAILED) {
        const icc = iccStatusOf(response.status);
        if (icc === CCID_ICC_STATUS.ABSENT) {
          this.#isPowered = false;
          this.#presence.set(false);
          throw new ReaderError("no-card", "CCID: no card in the slot");
        }
        if (response.error === CCID_ERROR_CODE.ICC_MUTE) {
          this.#isPowered = false;
          throw new ReaderError("no-card", `CCID: card mute (${describeCcidError(response.error)})`);
        }
        throw new ReaderError("protocol", `CCID: command failed: ${describeCcidError(response.error)}`);
      }
      return response;
    }
  }

  /** One bulk-IN message, however many transfers it takes (wMaxPacketSize splits it). */
  async #readMessage(): Promise<CcidResponse> {
    const ep = this.#bulkIn!;
    for (;;) {
      const length = ccidDataLength(this.#inbox);
      if (length !== null && this.#inbox.length >= CCID_HEADER_LENGTH + length) {
        const message = this.#inbox.slice(0, CCID_HEADER_LENGTH + length);
        this.#inbox = this.#inbox.slice(CCID_HEADER_LENGTH + length);
        try {
          return decodeCcidResponse(message);
        } catch (error) {
          throw new ReaderError("protocol", error instanceof Error ? error.message : String(error), { cause: error });
        }
      }
      const result = await withTimeout(
        this.#device.transferIn(ep.endpointNumber, this.#options.maxMessageLength),
        this.#options.responseTimeoutMs,
        "CCID: no bulk-IN answer",
      );
      if (result.status !== "ok" || !result.data) throw new ReaderError("transport", `CCID bulk-IN ${result.status}`);
      const chunk = new Uint8Array(result.data.buffer, result.data.byteOffset, result.data.byteLength);
      this.#inbox = concatBytes(this.#inbox, chunk);
    }
  }

  async #listenForSlotChanges(ep: UsbEndpointLike): Promise<void> {
    while (this.#isConnected) {
      let result;
      try {
        result = await this.#device.transferIn(ep.endpointNumber, Math.max(ep.packetSize, 2));
      } catch {
        return;
      }
      if (!this.#isConnected) return;
      // A stalled interrupt endpoint would spin this loop: presence then comes from GetSlotStatus only.
      if (result.status !== "ok") return;
      if (!result.data) continue;
      const bytes = new Uint8Array(result.data.buffer, result.data.byteOffset, result.data.byteLength);
      if (bytes[0] !== CCID_MESSAGE.RDR_to_PC_NotifySlotChange) continue;
      const slot = decodeNotifySlotChange(bytes)[this.#options.slot];
      if (!slot) continue;
      if (!slot.isPresent || slot.hasChanged) this.#isPowered = false;
      this.#presence.set(slot.isPresent);
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new ReaderError("timeout", `${message} within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
