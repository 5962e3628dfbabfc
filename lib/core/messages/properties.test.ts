import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { canonicalize, encodeMessage, parseMessage } from "./codec";
import { EXAMPLE_MESSAGES } from "./fixtures";
import { MESSAGE_TYPES } from "./message-types";
import { anyMessageArb, messageArb } from "./test-arbitraries";

/** A copy of a JSON value with every object's members in a shuffled order. */
function shuffleMembers(value: unknown, random: () => number): unknown {
  if (Array.isArray(value)) return value.map((v) => shuffleMembers(v, random));
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value).map(([k, v]) => [k, shuffleMembers(v, random)] as const);
  for (let i = entries.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [entries[i], entries[j]] = [entries[j]!, entries[i]!];
  }
  return Object.fromEntries(entries);
}

describe.each(MESSAGE_TYPES)("properties: %s", (type) => {
  test("round trip: decode(encode(x)) = x, with x's canonical bytes", () => {
    fc.assert(
      fc.property(messageArb(type), (message) => {
        const parsed = parseMessage(JSON.parse(encodeMessage(message)));
        if (!parsed.ok) throw new Error(`${parsed.error.code}: ${parsed.error.message}`);
        expect(parsed.value).toStrictEqual(message);
        expect(canonicalize(parsed.value)).toStrictEqual(canonicalize(message));
      }),
      { numRuns: 60 },
    );
  });
});

describe("properties: any message", () => {
  test("canonical encoding is stable: member order never changes the bytes", () => {
    fc.assert(
      fc.property(anyMessageArb, fc.integer(), (message, seed) => {
        const random = mulberry32(seed);
        const shuffled = shuffleMembers(JSON.parse(JSON.stringify(message)), random);
        const parsed = parseMessage(shuffled);
        expect(parsed.ok).toBe(true);
        if (parsed.ok) expect(encodeMessage(parsed.value)).toBe(encodeMessage(message));
      }),
      { numRuns: 150 },
    );
  });

  test("parseMessage never throws, whatever JSON it is given", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (json) => {
        const result = parseMessage(json);
        expect(typeof result.ok).toBe("boolean");
      }),
      { numRuns: 300 },
    );
  });

  test("one changed leaf: refused with a code and a field, or still a valid message that round-trips", () => {
    const leafPaths = (value: unknown, path: (string | number)[] = []): (string | number)[][] =>
      value !== null && typeof value === "object"
        ? Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...path, Array.isArray(value) ? Number(k) : k]))
        : [path];
    fc.assert(
      fc.property(
        fc.constantFrom(...MESSAGE_TYPES).chain((type) => {
          const json = JSON.parse(JSON.stringify(EXAMPLE_MESSAGES[type])) as unknown;
          return fc.tuple(fc.constant(json), fc.constantFrom(...leafPaths(json)), fc.jsonValue());
        }),
        ([json, path, replacement]) => {
          const copy = structuredClone(json) as Record<string | number, unknown>;
          let node = copy;
          for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
          node[path.at(-1)!] = replacement;
          const result = parseMessage(copy);
          if (result.ok) {
            expect(parseMessage(JSON.parse(encodeMessage(result.value)))).toStrictEqual(result);
          } else {
            expect(result.error.message.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});

/** A small seeded PRNG so a failing shuffle replays from fast-check's seed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
