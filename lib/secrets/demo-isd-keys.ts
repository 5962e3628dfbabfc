import "server-only";
import type { Scp03KeySet } from "@/lib/core/card/image";

/**
 * DEMO ONLY: the GlobalPlatform test key ('40'…'4F', the factory default of development cards) as
 * the ISD's SCP03 key set, version '30', for `npm run card -- new`, unit tests and demos. Public
 * knowledge, but a card key all the same: it stays in lib/secrets (never in a client bundle). Issued
 * cards get keys diversified per card from the issuer's master key (lib/server/issuer/keys.ts).
 */
export const DEMO_ISD_KEYS: Scp03KeySet = {
  keyVersion: 0x30,
  enc: "404142434445464748494A4B4C4D4E4F",
  mac: "404142434445464748494A4B4C4D4E4F",
  dek: "404142434445464748494A4B4C4D4E4F",
};

/**
 * DEMO ONLY: the master key the seeded and demo-issued cards' ISD keys are diversified from
 * (lib/server/issuer/keys.ts) when RECARD_ISD_MASTER_KEY is not set. Public: it is in this repository.
 */
export const DEMO_ISD_MASTER_KEY = "5245434152442D49534D4153544552303030303030303030303030303030AA01";
