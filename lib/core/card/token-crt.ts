/**
 * The control reference template B6 that tokens and receipts share (GP 2.3.1 §11.2.2.3 and
 * §C.4): it carries the message id split over GP's fields, and the card binding instead of the
 * card image number so that the provider who carries a token never learns the card id.
 *
 *   B6 L
 *     42 L   issuer company id        ASCII, 4..12 (the security domain provider that checks tokens)
 *     45 20  card binding             SHA-256(domain ‖ 00 ‖ card id ‖ message id)
 *     5F20 L provider company id      ASCII, 4..12 (application provider identifier)
 *     93 0B  token number             ASCII "<I|P><10 digits>"
 *
 * 42 ‖ "-" ‖ 5F20 ‖ "-" ‖ 93 is the message id, character for character.
 */
import { toHex, utf8 } from "../bytes";
import { parseMessageId } from "../message-id";
import { fail, hexField, readAscii } from "./codec";
import { TAG } from "./gp";
import { TemplateReader, tlv, tlvs, type Tlv } from "./tlv";

/** B6 for a message id and card binding (hex); throws RangeError naming `what` when malformed. */
export function encodeTokenCrt(messageId: string, cardBinding: string, what: string): Tlv {
  const parts = parseMessageId(messageId);
  if (!parts.ok) throw new RangeError(`${what}.messageId: ${parts.error}`);
  const { issuerCompanyId, providerCompanyId, direction, sequence } = parts.value;
  return tlvs(TAG.TOKEN_CRT, [
    tlv(TAG.TOKEN_ISSUER_ID, utf8(issuerCompanyId)),
    tlv(TAG.TOKEN_CARD_BINDING, hexField(cardBinding, `${what}.cardBinding`, 32, 32)),
    tlv(TAG.TOKEN_PROVIDER_ID, utf8(providerCompanyId)),
    tlv(TAG.TOKEN_NUMBER, utf8(`${direction}${String(sequence).padStart(10, "0")}`)),
  ]);
}

/** Reads B6 back into the message id and card binding (hex); DecodeError naming the field otherwise. */
export function readTokenCrt(children: readonly Tlv[], what: string): { messageId: string; cardBinding: string } {
  const crt = new TemplateReader(children, `${what}.B6`);
  const issuer = readAscii(crt.primitive(TAG.TOKEN_ISSUER_ID, "issuerId(42)"), `${what}.B6.issuerId(42)`);
  const binding = crt.primitive(TAG.TOKEN_CARD_BINDING, "cardBinding(45)");
  if (binding.length !== 32) fail(`${what}.B6.cardBinding(45)`, `must be 32 bytes, got ${binding.length}`);
  const provider = readAscii(crt.primitive(TAG.TOKEN_PROVIDER_ID, "providerId(5F20)"), `${what}.B6.providerId(5F20)`);
  const number = readAscii(crt.primitive(TAG.TOKEN_NUMBER, "tokenNumber(93)"), `${what}.B6.tokenNumber(93)`);
  crt.end();
  if (!/^[IP]\d{10}$/.test(number)) fail(`${what}.B6.tokenNumber(93)`, `"${number}" is not <I|P><10 digits>`);
  const messageId = `${issuer}-${provider}-${number}`;
  const parsed = parseMessageId(messageId);
  if (!parsed.ok) fail(`${what}.B6`, parsed.error);
  return { messageId, cardBinding: toHex(binding) };
}
