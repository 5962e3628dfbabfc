/**
 * The card's receipt for a content-management operation (GP 2.3.1 §C.3 load/install/delete
 * confirmations: confirmation counter + card unique data + token id, signed). The provider
 * forwards it to the issuer, who checks it with the card public key recorded at personalisation.
 * Like the token, it names the card only through the card binding, never by its card id.
 *
 *   BF21 L                              receipt
 *     BF2F L                            signed body (the signature covers this whole TLV)
 *       80 01 01                        format version
 *       81 01 op                        01 load+install, 02 delete
 *       B6 L                            as in the permission: 42 issuer, 45 card binding, 5F20 provider, 93 token number
 *       4F L    AID
 *       82 01   kind                    load only: 01 first load, 02 reload
 *       83 20   load file hash          load only
 *       87 02   confirmation counter    value after this operation, 1..65535 (never wraps)
 *       88 08   card time               milliseconds since 1970-01-01T00:00:00Z (the card's clock)
 *     5F37 40   signature               ECDSA P-256/SHA-256 r ‖ s, per-card receipt key (RFC 6979, hedged)
 */
import { concatBytes, toHex } from "../bytes";
import { assertNever, err, ok, type Result } from "../result";
import { decodeWith, fail, hexField, readOneByte, readU64be, u64be } from "./codec";
import { signDeterministic, webCryptoVerify } from "./cryptography";
import { MAX_CONFIRMATION_COUNTER, TAG } from "./gp";
import { LOAD_KIND_CODE, OPERATION_CODE, type LoadKind } from "./permission";
import { encodeTokenCrt, readTokenCrt } from "./token-crt";
import { decodeTlv, encodeLength, encodeTag, encodeTlv, TemplateReader, tlv, tlvs, type Tlv } from "./tlv";

/** Tags of the receipt envelope and body (ReCard proprietary, context-specific class). */
export const RECEIPT_TAG = {
  RECEIPT: 0xbf21,
  BODY: 0xbf2f,
  VERSION: 0x80,
  OPERATION: 0x81,
  KIND: 0x82,
  LOAD_FILE_HASH: 0x83,
  CONFIRMATION_COUNTER: 0x87,
  CARD_TIME: 0x88,
} as const;

/** Receipt body format version (tag 80). */
export const RECEIPT_VERSION = 0x01;

type ReceiptBase = {
  readonly messageId: string;
  readonly cardBinding: string;
  readonly aid: string;
  readonly confirmationCounter: number;
  readonly cardTime: Date;
};

/** What a receipt states. */
export type ReceiptInfo =
  (ReceiptBase & { readonly operation: "load"; readonly kind: LoadKind; readonly loadFileHash: string }) | (ReceiptBase & { readonly operation: "delete" });

/** What the issuer expects a receipt to state (a LoadPermission or DeletePermission fits). */
export type ReceiptExpectation =
  | { readonly operation: "load"; readonly messageId: string; readonly cardBinding: string; readonly aid: string; readonly loadFileHash: string }
  | { readonly operation: "delete"; readonly messageId: string; readonly cardBinding: string; readonly aid: string };

