/**
 * The inbox's idempotency rule, kept pure so the server only supplies storage. Delivery retries
 * (the outbox resends until acknowledged) and a file imported twice must not act twice: a message id
 * seen before returns the result recorded the first time. The message id already names the issuer,
 * the provider and the sending side (message-id.ts), so it is a unique key on its own.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { toHex } from "../bytes";
import { canonicalize } from "./codec";
import { refusal, type Refusal } from "./refusal";
import type { Message } from "./schemas";

/** SHA-256 (upper-case hex) of the message's canonical bytes: equal iff the content is equal. */
export function messageFingerprint(message: Message): string {
  return toHex(sha256(canonicalize(message)));
}

/** What the inbox stored the first time it processed a message id. */
export type PriorReceipt<R> = {
  readonly fingerprint: string;
  readonly result: R;
};

/** What the inbox must do with a verified message. */
export type ReceiptDecision<R> =
  /** First time: process it, then store `fingerprint` and the result under the message id. */
  | { readonly action: "process"; readonly fingerprint: string }
  /** Seen with the same content: answer with the stored result, do nothing again. */
  | { readonly action: "replay"; readonly result: R }
  /** Seen with different content: the sender reused a message id; refuse, never overwrite. */
  | { readonly action: "refuse"; readonly refusal: Refusal };

/**
 * Decides what to do with a verified message given what the inbox stored under its message id
 * (null when never seen). Re-signing makes a new JWS, so content is compared, not the JWS.
 */
export function decideReceipt<R>(message: Message, prior: PriorReceipt<R> | null): ReceiptDecision<R> {
  const fingerprint = messageFingerprint(message);
  if (prior === null) return { action: "process", fingerprint };
  if (prior.fingerprint === fingerprint) return { action: "replay", result: prior.result };
  return {
    action: "refuse",
    refusal: refusal(
      "message-id-reused",
      `message id ${message.header.messageId} was already received with different content; a message id names one message for good`,
      "header.messageId",
    ),
  };
}
