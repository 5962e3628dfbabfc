/**
 * Message ids (patent, Fig. 15 / step 807: "company identification data of the card issuer and the
 * service provider and a sequence number"). One format for every message the two companies exchange:
 *
 *   <issuer company id>-<provider company id>-<direction><sequence>
 *
 * direction is `I` when the issuer sent the message (loading permissions, notifications, replies)
 * and `P` when the provider did (requests, confirmations), so each sender allocates from its own
 * sequence and the two can never collide. The sequence is ten decimal digits, zero padded.
 * In GlobalPlatform terms (DESIGN.md) the three parts map onto tags 42, 5F20 and 93.
 */
import { err, ok, type Result } from "./result";

export const COMPANY_ID_PATTERN = /^[A-Z0-9]{4,12}$/;
export const MESSAGE_ID_PATTERN = /^([A-Z0-9]{4,12})-([A-Z0-9]{4,12})-([IP])(\d{10})$/;
export const MAX_SEQUENCE = 9_999_999_999;

export type MessageDirection = "I" | "P";

export type MessageIdParts = {
  readonly issuerCompanyId: string;
  readonly providerCompanyId: string;
  readonly direction: MessageDirection;
  readonly sequence: number;
};

/** True when `id` is a well-formed company id. */
export function isCompanyId(id: string): boolean {
  return COMPANY_ID_PATTERN.test(id);
}

/** Formats a message id; throws on a malformed part (a broken invariant, not user input). */
export function formatMessageId(parts: MessageIdParts): string {
  const { issuerCompanyId, providerCompanyId, direction, sequence } = parts;
  if (!isCompanyId(issuerCompanyId)) throw new RangeError(`issuer company id: ${issuerCompanyId}`);
  if (!isCompanyId(providerCompanyId)) throw new RangeError(`provider company id: ${providerCompanyId}`);
  if (!Number.isSafeInteger(sequence) || sequence < 1 || sequence > MAX_SEQUENCE) {
    throw new RangeError(`message sequence: ${sequence}`);
  }
  return `${issuerCompanyId}-${providerCompanyId}-${direction}${String(sequence).padStart(10, "0")}`;
}

/** Parses a message id, naming what is wrong when it is malformed. */
export function parseMessageId(id: string): Result<MessageIdParts, string> {
  const match = MESSAGE_ID_PATTERN.exec(id);
  if (!match) return err(`message id "${id.slice(0, 64)}" is not <issuer>-<provider>-<I|P><10 digits>`);
  const sequence = Number(match[4]);
  if (sequence < 1) return err("message id sequence must start at 1");
  return ok({
    issuerCompanyId: match[1]!,
    providerCompanyId: match[2]!,
    direction: match[3] as MessageDirection,
    sequence,
  });
}
