/**
 * Issuer key update: how a card learns the issuer's next public keys (permission signing, card
 * attribute data) at a desk that holds no secret. It is a PUT KEY (GP 2.3.1 §11.8) for the two
 * issuer keys, authenticated by the issuer's signature with the key the card already trusts, so a
 * desk (or any reader) can relay it outside a secure channel, like a permission token:
 *
 *   80 D8 oldKVN 81 Lc
 *     newKVN                                '71'..'7F', strictly above the card's version
 *     B0 41 <65-byte P-256 point> 00        key id 1: verifies permission tokens
 *     B0 41 <65-byte P-256 point> 00        key id 2: card attribute data
 *     5F37 40 <r ‖ s>                       ECDSA P-256/SHA-256 with the signing key of oldKVN over
 *                                           "ReCard/issuer-key-update/v1" ‖ 00 ‖ issuer id ‖ 00 ‖ oldKVN ‖ the fields above
 *
 * The issuer signs one such update per rotation (version v → v + 1) and keeps it; a card that missed
 * several rotations takes them one after the other. Inside the ISD's SCP03 channel the plain PUT KEY
 * (no signature) is accepted too (scp03-host.ts, `putIssuerKeys`).
 */
import { concatBytes, toHex, utf8 } from "../bytes";
import { err, ok, type Result } from "../result";
import { publicKeyFromJwk, verifySignature, webCryptoSign, type RawPublicKey } from "./cryptography";
import { KEY_TYPE } from "./gp";
import { ISSUER_KEY_VERSIONS } from "./image";

const DOMAIN = utf8("ReCard/issuer-key-update/v1");
const POINT = 65;
const FIELD = 2 + POINT + 1;
const SIGNATURE_TRAILER = Uint8Array.of(0x5f, 0x37, 0x40);
/** PUT KEY data of a signed update: new KVN ‖ two B0 fields ‖ 5F37 40 signature. */
export const SIGNED_ISSUER_KEYS_LENGTH = 1 + 2 * FIELD + SIGNATURE_TRAILER.length + 64;

/** A signed update as the issuer keeps and sends it: old KVN (P1) ‖ the PUT KEY data. */
export type IssuerKeyUpdate = { readonly oldVersion: number; readonly newVersion: number; readonly data: Uint8Array };

function keyFields(newVersion: number, signing: RawPublicKey, encryption: RawPublicKey): Uint8Array {
  const field = (point: Uint8Array) => concatBytes(Uint8Array.of(KEY_TYPE.ECC_PUBLIC, point.length), point, Uint8Array.of(0));
  return concatBytes(Uint8Array.of(newVersion), field(signing), field(encryption));
}

/** The bytes the issuer signs (and the card verifies) for an update from `oldVersion`. */
export function issuerKeyUpdateSignedBytes(issuerCompanyId: string, oldVersion: number, fields: Uint8Array): Uint8Array {
  return concatBytes(DOMAIN, Uint8Array.of(0), utf8(issuerCompanyId), Uint8Array.of(0, oldVersion), fields);
}

/** Issuer side: the update from `oldVersion` to `newVersion`, signed with the private signing key of `oldVersion`. */
export async function signIssuerKeyUpdate(input: {
  issuerCompanyId: string;
  oldVersion: number;
  newVersion: number;
  signingPublicKeyJwk: JsonWebKey;
  encryptionPublicKeyJwk: JsonWebKey;
  oldSigningPrivateKeyJwk: JsonWebKey;
}): Promise<IssuerKeyUpdate> {
  const { oldVersion, newVersion } = input;
  if (oldVersion < ISSUER_KEY_VERSIONS.first || newVersion > ISSUER_KEY_VERSIONS.last || newVersion <= oldVersion) {
    throw new RangeError(`issuer key update: ${oldVersion} → ${newVersion} is not a forward step inside '70'..'7F'`);
  }
  const fields = keyFields(
    newVersion,
    publicKeyFromJwk(input.signingPublicKeyJwk, "signingPublicKeyJwk"),
    publicKeyFromJwk(input.encryptionPublicKeyJwk, "encryptionPublicKeyJwk"),
  );
  const signature = await webCryptoSign(input.oldSigningPrivateKeyJwk, issuerKeyUpdateSignedBytes(input.issuerCompanyId, oldVersion, fields));
  return { oldVersion, newVersion, data: concatBytes(fields, SIGNATURE_TRAILER, signature) };
}

