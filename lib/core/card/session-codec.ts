/**
 * The card's volatile session (card-os.ts `Session`: selection, command chaining, the LOAD buffer,
 * pending response data) as JSON, so a card that lives on a server keeps its session between the
 * requests that carry its APDUs (the presented-card transport, docs/reader.md). Bytes become
 * `{"$b": hex}`, dates `{"$d": ISO}`; everything else in a session is plain JSON already.
 */
import { fromHex, toHex } from "../bytes";
import { INITIAL_SESSION, type Session } from "./card-os";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function encode(value: unknown): Json {
  if (value instanceof Uint8Array) return { $b: toHex(value) };
  if (value instanceof Date) return { $d: value.toISOString() };
  if (Array.isArray(value)) return value.map(encode);
  if (value && typeof value === "object") {
    const out: { [key: string]: Json } = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = encode(v);
    return out;
  }
  if (value === undefined) return null;
  if (typeof value === "bigint" || typeof value === "function" || typeof value === "symbol")
    throw new TypeError(`card session: cannot store a ${typeof value}`);
  return value as Json;
}

function decode(value: Json): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (value && typeof value === "object") {
    const keys = Object.keys(value);
    if (keys.length === 1 && typeof value.$b === "string") return fromHex(value.$b);
    if (keys.length === 1 && typeof value.$d === "string") return new Date(value.$d);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = decode(v);
    return out;
  }
  return value;
}

/** The session as JSON (for a database column). */
export function encodeCardSession(session: Session): Json {
  return encode(session);
}

/** The session back from `encodeCardSession`; anything that is not a session object gives the power-on session. */
export function decodeCardSession(json: unknown): Session {
  if (!json || typeof json !== "object" || Array.isArray(json) || !("selected" in json)) return INITIAL_SESSION;
  return decode(json as Json) as Session;
}
