/**
 * ISO/IEC 7816-4 §5.1 command and response APDUs, short and extended length, cases 1 to 4.
 * One encode/decode pair per format; the decoder names what is wrong and never throws.
 */
import { concatBytes } from "../bytes";
import { err, ok, type Result } from "../result";

/** A command APDU. `ne` is Ne (null when the Le field is absent); `extended` picks the length encoding. */
export type CommandApdu = {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  readonly data: Uint8Array;
  readonly ne: number | null;
  readonly extended: boolean;
};

/** A response APDU: data field and the status word SW1-SW2. */
export type ResponseApdu = { readonly data: Uint8Array; readonly sw: number };

/** Length limits of ISO 7816-4 §5.1 (short: Nc ≤ 255, Ne ≤ 256; extended: Nc ≤ 65 535, Ne ≤ 65 536). */
export const APDU_LIMITS = {
  SHORT_MAX_NC: 255,
  SHORT_MAX_NE: 256,
  EXTENDED_MAX_NC: 65_535,
  EXTENDED_MAX_NE: 65_536,
} as const;

/** Builds a command APDU, choosing extended lengths only when short ones cannot carry it. */
export function commandApdu(fields: { cla: number; ins: number; p1: number; p2: number; data?: Uint8Array; ne?: number | null }): CommandApdu {
  const data = fields.data ?? new Uint8Array(0);
  const ne = fields.ne ?? null;
  const extended = data.length > APDU_LIMITS.SHORT_MAX_NC || (ne !== null && ne > APDU_LIMITS.SHORT_MAX_NE);
  return { cla: fields.cla, ins: fields.ins, p1: fields.p1, p2: fields.p2, data, ne, extended };
}

function checkByte(value: number, field: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) throw new RangeError(`apdu ${field}: ${value} is not a byte`);
}

/** Encodes a command APDU; throws RangeError for a value no encoding can carry (caller bug). */
export function encodeCommandApdu(apdu: CommandApdu): Uint8Array {
  checkByte(apdu.cla, "CLA");
  checkByte(apdu.ins, "INS");
  checkByte(apdu.p1, "P1");
  checkByte(apdu.p2, "P2");
  const header = Uint8Array.of(apdu.cla, apdu.ins, apdu.p1, apdu.p2);
  const nc = apdu.data.length;
  const { ne } = apdu;
  const maxNc = apdu.extended ? APDU_LIMITS.EXTENDED_MAX_NC : APDU_LIMITS.SHORT_MAX_NC;
  const maxNe = apdu.extended ? APDU_LIMITS.EXTENDED_MAX_NE : APDU_LIMITS.SHORT_MAX_NE;
  if (nc > maxNc) throw new RangeError(`apdu Nc ${nc}: above ${maxNc}`);
  if (ne !== null && (!Number.isInteger(ne) || ne < 1 || ne > maxNe)) throw new RangeError(`apdu Ne ${ne}: not in 1..${maxNe}`);
  if (!apdu.extended) {
    const lc = nc > 0 ? Uint8Array.of(nc, ...apdu.data) : new Uint8Array(0);
    const le = ne !== null ? Uint8Array.of(ne === 256 ? 0 : ne) : new Uint8Array(0);
    return concatBytes(header, lc, le);
  }
  // Case 1 has no extended form (ISO 7816-4 §5.1).
  if (nc === 0 && ne === null) throw new RangeError("apdu: case 1 has no extended-length encoding");
  const lc = nc > 0 ? concatBytes(Uint8Array.of(0, nc >> 8, nc & 0xff), apdu.data) : Uint8Array.of(0);
  const le16 = ne === null ? null : ne === 65_536 ? 0 : ne;
  const le = le16 === null ? new Uint8Array(0) : Uint8Array.of(le16 >> 8, le16 & 0xff);
  return concatBytes(header, lc, le);
}

/** Decodes a command APDU by the length rules of ISO 7816-4 §5.1 (Table 1); errors say which field. */
export function decodeCommandApdu(bytes: Uint8Array): Result<CommandApdu, string> {
  const n = bytes.length;
  if (n < 4) return err(`apdu header: needs 4 bytes (CLA INS P1 P2), got ${n}`);
  const [cla, ins, p1, p2] = [bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!];
  const make = (data: Uint8Array, ne: number | null, extended: boolean): CommandApdu => ({ cla, ins, p1, p2, data, ne, extended });
  if (n === 4) return ok(make(new Uint8Array(0), null, false)); // case 1
  const b4 = bytes[4]!;
  if (n === 5) return ok(make(new Uint8Array(0), b4 === 0 ? 256 : b4, false)); // case 2S
  if (b4 !== 0) {
    const lc = b4;
    if (n === 5 + lc) return ok(make(bytes.slice(5, 5 + lc), null, false)); // case 3S
    if (n === 6 + lc) {
      const le = bytes[5 + lc]!;
      return ok(make(bytes.slice(5, 5 + lc), le === 0 ? 256 : le, false)); // case 4S
    }
    return err(`apdu Lc: short Lc=${lc} needs a body of ${lc} or ${lc + 1} bytes, got ${n - 5}`);
  }
  // b4 = 00 opens an extended length field.
  if (n === 6) return err("apdu Le: extended length field is 3 bytes, got 2");
  const l16 = (bytes[5]! << 8) | bytes[6]!;
  if (n === 7) return ok(make(new Uint8Array(0), l16 === 0 ? 65_536 : l16, true)); // case 2E
  if (l16 === 0) return err("apdu Lc: extended Lc must not be 0000");
  if (n === 7 + l16) return ok(make(bytes.slice(7, 7 + l16), null, true)); // case 3E
  if (n === 9 + l16) {
    const le = (bytes[7 + l16]! << 8) | bytes[8 + l16]!;
    return ok(make(bytes.slice(7, 7 + l16), le === 0 ? 65_536 : le, true)); // case 4E
  }
  return err(`apdu Lc: extended Lc=${l16} needs a body of ${l16} or ${l16 + 2} bytes, got ${n - 7}`);
}

/** Encodes a response APDU: data ‖ SW1 SW2. */
export function encodeResponseApdu(response: ResponseApdu): Uint8Array {
  if (!Number.isInteger(response.sw) || response.sw < 0 || response.sw > 0xffff) throw new RangeError(`apdu SW ${response.sw}: not 2 bytes`);
  return concatBytes(response.data, Uint8Array.of(response.sw >> 8, response.sw & 0xff));
}

/** Decodes a response APDU; refuses fewer than two bytes. */
export function decodeResponseApdu(bytes: Uint8Array): Result<ResponseApdu, string> {
  if (bytes.length < 2) return err(`response apdu: needs at least SW1 SW2, got ${bytes.length} byte(s)`);
  const n = bytes.length;
  return ok({ data: bytes.slice(0, n - 2), sw: (bytes[n - 2]! << 8) | bytes[n - 1]! });
}
