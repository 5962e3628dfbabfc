import "server-only";
import { createDecipheriv, createECDH, hkdfSync, type ECDH } from "node:crypto";
import { toHex } from "@/lib/core/bytes";
import { ATTRIBUTE_DATA_LENGTH, ATTRIBUTE_DATA_VERSION, ATTRIBUTE_HKDF_INFO, privateKeyFromJwk } from "@/lib/core/card/cryptography";
import { err, ok, type Result } from "@/lib/core/result";

/**
 * The issuer opens card attribute data (method 2) with Node's native ECDH, HKDF and AES-GCM (issue 16:
 * the pure-JS ECDH of lib/core/card ran at about 141 openings a second here, native ECDH at thousands).
 * Same format, same answers and same refusals as `decryptCardAttributeData` in lib/core/card, which the
 * card side (the in-browser simulator, the wallet) keeps using; lib/server/issuer/attribute-data.test.ts
 * checks both agree. The ECDH object of a key is made once per process and kept with the key's JWK.
 */
const ecdhOf = new WeakMap<JsonWebKey, ECDH>();

function ecdhFor(jwk: JsonWebKey): ECDH {
  let ecdh = ecdhOf.get(jwk);
  if (!ecdh) {
    ecdh = createECDH("prime256v1");
    ecdh.setPrivateKey(Buffer.from(privateKeyFromJwk(jwk, "issuer encryption key")));
    ecdhOf.set(jwk, ecdh);
  }
  return ecdh;
}

export function openCardAttributeData(issuerEncryptionPrivateKeyJwk: JsonWebKey, bytes: Uint8Array): Result<{ cardId: string }, string> {
  let ecdh: ECDH;
  try {
    ecdh = ecdhFor(issuerEncryptionPrivateKeyJwk);
  } catch (e) {
    return err(`card attribute data: ${(e as Error).message}`);
  }
  if (bytes.length !== ATTRIBUTE_DATA_LENGTH) return err(`card attribute data: must be ${ATTRIBUTE_DATA_LENGTH} bytes, got ${bytes.length}`);
  if (bytes[0] !== ATTRIBUTE_DATA_VERSION) return err(`card attribute data: unknown format version ${bytes[0]}`);
  const ephemeralPublic = bytes.subarray(1, 66);
  let sharedX: Buffer;
  try {
    // An uncompressed point (0x04 ‖ x ‖ y) that is on the curve, else OpenSSL refuses it.
    if (ephemeralPublic[0] !== 0x04) throw new Error("not uncompressed");
    sharedX = ecdh.computeSecret(ephemeralPublic);
  } catch {
    return err("card attribute data: ephemeral key is not a P-256 point");
  }
  const okm = Buffer.from(hkdfSync("sha256", sharedX, ephemeralPublic, ATTRIBUTE_HKDF_INFO, 44));
  try {
    const decipher = createDecipheriv("aes-256-gcm", okm.subarray(0, 32), okm.subarray(32, 44));
    decipher.setAAD(bytes.subarray(0, 66));
    decipher.setAuthTag(bytes.subarray(74, 90));
    const cardId = Buffer.concat([decipher.update(bytes.subarray(66, 74)), decipher.final()]);
    return ok({ cardId: toHex(cardId) });
  } catch {
    return err("card attribute data: authentication failed (tampered, or encrypted for another issuer key)");
  }
}
