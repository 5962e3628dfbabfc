import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../bytes";
import { TAG } from "./gp";
import { PERMISSION_TAG } from "./permission";
import { RECEIPT_TAG } from "./receipt";
import { decodeTlv, decodeTlvList, encodeLength, encodeTag, encodeTlv, encodeTlvList, isConstructedTag, MAX_TLV_DEPTH, tlv, tlvs, type Tlv } from "./tlv";

const VECTORS: readonly { name: string; hex: string; value: Tlv }[] = [
  { name: "one-byte tag, short length", hex: "42020102", value: tlv(0x42, fromHex("0102")) },
  { name: "empty value", hex: "4F00", value: tlv(0x4f, new Uint8Array(0)) },
  { name: "two-byte tag", hex: "5F20024142", value: tlv(0x5f20, fromHex("4142")) },
  { name: "three-byte tag", hex: "DF810100", value: tlv(0xdf8101, new Uint8Array(0)) },
  { name: "proprietary DF70", hex: "DF70020064", value: tlv(0xdf70, fromHex("0064")) },
  { name: "length 127 is the last short form", hex: `C47F${"AA".repeat(127)}`, value: tlv(0xc4, new Uint8Array(127).fill(0xaa)) },
  { name: "length 128 needs 81", hex: `C48180${"AA".repeat(128)}`, value: tlv(0xc4, new Uint8Array(128).fill(0xaa)) },
  { name: "length 256 needs 82", hex: `C4820100${"00".repeat(256)}`, value: tlv(0xc4, new Uint8Array(256)) },
  { name: "length 65536 needs 83", hex: `C4830100 00${"00".repeat(65_536)}`, value: tlv(0xc4, new Uint8Array(65_536)) },
  {
    name: "constructed FCI",
    hex: "6F0A8408A000000151000000",
    value: tlvs(0x6f, [tlv(0x84, fromHex("A000000151000000"))]),
  },
  {
    name: "nested constructed",
    hex: "E30D4F07A0000001510000 9F700107",
    value: tlvs(0xe3, [tlv(0x4f, fromHex("A0000001510000")), tlv(0x9f70, Uint8Array.of(0x07))]),
  },
  { name: "empty constructed", hex: "7300", value: tlvs(0x73, []) },
];

describe("BER-TLV vectors (ISO 7816-4 §5.2)", () => {
  it.each(VECTORS)("$name", ({ hex, value }) => {
    expect(toHex(encodeTlv(value))).toBe(hex.replace(/\s/g, ""));
    const decoded = decodeTlv(fromHex(hex));
    expect(decoded).toEqual({ ok: true, value });
  });

  it("encodes lengths minimally", () => {
    expect(toHex(encodeLength(0x7f))).toBe("7F");
    expect(toHex(encodeLength(0x80))).toBe("8180");
    expect(toHex(encodeLength(0xff))).toBe("81FF");
    expect(toHex(encodeLength(0x100))).toBe("820100");
    expect(toHex(encodeLength(0xffff))).toBe("82FFFF");
    expect(toHex(encodeLength(0x10000))).toBe("83010000");
    expect(() => encodeLength(-1)).toThrow(RangeError);
    expect(() => encodeLength(0x1000000)).toThrow(RangeError);
  });

  it("every tag constant the card uses is a valid ISO 7816-4 tag", () => {
    for (const tag of [...Object.values(TAG), ...Object.values(PERMISSION_TAG), ...Object.values(RECEIPT_TAG)]) {
      expect(() => encodeTag(tag), `tag ${tag.toString(16)}`).not.toThrow();
    }
    expect(isConstructedTag(PERMISSION_TAG.TOKEN)).toBe(true);
    expect(isConstructedTag(RECEIPT_TAG.BODY)).toBe(true);
  });

  it("refuses a constructed bit that does not match the object", () => {
    expect(() => encodeTlv(tlv(0x6f, new Uint8Array(0)))).toThrow(/constructed bit/);
    expect(() => encodeTlv(tlvs(0x4f, []))).toThrow(/constructed bit/);
    expect(() => encodeTag(0x00)).toThrow(/padding/);
    expect(() => encodeTag(0xff20)).toThrow(/padding/);
    expect(() => encodeTag(0x9f08)).toThrow(/one-byte tag/);
  });
});

