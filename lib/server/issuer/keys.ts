import "server-only";
import { z } from "zod";
import type { IssuerKeys } from "@/lib/core/card";
import { DEMO_ISSUER_KEYS } from "@/lib/secrets/demo-issuer-keys";
import { env } from "../env";

const JwkSchema = z.record(z.string(), z.unknown());
const KeyPairSchema = z.object({ publicKeyJwk: JwkSchema, privateKeyJwk: JwkSchema });
const IssuerKeysSchema = z.object({ signing: KeyPairSchema, encryption: KeyPairSchema });

let cached: IssuerKeys | undefined;

/**
 * The issuer's card keys: the permission-signing key the cards trust (tokens, GP delegated management)
 * and the key that opens card attribute data (method 2, step 1002). Configured with
 * RECARD_ISSUER_CARD_KEYS; without it the public demo keys, which the seeded cards were personalised with.
 */
export function issuerCardKeys(): IssuerKeys {
  if (cached) return cached;
  const configured = env().RECARD_ISSUER_CARD_KEYS;
  cached = configured ? (IssuerKeysSchema.parse(JSON.parse(configured)) as unknown as IssuerKeys) : DEMO_ISSUER_KEYS;
  return cached;
}
