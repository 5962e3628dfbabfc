import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../bytes";
import { commandApdu, decodeCommandApdu, decodeResponseApdu, encodeCommandApdu, encodeResponseApdu, type CommandApdu } from "./apdu";

const apdu = (fields: Partial<CommandApdu> & { extended: boolean }): CommandApdu => ({
  cla: 0x00,
  ins: 0xa4,
  p1: 0x04,
  p2: 0x00,
  data: new Uint8Array(0),
  ne: null,
  ...fields,
});

const VECTORS: readonly { name: string; hex: string; value: CommandApdu }[] = [
  { name: "case 1", hex: "00A40400", value: apdu({ extended: false }) },
  { name: "case 2S, Le=01", hex: "00A4040001", value: apdu({ ne: 1, extended: false }) },
  { name: "case 2S, Le=00 means 256", hex: "00A4040000", value: apdu({ ne: 256, extended: false }) },
  { name: "case 3S", hex: "00A4040002A0B0", value: apdu({ data: fromHex("A0B0"), extended: false }) },
  { name: "case 4S", hex: "00A4040002A0B010", value: apdu({ data: fromHex("A0B0"), ne: 16, extended: false }) },
  { name: "case 4S, Le=00", hex: "00A4040001A000", value: apdu({ data: fromHex("A0"), ne: 256, extended: false }) },
  { name: "case 2E", hex: "00A4040000 0101", value: apdu({ ne: 257, extended: true }) },
  { name: "case 2E, Le=0000 means 65536", hex: "00A4040000 0000", value: apdu({ ne: 65_536, extended: true }) },
  { name: "case 3E", hex: "00A4040000 0002 A0B0", value: apdu({ data: fromHex("A0B0"), extended: true }) },
  { name: "case 4E", hex: "00A4040000 0002 A0B0 0100", value: apdu({ data: fromHex("A0B0"), ne: 256, extended: true }) },
  { name: "case 4E, Le=0000", hex: "00A4040000 0001 A0 0000", value: apdu({ data: fromHex("A0"), ne: 65_536, extended: true }) },
];

describe("command APDU vectors (ISO 7816-4 §5.1)", () => {
  it.each(VECTORS)("$name", ({ hex, value }) => {
    expect(toHex(encodeCommandApdu(value))).toBe(hex.replace(/\s/g, ""));
    expect(decodeCommandApdu(fromHex(hex))).toEqual({ ok: true, value });
  });

  it("commandApdu picks extended lengths only when needed", () => {
    expect(commandApdu({ cla: 0, ins: 0xca, p1: 0, p2: 0x42, ne: 256 }).extended).toBe(false);
    expect(commandApdu({ cla: 0, ins: 0xca, p1: 0, p2: 0x42, ne: 257 }).extended).toBe(true);
    expect(commandApdu({ cla: 0x80, ins: 0xe8, p1: 0, p2: 0, data: new Uint8Array(255) }).extended).toBe(false);
    expect(commandApdu({ cla: 0x80, ins: 0xe8, p1: 0, p2: 0, data: new Uint8Array(256) }).extended).toBe(true);
  });

  it("refuses values no encoding can carry", () => {
    expect(() => encodeCommandApdu(apdu({ cla: 0x100, extended: false }))).toThrow(/CLA/);
    expect(() => encodeCommandApdu(apdu({ data: new Uint8Array(256), extended: false }))).toThrow(/Nc 256/);
    expect(() => encodeCommandApdu(apdu({ ne: 0, extended: false }))).toThrow(/Ne 0/);
    expect(() => encodeCommandApdu(apdu({ ne: 257, extended: false }))).toThrow(/Ne 257/);
    expect(() => encodeCommandApdu(apdu({ extended: true }))).toThrow(/case 1/);
  });
});

const MALFORMED: readonly { name: string; hex: string; error: RegExp }[] = [
  { name: "empty", hex: "", error: /header: needs 4 bytes/ },
  { name: "three bytes", hex: "00A404", error: /header: needs 4 bytes .*, got 3/ },
  { name: "short Lc longer than the body", hex: "00A4040005A0B0", error: /short Lc=5/ },
  { name: "short Lc with two trailing bytes", hex: "00A4040001A00000", error: /short Lc=1/ },
  { name: "extended field cut to two bytes", hex: "00A404000000", error: /extended length field is 3 bytes/ },
  { name: "extended Lc of zero", hex: "00A40400000000A0", error: /must not be 0000/ },
  { name: "extended Lc longer than the body", hex: "00A4040000 0003 A0B0", error: /extended Lc=3/ },
  { name: "extended case 4 with a one-byte Le", hex: "00A4040000 0001 A0 00", error: /extended Lc=1/ },
];

describe("command APDU strict decoding", () => {
  it.each(MALFORMED)("refuses $name", ({ hex, error }) => {
    const r = decodeCommandApdu(fromHex(hex));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(error);
  });

  it("decode(encode(x)) equals x for every valid command", () => {
    const arb = fc
      .record({
        cla: fc.integer({ min: 0, max: 255 }),
        ins: fc.integer({ min: 0, max: 255 }),
        p1: fc.integer({ min: 0, max: 255 }),
        p2: fc.integer({ min: 0, max: 255 }),
        extended: fc.boolean(),
        nc: fc.nat({ max: 600 }),
        ne: fc.option(fc.integer({ min: 1, max: 65_536 }), { nil: null }),
      })
      .filter((x) => (x.extended ? x.nc > 0 || x.ne !== null : x.nc <= 255 && (x.ne === null || x.ne <= 256)))
      .map(({ nc, ...x }): CommandApdu => ({ ...x, data: new Uint8Array(nc).fill(0x5a) }));
    fc.assert(
      fc.property(arb, (command) => {
        expect(decodeCommandApdu(encodeCommandApdu(command))).toEqual({ ok: true, value: command });
      }),
      { numRuns: 500 },
    );
  });

  it("never throws on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const r = decodeCommandApdu(bytes);
        if (r.ok) expect(toHex(encodeCommandApdu(r.value))).toBe(toHex(bytes));
      }),
      { numRuns: 1000 },
    );
  });
});

describe("response APDU", () => {
  it("round-trips data and status word", () => {
    expect(toHex(encodeResponseApdu({ data: fromHex("0102"), sw: 0x9000 }))).toBe("01029000");
    expect(decodeResponseApdu(fromHex("6A82"))).toEqual({ ok: true, value: { data: new Uint8Array(0), sw: 0x6a82 } });
    expect(decodeResponseApdu(fromHex("90")).ok).toBe(false);
  });
});