const MALFORMED: readonly { name: string; hex: string; error: RegExp }[] = [
  { name: "empty input", hex: "", error: /tag: needs 1 bytes/ },
  { name: "padding 00 as a tag", hex: "0000", error: /padding/ },
  { name: "padding FF as a tag", hex: "FF00", error: /padding/ },
  { name: "incomplete two-byte tag", hex: "5F", error: /tlv\.tag: needs 1 bytes/ },
  { name: "two-byte tag that fits one byte", hex: "9F0800", error: /must use a one-byte tag/ },
  { name: "non-minimal tag byte 80", hex: "9F800100", error: /non-minimal encoding/ },
  { name: "four-byte tag", hex: "9F81818000", error: /longer than three bytes/ },
  { name: "missing length", hex: "42", error: /length of 42: needs 1 bytes/ },
  { name: "indefinite length", hex: "4280", error: /indefinite length/ },
  { name: "81 for a short length", hex: "42817F", error: /not minimally encoded/ },
  { name: "82 for a one-byte length", hex: "428200FF", error: /not minimally encoded/ },
  { name: "five length bytes", hex: "428400000001", error: /at most 3/ },
  { name: "truncated long length", hex: "428201", error: /length of 42: needs 2 bytes/ },
  { name: "value longer than input", hex: "42030102", error: /42: length 3 exceeds the 2 remaining/ },
  { name: "trailing byte", hex: "42010100", error: /trailing/ },
  { name: "bad child in a constructed object", hex: "6F024203", error: /42: length 3 exceeds/ },
  { name: "padding between objects", hex: "6F0400420100", error: /padding/ },
];

describe("BER-TLV strict decoding", () => {
  it.each(MALFORMED)("refuses $name", ({ hex, error }) => {
    const r = decodeTlv(fromHex(hex));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(error);
  });

  it(`refuses nesting deeper than ${MAX_TLV_DEPTH}`, () => {
    let object: Tlv = tlv(0x42, Uint8Array.of(1));
    for (let i = 0; i <= MAX_TLV_DEPTH; i++) object = tlvs(0x73, [object]);
    const r = decodeTlv(encodeTlv(object));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/nesting deeper/);
  });

  it("decodes an empty list and a list of several objects", () => {
    expect(decodeTlvList(new Uint8Array(0))).toEqual({ ok: true, value: [] });
    expect(decodeTlvList(fromHex("4F00 9E0101"))).toEqual({ ok: true, value: [tlv(0x4f, new Uint8Array(0)), tlv(0x9e, Uint8Array.of(1))] });
  });
});

/** Arbitrary valid tags with their constructed bit chosen by the generator. */
const tagArb = (constructed: boolean): fc.Arbitrary<number> => {
  const cls = fc.constantFrom(0x00, 0x40, 0x80, 0xc0);
  const c = constructed ? 0x20 : 0x00;
  const oneByte = fc
    .tuple(cls, fc.integer({ min: 1, max: 0x1e }))
    .map(([k, n]) => k | c | n)
    .filter((t) => t !== 0x00 && t !== 0xff);
  const twoByte = fc
    .tuple(cls, fc.integer({ min: 0x1f, max: 0x7f }))
    .map(([k, n]) => ((k | c | 0x1f) << 8) | n)
    .filter((t) => t >> 8 !== 0xff);
  const threeByte = fc
    .tuple(cls, fc.integer({ min: 0x81, max: 0xff }), fc.integer({ min: 0, max: 0x7f }))
    .map(([k, b2, b3]) => ((k | c | 0x1f) << 16) | (b2 << 8) | b3)
    .filter((t) => t >> 16 !== 0xff);
  return fc.oneof(oneByte, twoByte, threeByte);
};

const { node } = fc.letrec<{ node: Tlv }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.record({ kind: fc.constant("primitive" as const), tag: tagArb(false), value: fc.uint8Array({ maxLength: 300 }) }),
    fc.record({ kind: fc.constant("constructed" as const), tag: tagArb(true), children: fc.array(tie("node"), { maxLength: 4 }) }),
  ),
}));

describe("BER-TLV properties", () => {
  it("decode(encode(x)) equals x", () => {
    fc.assert(
      fc.property(fc.array(node, { maxLength: 4 }), (objects) => {
        expect(decodeTlvList(encodeTlvList(objects))).toEqual({ ok: true, value: objects });
      }),
      { numRuns: 300 },
    );
  });

  it("decoding arbitrary bytes never throws, and whatever decodes re-encodes to the same bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const r = decodeTlvList(bytes);
        if (r.ok) expect(toHex(encodeTlvList(r.value))).toBe(toHex(bytes));
      }),
      { numRuns: 1000 },
    );
  });
});
