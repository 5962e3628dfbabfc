/**
 * CCID bulk messages (USB CCID Rev 1.1 §6.1 bulk-OUT, §6.2 bulk-IN, §6.3 interrupt-IN): a
 * 10-byte header (type, dwLength little-endian, bSlot, bSeq, three message-specific bytes)
 * then abData. Strict and symmetric; RFU bytes must be zero; errors name the field.
 */

/** bMessageType values (CCID Rev 1.1 §6.1, §6.2, §6.3). */
export const CCID_MESSAGE = {
  /** §6.1.1 */
  PC_to_RDR_IccPowerOn: 0x62,
  /** §6.1.2 */
  PC_to_RDR_IccPowerOff: 0x63,
  /** §6.1.3 */
  PC_to_RDR_GetSlotStatus: 0x65,
  /** §6.1.4 */
  PC_to_RDR_XfrBlock: 0x6f,
  /** §6.2.1 */
  RDR_to_PC_DataBlock: 0x80,
  /** §6.2.2 */
  RDR_to_PC_SlotStatus: 0x81,
  /** §6.3.1 */
  RDR_to_PC_NotifySlotChange: 0x50,
} as const;

export const CCID_HEADER_LENGTH = 10;

/** bPowerSelect of PC_to_RDR_IccPowerOn (§6.1.1). */
export const CCID_POWER_SELECT = { AUTOMATIC: 0x00, V5_0: 0x01, V3_0: 0x02, V1_8: 0x03 } as const;

/** bmICCStatus, bits 0–1 of bStatus (§6.2.6). */
export const CCID_ICC_STATUS = { ACTIVE: 0, INACTIVE: 1, ABSENT: 2 } as const;
/** bmCommandStatus, bits 6–7 of bStatus (§6.2.6). */
export const CCID_COMMAND_STATUS = { PROCESSED: 0, FAILED: 1, TIME_EXTENSION: 2 } as const;

/**
 * wLevelParameter of PC_to_RDR_XfrBlock and bChainParameter of RDR_to_PC_DataBlock for
 * extended APDU level exchanges (§6.1.4, §6.2.1).
 */
export const CCID_CHAIN = {
  BEGINS_AND_ENDS: 0x00,
  BEGINS_CONTINUES: 0x01,
  CONTINUES_ENDS: 0x02,
  CONTINUES: 0x03,
  /** Empty abData: the host asks for (XfrBlock) or the reader awaits (DataBlock) the next part. */
  EMPTY_CONTINUE: 0x10,
} as const;

/** bError values when bmCommandStatus is "failed" (§6.2.6, Table 6.2-2). 1..127: index of the bad field. */
export const CCID_ERROR: ReadonlyMap<number, string> = new Map([
  [0xff, "CMD_ABORTED"],
  [0xfe, "ICC_MUTE"],
  [0xfd, "XFR_PARITY_ERROR"],
  [0xfc, "XFR_OVERRUN"],
  [0xfb, "HW_ERROR"],
  [0xf8, "BAD_ATR_TS"],
  [0xf7, "BAD_ATR_TCK"],
  [0xf6, "ICC_PROTOCOL_NOT_SUPPORTED"],
  [0xf5, "ICC_CLASS_NOT_SUPPORTED"],
  [0xf4, "PROCEDURE_BYTE_CONFLICT"],
  [0xf3, "DEACTIVATED_PROTOCOL"],
  [0xf2, "BUSY_WITH_AUTO_SEQUENCE"],
  [0xf0, "PIN_TIMEOUT"],
  [0xef, "PIN_CANCELLED"],
  [0xe0, "CMD_SLOT_BUSY"],
  [0x00, "CMD_NOT_SUPPORTED"],
]);

export const CCID_ERROR_CODE = { ICC_MUTE: 0xfe, HW_ERROR: 0xfb, CMD_SLOT_BUSY: 0xe0, CMD_NOT_SUPPORTED: 0x00 } as const;

export function describeCcidError(code: number): string {
  const name = CCID_ERROR.get(code);
  if (name) return name;
  if (code >= 1 && code <= 127) return `bad parameter at offset ${code}`;
  return `reserved error 0x${code.toString(16).padStart(2, "0")}`;
}

export type CcidCommand =
  | { readonly type: "IccPowerOn"; readonly slot: number; readonly seq: number; readonly powerSelect: number }
  | { readonly type: "IccPowerOff"; readonly slot: number; readonly seq: number }
  | { readonly type: "GetSlotStatus"; readonly slot: number; readonly seq: number }
  | {
      readonly type: "XfrBlock";
      readonly slot: number;
      readonly seq: number;
      /** Block waiting time integer extension (§6.1.4). */
      readonly bwi: number;
      readonly levelParameter: number;
      readonly data: Uint8Array;
    };

