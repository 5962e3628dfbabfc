/**
 * BER-TLV as ISO/IEC 7816-4 §5.2 uses it for interindustry data objects: tags of one to three
 * bytes, definite lengths of one to four bytes. Strict: minimal length encodings only, no
 * indefinite length, no '00'/'FF' padding between objects, no trailing bytes, bounded nesting.
 */
import { concatBytes, toHex } from "../bytes";
import { type Result } from "../result";
import { ByteReader, decodeWith, fail } from "./codec";

/** A BER-TLV data object; `tag` is the tag's bytes read as a big-endian number (e.g. 0x9F7F). */
export type Tlv =
  | { readonly kind: "primitive"; readonly tag: number; readonly value: Uint8Array }
  | { readonly kind: "constructed"; readonly tag: number; readonly children: readonly Tlv[] };

/** Deepest nesting a decoder accepts; the card's own structures use at most 4 levels. */
export const MAX_TLV_DEPTH = 8;
/** Largest length a decoder accepts (three length bytes, ISO 7816-4 §5.2.2.2 allows up to four). */
export const MAX_TLV_LENGTH = 0xffffff;

/** Primitive data object. */
export function tlv(tag: number, value: Uint8Array): Tlv {
  return { kind: "primitive", tag, value };
}

/** Constructed data object. */
export function tlvs(tag: number, children: readonly Tlv[]): Tlv {
  return { kind: "constructed", tag, children };
}

/** Bytes of a tag number, validated against ISO 7816-4 §5.2.2.1; throws RangeError when not a tag. */
export function encodeTag(tag: number): Uint8Array {
  if (!Number.isInteger(tag) || tag < 0 || tag > 0xffffff) throw new RangeError(`tlv tag ${tag}: out of range`);
  const bytes =
    tag <= 0xff ? Uint8Array.of(tag) : tag <= 0xffff ? Uint8Array.of(tag >> 8, tag & 0xff) : Uint8Array.of(tag >> 16, (tag >> 8) & 0xff, tag & 0xff);
  const r = decodeWith("tlv", () => {
    const reader = new ByteReader(bytes, "tlv");
    const decoded = readTag(reader);
    reader.end();
    return decoded;
  });
  if (!r.ok) throw new RangeError(`tlv tag ${tagName(tag)}: ${r.error}`);
  return bytes;
}

/** Whether the tag's first byte has the constructed bit (b6, ISO 7816-4 §5.2.2.1). */
export function isConstructedTag(tag: number): boolean {
  const first = tag > 0xffff ? tag >> 16 : tag > 0xff ? tag >> 8 : tag;
  return (first & 0x20) !== 0;
}

/** "9F7F"-style name for messages. */
export function tagName(tag: number): string {
  const hex = tag.toString(16).toUpperCase();
  return hex.length % 2 === 0 ? hex : `0${hex}`;
}

/** Minimal definite-length encoding (ISO 7816-4 §5.2.2.2): short form stops at 0x7F. */
export function encodeLength(length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > MAX_TLV_LENGTH) throw new RangeError(`tlv length ${length}: out of range`);
  if (length <= 0x7f) return Uint8Array.of(length);
  if (length <= 0xff) return Uint8Array.of(0x81, length);
  if (length <= 0xffff) return Uint8Array.of(0x82, length >> 8, length & 0xff);
  return Uint8Array.of(0x83, length >> 16, (length >> 8) & 0xff, length & 0xff);
}

/** Encodes one data object; the constructed bit of the tag must match the object's kind. */
export function encodeTlv(object: Tlv): Uint8Array {
  const tagBytes = encodeTag(object.tag);
  if (isConstructedTag(object.tag) !== (object.kind === "constructed")) {
    throw new RangeError(`tlv tag ${tagName(object.tag)}: constructed bit does not match a ${object.kind} object`);
  }
  const value = object.kind === "primitive" ? object.value : encodeTlvList(object.children);
  return concatBytes(tagBytes, encodeLength(value.length), value);
}

/** Encodes a sequence of data objects back to back. */
export function encodeTlvList(objects: readonly Tlv[]): Uint8Array {
  return concatBytes(...objects.map(encodeTlv));
}

/** Decodes exactly one data object; trailing bytes are refused. */
export function decodeTlv(bytes: Uint8Array): Result<Tlv, string> {
  return decodeWith("tlv", () => {
    const reader = new ByteReader(bytes, "tlv");
    const object = readTlv(reader, 0);
    reader.end();
    return object;
  });
}

/** Decodes a sequence of data objects filling all of `bytes` (empty input gives an empty list). */
export function decodeTlvList(bytes: Uint8Array): Result<Tlv[], string> {
  return decodeWith("tlv", () => readTlvList(bytes, 0));
}

