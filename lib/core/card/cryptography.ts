/**
 * The card's cryptography, all on P-256:
 * - issuer permissions: ECDSA P-256/SHA-256, signed by the issuer with WebCrypto (IEEE P1363 r‖s),
 *   verified on the card with noble (high-S accepted, as WebCrypto does not normalise S);
 * - receipts: ECDSA P-256/SHA-256 with the per-card key, RFC 6979 deterministic nonces hedged with
 *   env.random (so a trace replays byte for byte with the same env);
 * - card attribute data: ECIES = ephemeral ECDH + HKDF-SHA256 + AES-256-GCM (layout in docs/card.md);
 * - card binding: SHA-256 over a domain separator, the card id and the message id.
 */
import { p256 } from "@noble/curves/nist.js";
import { gcm } from "@noble/ciphers/aes.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import { concatBytes, fromBase64Url, toBase64Url, toHex, utf8 } from "../bytes";
import { parseMessageId } from "../message-id";
import { err, ok, type Result } from "../result";
import { hexField } from "./codec";

/** SHA-256. */
export function sha256(data: Uint8Array): Uint8Array {
  return nobleSha256(data);
}

/** Upper-case hex SHA-256, the spelling messages and the database use. */
export function sha256Hex(data: Uint8Array): string {
  return toHex(sha256(data));
}

// ---------------------------------------------------------------------------------------------
// Keys

/** An uncompressed SEC 1 P-256 public key (65 bytes, 04 ‖ X ‖ Y). */
export type RawPublicKey = Uint8Array;

function b64Coordinate(jwk: JsonWebKey, name: "x" | "y" | "d", field: string): Uint8Array {
  const text = jwk[name];
  if (typeof text !== "string") throw new RangeError(`${field}: JWK has no "${name}"`);
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(text);
  } catch {
    throw new RangeError(`${field}: JWK "${name}" is not base64url`);
  }
  if (bytes.length !== 32) throw new RangeError(`${field}: JWK "${name}" must be 32 bytes, got ${bytes.length}`);
  return bytes;
}

function checkP256Jwk(jwk: JsonWebKey, field: string): void {
  if (jwk.kty !== "EC" || jwk.crv !== "P-256") throw new RangeError(`${field}: must be an EC P-256 JWK`);
}

/** 65-byte public key of a P-256 JWK; throws RangeError when it is not a valid curve point. */
export function publicKeyFromJwk(jwk: JsonWebKey, field = "public key"): RawPublicKey {
  checkP256Jwk(jwk, field);
  const raw = concatBytes(Uint8Array.of(0x04), b64Coordinate(jwk, "x", field), b64Coordinate(jwk, "y", field));
  if (!p256.utils.isValidPublicKey(raw, false)) throw new RangeError(`${field}: not a point on P-256`);
  return raw;
}

/** 32-byte private scalar of a P-256 JWK; throws RangeError when missing or out of range. */
export function privateKeyFromJwk(jwk: JsonWebKey, field = "private key"): Uint8Array {
  checkP256Jwk(jwk, field);
  const d = b64Coordinate(jwk, "d", field);
  if (!p256.utils.isValidSecretKey(d)) throw new RangeError(`${field}: scalar out of range`);
  return d;
}

/** Public JWK of a 65-byte uncompressed P-256 key. */
export function publicJwkFromRaw(raw: RawPublicKey): JsonWebKey {
  return { kty: "EC", crv: "P-256", x: toBase64Url(raw.subarray(1, 33)), y: toBase64Url(raw.subarray(33, 65)) };
}

/** A P-256 private scalar derived from 48 random bytes (FIPS 186-5 §A.2.1 reduction, as noble does). */
export function privateKeyFromRandom(random48: Uint8Array): Uint8Array {
  return p256.utils.randomSecretKey(random48);
}

/** Uncompressed public key of a private scalar. */
export function publicKeyOf(privateKey: Uint8Array): RawPublicKey {
  return p256.getPublicKey(privateKey, false);
}

/** Only the fields WebCrypto needs, so stray `key_ops`/`alg` members cannot break an import. */
function minimalJwk(jwk: JsonWebKey, withPrivate: boolean): JsonWebKey {
  const out: JsonWebKey = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
  if (withPrivate) out.d = jwk.d;
  return out;
}

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error("WebCrypto (crypto.subtle) is not available in this runtime");
  return s;
}

const ECDSA_P256 = { name: "ECDSA", namedCurve: "P-256" } as const;
const ECDSA_SHA256 = { name: "ECDSA", hash: "SHA-256" } as const;

/** ECDSA P-256/SHA-256 signature (64 bytes r‖s) with WebCrypto: how the issuer signs tokens. */
export async function webCryptoSign(privateJwk: JsonWebKey, message: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().sign(ECDSA_SHA256, await importedSigningKey(privateJwk), message as BufferSource));
}

/**
 * The imported (non-extractable) signing key of a JWK, kept with the JWK object the caller holds (issue 16:
 * importing it took as long as the signature, for every permission signed). A JWK changed in place would
 * not be seen: key objects here are never changed, a new version is a new object.
 */
const importedSigningKeys = new WeakMap<JsonWebKey, Promise<CryptoKey>>();

function importedSigningKey(privateJwk: JsonWebKey): Promise<CryptoKey> {
  let key = importedSigningKeys.get(privateJwk);
  if (!key) {
    privateKeyFromJwk(privateJwk, "issuer signing key");
    key = subtle().importKey("jwk", minimalJwk(privateJwk, true), ECDSA_P256, false, ["sign"]);
    key.catch(() => importedSigningKeys.delete(privateJwk));
    importedSigningKeys.set(privateJwk, key);
  }
  return key;
}

