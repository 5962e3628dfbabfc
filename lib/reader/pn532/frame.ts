/**
 * PN532 host-link frames (NXP PN532 User Manual UM0701-02 §6.2.1): normal and extended
 * information frames, ACK, NACK and the application-level error frame. Strict and symmetric:
 * `decodeFrame(encodeFrame(f))` equals `f`; every read is bounds-checked; errors name the field.
 */

/** UM0701-02 §6.2.1.1–§6.2.1.5. */
export const PN532_FRAME = {
  PREAMBLE: 0x00,
  START_CODE_1: 0x00,
  START_CODE_2: 0xff,
  POSTAMBLE: 0x00,
  /** Frame identifier, host controller → PN532. */
  TFI_HOST: 0xd4,
  /** Frame identifier, PN532 → host controller. */
  TFI_PN532: 0xd5,
  /** The single data byte of the application-level error frame (§6.2.1.5). */
  ERROR_CODE: 0x7f,
  /** LEN counts TFI + PD0..PDn; one byte in a normal frame (§6.2.1.1). */
  MAX_NORMAL_LEN: 0xff,
  /** Two-byte LEN of the extended frame (§6.2.1.2). */
  MAX_EXTENDED_LEN: 0xffff,
  /** LEN/LCS pair that announces an extended frame. */
  EXTENDED_MARKER: 0xff,
} as const;

/** 00 00 FF 00 FF 00 (§6.2.1.3). */
export const PN532_ACK = Uint8Array.of(0x00, 0x00, 0xff, 0x00, 0xff, 0x00);
/** 00 00 FF FF 00 00 (§6.2.1.4). */
export const PN532_NACK = Uint8Array.of(0x00, 0x00, 0xff, 0xff, 0x00, 0x00);
/** 00 00 FF 01 FF 7F 81 00 (§6.2.1.5). */
export const PN532_ERROR_FRAME = Uint8Array.of(0x00, 0x00, 0xff, 0x01, 0xff, 0x7f, 0x81, 0x00);

export type Pn532Tfi = typeof PN532_FRAME.TFI_HOST | typeof PN532_FRAME.TFI_PN532;

export type Pn532Frame =
  | { readonly kind: "ack" }
  | { readonly kind: "nack" }
  | { readonly kind: "error" }
  | {
      readonly kind: "info";
      readonly tfi: Pn532Tfi;
      /** PD0..PDn: command code then parameters. */
      readonly payload: Uint8Array;
      readonly extended: boolean;
    };

export type Pn532Field = "preamble" | "start code" | "LEN" | "LCS" | "TFI" | "DCS" | "postamble" | "frame";

export class Pn532FrameError extends Error {
  override readonly name = "Pn532FrameError";
  constructor(
    readonly field: Pn532Field,
    message: string,
  ) {
    super(`PN532 frame ${field}: ${message}`);
  }
}

const byteSum = (bytes: Uint8Array, from: number, to: number): number => {
  let sum = 0;
  for (let i = from; i < to; i++) sum += bytes[i]!;
  return sum & 0xff;
};

/** The byte that makes `sum + checksum ≡ 0 (mod 256)`, as LCS and DCS require. */
export const checksumOf = (sum: number): number => (0x100 - (sum & 0xff)) & 0xff;

/** Normal information frame to the PN532 (TFI D4), extended when the payload needs it. */
export function hostFrame(payload: Uint8Array): Pn532Frame {
  return { kind: "info", tfi: PN532_FRAME.TFI_HOST, payload, extended: payload.length + 1 > PN532_FRAME.MAX_NORMAL_LEN };
}

/** Information frame from the PN532 (TFI D5), extended when the payload needs it. */
export function pn532Frame(payload: Uint8Array): Pn532Frame {
  return { kind: "info", tfi: PN532_FRAME.TFI_PN532, payload, extended: payload.length + 1 > PN532_FRAME.MAX_NORMAL_LEN };
}

/** Encodes one frame with its preamble and postamble. */
export function encodeFrame(frame: Pn532Frame): Uint8Array {
  switch (frame.kind) {
    case "ack":
      return PN532_ACK.slice();
    case "nack":
      return PN532_NACK.slice();
    case "error":
      return PN532_ERROR_FRAME.slice();
    case "info": {
      if (frame.tfi !== PN532_FRAME.TFI_HOST && frame.tfi !== PN532_FRAME.TFI_PN532) {
        throw new Pn532FrameError("TFI", `0x${(frame.tfi as number).toString(16)} is neither D4 nor D5`);
      }
      const len = frame.payload.length + 1;
      const header = frame.extended
        ? (() => {
            if (len > PN532_FRAME.MAX_EXTENDED_LEN) throw new Pn532FrameError("LEN", `${len} exceeds ${PN532_FRAME.MAX_EXTENDED_LEN}`);
            const lenM = len >> 8;
            const lenL = len & 0xff;
            return [PN532_FRAME.EXTENDED_MARKER, PN532_FRAME.EXTENDED_MARKER, lenM, lenL, checksumOf(lenM + lenL)];
          })()
        : (() => {
            if (len > PN532_FRAME.MAX_NORMAL_LEN) throw new Pn532FrameError("LEN", `${len} exceeds ${PN532_FRAME.MAX_NORMAL_LEN}: use an extended frame`);
            return [len, checksumOf(len)];
          })();
      const out = new Uint8Array(3 + header.length + len + 2);
      out.set([PN532_FRAME.PREAMBLE, PN532_FRAME.START_CODE_1, PN532_FRAME.START_CODE_2, ...header], 0);
      let at = 3 + header.length;
      out[at++] = frame.tfi;
      out.set(frame.payload, at);
      at += frame.payload.length;
      out[at++] = checksumOf(frame.tfi + byteSum(frame.payload, 0, frame.payload.length));
      out[at] = PN532_FRAME.POSTAMBLE;
      return out;
    }
  }
}

