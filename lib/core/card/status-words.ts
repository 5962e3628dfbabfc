/**
 * Every status word the simulated card answers, with the reason this card uses it.
 * ISO/IEC 7816-4 §5.6 (Tables 5 and 6) and GP Card Spec 2.3.1 §11.1.3 (general error conditions).
 */
export const SW = {
  /** ISO 7816-4 §5.6: normal processing. */
  OK: 0x9000,
  /** GP 2.3.1 Amendment D Table 7-6: EXTERNAL AUTHENTICATE, the host cryptogram does not verify (channel closed). */
  AUTHENTICATION_FAILED: 0x6300,
  /** GP 2.3.1 §11.4.3: GET STATUS has more data: send it again with P2 b1 set ("next occurrence"). */
  MORE_DATA: 0x6310,
  /** ISO 7816-4 Table 6: SELECT of the ISD on a CARD_LOCKED card (GP 2.3.1 §11.9.3.2). */
  SELECTED_FILE_INVALIDATED: 0x6283,
  /** ISO 7816-4 Table 6 / GP 2.3.1 §11.1.3: a content-management write failed; state rolled back. */
  MEMORY_FAILURE: 0x6581,
  /** ISO 7816-4 Table 6: the APDU's length fields are inconsistent, or Lc/Le is wrong for the command. */
  WRONG_LENGTH: 0x6700,
  /** ISO 7816-4 Table 6: CLA names a logical channel other than 0. */
  LOGICAL_CHANNEL_NOT_SUPPORTED: 0x6881,
  /** ISO 7816-4 Table 6: CLA asks for a secure messaging format other than GP's (CLA '84'). */
  SECURE_MESSAGING_NOT_SUPPORTED: 0x6882,
  /** ISO 7816-4 Table 6: command chaining inside a secure channel (each protected command travels as one APDU). */
  CHAINING_NOT_SUPPORTED: 0x6884,
  /** ISO 7816-4 Table 6: a command chain was interrupted by another command (the chain is dropped). */
  LAST_COMMAND_OF_CHAIN_EXPECTED: 0x6883,
  /** ISO 7816-4 Table 6: the data is protected (card id on platform 200) or the token does not verify. */
  SECURITY_STATUS_NOT_SATISFIED: 0x6982,
  /** ISO 7816-4 Table 6: incorrect secure messaging data objects (C-DEC padding does not decode; channel closed). */
  INCORRECT_SM_DATA: 0x6988,
  /** ISO 7816-4 Table 6: wrong state, sequence, expired/replayed token, exhausted counter, insufficient funds. */
  CONDITIONS_NOT_SATISFIED: 0x6985,
  /** ISO 7816-4 Table 6: malformed command data. */
  WRONG_DATA: 0x6a80,
  /** ISO 7816-4 Table 6 / GP 2.3.1 §11.1.3: the card is TERMINATED (every command), or SELECT of an app on a locked card. */
  FUNCTION_NOT_SUPPORTED: 0x6a81,
  /** ISO 7816-4 Table 6: no application (or file) matches the SELECT. */
  FILE_NOT_FOUND: 0x6a82,
  /** ISO 7816-4 Table 6: the load file does not fit the card's non-volatile memory. */
  NOT_ENOUGH_MEMORY: 0x6a84,
  /** ISO 7816-4 Table 6: P1-P2 not valid for this instruction. */
  WRONG_P1P2: 0x6a86,
  /** ISO 7816-4 Table 6: GET DATA tag, GET STATUS search or DELETE target not present. */
  DATA_NOT_FOUND: 0x6a88,
  /** ISO 7816-4 Table 6: INS not supported by the selected application. */
  INS_NOT_SUPPORTED: 0x6d00,
  /** ISO 7816-4 Table 6: CLA not supported. */
  CLA_NOT_SUPPORTED: 0x6e00,
  /** ISO 7816-4 Table 6: card not powered (simulator) or internal error; state unchanged. */
  NO_PRECISE_DIAGNOSIS: 0x6f00,
} as const;

