import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { concatBytes, fromHex, toHex } from "@/lib/core/bytes";
import { FakeCard } from "../fake-card";
import { decodeVpcdFrame, decodeVpcdMessage, encodeVpcdFrame, encodeVpcdMessage, VpcdFormatError, VpcdStreamDecoder, type VpcdMessage } from "./frame";
import { VpcdCardSession } from "./session";

describe("vpcd frames", () => {
  const vectors: [string, VpcdMessage, string][] = [
    ["power off", { kind: "power-off" }, "0001 00"],
    ["power on", { kind: "power-on" }, "0001 01"],
    ["reset", { kind: "reset" }, "0001 02"],
    ["get ATR", { kind: "get-atr" }, "0001 04"],
    ["SELECT ISD", { kind: "apdu", apdu: fromHex("00A4040008A000000151000000") }, "000D 00A4040008A000000151000000"],
  ];
  it.each(vectors)("%s", (_name, message, hex) => {
    expect(toHex(encodeVpcdFrame(encodeVpcdMessage(message)))).toBe(hex.replace(/\s/g, ""));
    expect(decodeVpcdMessage(decodeVpcdFrame(fromHex(hex)))).toEqual(message);
  });

  it("puts the length big-endian", () => {
    const frame = encodeVpcdFrame(new Uint8Array(0x0123));
    expect(toHex(frame.subarray(0, 2))).toBe("0123");
    expect(toHex(encodeVpcdFrame(new Uint8Array(0xffff)).subarray(0, 2))).toBe("FFFF");
    expect(() => encodeVpcdFrame(new Uint8Array(0x10000))).toThrow(VpcdFormatError);
  });

  const broken: [string, string, string][] = [
    ["short length", "00", "vpcd length"],
    ["truncated payload", "0003 0102", "vpcd payload"],
    ["trailing bytes", "0001 04 00", "vpcd payload"],
  ];
  it.each(broken)("rejects %s", (_name, hex, message) => {
    expect(() => decodeVpcdFrame(fromHex(hex))).toThrow(message);
  });

  it("rejects unknown control bytes and empty payloads", () => {
    expect(() => decodeVpcdMessage(fromHex("03"))).toThrow("vpcd control: unknown control byte 0x03");
    expect(() => decodeVpcdMessage(new Uint8Array(0))).toThrow("vpcd payload: empty");
    expect(() => encodeVpcdMessage({ kind: "apdu", apdu: fromHex("00") })).toThrow(VpcdFormatError);
  });

  it("decodes split and merged TCP chunks into the same payloads", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { maxLength: 10 }), fc.array(fc.nat(), { maxLength: 30 }), (payloads, cuts) => {
        const stream = concatBytes(...payloads.map(encodeVpcdFrame));
        const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
        const decoder = new VpcdStreamDecoder();
        const out: Uint8Array[] = [];
        let from = 0;
        for (const p of [...points, stream.length]) {
          out.push(...decoder.push(stream.subarray(from, p)));
          from = p;
        }
        expect(out).toEqual(payloads);
        expect(decoder.pending).toBe(0);
      }),
    );
  });

  it("carries an extended APDU of 65,535 bytes", () => {
    const apdu = new Uint8Array(0xffff).fill(0x5a);
    const decoder = new VpcdStreamDecoder();
    const frame = encodeVpcdFrame(apdu);
    expect(decoder.push(frame.subarray(0, 1000))).toEqual([]);
    expect(decoder.push(frame.subarray(1000))).toEqual([apdu]);
  });
});

describe("vpcd card session", () => {
  it("answers get-ATR and APDUs, stays silent on power and reset, and reports each APDU", async () => {
    const card = new FakeCard(200);
    const seen: string[] = [];
    const session = new VpcdCardSession(card, { onApdu: (c, r) => seen.push(`${toHex(c)}→${toHex(r)}`) });
    expect(await session.handle(fromHex("01"))).toBeNull();
    expect(card.isPowered).toBe(true);
    expect(toHex((await session.handle(fromHex("04")))!)).toBe("000B" + toHex(card.atr));
    expect(toHex((await session.handle(fromHex("80CADF7000")))!)).toBe("0007DF700200C89000");
    expect(await session.handle(fromHex("02"))).toBeNull();
    expect(await session.handle(fromHex("00"))).toBeNull();
    expect(card.isPowered).toBe(false);
    expect(await session.handle(fromHex("07"))).toBeNull();
    expect(seen).toEqual(["80CADF7000→DF700200C89000"]);
  });
});
