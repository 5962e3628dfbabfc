/**
 * Small strict-decoding toolkit shared by the card codecs: a bounds-checked byte reader and a
 * decode error that names the field. Decoders throw DecodeError internally and turn it into a
 * Result at their boundary (`decodeWith`), so no exception ever leaves a decoder.
 */
import { err, ok, type Result } from "../result";

/** A malformed input, naming the field that is wrong. Caught by `decodeWith`. */
export class DecodeError extends Error {
  override readonly name = "DecodeError";
}

/** Throws a DecodeError for `field`. */
export function fail(field: string, message: string): never {
  throw new DecodeError(`${field}: ${message}`);
}

/** Runs a throwing decoder and returns its outcome as a Result; only DecodeError becomes `err`. */
export function decodeWith<T>(what: string, decode: () => T): Result<T, string> {
  try {
    return ok(decode());
  } catch (e) {
    if (e instanceof DecodeError) return err(`${what}: ${e.message}`);
    throw e;
  }
}

/** Bounds-checked sequential reader over a byte string. */
export class ByteReader {
  #offset = 0;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly what: string,
  ) {}

  get offset(): number {
    return this.#offset;
  }

  get remaining(): number {
    return this.bytes.length - this.#offset;
  }

  /** Reads `length` bytes for `field`, refusing to read past the end. */
  take(length: number, field: string): Uint8Array {
    if (length > this.remaining) {
      fail(`${this.what}.${field}`, `needs ${length} bytes at offset ${this.#offset}, only ${this.remaining} left`);
    }
    const out = this.bytes.slice(this.#offset, this.#offset + length);
    this.#offset += length;
    return out;
  }

  u8(field: string): number {
    return this.take(1, field)[0]!;
  }

  u16(field: string): number {
    const b = this.take(2, field);
    return (b[0]! << 8) | b[1]!;
  }

  u32(field: string): number {
    const b = this.take(4, field);
    return ((b[0]! << 24) >>> 0) + ((b[1]! << 16) | (b[2]! << 8) | b[3]!);
  }

  /** Refuses trailing bytes: every format here has one exact length. */
  end(): void {
    if (this.remaining !== 0) fail(this.what, `${this.remaining} trailing byte(s) at offset ${this.#offset}`);
  }
}

const UPPER_HEX = /^(?:[0-9A-F]{2})*$/;

/** True for upper-case hex of `min`..`max` bytes (the canonical spelling used in messages and images). */
export function isUpperHex(text: unknown, min: number, max: number): text is string {
  return typeof text === "string" && UPPER_HEX.test(text) && text.length >= 2 * min && text.length <= 2 * max;
}

/** Parses canonical upper-case hex of `min`..`max` bytes or throws RangeError naming `field` (caller bug). */
export function hexField(text: string, field: string, min: number, max: number): Uint8Array {
  if (!isUpperHex(text, min, max)) {
    throw new RangeError(`${field}: must be ${min === max ? min : `${min}..${max}`} bytes as upper-case hex`);
  }
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Eight bytes big-endian of a non-negative safe integer (millisecond timestamps). */
export function u64be(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`u64: ${value}`);
  const out = new Uint8Array(8);
  let v = BigInt(value);
  for (let i = 7; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** Reads an eight-byte big-endian unsigned integer; fails unless it is a safe integer. */
export function readU64be(bytes: Uint8Array, field: string): number {
  if (bytes.length !== 8) fail(field, `must be 8 bytes, got ${bytes.length}`);
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail(field, `value ${v} is beyond 2^53-1`);
  return Number(v);
}

/** Printable ASCII text of a field, or a DecodeError naming it. */
export function readAscii(bytes: Uint8Array, field: string): string {
  let text = "";
  for (const b of bytes) {
    if (b < 0x20 || b > 0x7e) fail(field, "is not printable ASCII");
    text += String.fromCharCode(b);
  }
  return text;
}

/** The single byte of a one-byte field, or a DecodeError naming it. */
export function readOneByte(bytes: Uint8Array, field: string): number {
  if (bytes.length !== 1) fail(field, `must be 1 byte, got ${bytes.length}`);
  return bytes[0]!;
}
