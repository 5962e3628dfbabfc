import "server-only";
import { createCipheriv, createECDH } from "node:crypto";
import type { RawPublicKey } from "@/lib/core/card/cryptography";

/**
 * Node's native crypto for the issuer's personalisation (issue 16: thousands of cards at once). The
 * card library (lib/core/card) computes the same with pure JS, as the in-browser card must; the server
 * passes these instead. lib/server/issuer/native-crypto.test.ts checks both agree.
 */

const ZERO_BLOCK = new Uint8Array(16);

function aesEcb(key: Uint8Array, block: Uint8Array): Uint8Array {
  const cipher = createCipheriv(`aes-${key.length * 8}-ecb`, key, null);
  cipher.setAutoPadding(false);
  return new Uint8Array(cipher.update(block));
}

/** Doubling in GF(2^128) (RFC 4493 §2.3): the CMAC subkeys. */
function double(block: Uint8Array): Uint8Array {
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = ((block[i]! << 1) | (i < 15 ? block[i + 1]! >> 7 : 0)) & 0xff;
  if (block[0]! & 0x80) out[15]! ^= 0x87;
  return out;
}

/** AES-CMAC (RFC 4493, NIST SP 800-38B) with a 128-, 192- or 256-bit key, through OpenSSL's AES. */
export function nativeAesCmac(key: Uint8Array, message: Uint8Array): Uint8Array {
  const k1 = double(aesEcb(key, ZERO_BLOCK));
  const k2 = double(k1);
  const blocks = Math.max(1, Math.ceil(message.length / 16));
  const complete = message.length > 0 && message.length % 16 === 0;
  const padded = new Uint8Array(blocks * 16);
  padded.set(message);
  if (!complete) padded[message.length] = 0x80;
  const last = padded.subarray((blocks - 1) * 16);
  const subkey = complete ? k1 : k2;
  for (let i = 0; i < 16; i++) last[i]! ^= subkey[i]!;
  const cipher = createCipheriv(`aes-${key.length * 8}-cbc`, key, ZERO_BLOCK);
  cipher.setAutoPadding(false);
  const out = new Uint8Array(cipher.update(padded));
  return out.slice(out.length - 16);
}

/** The uncompressed P-256 public key of a private scalar (OpenSSL; the card library's `publicKeyOf`). */
export function nativeP256PublicKeyOf(privateKey: Uint8Array): RawPublicKey {
  const ecdh = createECDH("prime256v1");
  ecdh.setPrivateKey(privateKey);
  return new Uint8Array(ecdh.getPublicKey());
}