export type CcidResponse =
  | {
      readonly type: "DataBlock";
      readonly slot: number;
      readonly seq: number;
      readonly status: number;
      readonly error: number;
      readonly chainParameter: number;
      readonly data: Uint8Array;
    }
  | {
      readonly type: "SlotStatus";
      readonly slot: number;
      readonly seq: number;
      readonly status: number;
      readonly error: number;
      readonly clockStatus: number;
    };

export class CcidFormatError extends Error {
  override readonly name = "CcidFormatError";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`CCID ${field}: ${message}`);
  }
}

const checkByte = (value: number, field: string): number => {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) throw new CcidFormatError(field, `${value} is not a byte`);
  return value;
};

function header(type: number, length: number, slot: number, seq: number, b7: number, b8: number, b9: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > 0xffffffff) throw new CcidFormatError("dwLength", `${length} out of range`);
  const out = new Uint8Array(CCID_HEADER_LENGTH + length);
  out[0] = type;
  // dwLength is little-endian (§6.1: "dwLength ... LSB first" as all USB multi-byte fields).
  out[1] = length & 0xff;
  out[2] = (length >>> 8) & 0xff;
  out[3] = (length >>> 16) & 0xff;
  out[4] = (length >>> 24) & 0xff;
  out[5] = checkByte(slot, "bSlot");
  out[6] = checkByte(seq, "bSeq");
  out[7] = b7;
  out[8] = b8;
  out[9] = b9;
  return out;
}

/** dwLength of a message header, or null while fewer than 10 bytes are at hand. */
export function ccidDataLength(bytes: Uint8Array): number | null {
  if (bytes.length < CCID_HEADER_LENGTH) return null;
  return (bytes[1]! | (bytes[2]! << 8) | (bytes[3]! << 16) | (bytes[4]! << 24)) >>> 0;
}

export function encodeCcidCommand(command: CcidCommand): Uint8Array {
  switch (command.type) {
    case "IccPowerOn":
      if (command.powerSelect > CCID_POWER_SELECT.V1_8 || command.powerSelect < 0) {
        throw new CcidFormatError("bPowerSelect", `${command.powerSelect} out of range`);
      }
      return header(CCID_MESSAGE.PC_to_RDR_IccPowerOn, 0, command.slot, command.seq, command.powerSelect, 0, 0);
    case "IccPowerOff":
      return header(CCID_MESSAGE.PC_to_RDR_IccPowerOff, 0, command.slot, command.seq, 0, 0, 0);
    case "GetSlotStatus":
      return header(CCID_MESSAGE.PC_to_RDR_GetSlotStatus, 0, command.slot, command.seq, 0, 0, 0);
    case "XfrBlock": {
      if (!Number.isInteger(command.levelParameter) || command.levelParameter < 0 || command.levelParameter > 0xffff) {
        throw new CcidFormatError("wLevelParameter", `${command.levelParameter} out of range`);
      }
      const out = header(
        CCID_MESSAGE.PC_to_RDR_XfrBlock,
        command.data.length,
        command.slot,
        command.seq,
        checkByte(command.bwi, "bBWI"),
        command.levelParameter & 0xff,
        command.levelParameter >> 8,
      );
      out.set(command.data, CCID_HEADER_LENGTH);
      return out;
    }
  }
}

export function encodeCcidResponse(response: CcidResponse): Uint8Array {
  checkStatusByte(response.status);
  switch (response.type) {
    case "DataBlock": {
      const out = header(
        CCID_MESSAGE.RDR_to_PC_DataBlock,
        response.data.length,
        response.slot,
        response.seq,
        response.status,
        checkByte(response.error, "bError"),
        checkByte(response.chainParameter, "bChainParameter"),
      );
      out.set(response.data, CCID_HEADER_LENGTH);
      return out;
    }
    case "SlotStatus":
      return header(
        CCID_MESSAGE.RDR_to_PC_SlotStatus,
        0,
        response.slot,
        response.seq,
        response.status,
        checkByte(response.error, "bError"),
        checkByte(response.clockStatus, "bClockStatus"),
      );
  }
}

function checkStatusByte(status: number): void {
  checkByte(status, "bStatus");
  if ((status & 0x3c) !== 0) throw new CcidFormatError("bStatus", "RFU bits 2–5 set");
  if ((status & 0x03) === 0x03) throw new CcidFormatError("bStatus", "bmICCStatus 3 is RFU");
  if ((status & 0xc0) === 0xc0) throw new CcidFormatError("bStatus", "bmCommandStatus 3 is RFU");
}

function readHeader(bytes: Uint8Array): { type: number; length: number; slot: number; seq: number } {
  const length = ccidDataLength(bytes);
  if (length === null) throw new CcidFormatError("header", `${bytes.length} bytes, need ${CCID_HEADER_LENGTH}`);
  if (bytes.length < CCID_HEADER_LENGTH + length)
    throw new CcidFormatError("abData", `truncated: dwLength ${length}, ${bytes.length - CCID_HEADER_LENGTH} present`);
  if (bytes.length > CCID_HEADER_LENGTH + length) throw new CcidFormatError("abData", `${bytes.length - CCID_HEADER_LENGTH - length} trailing bytes`);
  return { type: bytes[0]!, length, slot: bytes[5]!, seq: bytes[6]! };
}

