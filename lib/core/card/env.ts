/**
 * The card's environment: its clock and its random source, injected so that a recorded APDU
 * trace replays byte for byte with the same environment (STYLE.md, convention 6).
 */
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { concatBytes, utf8 } from "../bytes";
import { u64be } from "./codec";

/** Clock and randomness of a card. */
export interface CardEnv {
  now(): Date;
  random(length: number): Uint8Array;
}

/** A deterministic env whose clock moves only when told to. */
export interface SeededCardEnv extends CardEnv {
  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void;
}

/** Default start of a seeded clock. */
export const SEEDED_EPOCH = new Date("2026-01-01T00:00:00.000Z");

/** Real clock and `crypto.getRandomValues`. */
export function systemCardEnv(): CardEnv {
  return {
    now: () => new Date(),
    random: (length) => {
      const out = new Uint8Array(length);
      // getRandomValues fills at most 65 536 bytes per call (WebCrypto §10.1.1).
      for (let offset = 0; offset < length; offset += 65_536) {
        globalThis.crypto.getRandomValues(out.subarray(offset, Math.min(length, offset + 65_536)));
      }
      return out;
    },
  };
}

/**
 * Deterministic env for tests and replays: random bytes are HMAC-SHA256(key, counter) blocks with
 * key = SHA-256("ReCard/seeded-env/v1" ‖ seed); the clock starts at `start` and stands still.
 */
export function seededCardEnv(seed: Uint8Array | string, start: Date = SEEDED_EPOCH): SeededCardEnv {
  const key = sha256(concatBytes(utf8("ReCard/seeded-env/v1"), typeof seed === "string" ? utf8(seed) : seed));
  let counter = 0;
  let pool: Uint8Array = new Uint8Array(0);
  let time = start.getTime();
  if (!Number.isFinite(time)) throw new RangeError("seededCardEnv: start is not a valid date");
  return {
    now: () => new Date(time),
    advance: (ms) => {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`seededCardEnv.advance: ${ms}`);
      time += ms;
    },
    random: (length) => {
      while (pool.length < length) pool = concatBytes(pool, hmac(sha256, key, u64be(counter++)));
      const out = pool.slice(0, length);
      pool = pool.slice(length);
      return out;
    },
  };
}
