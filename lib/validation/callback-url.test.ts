import { describe, expect, it } from "vitest";
import { safeCallbackPath } from "./callback-url";

describe("safeCallbackPath", () => {
  it.each([
    ["/issuer/cards", "/issuer/cards"],
    ["/issuer/cards?page=2&q=a#top", "/issuer/cards?page=2&q=a#top"],
    ["/", "/"],
    ["/a/../b", "/b"],
  ])("keeps the same-site path %s", (input, expected) => {
    expect(safeCallbackPath(input)).toBe(expected);
  });

  it.each([
    "/\\evil.example/", // what /signin?callbackUrl=/%5Cevil.example/ decodes to
    "//evil.example",
    "///evil.example",
    "https://evil.example",
    "http:/evil.example",
    "javascript:alert(1)",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\u0000",
    "evil.example",
    "",
    "/".padEnd(3000, "a"),
  ])("refuses %j", (input) => {
    expect(safeCallbackPath(input)).toBeNull();
  });

  it("keeps an encoded backslash as a literal path on this site", () => {
    expect(safeCallbackPath("/%5Cevil.example/")).toBe("/%5Cevil.example/");
  });

  it("takes the first of repeated parameters and refuses nothing given", () => {
    expect(safeCallbackPath(["/provider", "//evil"])).toBe("/provider");
    expect(safeCallbackPath(undefined)).toBeNull();
    expect(safeCallbackPath(null)).toBeNull();
  });
});