/** The update as one byte string (old KVN ‖ PUT KEY data), for storage and messages. */
export function encodeIssuerKeyUpdate(update: IssuerKeyUpdate): Uint8Array {
  return concatBytes(Uint8Array.of(update.oldVersion), update.data);
}

/** Reads an encoded update back (shape only: the card checks the signature). */
export function decodeIssuerKeyUpdate(bytes: Uint8Array): Result<IssuerKeyUpdate, string> {
  if (bytes.length !== 1 + SIGNED_ISSUER_KEYS_LENGTH) return err(`issuer key update: ${bytes.length} bytes, expected ${1 + SIGNED_ISSUER_KEYS_LENGTH}`);
  const data = bytes.slice(1);
  const split = splitSignedIssuerKeys(data);
  if (!split) return err("issuer key update: not two B0 keys and a signature");
  const oldVersion = bytes[0]!;
  const newVersion = data[0]!;
  if (oldVersion < ISSUER_KEY_VERSIONS.first || newVersion > ISSUER_KEY_VERSIONS.last || newVersion <= oldVersion)
    return err("issuer key update: versions out of order");
  return ok({ oldVersion, newVersion, data });
}

/** Card side: PUT KEY data that is a signed issuer key update, split into the key fields and the signature; null otherwise. */
export function splitSignedIssuerKeys(data: Uint8Array): { fields: Uint8Array; signature: Uint8Array; signing: Uint8Array; encryption: Uint8Array } | null {
  if (data.length !== SIGNED_ISSUER_KEYS_LENGTH) return null;
  const fieldsEnd = 1 + 2 * FIELD;
  for (const at of [1, 1 + FIELD]) {
    if (data[at] !== KEY_TYPE.ECC_PUBLIC || data[at + 1] !== POINT || data[at + 2 + POINT] !== 0) return null;
  }
  for (let i = 0; i < SIGNATURE_TRAILER.length; i++) if (data[fieldsEnd + i] !== SIGNATURE_TRAILER[i]) return null;
  return {
    fields: data.subarray(0, fieldsEnd),
    signature: data.subarray(fieldsEnd + SIGNATURE_TRAILER.length),
    signing: data.subarray(3, 3 + POINT),
    encryption: data.subarray(1 + FIELD + 2, 1 + FIELD + 2 + POINT),
  };
}

/** Card side: does the signature verify with the issuer signing key the card holds now? */
export function issuerKeyUpdateSignatureValid(
  issuerCompanyId: string,
  oldVersion: number,
  currentSigningKey: RawPublicKey,
  fields: Uint8Array,
  signature: Uint8Array,
): boolean {
  return verifySignature(currentSigningKey, issuerKeyUpdateSignedBytes(issuerCompanyId, oldVersion, fields), signature);
}

/** A short fingerprint of a key version's two public keys (SHA-256 prefix, hex), for people to compare. */
export async function issuerKeyFingerprint(signingPublicKeyJwk: JsonWebKey, encryptionPublicKeyJwk: JsonWebKey): Promise<string> {
  const bytes = concatBytes(publicKeyFromJwk(signingPublicKeyJwk), publicKeyFromJwk(encryptionPublicKeyJwk));
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", bytes as BufferSource));
  return toHex(digest.subarray(0, 8)).replace(/(.{4})(?!$)/g, "$1 ");
}