const requireZero = (bytes: Uint8Array, from: number, to: number, field: string): void => {
  for (let i = from; i < to; i++) if (bytes[i] !== 0) throw new CcidFormatError(field, "RFU byte not zero");
};

const requireEmpty = (length: number, field: string): void => {
  if (length !== 0) throw new CcidFormatError("dwLength", `${field} carries no abData, got ${length}`);
};

export function decodeCcidCommand(bytes: Uint8Array): CcidCommand {
  const { type, length, slot, seq } = readHeader(bytes);
  switch (type) {
    case CCID_MESSAGE.PC_to_RDR_IccPowerOn: {
      requireEmpty(length, "PC_to_RDR_IccPowerOn");
      const powerSelect = bytes[7]!;
      if (powerSelect > CCID_POWER_SELECT.V1_8) throw new CcidFormatError("bPowerSelect", `${powerSelect} out of range`);
      requireZero(bytes, 8, 10, "abRFU");
      return { type: "IccPowerOn", slot, seq, powerSelect };
    }
    case CCID_MESSAGE.PC_to_RDR_IccPowerOff:
      requireEmpty(length, "PC_to_RDR_IccPowerOff");
      requireZero(bytes, 7, 10, "abRFU");
      return { type: "IccPowerOff", slot, seq };
    case CCID_MESSAGE.PC_to_RDR_GetSlotStatus:
      requireEmpty(length, "PC_to_RDR_GetSlotStatus");
      requireZero(bytes, 7, 10, "abRFU");
      return { type: "GetSlotStatus", slot, seq };
    case CCID_MESSAGE.PC_to_RDR_XfrBlock:
      return {
        type: "XfrBlock",
        slot,
        seq,
        bwi: bytes[7]!,
        levelParameter: bytes[8]! | (bytes[9]! << 8),
        data: bytes.slice(CCID_HEADER_LENGTH),
      };
    default:
      throw new CcidFormatError("bMessageType", `0x${type.toString(16).padStart(2, "0")} is not a supported bulk-OUT message`);
  }
}

export function decodeCcidResponse(bytes: Uint8Array): CcidResponse {
  const { type, length, slot, seq } = readHeader(bytes);
  const status = bytes[7]!;
  checkStatusByte(status);
  switch (type) {
    case CCID_MESSAGE.RDR_to_PC_DataBlock:
      return { type: "DataBlock", slot, seq, status, error: bytes[8]!, chainParameter: bytes[9]!, data: bytes.slice(CCID_HEADER_LENGTH) };
    case CCID_MESSAGE.RDR_to_PC_SlotStatus:
      requireEmpty(length, "RDR_to_PC_SlotStatus");
      return { type: "SlotStatus", slot, seq, status, error: bytes[8]!, clockStatus: bytes[9]! };
    default:
      throw new CcidFormatError("bMessageType", `0x${type.toString(16).padStart(2, "0")} is not a supported bulk-IN message`);
  }
}

export const iccStatusOf = (status: number): number => status & 0x03;
export const commandStatusOf = (status: number): number => status >> 6;
export const ccidStatus = (commandStatus: number, iccStatus: number): number => (commandStatus << 6) | iccStatus;

/** Per-slot state of RDR_to_PC_NotifySlotChange (§6.3.1): bit 2n present, bit 2n+1 changed. */
export interface CcidSlotChange {
  readonly isPresent: boolean;
  readonly hasChanged: boolean;
}

export function encodeNotifySlotChange(slots: readonly CcidSlotChange[]): Uint8Array {
  if (slots.length === 0) throw new CcidFormatError("bmSlotICCState", "at least one slot");
  const out = new Uint8Array(1 + Math.ceil(slots.length / 4));
  out[0] = CCID_MESSAGE.RDR_to_PC_NotifySlotChange;
  slots.forEach((s, i) => {
    const bits = (s.isPresent ? 1 : 0) | (s.hasChanged ? 2 : 0);
    out[1 + (i >> 2)]! |= bits << ((i & 3) * 2);
  });
  return out;
}

/** Decodes the slot states; the message does not say how many slots exist, so every 2-bit field is returned. */
export function decodeNotifySlotChange(bytes: Uint8Array): CcidSlotChange[] {
  if (bytes[0] !== CCID_MESSAGE.RDR_to_PC_NotifySlotChange) throw new CcidFormatError("bMessageType", "expected RDR_to_PC_NotifySlotChange (0x50)");
  if (bytes.length < 2) throw new CcidFormatError("bmSlotICCState", "missing");
  const slots: CcidSlotChange[] = [];
  for (let i = 0; i < (bytes.length - 1) * 4; i++) {
    const bits = (bytes[1 + (i >> 2)]! >> ((i & 3) * 2)) & 3;
    slots.push({ isPresent: (bits & 1) !== 0, hasChanged: (bits & 2) !== 0 });
  }
  return slots;
}