/** Encodes the signed body; throws RangeError naming the field when `info` is malformed. */
export function encodeReceiptBody(info: ReceiptInfo): Uint8Array {
  const counter = info.confirmationCounter;
  if (!Number.isInteger(counter) || counter < 1 || counter > MAX_CONFIRMATION_COUNTER) {
    throw new RangeError(`receipt.confirmationCounter: ${counter} not in 1..${MAX_CONFIRMATION_COUNTER}`);
  }
  const time = info.cardTime.getTime();
  if (!Number.isSafeInteger(time) || time < 0) throw new RangeError("receipt.cardTime: must be a valid date after 1970");
  const fields: Tlv[] = [
    tlv(RECEIPT_TAG.VERSION, Uint8Array.of(RECEIPT_VERSION)),
    tlv(RECEIPT_TAG.OPERATION, Uint8Array.of(OPERATION_CODE[info.operation])),
    encodeTokenCrt(info.messageId, info.cardBinding, "receipt"),
    tlv(TAG.AID, hexField(info.aid, "receipt.aid", 5, 16)),
  ];
  switch (info.operation) {
    case "load":
      fields.push(tlv(RECEIPT_TAG.KIND, Uint8Array.of(LOAD_KIND_CODE[info.kind])));
      fields.push(tlv(RECEIPT_TAG.LOAD_FILE_HASH, hexField(info.loadFileHash, "receipt.loadFileHash", 32, 32)));
      break;
    case "delete":
      break;
    default:
      assertNever(info, "receipt operation");
  }
  fields.push(tlv(RECEIPT_TAG.CONFIRMATION_COUNTER, Uint8Array.of(counter >> 8, counter & 0xff)));
  fields.push(tlv(RECEIPT_TAG.CARD_TIME, u64be(time)));
  return encodeTlv(tlvs(RECEIPT_TAG.BODY, fields));
}

/** Card side: signs a receipt with the per-card key; `entropy` (32 bytes of env.random) hedges RFC 6979. */
export function signReceipt(info: ReceiptInfo, cardPrivateKey: Uint8Array, entropy: Uint8Array): Uint8Array {
  const body = encodeReceiptBody(info);
  const signatureTlv = encodeTlv(tlv(TAG.SIGNATURE, signDeterministic(cardPrivateKey, body, entropy)));
  return concatBytes(encodeTag(RECEIPT_TAG.RECEIPT), encodeLength(body.length + signatureTlv.length), body, signatureTlv);
}

function readReceiptBody(children: readonly Tlv[]): ReceiptInfo {
  const body = new TemplateReader(children, "receipt");
  const version = readOneByte(body.primitive(RECEIPT_TAG.VERSION, "version"), "receipt.version");
  if (version !== RECEIPT_VERSION) fail("receipt.version", `unknown version ${version}`);
  const op = readOneByte(body.primitive(RECEIPT_TAG.OPERATION, "operation"), "receipt.operation");
  const { messageId, cardBinding } = readTokenCrt(body.constructed(TAG.TOKEN_CRT, "B6"), "receipt");
  const aidBytes = body.primitive(TAG.AID, "aid(4F)");
  if (aidBytes.length < 5 || aidBytes.length > 16) fail("receipt.aid(4F)", `must be 5..16 bytes, got ${aidBytes.length}`);
  const base = { messageId, cardBinding, aid: toHex(aidBytes) };
  let load: { kind: LoadKind; loadFileHash: string } | null = null;
  if (op === OPERATION_CODE.load) {
    const k = readOneByte(body.primitive(RECEIPT_TAG.KIND, "kind(82)"), "receipt.kind(82)");
    const kind = k === LOAD_KIND_CODE["first-load"] ? "first-load" : k === LOAD_KIND_CODE.reload ? "reload" : null;
    if (kind === null) fail("receipt.kind(82)", `unknown kind ${k}`);
    const hash = body.primitive(RECEIPT_TAG.LOAD_FILE_HASH, "loadFileHash(83)");
    if (hash.length !== 32) fail("receipt.loadFileHash(83)", `must be 32 bytes, got ${hash.length}`);
    load = { kind, loadFileHash: toHex(hash) };
  } else if (op !== OPERATION_CODE.delete) {
    fail("receipt.operation", `unknown operation ${op}`);
  }
  const counterBytes = body.primitive(RECEIPT_TAG.CONFIRMATION_COUNTER, "confirmationCounter(87)");
  if (counterBytes.length !== 2) fail("receipt.confirmationCounter(87)", `must be 2 bytes, got ${counterBytes.length}`);
  const confirmationCounter = (counterBytes[0]! << 8) | counterBytes[1]!;
  if (confirmationCounter === 0) fail("receipt.confirmationCounter(87)", "must be at least 1");
  const cardTime = new Date(readU64be(body.primitive(RECEIPT_TAG.CARD_TIME, "cardTime(88)"), "receipt.cardTime(88)"));
  body.end();
  const tail = { confirmationCounter, cardTime };
  return load ? { operation: "load", ...base, ...load, ...tail } : { operation: "delete", ...base, ...tail };
}

