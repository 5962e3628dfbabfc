import "server-only";
import { DEMO_ISSUER_PUBLIC_KEYS, type IssuerKeys } from "@/lib/core/card/demo-keys";

/**
 * DEMO ONLY: the private halves of the demo issuer's FIXED, PUBLISHED key set (lib/core/card/demo-keys.ts
 * has the public halves). Anyone can sign permissions and open card attribute data with them.
 *
 * Server-only: lib/secrets is never imported by client code (ESLint, eslint.config.mjs) and the build
 * output is scanned for these `d` values (scripts/check-bundle-secrets.ts).
 */
const withPrivate = (publicKeyJwk: JsonWebKey, d: string) => ({ publicKeyJwk, privateKeyJwk: { ...publicKeyJwk, d } });

export const DEMO_ISSUER_KEYS: IssuerKeys = {
  signing: withPrivate(DEMO_ISSUER_PUBLIC_KEYS.signing.publicKeyJwk, "PYDF-LyjIJrX9fc8GrNw079bJJr5PamrOGlFwSnXLbs"),
  encryption: withPrivate(DEMO_ISSUER_PUBLIC_KEYS.encryption.publicKeyJwk, "7DA69r7Ji9lemLus_gKuBN22wVVYULq65BSTGn081Fg"),
};
