import "server-only";
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { fromHex, toHex } from "@/lib/core/bytes";
import { formatStatusWord } from "@/lib/core/card";
import type { CardResult, Transmit } from "@/lib/core/card/terminal";

/**
 * A card conversation whose host side runs on the server while the card sits in a desk's reader
 * (docs/card.md "Host scripts through a desk"). The desk's browser only carries APDUs: it posts the
 * card's answers so far, the server replays its script from the start over those answers and returns
 * the next command (or the result). Everything secret the script derives (session keys, the ephemeral
 * key of a key agreement) comes from a seed sealed into an opaque ticket (AES-256-GCM under a server
 * key), so the browser never holds a key, and nothing is kept on the server between the requests.
 *
 * A script must be deterministic given its seed and the card's answers: all its randomness comes from
 * `random` (an HKDF stream of the seed).
 */
export type HostScript<T> = (transmit: Transmit, random: (length: number) => Uint8Array) => Promise<T>;

/** One step of a relayed conversation: the next command for the card, or the script's result. */
export type RelayStep<T> = { kind: "command"; apdu: string } | { kind: "done"; result: T };

/** Most card answers a conversation may carry (a script sends a handful of commands). */
export const MAX_RELAY_RESPONSES = 64;

class NeedsCard extends Error {
  constructor(readonly apdu: Uint8Array) {
    super("the card has not answered this command yet");
  }
}

/** Runs `script` over the card's answers so far; stops at the first command not yet answered. */
export async function replayHostScript<T>(script: HostScript<T>, seed: Uint8Array, responses: readonly Uint8Array[]): Promise<RelayStep<T>> {
  let index = 0;
  let needed: Uint8Array | null = null;
  let drawn = 0;
  const random = (length: number): Uint8Array => {
    const bytes = new Uint8Array(hkdfSync("sha256", seed, new Uint8Array(0), `ReCard/relay-random/v1/${drawn}`, length));
    drawn++;
    return bytes;
  };
  const transmit: Transmit = async (apdu) => {
    if (needed) throw new NeedsCard(needed);
    const answer = responses[index];
    if (answer === undefined) {
      needed = apdu.slice();
      throw new NeedsCard(needed);
    }
    index++;
    return answer;
  };
  try {
    const result = await script(transmit, random);
    if (needed) return { kind: "command", apdu: toHex(needed) };
    if (index !== responses.length) throw new RangeError("more card answers than the conversation sent commands");
    return { kind: "done", result };
  } catch (error) {
    if (needed) return { kind: "command", apdu: toHex(needed) };
    throw error;
  }
}

/** The card refused the conversation, or its answers do not fit it (what a relay route reports). */
export type CardRefused = { code: "card-refused"; message: string; step: string; sw: string | null };

/**
 * One request of a relayed conversation whose script answers a CardResult: the next command, the
 * script's value, or the card's refusal (answers that do not fit the conversation are one too).
 */
export async function relayCardStep<T>(
  script: HostScript<CardResult<T>>,
  seedHex: string,
  responses: readonly Uint8Array[],
): Promise<{ ok: true; value: RelayStep<T> } | { ok: false; error: CardRefused }> {
  let replayed: RelayStep<CardResult<T>>;
  try {
    replayed = await replayHostScript(script, fromHex(seedHex.toUpperCase()), responses);
  } catch {
    return { ok: false, error: { code: "card-refused", message: "The card's answers do not fit this conversation.", step: "relay", sw: null } };
  }
  if (replayed.kind === "command") return { ok: true, value: replayed };
  const r = replayed.result;
  if (!r.ok)
    return {
      ok: false,
      error: {
        code: "card-refused",
        message: `${r.error.step}: ${r.error.meaning}`,
        step: r.error.step,
        sw: r.error.sw === null ? null : formatStatusWord(r.error.sw),
      },
    };
  return { ok: true, value: { kind: "done", result: r.value } };
}

/** A sealed ticket: what the conversation is about, and its seed. */
export type RelayTicket<C> = { readonly purpose: string; readonly owner: string; readonly context: C; readonly seed: string; readonly expiresAt: string };

function ticketKey(master: Uint8Array): Buffer {
  return Buffer.from(hkdfSync("sha256", master, new Uint8Array(0), "ReCard/card-relay-ticket/v1", 32));
}

/** Seals a ticket (AES-256-GCM, random nonce): opaque to the browser that carries it. */
export function sealTicket<C>(master: Uint8Array, ticket: Omit<RelayTicket<C>, "seed">): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", ticketKey(master), nonce);
  const plain = Buffer.from(JSON.stringify({ ...ticket, seed: randomBytes(32).toString("hex") }));
  const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([nonce, sealed, cipher.getAuthTag()]).toString("base64url");
}

/** Opens a ticket; null when it was not sealed by this server (tampered, foreign) or is malformed. */
export function openTicket<C>(master: Uint8Array, text: string): RelayTicket<C> | null {
  try {
    const bytes = Buffer.from(text, "base64url");
    if (bytes.length < 12 + 16 + 2) return null;
    const decipher = createDecipheriv("aes-256-gcm", ticketKey(master), bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    const plain = Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]);
    return JSON.parse(plain.toString("utf8")) as RelayTicket<C>;
  } catch {
    return null;
  }
}