/** Throwing variant for decoders built on DecodeError (see codec.ts). */
export function readTlvList(bytes: Uint8Array, depth: number): Tlv[] {
  const reader = new ByteReader(bytes, "tlv");
  const out: Tlv[] = [];
  while (reader.remaining > 0) out.push(readTlv(reader, depth));
  return out;
}

function readTag(reader: ByteReader): number {
  const at = reader.offset;
  const first = reader.u8("tag");
  // '00' and 'FF' are padding, never a first tag byte (ISO 7816-4 §5.2.2.1).
  if (first === 0x00 || first === 0xff) fail("tag", `byte ${toHex(Uint8Array.of(first))} at offset ${at} is padding, not a tag`);
  if ((first & 0x1f) !== 0x1f) return first;
  const second = reader.u8("tag");
  if ((second & 0x80) === 0) {
    // Two-byte tag: second byte 1F..7F; 00..1E would have fitted in one byte.
    if (second < 0x1f) fail("tag", `two-byte tag ${toHex(Uint8Array.of(first, second))} at offset ${at} must use a one-byte tag`);
    return (first << 8) | second;
  }
  // Three-byte tag: second byte 81..FF ('80' would be a leading zero), third 00..7F.
  if (second === 0x80) fail("tag", `tag byte 80 at offset ${at + 1} is a non-minimal encoding`);
  const third = reader.u8("tag");
  if ((third & 0x80) !== 0) fail("tag", `tags longer than three bytes are not supported (offset ${at})`);
  return (first << 16) | (second << 8) | third;
}

function readLength(reader: ByteReader, tag: number): number {
  const field = `length of ${tagName(tag)}`;
  const first = reader.u8(field);
  if (first <= 0x7f) return first;
  if (first === 0x80) fail(field, "indefinite length is not allowed in ISO 7816 BER-TLV");
  const count = first & 0x7f;
  if (count > 3) fail(field, `${count} length bytes: at most 3 are supported`);
  const bytes = reader.take(count, field);
  let length = 0;
  for (const b of bytes) length = length * 256 + b;
  const minimal = length <= 0x7f ? 0 : length <= 0xff ? 1 : length <= 0xffff ? 2 : 3;
  if (count !== minimal) fail(field, `length ${length} is not minimally encoded (${count} bytes)`);
  return length;
}

function readTlv(reader: ByteReader, depth: number): Tlv {
  if (depth > MAX_TLV_DEPTH) fail("tlv", `nesting deeper than ${MAX_TLV_DEPTH}`);
  const tag = readTag(reader);
  const length = readLength(reader, tag);
  if (length > reader.remaining) fail(tagName(tag), `length ${length} exceeds the ${reader.remaining} remaining byte(s)`);
  const value = reader.take(length, tagName(tag));
  if (!isConstructedTag(tag)) return tlv(tag, value);
  return tlvs(tag, readTlvList(value, depth + 1));
}

// ---------------------------------------------------------------------------------------------
// Template reading: strict field-by-field access for the card's own structures.

/** Reads the children of a constructed object in a fixed order; refuses missing, repeated or extra tags. */
export class TemplateReader {
  #index = 0;
  constructor(
    private readonly items: readonly Tlv[],
    private readonly what: string,
  ) {}

  /** The next object must be primitive `tag`; returns its value. */
  primitive(tag: number, field: string): Uint8Array {
    const next = this.items[this.#index];
    if (!next || next.tag !== tag) {
      fail(`${this.what}.${field}`, `expected tag ${tagName(tag)}${next ? `, found ${tagName(next.tag)}` : ", found the end"}`);
    }
    if (next.kind !== "primitive") fail(`${this.what}.${field}`, `tag ${tagName(tag)} must be primitive`);
    this.#index++;
    return next.value;
  }

  /** Like `primitive` but returns null when the next object has another tag. */
  optionalPrimitive(tag: number, field: string): Uint8Array | null {
    return this.items[this.#index]?.tag === tag ? this.primitive(tag, field) : null;
  }

  /** The next object must be constructed `tag`; returns its children. */
  constructed(tag: number, field: string): readonly Tlv[] {
    const next = this.items[this.#index];
    if (!next || next.tag !== tag) {
      fail(`${this.what}.${field}`, `expected tag ${tagName(tag)}${next ? `, found ${tagName(next.tag)}` : ", found the end"}`);
    }
    if (next.kind !== "constructed") fail(`${this.what}.${field}`, `tag ${tagName(tag)} must be constructed`);
    this.#index++;
    return next.children;
  }

  /** Refuses any object left over. */
  end(): void {
    const next = this.items[this.#index];
    if (next) fail(this.what, `unexpected tag ${tagName(next.tag)}`);
  }
}
