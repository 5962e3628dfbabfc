import "server-only";
import { z } from "zod";
import { fromHex, toHex } from "@/lib/core/bytes";
import type { IssuerKeys, Scp03KeySet } from "@/lib/core/card";
import { diversifyIsdKeys } from "@/lib/core/card/scp03";
import { DEMO_ISSUER_KEYS } from "@/lib/secrets/demo-issuer-keys";
import { DEMO_ISD_MASTER_KEY } from "@/lib/secrets/demo-isd-keys";
import { env } from "../env";
import { nativeAesCmac } from "./native-crypto";

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

/** First SCP03 key version written at personalisation (GP's SCP03 range starts at '30'). */
export const INITIAL_ISD_KEY_VERSION = 0x30;

/**
 * The ISD key versions an issued card may hold, in the order the issuer's host tries them (openIsdChannel):
 * every card is personalised at INITIAL_ISD_KEY_VERSION and no flow of ours rotates ISD keys, so that is the
 * version the issuer knows for each card; a version a rotation writes would follow it here.
 */
export const ISD_KEY_VERSIONS: readonly number[] = [INITIAL_ISD_KEY_VERSION];

/** The issuer's ISD master key (AES-256): only here, on the server; never in a response, a log or a client bundle. */
function isdMasterKey(): Uint8Array {
  return fromHex(env().RECARD_ISD_MASTER_KEY ?? DEMO_ISD_MASTER_KEY);
}

/** The ISD key set of one card at one key version, diversified from the master key (GP Amendment D keys, AES-256). */
export function isdKeysForCard(cardId: string, keyVersion: number = INITIAL_ISD_KEY_VERSION): Scp03KeySet {
  const keys = diversifyIsdKeys(isdMasterKey(), fromHex(cardId), keyVersion, nativeAesCmac);
  return { keyVersion, enc: toHex(keys.enc), mac: toHex(keys.mac), dek: toHex(keys.dek) };
}
