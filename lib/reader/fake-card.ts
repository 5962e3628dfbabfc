import { concatBytes, equalBytes, fromHex } from "@/lib/core/bytes";
import type { CardLike } from "./types";

const ISD_AID = fromHex("A000000151000000");

/**
 * A few-line card for transport tests: SELECT of the ISD, GET DATA DF70, an echo command
 * (INS EE) and a sized read (INS B0, P1P2 = length) for chaining; everything else is 6D00.
 */
export class FakeCard implements CardLike {
  /** T=1 ATR with the historical bytes "RECARD" and TCK (ISO/IEC 7816-3 §8.2). */
  readonly atr = fromHex("3B86800152454341524404");
  isPowered = false;
  powerOns = 0;
  apdus: Uint8Array[] = [];

  constructor(readonly platformType: 100 | 200 = 100) {}

  powerOn(): Uint8Array {
    this.isPowered = true;
    this.powerOns++;
    return this.atr;
  }

  powerOff(): void {
    this.isPowered = false;
  }

  reset(): Uint8Array {
    return this.powerOn();
  }

  async transmit(apdu: Uint8Array): Promise<Uint8Array> {
    this.apdus.push(apdu.slice());
    if (!this.isPowered) return fromHex("6F00");
    const [cla, ins, p1, p2] = [apdu[0], apdu[1], apdu[2], apdu[3]];
    if (cla === undefined || ins === undefined || p1 === undefined || p2 === undefined) return fromHex("6700");
    if (ins === 0xa4 && p1 === 0x04) {
      const lc = apdu[4] ?? 0;
      const aid = apdu.subarray(5, 5 + lc);
      return equalBytes(aid, ISD_AID) ? fromHex("6F108408A000000151000000A5049F6501FF9000") : fromHex("6A82");
    }
    if (ins === 0xca && p1 === 0xdf && p2 === 0x70) return Uint8Array.of(0xdf, 0x70, 0x02, 0x00, this.platformType, 0x90, 0x00);
    if (ins === 0xee) {
      // Extended Lc is 00 then two bytes (ISO/IEC 7816-4 §5.1).
      const data = apdu[4] === 0x00 && apdu.length > 7 ? apdu.subarray(7) : apdu.subarray(5);
      return concatBytes(data, fromHex("9000"));
    }
    if (ins === 0xb0) {
      const length = (p1 << 8) | p2;
      const data = new Uint8Array(length);
      for (let i = 0; i < length; i++) data[i] = i & 0xff;
      return concatBytes(data, fromHex("9000"));
    }
    return fromHex("6D00");
  }
}