/** Verifies a 64-byte r‖s ECDSA P-256/SHA-256 signature with WebCrypto: how the issuer checks receipts. */
export async function webCryptoVerify(publicJwk: JsonWebKey, message: Uint8Array, signature: Uint8Array, label = "public key"): Promise<boolean> {
  publicKeyFromJwk(publicJwk, label);
  const key = await subtle().importKey("jwk", minimalJwk(publicJwk, false), ECDSA_P256, false, ["verify"]);
  return subtle().verify(ECDSA_SHA256, key, signature as BufferSource, message as BufferSource);
}

/** Card-side check of an issuer signature (noble; high-S accepted because WebCrypto emits it). */
export function verifySignature(publicKey: RawPublicKey, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  try {
    return p256.verify(signature, message, publicKey, { lowS: false });
  } catch {
    return false;
  }
}

/** Card-side receipt signature: RFC 6979 nonce hedged with `extraEntropy` (32 bytes from env.random). */
export function signDeterministic(privateKey: Uint8Array, message: Uint8Array, extraEntropy: Uint8Array): Uint8Array {
  return p256.sign(message, privateKey, { extraEntropy });
}

// ---------------------------------------------------------------------------------------------
// Card binding

const BINDING_DOMAIN = utf8("ReCard/card-binding/v1");

/**
 * The card binding carried in tag 45 of tokens and receipts: SHA-256("ReCard/card-binding/v1" ‖ 00 ‖
 * card id (8 bytes) ‖ message id (ASCII)). It names one card for one message without revealing the
 * card id to the provider who carries the token, and differs per message, so tokens are not linkable.
 */
export function cardBinding(cardId: string, messageId: string): string {
  const id = hexField(cardId, "card id", 8, 8);
  const parsed = parseMessageId(messageId);
  if (!parsed.ok) throw new RangeError(parsed.error);
  return toHex(sha256(concatBytes(BINDING_DOMAIN, Uint8Array.of(0x00), id, utf8(messageId))));
}

// ---------------------------------------------------------------------------------------------
// Card attribute data (ECIES)

/** Format version byte of card attribute data. */
export const ATTRIBUTE_DATA_VERSION = 0x01;
/** 1 version + 65 ephemeral key + 8 ciphertext + 16 tag. */
export const ATTRIBUTE_DATA_LENGTH = 90;
/** HKDF-SHA-256 info of the attribute data keys (salt: the ephemeral public key; 32-byte key + 12-byte nonce). */
export const ATTRIBUTE_HKDF_INFO = utf8("ReCard/card-attribute-data/v1");

function attributeKeys(sharedX: Uint8Array, ephemeralPublic: Uint8Array): { key: Uint8Array; nonce: Uint8Array } {
  const okm = hkdf(nobleSha256, sharedX, ephemeralPublic, ATTRIBUTE_HKDF_INFO, 44);
  return { key: okm.slice(0, 32), nonce: okm.slice(32, 44) };
}

/**
 * Card side: encrypts the 8-byte card id for the issuer with a fresh ephemeral key derived from
 * `random48`, so every read gives different bytes that only the issuer can open.
 */
export function encryptCardAttributeData(cardId: Uint8Array, issuerEncryptionPublicKey: RawPublicKey, random48: Uint8Array): Uint8Array {
  const ephemeral = privateKeyFromRandom(random48);
  const ephemeralPublic = publicKeyOf(ephemeral);
  const sharedX = p256.getSharedSecret(ephemeral, issuerEncryptionPublicKey, true).slice(1);
  const { key, nonce } = attributeKeys(sharedX, ephemeralPublic);
  const aad = concatBytes(Uint8Array.of(ATTRIBUTE_DATA_VERSION), ephemeralPublic);
  return concatBytes(aad, gcm(key, nonce, aad).encrypt(cardId));
}

/** Issuer side: opens card attribute data; refuses malformed or tampered bytes with a reason. */
export function decryptCardAttributeData(issuerEncryptionPrivateKeyJwk: JsonWebKey, bytes: Uint8Array): Result<{ cardId: string }, string> {
  let privateKey: Uint8Array;
  try {
    privateKey = privateKeyFromJwk(issuerEncryptionPrivateKeyJwk, "issuer encryption key");
  } catch (e) {
    return err(`card attribute data: ${(e as Error).message}`);
  }
  if (bytes.length !== ATTRIBUTE_DATA_LENGTH) {
    return err(`card attribute data: must be ${ATTRIBUTE_DATA_LENGTH} bytes, got ${bytes.length}`);
  }
  if (bytes[0] !== ATTRIBUTE_DATA_VERSION) return err(`card attribute data: unknown format version ${bytes[0]}`);
  const ephemeralPublic = bytes.slice(1, 66);
  if (!p256.utils.isValidPublicKey(ephemeralPublic, false)) return err("card attribute data: ephemeral key is not a P-256 point");
  const sharedX = p256.getSharedSecret(privateKey, ephemeralPublic, true).slice(1);
  const { key, nonce } = attributeKeys(sharedX, ephemeralPublic);
  try {
    const cardId = gcm(key, nonce, bytes.slice(0, 66)).decrypt(bytes.slice(66));
    return ok({ cardId: toHex(cardId) });
  } catch {
    return err("card attribute data: authentication failed (tampered, or encrypted for another issuer key)");
  }
}