/** SW1 '61': SW2 more bytes are available with GET RESPONSE (ISO 7816-4 §5.6, Table 5). */
export const SW1_BYTES_REMAINING = 0x61;
/** SW1 '6C': wrong Le, SW2 is the exact length available (ISO 7816-4 §5.6, Table 6). */
export const SW1_WRONG_LE = 0x6c;

const MEANINGS: ReadonlyMap<number, string> = new Map([
  [SW.OK, "OK"],
  [SW.AUTHENTICATION_FAILED, "Authentication failed: the host cryptogram does not verify (secure channel closed)"],
  [SW.MORE_DATA, "More data available: repeat GET STATUS with P2 'next occurrence'"],
  [SW.CHAINING_NOT_SUPPORTED, "Command chaining is not supported inside a secure channel"],
  [SW.INCORRECT_SM_DATA, "Incorrect secure messaging data: the encrypted command does not decode (secure channel closed)"],
  [SW.SELECTED_FILE_INVALIDATED, "Warning: card is locked (CARD_LOCKED); only GET DATA and SET STATUS are available"],
  [SW.MEMORY_FAILURE, "Memory failure: the content-management write was rolled back"],
  [SW.WRONG_LENGTH, "Wrong length: Lc or Le is inconsistent or wrong for this command"],
  [SW.LOGICAL_CHANNEL_NOT_SUPPORTED, "Logical channels are not supported (use channel 0)"],
  [SW.SECURE_MESSAGING_NOT_SUPPORTED, "This secure messaging format is not supported (use GlobalPlatform SCP03, CLA 84)"],
  [SW.LAST_COMMAND_OF_CHAIN_EXPECTED, "Last command of the chain expected: the chain was interrupted and dropped"],
  [
    SW.SECURITY_STATUS_NOT_SATISFIED,
    "Security status not satisfied: protected data (needs a secure channel on platform 200), a C-MAC that does not verify (secure channel closed), or an issuer token that does not verify for this card, application or operation",
  ],
  [
    SW.CONDITIONS_NOT_SATISFIED,
    "Conditions of use not satisfied: wrong life-cycle state or command sequence, token expired or already used, confirmation counter exhausted, or insufficient balance",
  ],
  [SW.WRONG_DATA, "Incorrect data in the command (malformed field, token or load file)"],
  [SW.FUNCTION_NOT_SUPPORTED, "Function not supported: card terminated, or application selection on a locked card"],
  [SW.FILE_NOT_FOUND, "Application or file not found"],
  [SW.NOT_ENOUGH_MEMORY, "Not enough memory on the card for this load file"],
  [SW.WRONG_P1P2, "Incorrect P1-P2 for this instruction"],
  [SW.DATA_NOT_FOUND, "Referenced data not found (unknown tag, no matching application)"],
  [SW.INS_NOT_SUPPORTED, "Instruction not supported by the selected application"],
  [SW.CLA_NOT_SUPPORTED, "Class byte not supported"],
  [SW.NO_PRECISE_DIAGNOSIS, "No precise diagnosis (card not powered, or internal error with state unchanged)"],
]);

/**
 * A status word's meaning as a code with its values: what pages render in the reader's language
 * (messages/<locale>/common.json "statusWords", lib/reader/status-word-words.ts). Every word the card
 * answers has its own code; others fall into the ISO 7816-4 classes.
 */
export const STATUS_WORD_CODES = [
  "ok",
  "authentication-failed",
  "more-data",
  "chaining-not-supported",
  "incorrect-sm-data",
  "card-locked",
  "memory-failure",
  "wrong-length",
  "logical-channel-not-supported",
  "secure-messaging-not-supported",
  "last-command-of-chain-expected",
  "security-status-not-satisfied",
  "conditions-not-satisfied",
  "wrong-data",
  "function-not-supported",
  "file-not-found",
  "not-enough-memory",
  "wrong-p1p2",
  "data-not-found",
  "ins-not-supported",
  "cla-not-supported",
  "no-precise-diagnosis",
  "bytes-remaining",
  "wrong-le",
  "warning",
  "error",
  "unknown",
] as const;
export type StatusWordCode = (typeof STATUS_WORD_CODES)[number];
export type StatusWordMeaning = { readonly code: StatusWordCode; readonly values: Readonly<Record<string, number>> };

