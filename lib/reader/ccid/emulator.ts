import { concatBytes } from "@/lib/core/bytes";
import { SerialQueue } from "../serial-queue";
import type { CardLike } from "../types";
import { USB_CLASS_SMART_CARD, type UsbConfigurationLike, type UsbDeviceLike, type UsbTransferStatus } from "../usb-types";
import {
  CCID_CHAIN,
  CCID_COMMAND_STATUS,
  CCID_ERROR_CODE,
  CCID_HEADER_LENGTH,
  CCID_ICC_STATUS,
  ccidStatus,
  decodeCcidCommand,
  encodeCcidResponse,
  encodeNotifySlotChange,
  type CcidCommand,
  type CcidResponse,
} from "./message";

export interface CcidDeviceOptions {
  readonly card?: CardLike;
  /** wMaxPacketSize of the bulk endpoints. */
  readonly packetSize?: number;
  /** Most bytes one bulk-IN transfer returns, so the host must reassemble a message from several. */
  readonly transferLimit?: number;
  /** dwMaxCCIDMessageLength (§5.1). */
  readonly maxMessageLength?: number;
  /** Time-extension messages sent before each XfrBlock answer (§6.2.6, bStatus 0x80). */
  readonly timeExtensions?: number;
  /** Plays Chromium's refusal to claim a protected interface class. */
  readonly isSmartCardClassBlocked?: boolean;
  /** Rewrites each bulk-IN message before it is queued (tests of sequence and status handling). */
  readonly tamperResponse?: (bytes: Uint8Array) => Uint8Array;
}

export interface CcidDevice extends UsbDeviceLike {
  insert(card: CardLike): void;
  remove(): CardLike | null;
  readonly card: CardLike | null;
  readonly commands: readonly CcidCommand[];
}

const ENDPOINT = { BULK_IN: 1, BULK_OUT: 2, INTERRUPT_IN: 3 } as const;

type Slot = "absent" | "inactive" | "active";

/**
 * A CCID reader with one slot, as a stand-in `USBDevice`: it decodes bulk-OUT messages with
 * the transport's own codec and answers around a simulated card (USB CCID Rev 1.1 §6).
 */
