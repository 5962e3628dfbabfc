import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { fromHex, toHex } from "@/lib/core/bytes";
import { decodeFrame, encodeFrame, hostFrame, pn532Frame, Pn532FrameError, type Pn532Frame } from "./frame";

const D4 = 0xd4;
const D5 = 0xd5;
const info = (tfi: 0xd4 | 0xd5, hex: string, extended = false): Pn532Frame => ({ kind: "info", tfi, payload: fromHex(hex), extended });

describe("PN532 frame codec (UM0701-02 §6.2.1)", () => {
  const vectors: [string, Pn532Frame, string][] = [
    ["ACK", { kind: "ack" }, "0000FF00FF00"],
    ["NACK", { kind: "nack" }, "0000FFFF0000"],
    ["error frame", { kind: "error" }, "0000FF01FF7F8100"],
    ["GetFirmwareVersion", info(D4, "02"), "0000FF02FED4022A00"],
    ["firmware answer", info(D5, "0332010607"), "0000FF06FAD50332010607E800"],
    ["SAMConfiguration", info(D4, "14011401"), "0000FF05FBD41401140102 00"],
    ["SAMConfiguration answer", info(D5, "15"), "0000FF02FED5151600"],
    ["InListPassiveTarget 106A", info(D4, "4A0100"), "0000FF04FCD44A0100E100"],
    ["InDataExchange SELECT", info(D4, "4001 00A4040008A000000151000000"), "0000FF10F0D4400100A4040008A00000015100000049 00"],
    ["TFI only", info(D5, ""), "0000FF01FFD52B00"],
    ["extended, small", info(D4, "02", true), "0000FFFFFF0002FED4022A00"],
  ];

  it.each(vectors)("%s", (_name, frame, hex) => {
    expect(toHex(encodeFrame(frame))).toBe(hex.replace(/\s/g, ""));
    expect(decodeFrame(fromHex(hex))).toEqual(frame);
  });

  it("chooses an extended frame when LEN exceeds 255", () => {
    const payload = new Uint8Array(300).fill(0xab);
    const frame = hostFrame(payload);
    expect(frame).toMatchObject({ extended: true });
    const bytes = encodeFrame(frame);
    expect(toHex(bytes.subarray(0, 8))).toBe("0000FFFFFF012DD2");
    expect(decodeFrame(bytes)).toEqual(frame);
    expect(hostFrame(new Uint8Array(254))).toMatchObject({ extended: false });
    expect(pn532Frame(new Uint8Array(255))).toMatchObject({ extended: true });
  });

  it("refuses a normal frame that does not fit", () => {
    expect(() => encodeFrame(info(D4, "00".repeat(255)))).toThrow(/LEN: 256 exceeds 255/);
  });

  const broken: [string, string, string][] = [
    ["bad LCS", "0000FF02FDD4022A00", "LCS"],
    ["bad DCS", "0000FF02FED4022B00", "DCS"],
    ["bad extended LCS", "0000FFFFFF0002FFD4022A00", "LCS"],
    ["unknown TFI", "0000FF02FED3022B00", "TFI"],
    ["LEN 0", "0000FF000000", "LEN"],
    ["start code shifted", "00FF02FED4022A00", "start code"],
    ["no preamble byte", "FF00FF02FED4022A00", "preamble"],
    ["bad start code", "0000FE02FED4022A00", "start code"],
    ["missing postamble", "0000FF02FED4022A", "postamble"],
    ["bad postamble", "0000FF02FED4022A01", "postamble"],
    ["trailing bytes", "0000FF02FED4022A0000", "frame"],
    ["truncated", "0000FF02FED402", "frame"],
    ["empty", "", "preamble"],
  ];

  it.each(broken)("rejects %s, naming the field", (_name, hex, field) => {
    let caught: unknown;
    try {
      decodeFrame(fromHex(hex));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(Pn532FrameError);
    expect((caught as Pn532FrameError).field).toBe(field);
  });

  it("decode(encode(f)) = f for any frame", () => {
    const frameArb: fc.Arbitrary<Pn532Frame> = fc.oneof(
      fc.constant<Pn532Frame>({ kind: "ack" }),
      fc.constant<Pn532Frame>({ kind: "nack" }),
      fc.constant<Pn532Frame>({ kind: "error" }),
      fc
        .record({
          tfi: fc.constantFrom<0xd4 | 0xd5>(0xd4, 0xd5),
          payload: fc.uint8Array({ maxLength: 400 }),
          extended: fc.boolean(),
        })
        .map(({ tfi, payload, extended }): Pn532Frame => ({ kind: "info", tfi, payload, extended: extended || payload.length >= 255 })),
    );
    fc.assert(
      fc.property(frameArb, (frame) => {
        expect(decodeFrame(encodeFrame(frame))).toEqual(frame);
      }),
    );
  });
});
