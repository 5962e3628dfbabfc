/**
 * The card's Answer-To-Reset (ISO/IEC 7816-3 §8.2):
 *
 *   3B        TS  direct convention
 *   8C        T0  TD1 present, 12 historical bytes
 *   80        TD1 TD2 present, protocol T=0
 *   01        TD2 protocol T=1
 *   80        historical: category indicator, compact-TLV follows (ISO 7816-4 §8.1.1)
 *   56 …      compact-TLV tag 5 (card issuer's data), 6 bytes: "ReCard"
 *   73 C0 00 C0  compact-TLV tag 7 (card capabilities, ISO 7816-4 §8.1.1.2.7): selection by full
 *              and partial DF name; command chaining; extended Lc and Le fields; no logical channels
 *   TCK       XOR of T0 … last historical byte (required because T=1 is offered)
 */
import { concatBytes, utf8 } from "../bytes";

const HISTORICAL = concatBytes(Uint8Array.of(0x80, 0x56), utf8("ReCard"), Uint8Array.of(0x73, 0xc0, 0x00, 0xc0));

function withTck(bytes: Uint8Array): Uint8Array {
  let tck = 0;
  for (const b of bytes.subarray(1)) tck ^= b;
  return concatBytes(bytes, Uint8Array.of(tck));
}

/** The ATR every ReCard simulated card answers with. */
export const CARD_ATR: Uint8Array = withTck(concatBytes(Uint8Array.of(0x3b, 0x80 | HISTORICAL.length, 0x80, 0x01), HISTORICAL));

/** Checks the TCK of an ATR (XOR of T0 … TCK is 0, ISO 7816-3 §8.2.5). */
export function isAtrChecksumValid(atr: Uint8Array): boolean {
  let x = 0;
  for (const b of atr.subarray(1)) x ^= b;
  return atr.length > 2 && x === 0;
}
