/**
 * The vsmartcard virtual PCD (vpcd) wire protocol: every frame, in both directions, is a
 * 2-byte big-endian length then the payload. vpcd's documentation says little-endian; its
 * code and the wire say big (STACK.md, "PC/SC"). A one-byte payload from vpcd is a control
 * byte; anything longer is a command APDU, answered with response ‖ SW1 SW2.
 */

/** Control bytes sent by vpcd (vsmartcard virtualsmartcard/src/vpcd/vpcd.h). */
export const VPCD_CONTROL = {
  POWER_OFF: 0x00,
  POWER_ON: 0x01,
  /** Warm reset; vpcd expects no reply. */
  RESET: 0x02,
  /** Reply: the ATR. pcscd polls it about every 400 ms. */
  GET_ATR: 0x04,
} as const;

/** Largest payload a 2-byte length can carry: extended APDUs up to 65,535 bytes. */
export const VPCD_MAX_PAYLOAD = 0xffff;
/** vpcd's TCP ports: reader 0 "Virtual PCD 00 00", reader 1 "Virtual PCD 00 01" (/etc/reader.conf.d/vpcd). */
export const VPCD_DEFAULT_PORT = 35963;

export class VpcdFormatError extends Error {
  override readonly name = "VpcdFormatError";
  constructor(
    readonly field: "length" | "payload" | "control",
    message: string,
  ) {
    super(`vpcd ${field}: ${message}`);
  }
}

export type VpcdMessage =
  | { readonly kind: "power-off" }
  | { readonly kind: "power-on" }
  | { readonly kind: "reset" }
  | { readonly kind: "get-atr" }
  | { readonly kind: "apdu"; readonly apdu: Uint8Array };

/** Frames one payload: length (big-endian) ‖ payload. */
export function encodeVpcdFrame(payload: Uint8Array): Uint8Array {
  if (payload.length > VPCD_MAX_PAYLOAD) throw new VpcdFormatError("length", `${payload.length} exceeds ${VPCD_MAX_PAYLOAD}`);
  const out = new Uint8Array(2 + payload.length);
  out[0] = payload.length >> 8;
  out[1] = payload.length & 0xff;
  out.set(payload, 2);
  return out;
}

/** Strict decode of exactly one frame. */
export function decodeVpcdFrame(bytes: Uint8Array): Uint8Array {
  if (bytes.length < 2) throw new VpcdFormatError("length", `need 2 bytes, got ${bytes.length}`);
  const length = (bytes[0]! << 8) | bytes[1]!;
  if (bytes.length < 2 + length) throw new VpcdFormatError("payload", `truncated: length ${length}, ${bytes.length - 2} present`);
  if (bytes.length > 2 + length) throw new VpcdFormatError("payload", `${bytes.length - 2 - length} trailing bytes`);
  return bytes.slice(2);
}

/** Payload of a message from vpcd to the card. */
export function encodeVpcdMessage(message: VpcdMessage): Uint8Array {
  switch (message.kind) {
    case "power-off":
      return Uint8Array.of(VPCD_CONTROL.POWER_OFF);
    case "power-on":
      return Uint8Array.of(VPCD_CONTROL.POWER_ON);
    case "reset":
      return Uint8Array.of(VPCD_CONTROL.RESET);
    case "get-atr":
      return Uint8Array.of(VPCD_CONTROL.GET_ATR);
    case "apdu":
      // A one-byte APDU would read as a control byte; ISO 7816-4 §5.1 needs four bytes anyway.
      if (message.apdu.length < 2) throw new VpcdFormatError("payload", `an APDU of ${message.apdu.length} byte(s) is indistinguishable from a control byte`);
      return message.apdu.slice();
  }
}

export function decodeVpcdMessage(payload: Uint8Array): VpcdMessage {
  if (payload.length === 0) throw new VpcdFormatError("payload", "empty");
  if (payload.length > 1) return { kind: "apdu", apdu: payload.slice() };
  switch (payload[0]) {
    case VPCD_CONTROL.POWER_OFF:
      return { kind: "power-off" };
    case VPCD_CONTROL.POWER_ON:
      return { kind: "power-on" };
    case VPCD_CONTROL.RESET:
      return { kind: "reset" };
    case VPCD_CONTROL.GET_ATR:
      return { kind: "get-atr" };
    default:
      throw new VpcdFormatError("control", `unknown control byte 0x${payload[0]!.toString(16).padStart(2, "0")}`);
  }
}

/** Splits a TCP byte stream into frame payloads, whatever the chunking. */
export class VpcdStreamDecoder {
  #buf: Uint8Array = new Uint8Array(0);

  push(chunk: Uint8Array): Uint8Array[] {
    const merged = new Uint8Array(this.#buf.length + chunk.length);
    merged.set(this.#buf, 0);
    merged.set(chunk, this.#buf.length);
    const payloads: Uint8Array[] = [];
    let pos = 0;
    while (pos + 2 <= merged.length) {
      const length = (merged[pos]! << 8) | merged[pos + 1]!;
      if (pos + 2 + length > merged.length) break;
      payloads.push(merged.slice(pos + 2, pos + 2 + length));
      pos += 2 + length;
    }
    this.#buf = merged.slice(pos);
    return payloads;
  }

  get pending(): number {
    return this.#buf.length;
  }
}