/** Decodes a receipt strictly (signature not checked): what it states, the signed bytes and the signature. */
export function decodeReceipt(bytes: Uint8Array): Result<{ info: ReceiptInfo; signedBody: Uint8Array; signature: Uint8Array }, string> {
  if (bytes.length > 512) return err(`receipt: ${bytes.length} bytes is above the 512-byte limit`);
  const outer = decodeTlv(bytes);
  if (!outer.ok) return err(`receipt: ${outer.error}`);
  return decodeWith("receipt", () => {
    const receipt = outer.value;
    if (receipt.tag !== RECEIPT_TAG.RECEIPT || receipt.kind !== "constructed") fail("envelope", "must be tag BF21 (constructed)");
    const envelope = new TemplateReader(receipt.children, "envelope");
    const bodyChildren = envelope.constructed(RECEIPT_TAG.BODY, "body(BF2F)");
    const signature = envelope.primitive(TAG.SIGNATURE, "signature(5F37)");
    envelope.end();
    if (signature.length !== 64) fail("signature(5F37)", `must be 64 bytes, got ${signature.length}`);
    const info = readReceiptBody(bodyChildren);
    return { info, signedBody: encodeTlv(tlvs(RECEIPT_TAG.BODY, bodyChildren)), signature };
  });
}

/** Why a receipt does not verify (issue 15: a code the issuer stores and renders in words; `detail` is for logs). */
export const RECEIPT_PROBLEMS = ["malformed", "key-unusable", "signature", "operation", "message-id", "card-binding", "aid", "load-file-hash"] as const;
export type ReceiptProblemCode = (typeof RECEIPT_PROBLEMS)[number];
export type ReceiptProblem = { readonly code: ReceiptProblemCode; readonly detail: string };

const problem = (code: ReceiptProblemCode, detail: string) => err<ReceiptProblem>({ code, detail: `receipt: ${detail}` });

/**
 * Issuer side: checks the card's signature with the card public key recorded at personalisation,
 * then that the receipt states exactly the expected operation, card binding, message id, AID and hash.
 */
export async function verifyReceipt(
  receiptBytes: Uint8Array,
  cardPublicKeyJwk: JsonWebKey,
  expected: ReceiptExpectation,
): Promise<Result<ReceiptInfo, ReceiptProblem>> {
  const decoded = decodeReceipt(receiptBytes);
  if (!decoded.ok) return err({ code: "malformed", detail: decoded.error });
  const { info, signedBody, signature } = decoded.value;
  let valid: boolean;
  try {
    valid = await webCryptoVerify(cardPublicKeyJwk, signedBody, signature, "card public key");
  } catch (e) {
    return problem("key-unusable", (e as Error).message);
  }
  if (!valid) return problem("signature", "signature does not verify with this card's public key");
  if (info.operation !== expected.operation) return problem("operation", `states operation ${info.operation}, expected ${expected.operation}`);
  if (info.messageId !== expected.messageId) return problem("message-id", `states message id ${info.messageId}, expected ${expected.messageId}`);
  if (info.cardBinding !== expected.cardBinding) return problem("card-binding", "card binding differs (another card or another message)");
  if (info.aid !== expected.aid) return problem("aid", `states AID ${info.aid}, expected ${expected.aid}`);
  if (info.operation === "load" && expected.operation === "load" && info.loadFileHash !== expected.loadFileHash) {
    return problem("load-file-hash", "load file hash differs from the permitted one");
  }
  return ok(info);
}
