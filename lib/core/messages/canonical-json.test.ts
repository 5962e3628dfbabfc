import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { canonicalJson } from "./canonical-json";

describe("canonicalJson (RFC 8785)", () => {
  test.each([
    ["sorted members, no whitespace", { b: 1, a: [true, null, "x"] }, '{"a":[true,null,"x"],"b":1}'],
    ["nested objects are sorted too", { z: { y: 1, x: 2 } }, '{"z":{"x":2,"y":1}}'],
    // RFC 8785 §3.2.3: order by UTF-16 code units, so U+20AC (€) sorts before U+FB33 and the
    // surrogate pair of U+1F600 (D83D DE00) sorts between them.
    ["UTF-16 code unit order", { "\uFB33": 1, "\u20AC": 2, "\uD83D\uDE00": 3, "\r": 4, "1": 5 }, '{"\\r":4,"1":5,"€":2,"😀":3,"דּ":1}'],
    ["numbers as ECMAScript prints them", [0, -0, 1e21, 1.5, -7], "[0,0,1e+21,1.5,-7]"],
    ["string escapes", ['\u0007\n"\\/'], '["\\u0007\\n\\"\\\\/"]'],
    ["undefined members are left out", { a: undefined, b: 2 }, '{"b":2}'],
    ["empty containers", { a: {}, b: [] }, '{"a":{},"b":[]}'],
  ])("%s", (_name, value, text) => {
    expect(canonicalJson(value)).toBe(text);
  });

  test.each([
    ["NaN", Number.NaN],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["a lone surrogate", "\uD800"],
    ["a lone surrogate in a member name", { "\uDC00": 1 }],
    ["a function", () => 1],
    ["a bigint", 1n],
  ])("throws on %s", (_name, value) => {
    expect(() => canonicalJson(value)).toThrow();
  });

  test("property: canonical text is a fixed point of parse + canonicalize", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
    );
  });

  test("property: member order of the input does not matter", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 8 }), (object) => {
        const reversed = Object.fromEntries(Object.entries(object).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(object));
      }),
    );
  });
});
