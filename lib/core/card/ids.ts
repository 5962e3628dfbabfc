/** Identifier formats the card deals in (card id, surface number, IIN, AID, company and message ids). */
import { isCompanyId, parseMessageId } from "../message-id";
import { isUpperHex } from "./codec";

/** Card id: 8 bytes (64 random bits), 16 upper-case hex digits. */
export function isCardId(text: unknown): text is string {
  return typeof text === "string" && /^[0-9A-F]{16}$/.test(text);
}

/** AID: 5 to 16 bytes (ISO/IEC 7816-5 RID + PIX), upper-case hex. */
export function isAidHex(text: unknown): text is string {
  return isUpperHex(text, 5, 16);
}

/** Issuer Identification Number: 6 or 8 digits (ISO/IEC 7812-1:2017). */
export function isIin(text: unknown): text is string {
  return typeof text === "string" && /^(?:\d{6}|\d{8})$/.test(text);
}

/** Surface number: 16 digits with a valid Luhn check digit (ISO/IEC 7812-1 Annex B). */
export function isSurfaceNumber(text: unknown): text is string {
  return typeof text === "string" && /^\d{16}$/.test(text) && luhnCheckDigit(text.slice(0, 15)) === Number(text[15]);
}

/** The Luhn check digit for a string of digits (ISO/IEC 7812-1 Annex B). */
export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** Company id (message-id.ts): 4 to 12 upper-case letters or digits. */
export function isCompanyIdText(text: unknown): text is string {
  return typeof text === "string" && isCompanyId(text);
}

/** Message id (message-id.ts): `<issuer>-<provider>-<I|P><10 digits>`, sequence ≥ 1. */
export function isMessageIdText(text: unknown): text is string {
  return typeof text === "string" && parseMessageId(text).ok;
}

/** Cardholder name as printed on the plastic: 1 to 64 characters, no control characters, trimmed. */
export function isCardholderName(text: unknown): text is string {
  return typeof text === "string" && /^[^\p{Cc}]{1,64}$/u.test(text) && text.trim() === text;
}

/** ISO 4217 alphabetic currency code. */
export function isCurrency(text: unknown): text is string {
  return typeof text === "string" && /^[A-Z]{3}$/.test(text);
}