const CODES: ReadonlyMap<number, StatusWordCode> = new Map<number, StatusWordCode>([
  [SW.OK, "ok"],
  [SW.AUTHENTICATION_FAILED, "authentication-failed"],
  [SW.MORE_DATA, "more-data"],
  [SW.CHAINING_NOT_SUPPORTED, "chaining-not-supported"],
  [SW.INCORRECT_SM_DATA, "incorrect-sm-data"],
  [SW.SELECTED_FILE_INVALIDATED, "card-locked"],
  [SW.MEMORY_FAILURE, "memory-failure"],
  [SW.WRONG_LENGTH, "wrong-length"],
  [SW.LOGICAL_CHANNEL_NOT_SUPPORTED, "logical-channel-not-supported"],
  [SW.SECURE_MESSAGING_NOT_SUPPORTED, "secure-messaging-not-supported"],
  [SW.LAST_COMMAND_OF_CHAIN_EXPECTED, "last-command-of-chain-expected"],
  [SW.SECURITY_STATUS_NOT_SATISFIED, "security-status-not-satisfied"],
  [SW.CONDITIONS_NOT_SATISFIED, "conditions-not-satisfied"],
  [SW.WRONG_DATA, "wrong-data"],
  [SW.FUNCTION_NOT_SUPPORTED, "function-not-supported"],
  [SW.FILE_NOT_FOUND, "file-not-found"],
  [SW.NOT_ENOUGH_MEMORY, "not-enough-memory"],
  [SW.WRONG_P1P2, "wrong-p1p2"],
  [SW.DATA_NOT_FOUND, "data-not-found"],
  [SW.INS_NOT_SUPPORTED, "ins-not-supported"],
  [SW.CLA_NOT_SUPPORTED, "cla-not-supported"],
  [SW.NO_PRECISE_DIAGNOSIS, "no-precise-diagnosis"],
]);

/** A status word's meaning as a code (the words are the reader's language's, never stored). */
export function statusWordMeaning(sw: number): StatusWordMeaning {
  const exact = CODES.get(sw);
  if (exact !== undefined) return { code: exact, values: {} };
  const sw1 = sw >> 8;
  const sw2 = sw & 0xff;
  if (sw1 === SW1_BYTES_REMAINING) return { code: "bytes-remaining", values: { count: sw2 } };
  if (sw1 === SW1_WRONG_LE) return { code: "wrong-le", values: { le: sw2 === 0 ? 256 : sw2 } };
  if (sw1 === 0x62 || sw1 === 0x63) return { code: "warning", values: {} };
  if (sw1 >= 0x64 && sw1 <= 0x6f) return { code: "error", values: {} };
  return { code: "unknown", values: {} };
}

/** "6A84" → 0x6A84, or null when it is not four hex digits (a stored status word read back). */
export function parseStatusWord(text: string): number | null {
  return /^[0-9A-F]{4}$/.test(text) ? parseInt(text, 16) : null;
}

/**
 * English meaning of a status word, for logs, tools and error texts that never reach a page (the
 * vpcd bridge, the CLI, thrown errors). Pages render `statusWordMeaning` from the message files.
 */
export function describeStatusWord(sw: number): string {
  const exact = MEANINGS.get(sw);
  if (exact !== undefined) return exact;
  const sw1 = sw >> 8;
  const sw2 = sw & 0xff;
  if (sw1 === SW1_BYTES_REMAINING) return `OK, ${sw2 === 0 ? "256 or more" : sw2} byte(s) still available with GET RESPONSE`;
  if (sw1 === SW1_WRONG_LE) return `Wrong Le: resend with Le = ${sw2 === 0 ? 256 : sw2}`;
  if (sw1 === 0x62 || sw1 === 0x63) return "Warning (not used by this card)";
  if (sw1 >= 0x64 && sw1 <= 0x6f) return "Error (not used by this card)";
  return "Unknown status word";
}

/** "6A82"-style spelling. */
export function formatStatusWord(sw: number): string {
  return sw.toString(16).toUpperCase().padStart(4, "0");
}
