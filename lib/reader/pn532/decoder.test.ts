import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { concatBytes, fromHex } from "@/lib/core/bytes";
import { Pn532StreamDecoder, type Pn532StreamEvent } from "./decoder";
import { encodeFrame, type Pn532Frame } from "./frame";

const frameArb: fc.Arbitrary<Pn532Frame> = fc.oneof(
  fc.constant<Pn532Frame>({ kind: "ack" }),
  fc.constant<Pn532Frame>({ kind: "nack" }),
  fc.constant<Pn532Frame>({ kind: "error" }),
  fc
    .record({ tfi: fc.constantFrom<0xd4 | 0xd5>(0xd4, 0xd5), payload: fc.uint8Array({ maxLength: 300 }), extended: fc.boolean() })
    .map(({ tfi, payload, extended }): Pn532Frame => ({ kind: "info", tfi, payload, extended: extended || payload.length >= 255 })),
);

/** Line noise that cannot fake a start code: no 00 (and no FF right after a postamble). */
const garbageArb = fc.uint8Array({ min: 0x01, max: 0xfe, maxLength: 12 });

function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let from = 0;
  for (const p of points) {
    parts.push(bytes.subarray(from, p));
    from = p;
  }
  parts.push(bytes.subarray(from));
  return parts;
}

const decodeAll = (chunks: Uint8Array[]): Pn532StreamEvent[] => {
  const decoder = new Pn532StreamDecoder();
  return chunks.flatMap((chunk) => decoder.push(chunk));
};

describe("PN532 stream decoder", () => {
  it("decodes a frame delivered one byte at a time", () => {
    const bytes = fromHex("0000FF06FAD50332010607E800");
    const decoder = new Pn532StreamDecoder();
    const events: Pn532StreamEvent[] = [];
    for (const b of bytes) events.push(...decoder.push(Uint8Array.of(b)));
    expect(events).toEqual([{ kind: "frame", frame: { kind: "info", tfi: 0xd5, payload: fromHex("0332010607"), extended: false } }]);
  });

  it("decodes merged frames and skips the wake-up preamble", () => {
    const events = decodeAll([fromHex("5555000000000000 0000FF00FF00 0000FF02FED5151600 0000FFFF0000")]);
    expect(events.map((e) => (e.kind === "frame" ? e.frame.kind : e.kind))).toEqual(["ack", "info", "nack"]);
  });

  it("reports a bad LCS and recovers the next frame", () => {
    const events = decodeAll([fromHex("0000FF02FDD4022A00 0000FF00FF00")]);
    expect(events).toEqual([
      { kind: "corrupt", field: "LCS", detail: expect.any(String) },
      { kind: "frame", frame: { kind: "ack" } },
    ]);
  });

  it("reports a bad DCS without swallowing the frame behind it", () => {
    const events = decodeAll([fromHex("0000FF02FED4022B00"), fromHex("0000FF02FED5151600")]);
    expect(events[0]).toMatchObject({ kind: "corrupt", field: "DCS" });
    expect(events.at(-1)).toEqual({ kind: "frame", frame: { kind: "info", tfi: 0xd5, payload: fromHex("15"), extended: false } });
  });

  it("waits for the rest of a partial frame and forgets it on reset", () => {
    const decoder = new Pn532StreamDecoder();
    expect(decoder.push(fromHex("0000FF06FAD503"))).toEqual([]);
    expect(decoder.pending).toBeGreaterThan(0);
    decoder.reset();
    expect(decoder.push(fromHex("0000FF00FF00"))).toEqual([{ kind: "frame", frame: { kind: "ack" } }]);
  });

  it("keeps a trailing 00 that may start a start code", () => {
    const decoder = new Pn532StreamDecoder();
    expect(decoder.push(fromHex("5555 00"))).toEqual([]);
    expect(decoder.push(fromHex("FF00FF00"))).toEqual([{ kind: "frame", frame: { kind: "ack" } }]);
  });

  it("any chunking of a valid stream with noise between frames decodes to the same frames", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(garbageArb, frameArb), { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 20 }), (items, cuts) => {
        const stream = concatBytes(...items.flatMap(([noise, frame]) => [noise, encodeFrame(frame)]));
        const expected = items.map(([, frame]) => ({ kind: "frame", frame }));
        expect(decodeAll([stream])).toEqual(expected);
        expect(decodeAll(splitAt(stream, cuts))).toEqual(expected);
      }),
    );
  });

  it("finds a frame behind any noise that holds no 00 (FF included)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ min: 0x01, max: 0xff, maxLength: 40 }), frameArb, (noise, frame) => {
        expect(decodeAll([concatBytes(noise, encodeFrame(frame))])).toEqual([{ kind: "frame", frame }]);
      }),
    );
  });
});