export function createCcidDevice(options: CcidDeviceOptions = {}): CcidDevice {
  const packetSize = options.packetSize ?? 64;
  const maxData = (options.maxMessageLength ?? 271) - CCID_HEADER_LENGTH;
  const timeExtensions = options.timeExtensions ?? 0;
  const tamper = options.tamperResponse ?? ((bytes: Uint8Array) => bytes);
  const queue = new SerialQueue();
  let card: CardLike | null = options.card ?? null;
  let slot: Slot = card ? "inactive" : "absent";
  let opened = false;
  let configured = false;
  let claimed = false;
  /** Each bulk-IN message is its own transfer (a short packet ends it), so messages never merge. */
  const bulkIn: Uint8Array[] = [];
  let bulkInWaiter: (() => void) | null = null;
  const notifications: Uint8Array[] = [];
  let notifyWaiter: (() => void) | null = null;
  let commandChain: Uint8Array[] = [];
  let pendingResponse: Uint8Array | null = null;
  const commands: CcidCommand[] = [];

  const configuration: UsbConfigurationLike = {
    configurationValue: 1,
    interfaces: [
      {
        interfaceNumber: 0,
        alternate: {
          alternateSetting: 0,
          interfaceClass: USB_CLASS_SMART_CARD,
          interfaceSubclass: 0,
          interfaceProtocol: 0,
          endpoints: [
            { endpointNumber: ENDPOINT.BULK_IN, direction: "in", type: "bulk", packetSize },
            { endpointNumber: ENDPOINT.BULK_OUT, direction: "out", type: "bulk", packetSize },
            { endpointNumber: ENDPOINT.INTERRUPT_IN, direction: "in", type: "interrupt", packetSize: 8 },
          ],
        },
        alternates: [],
      },
    ],
  };

  const push = (response: CcidResponse) => {
    bulkIn.push(tamper(encodeCcidResponse(response)));
    bulkInWaiter?.();
  };
  const notify = (hasChanged: boolean) => {
    notifications.push(encodeNotifySlotChange([{ isPresent: slot !== "absent", hasChanged }]));
    notifyWaiter?.();
  };
  const iccStatus = (): number => (slot === "active" ? CCID_ICC_STATUS.ACTIVE : slot === "inactive" ? CCID_ICC_STATUS.INACTIVE : CCID_ICC_STATUS.ABSENT);
  const ok = () => ccidStatus(CCID_COMMAND_STATUS.PROCESSED, iccStatus());
  const failed = () => ccidStatus(CCID_COMMAND_STATUS.FAILED, iccStatus());

  const sendResponsePart = (s: number, seq: number) => {
    const whole = pendingResponse ?? new Uint8Array(0);
    const part = whole.subarray(0, maxData);
    const rest = whole.subarray(part.length);
    const isFirst = !isContinuing;
    isContinuing = rest.length > 0;
    pendingResponse = rest.length > 0 ? rest : null;
    const chainParameter = isFirst
      ? rest.length > 0
        ? CCID_CHAIN.BEGINS_CONTINUES
        : CCID_CHAIN.BEGINS_AND_ENDS
      : rest.length > 0
        ? CCID_CHAIN.CONTINUES
        : CCID_CHAIN.CONTINUES_ENDS;
    push({ type: "DataBlock", slot: s, seq, status: ok(), error: 0, chainParameter, data: part.slice() });
  };
  let isContinuing = false;

  async function handle(command: CcidCommand): Promise<void> {
    commands.push(command);
    const { slot: s, seq } = command;
    if (s !== 0) {
      push({ type: "SlotStatus", slot: s, seq, status: ccidStatus(CCID_COMMAND_STATUS.FAILED, CCID_ICC_STATUS.ABSENT), error: 5, clockStatus: 0 });
      return;
    }
    switch (command.type) {
      case "GetSlotStatus":
        push({ type: "SlotStatus", slot: s, seq, status: ok(), error: 0, clockStatus: slot === "active" ? 0x00 : 0x03 });
        return;
      case "IccPowerOff":
        if (card && slot === "active") card.powerOff();
        if (slot !== "absent") slot = "inactive";
        push({ type: "SlotStatus", slot: s, seq, status: ok(), error: 0, clockStatus: 0x03 });
        return;
      case "IccPowerOn": {
        if (!card) {
          push({ type: "DataBlock", slot: s, seq, status: failed(), error: CCID_ERROR_CODE.ICC_MUTE, chainParameter: 0, data: new Uint8Array(0) });
          return;
        }
        const atr = slot === "active" ? card.reset() : card.powerOn();
        slot = "active";
        commandChain = [];
        pendingResponse = null;
        push({ type: "DataBlock", slot: s, seq, status: ok(), error: 0, chainParameter: 0, data: atr.slice() });
        return;
      }
      case "XfrBlock": {
        if (!card || slot !== "active") {
          push({ type: "DataBlock", slot: s, seq, status: failed(), error: CCID_ERROR_CODE.ICC_MUTE, chainParameter: 0, data: new Uint8Array(0) });
          return;
        }
        if (command.levelParameter === CCID_CHAIN.EMPTY_CONTINUE) {
          if (!pendingResponse) {
            push({ type: "DataBlock", slot: s, seq, status: failed(), error: 8, chainParameter: 0, data: new Uint8Array(0) });
            return;
          }
          sendResponsePart(s, seq);
          return;
        }
        if (command.data.length > maxData) {
          push({ type: "DataBlock", slot: s, seq, status: failed(), error: 1, chainParameter: 0, data: new Uint8Array(0) });
          return;
        }
        const level = command.levelParameter;
        if (level === CCID_CHAIN.BEGINS_CONTINUES || level === CCID_CHAIN.BEGINS_AND_ENDS) commandChain = [];
        commandChain.push(command.data);
        if (level === CCID_CHAIN.BEGINS_CONTINUES || level === CCID_CHAIN.CONTINUES) {
          push({ type: "DataBlock", slot: s, seq, status: ok(), error: 0, chainParameter: CCID_CHAIN.EMPTY_CONTINUE, data: new Uint8Array(0) });
          return;
        }
        const apdu = concatBytes(...commandChain);
        commandChain = [];
        for (let i = 0; i < timeExtensions; i++) {
          push({
            type: "DataBlock",
            slot: s,
            seq,
            status: ccidStatus(CCID_COMMAND_STATUS.TIME_EXTENSION, iccStatus()),
            error: 1,
            chainParameter: 0,
            data: new Uint8Array(0),
          });
        }
        pendingResponse = await card.transmit(apdu);
        isContinuing = false;
        sendResponsePart(s, seq);
        return;
      }
    }
  }

  const device: CcidDevice = {
    productName: "ReCard emulated CCID reader",
    get opened() {
      return opened;
    },
    get configuration() {
      return configured ? configuration : null;
    },
    configurations: [configuration],
    get card() {
      return card;
    },
    commands,
    insert(next) {
      card = next;
      slot = "inactive";
      notify(true);
    },
    remove() {
      const previous = card;
      if (previous && slot === "active") previous.powerOff();
      card = null;
      slot = "absent";
      notify(true);
      return previous;
    },
    async open() {
      opened = true;
    },
    async close() {
      opened = false;
      claimed = false;
      bulkInWaiter?.();
      notifyWaiter?.();
    },
    async selectConfiguration(value) {
      if (!opened) throw new DOMException("The device must be opened first.", "InvalidStateError");
      if (value !== 1) throw new DOMException("The configuration value provided is not supported.", "NotFoundError");
      configured = true;
    },
    async claimInterface(n) {
      if (options.isSmartCardClassBlocked) {
        throw new DOMException("The requested interface implements a protected class.", "SecurityError");
      }
      if (!configured || n !== 0) throw new DOMException("The interface number provided is not supported.", "NotFoundError");
      claimed = true;
    },
    async releaseInterface() {
      claimed = false;
    },
    async transferOut(ep, data) {
      if (!claimed || ep !== ENDPOINT.BULK_OUT) throw new DOMException("The specified endpoint is not part of a claimed interface.", "NotFoundError");
      let command: CcidCommand;
      try {
        command = decodeCcidCommand(data.slice());
      } catch {
        // §6.1: an unknown message type is answered with SlotStatus, bError CMD_NOT_SUPPORTED.
        push({ type: "SlotStatus", slot: data[5] ?? 0, seq: data[6] ?? 0, status: failed(), error: CCID_ERROR_CODE.CMD_NOT_SUPPORTED, clockStatus: 0 });
        return { status: "ok" as UsbTransferStatus, bytesWritten: data.length };
      }
      void queue.run(() => handle(command));
      return { status: "ok" as UsbTransferStatus, bytesWritten: data.length };
    },
    async transferIn(ep, length) {
      if (!claimed) throw new DOMException("The specified endpoint is not part of a claimed interface.", "NotFoundError");
      if (ep === ENDPOINT.INTERRUPT_IN) {
        while (notifications.length === 0) {
          if (!opened) throw new DOMException("The transfer was cancelled.", "AbortError");
          await new Promise<void>((resolve) => (notifyWaiter = resolve));
          notifyWaiter = null;
        }
        const message = notifications.shift()!;
        return { status: "ok" as UsbTransferStatus, data: new DataView(message.buffer as ArrayBuffer) };
      }
      if (ep !== ENDPOINT.BULK_IN) throw new DOMException("The specified endpoint is not part of a claimed interface.", "NotFoundError");
      while (bulkIn[0] === undefined) {
        if (!opened) throw new DOMException("The transfer was cancelled.", "AbortError");
        await new Promise<void>((resolve) => (bulkInWaiter = resolve));
        bulkInWaiter = null;
      }
      const head = bulkIn[0];
      const take = Math.min(length, head.length, options.transferLimit ?? Infinity);
      const chunk = head.slice(0, take);
      if (take === head.length) bulkIn.shift();
      else bulkIn[0] = head.slice(take);
      return { status: "ok" as UsbTransferStatus, data: new DataView(chunk.buffer) };
    },
  };
  return device;
}