/** Outcome of reading one frame whose start code sits at `offset` (shared by strict and stream decoding). */
export type FrameParse =
  | { readonly status: "incomplete" }
  | { readonly status: "frame"; readonly frame: Pn532Frame; /** index just after DCS (postamble not included) */ readonly end: number }
  | { readonly status: "corrupt"; readonly field: Pn532Field; readonly detail: string };

/** Reads a frame whose start code `00 FF` is at `buf[offset]`, without the preamble/postamble. */
export function parseFrameAt(buf: Uint8Array, offset: number): FrameParse {
  const at = (i: number): number | undefined => buf[offset + i];
  if (at(0) === undefined || at(1) === undefined) return { status: "incomplete" };
  if (at(0) !== PN532_FRAME.START_CODE_1 || at(1) !== PN532_FRAME.START_CODE_2) {
    return { status: "corrupt", field: "start code", detail: "expected 00 FF" };
  }
  const b2 = at(2);
  const b3 = at(3);
  if (b2 === undefined || b3 === undefined) return { status: "incomplete" };
  if (b2 === 0x00 && b3 === 0xff) return { status: "frame", frame: { kind: "ack" }, end: offset + 4 };
  if (b2 === 0xff && b3 === 0x00) return { status: "frame", frame: { kind: "nack" }, end: offset + 4 };

  let len: number;
  let bodyStart: number;
  let extended: boolean;
  if (b2 === PN532_FRAME.EXTENDED_MARKER && b3 === PN532_FRAME.EXTENDED_MARKER) {
    const lenM = at(4);
    const lenL = at(5);
    const lcs = at(6);
    if (lenM === undefined || lenL === undefined || lcs === undefined) return { status: "incomplete" };
    if (((lenM + lenL + lcs) & 0xff) !== 0) return { status: "corrupt", field: "LCS", detail: "LENM + LENL + LCS ≢ 0 (mod 256)" };
    len = (lenM << 8) | lenL;
    bodyStart = 7;
    extended = true;
  } else {
    if (((b2 + b3) & 0xff) !== 0) return { status: "corrupt", field: "LCS", detail: "LEN + LCS ≢ 0 (mod 256)" };
    len = b2;
    bodyStart = 4;
    extended = false;
  }
  if (len === 0) return { status: "corrupt", field: "LEN", detail: "0: an information frame carries at least TFI" };
  const dcsIndex = bodyStart + len;
  if (offset + dcsIndex >= buf.length) return { status: "incomplete" };
  const tfi = at(bodyStart)!;
  const sum = byteSum(buf, offset + bodyStart, offset + dcsIndex);
  if (((sum + at(dcsIndex)!) & 0xff) !== 0) return { status: "corrupt", field: "DCS", detail: "TFI + PD0..PDn + DCS ≢ 0 (mod 256)" };
  const end = offset + dcsIndex + 1;
  if (tfi === PN532_FRAME.ERROR_CODE && len === 1 && !extended) return { status: "frame", frame: { kind: "error" }, end };
  if (tfi !== PN532_FRAME.TFI_HOST && tfi !== PN532_FRAME.TFI_PN532) {
    return { status: "corrupt", field: "TFI", detail: `0x${tfi.toString(16).padStart(2, "0")} is neither D4 nor D5` };
  }
  const payload = buf.slice(offset + bodyStart + 1, offset + dcsIndex);
  return { status: "frame", frame: { kind: "info", tfi, payload, extended }, end };
}

/** Strict decode of exactly one frame: preamble, start code, body, postamble, nothing after. */
export function decodeFrame(bytes: Uint8Array): Pn532Frame {
  if (bytes.length < 1 || bytes[0] !== PN532_FRAME.PREAMBLE) throw new Pn532FrameError("preamble", "expected 00");
  const parsed = parseFrameAt(bytes, 1);
  switch (parsed.status) {
    case "incomplete":
      throw new Pn532FrameError("frame", `truncated (${bytes.length} bytes)`);
    case "corrupt":
      throw new Pn532FrameError(parsed.field, parsed.detail);
    case "frame":
      if (parsed.end >= bytes.length) throw new Pn532FrameError("postamble", "missing");
      if (bytes[parsed.end] !== PN532_FRAME.POSTAMBLE) throw new Pn532FrameError("postamble", "expected 00");
      if (parsed.end + 1 !== bytes.length) throw new Pn532FrameError("frame", `${bytes.length - parsed.end - 1} trailing bytes`);
      return parsed.frame;
  }
}
