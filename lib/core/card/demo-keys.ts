/**
 * Issuer key sets. The demo issuer's key set is FIXED and PUBLISHED (demos, seed data,
 * `npm run card -- new`): DEMO ONLY. Its public half is here; its private half (anyone who has it can
 * sign permissions and open card attribute data) is server-only, in lib/secrets/demo-issuer-keys.ts.
 * A real issuer generates its own keys (generateIssuerKeys) and keeps the private ones in an HSM or KMS.
 */
import { publicKeyFromJwk } from "./cryptography";

/** An issuer's key pairs as JWKs: ECDSA P-256 for permissions, P-256 ECDH for card attribute data. */
export type IssuerKeys = {
  readonly signing: { readonly publicKeyJwk: JsonWebKey; readonly privateKeyJwk: JsonWebKey };
  readonly encryption: { readonly publicKeyJwk: JsonWebKey; readonly privateKeyJwk: JsonWebKey };
};

/** The demo issuer's identity: company id used in message ids, and its IIN (GET DATA tag 42; surface numbers start with it). */
export const DEMO_ISSUER = {
  companyId: "RECARD01",
  name: "ReCard Demo Issuer",
  iin: "99000001",
} as const;

const publicOf = (jwk: JsonWebKey): JsonWebKey => ({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y });

/** An issuer's public keys only: what a card, a desk or any browser may know. */
export type IssuerPublicKeys = {
  readonly signing: { readonly publicKeyJwk: JsonWebKey };
  readonly encryption: { readonly publicKeyJwk: JsonWebKey };
};

/**
 * The demo issuer's PUBLIC keys (the seeded cards and `npm run card -- new` are personalised with them).
 * The private halves live in lib/secrets/demo-issuer-keys.ts, a server-only module no client bundle
 * can import (ESLint import rules, and scripts/check-bundle-secrets.ts scans the build output).
 */
export const DEMO_ISSUER_PUBLIC_KEYS: IssuerPublicKeys = {
  signing: { publicKeyJwk: { kty: "EC", crv: "P-256", x: "hcDUHZFHBXawVHvLCZvcDgOLQsPpVyBidnUlJNLI7Ak", y: "VOPoIf0abxiliB9M3QwDAHDLJjQdWX9ko2zFkpb7KnQ" } },
  encryption: { publicKeyJwk: { kty: "EC", crv: "P-256", x: "ZwP6lWPICygMEk6wjhhw1ftEn2NygqK03RlP6UkA2nM", y: "qjNsi-uC9uSm8J5rNPVSTP1THufVaLyUaY2Bd7hIPNQ" } },
};

const stripJwk = (jwk: JsonWebKey, withPrivate: boolean): JsonWebKey => ({ ...publicOf(jwk), ...(withPrivate ? { d: jwk.d } : {}) });

/** Generates a fresh issuer key set with WebCrypto (extractable, so it can be stored as JWK). */
export async function generateIssuerKeys(): Promise<IssuerKeys> {
  const subtle = globalThis.crypto.subtle;
  const signing = await subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
  const encryption = await subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"]);
  const [sPub, sPriv, ePub, ePriv] = await Promise.all([
    subtle.exportKey("jwk", signing.publicKey),
    subtle.exportKey("jwk", signing.privateKey),
    subtle.exportKey("jwk", encryption.publicKey),
    subtle.exportKey("jwk", encryption.privateKey),
  ]);
  const keys: IssuerKeys = {
    signing: { publicKeyJwk: stripJwk(sPub, false), privateKeyJwk: stripJwk(sPriv, true) },
    encryption: { publicKeyJwk: stripJwk(ePub, false), privateKeyJwk: stripJwk(ePriv, true) },
  };
  publicKeyFromJwk(keys.signing.publicKeyJwk);
  publicKeyFromJwk(keys.encryption.publicKeyJwk);
  return keys;
}
