/**
 * Meaning of ISO 7816-4 status words (§5.6, Tables 5–6) and the GlobalPlatform ones
 * (GP Card Spec 2.3.1 §11.1.3). Used by the APDU trace when no card-specific table is given.
 */
const EXACT: ReadonlyMap<number, string> = new Map([
  [0x9000, "OK"],
  [0x6200, "Warning: no information given, state unchanged"],
  [0x6281, "Warning: part of returned data may be corrupted"],
  [0x6282, "Warning: end of file reached before reading Ne bytes"],
  [0x6283, "Warning: selected file deactivated"],
  [0x6310, "Warning: more data available"],
  [0x6400, "Error: execution error, state unchanged"],
  [0x6581, "Error: memory failure"],
  [0x6700, "Wrong length"],
  [0x6881, "Logical channel not supported"],
  [0x6882, "Secure messaging not supported"],
  [0x6883, "Last command of the chain expected"],
  [0x6884, "Command chaining not supported"],
  [0x6982, "Security status not satisfied"],
  [0x6983, "Authentication method blocked"],
  [0x6984, "Reference data not usable"],
  [0x6985, "Conditions of use not satisfied"],
  [0x6986, "Command not allowed (no current EF)"],
  [0x6A80, "Incorrect parameters in the command data field"],
  [0x6A81, "Function not supported"],
  [0x6A82, "File or application not found"],
  [0x6A84, "Not enough memory space"],
  [0x6A86, "Incorrect parameters P1-P2"],
  [0x6A88, "Referenced data not found"],
  [0x6B00, "Wrong parameters P1-P2"],
  [0x6D00, "Instruction not supported"],
  [0x6E00, "Class not supported"],
  [0x6F00, "No precise diagnosis"],
]);

/** Human meaning of a status word; falls back to the ISO 7816-4 group when the exact value is unknown. */
export function describeStatusWordFallback(sw: number): string {
  const exact = EXACT.get(sw);
  if (exact !== undefined) return exact;
  const sw1 = sw >> 8;
  const sw2 = sw & 0xff;
  if (sw1 === 0x61) return `OK, ${sw2} more bytes available (GET RESPONSE)`;
  if (sw1 === 0x6c) return `Wrong Le: exact length is ${sw2}`;
  if (sw1 === 0x63 && (sw2 & 0xf0) === 0xc0) return `Verification failed, ${sw2 & 0x0f} tries left`;
  if (sw1 === 0x62 || sw1 === 0x63) return "Warning";
  if (sw1 >= 0x64 && sw1 <= 0x6f) return "Error";
  return "Unknown status word";
}
