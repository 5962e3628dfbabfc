/**
 * Canonical JSON (RFC 8785, JSON Canonicalization Scheme): object members sorted by their names'
 * UTF-16 code units, no whitespace, strings and numbers serialised as ECMAScript's JSON.stringify
 * does. The same value always gives the same text, so the signature covers exactly one spelling.
 */

// In a /u regex a well-formed surrogate pair is one code point, so only lone halves match.
const LONE_SURROGATE = /\p{Surrogate}/u;

/** Canonical JSON text of a JSON value; throws on values JSON cannot carry (a broken invariant). */
export function canonicalJson(value: unknown): string {
  return serialise(value, 0);
}

function serialise(value: unknown, depth: number): string {
  if (depth > 64) throw new RangeError("canonical JSON: nesting deeper than 64");
  if (value === null) return "null";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "number":
      // RFC 8785 §3.2.2.3: ECMAScript Number serialisation; NaN and infinities have none.
      if (!Number.isFinite(value)) throw new RangeError(`canonical JSON: ${value} is not a JSON number`);
      return JSON.stringify(value);
    case "string":
      // RFC 8785 §3.2.2.2 forbids lone surrogates: they cannot round-trip through UTF-8.
      if (LONE_SURROGATE.test(value)) throw new RangeError("canonical JSON: string contains a lone surrogate");
      return JSON.stringify(value);
    case "object": {
      if (Array.isArray(value)) return `[${value.map((item) => serialise(item, depth + 1)).join(",")}]`;
      const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
      // Default sort compares UTF-16 code units, which is what RFC 8785 §3.2.3 asks for.
      entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      for (const [key] of entries) {
        if (LONE_SURROGATE.test(key)) throw new RangeError("canonical JSON: member name contains a lone surrogate");
      }
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${serialise(v, depth + 1)}`).join(",")}}`;
    }
    default:
      throw new TypeError(`canonical JSON: a ${typeof value} is not a JSON value`);
  }
}
