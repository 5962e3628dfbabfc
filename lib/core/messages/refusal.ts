/**
 * Refusals: every way a message can be turned away, as a closed set of codes so the server can map
 * each one to what the operator sees (STYLE.md, convention 5). `field` is the path of the offending
 * field in the message ("pairs[2].oldCardId") when one field is to blame.
 */
export const REFUSAL_CODES = [
  // codec (parseMessage / decodeMessage)
  "malformed-json",
  "not-a-message",
  "unknown-message-type",
  "unsupported-version",
  "missing-field",
  "unknown-field",
  "invalid-field",
  "invalid-message-id",
  "message-id-mismatch",
  "platform-type-mismatch",
  "duplicate-entry",
  "totals-mismatch",
  // signatures (verifyMessage)
  "malformed-jws",
  "unsupported-jws-type",
  "unsupported-algorithm",
  "algorithm-mismatch",
  "unknown-sender",
  "bad-signature",
  "non-canonical-payload",
  "sender-mismatch",
  "wrong-receiver",
  "wrong-direction",
  "stale-message",
  "future-message",
  // inbox replay rule (decideReceipt)
  "message-id-reused",
  // files (decodeMessageFile)
  "malformed-file",
  "unsupported-file-version",
  "file-meta-mismatch",
  // Fig. 18 dispatch
  "platform-type-unknown",
] as const;

export type RefusalCode = (typeof REFUSAL_CODES)[number];

/** Why a message was refused: a code for programs, a precise sentence for people. */
export type Refusal = {
  readonly code: RefusalCode;
  readonly message: string;
  readonly field?: string;
};

/** Builds a refusal; `field` is omitted when no single field is to blame. */
export function refusal(code: RefusalCode, message: string, field?: string): Refusal {
  return field === undefined ? { code, message } : { code, message, field };
}
