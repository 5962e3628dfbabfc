import "server-only";
import { DEMO_ISSUER_KEYS } from "@/lib/secrets/demo-issuer-keys";
import { DEMO_COMPANY_KEYS } from "@/lib/secrets/demo-company-keys";
import { DEMO_ISD_MASTER_KEY } from "@/lib/secrets/demo-isd-keys";
import { DEMO_PROVIDER_SSD_MASTER_KEY } from "@/lib/secrets/demo-ssd-keys";

/**
 * Production refuses unsafe defaults (issue 9). A deployment is a *production* one when NODE_ENV or
 * RECARD_ENV is "production" (`next start` always runs with NODE_ENV=production), and a *demo* one
 * only when RECARD_DEMO=1 says so explicitly (`npm start` sets it: scripts/start.ts --demo).
 * A production deployment that is not a demo must have its own company signing keys, issuer card
 * keys and ISD master key (not the public demo keys of lib/core/*\/demo-keys.ts), is never seeded with the demo
 * accounts, and its trust store holds no demo public key.
 */
export type DeploymentVars = {
  NODE_ENV?: string;
  RECARD_ENV?: string;
  RECARD_DEMO?: string;
  RECARD_COMPANY_KEYS?: string;
  RECARD_ISSUER_CARD_KEYS?: string;
  RECARD_ISD_MASTER_KEY?: string;
  RECARD_PROVIDER_SSD_MASTER_KEY?: string;
};

export function isProduction(vars: DeploymentVars): boolean {
  return vars.NODE_ENV === "production" || vars.RECARD_ENV === "production";
}

/** Demo keys and demo data are allowed: an explicit demo, or not production (development, tests). */
export function demoAllowed(vars: DeploymentVars): boolean {
  return vars.RECARD_DEMO === "1" || !isProduction(vars);
}

const DEMO_PRIVATE_D = new Set<string>([
  ...Object.values(DEMO_COMPANY_KEYS).map((k) => String(k.privateKey.d)),
  String(DEMO_ISSUER_KEYS.signing.privateKeyJwk.d),
  String(DEMO_ISSUER_KEYS.encryption.privateKeyJwk.d),
]);
const DEMO_PUBLIC_X = new Set<string>([
  ...Object.values(DEMO_COMPANY_KEYS).map((k) => String(k.publicKey.x)),
  String(DEMO_ISSUER_KEYS.signing.publicKeyJwk.x),
  String(DEMO_ISSUER_KEYS.encryption.publicKeyJwk.x),
]);

/** Whether a JSON configuration value carries any of the public demo private keys. */
function mentionsDemoKey(json: string): boolean {
  let found = false;
  try {
    JSON.parse(json, (key, value) => {
      if (key === "d" && typeof value === "string" && DEMO_PRIVATE_D.has(value)) found = true;
      return value;
    });
  } catch {
    return false; // not JSON: the key parsers refuse it with their own message
  }
  return found;
}

/** A public JWK that is one of the demo keys (for the trust-store check). */
export function isDemoPublicKey(jwk: unknown): boolean {
  return typeof jwk === "object" && jwk !== null && DEMO_PUBLIC_X.has(String((jwk as { x?: unknown }).x));
}

/**
 * Whether this deployment signs its messages with the public demo company keys (RECARD_COMPANY_KEYS
 * unset, or naming a demo key). Only a demo or a development/test run gets this far with them.
 */
export function demoKeysInUse(vars: DeploymentVars): boolean {
  return !vars.RECARD_COMPANY_KEYS || mentionsDemoKey(vars.RECARD_COMPANY_KEYS);
}

/** Every reason this configuration may not run; empty when it may. */
export function unsafeDefaults(vars: DeploymentVars): string[] {
  if (demoAllowed(vars)) return [];
  const problems: string[] = [];
  if (!vars.RECARD_COMPANY_KEYS) problems.push("RECARD_COMPANY_KEYS is not set, so the public demo signing keys would sign this deployment's messages");
  else if (mentionsDemoKey(vars.RECARD_COMPANY_KEYS)) problems.push("RECARD_COMPANY_KEYS contains a public demo signing key");
  if (!vars.RECARD_ISSUER_CARD_KEYS) problems.push("RECARD_ISSUER_CARD_KEYS is not set, so the public demo card keys would sign permissions");
  else if (mentionsDemoKey(vars.RECARD_ISSUER_CARD_KEYS)) problems.push("RECARD_ISSUER_CARD_KEYS contains a public demo card key");
  if (!vars.RECARD_ISD_MASTER_KEY) problems.push("RECARD_ISD_MASTER_KEY is not set, so every card's SCP03 keys would derive from the public demo master key");
  else if (vars.RECARD_ISD_MASTER_KEY.toUpperCase() === DEMO_ISD_MASTER_KEY.toUpperCase()) problems.push("RECARD_ISD_MASTER_KEY is the public demo master key");
  if (!vars.RECARD_PROVIDER_SSD_MASTER_KEY)
    problems.push("RECARD_PROVIDER_SSD_MASTER_KEY is not set, so every provider application's own SCP03 keys would derive from the public demo master key");
  else if (vars.RECARD_PROVIDER_SSD_MASTER_KEY.toUpperCase() === DEMO_PROVIDER_SSD_MASTER_KEY.toUpperCase())
    problems.push("RECARD_PROVIDER_SSD_MASTER_KEY is the public demo master key");
  return problems;
}

/** The one message for a refused start: what is wrong and how to fix it. */
export function unsafeDefaultsMessage(problems: readonly string[]): string {
  return [
    "refusing to start in production with unsafe defaults:",
    ...problems.map((p) => `  - ${p}`),
    "Configure real keys (README, 'Real keys for a production deployment'), or run the demo explicitly with RECARD_DEMO=1 (npm start does).",
  ].join("\n");
}
