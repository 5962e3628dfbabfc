import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { decodeCursor, encodeCursor, listHref, parseSort } from "./list-query";

describe("parseSort", () => {
  const keys = ["issued", "surface"] as const;
  const fallback = { key: "issued", dir: "desc" } as const;
  it.each([
    [{}, fallback],
    [{ sort: "surface" }, { key: "surface", dir: "desc" }],
    [
      { sort: "surface", dir: "asc" },
      { key: "surface", dir: "asc" },
    ],
    [
      { sort: "surface", dir: "sideways" },
      { key: "surface", dir: "desc" },
    ],
    [{ sort: "c.issued_at; DROP TABLE", dir: "asc" }, fallback],
    [
      { sort: ["surface", "issued"], dir: ["asc"] },
      { key: "surface", dir: "asc" },
    ],
  ])("%j → %j", (params, sort) => expect(parseSort(params, keys, fallback)).toEqual(sort));
});

describe("cursors", () => {
  it("round-trip any strings", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 50 }), { minLength: 1, maxLength: 3 }), (parts) => {
        expect(decodeCursor(encodeCursor(parts), parts.length)).toEqual(parts);
      }),
    );
  });
  it("refuse what encodeCursor did not make", () => {
    expect(decodeCursor(undefined, 2)).toBeNull();
    expect(decodeCursor("not base64!", 2)).toBeNull();
    expect(decodeCursor(encodeCursor(["a"]), 2)).toBeNull();
    expect(decodeCursor(btoa(JSON.stringify([1, 2])), 2)).toBeNull();
    expect(decodeCursor("A".repeat(600), 2)).toBeNull();
  });
});

describe("listHref", () => {
  it("keeps the other parameters, drops empty ones", () => {
    expect(listHref({ q: "hana", status: "", after: "xyz" }, { sort: "surface", dir: "asc", after: undefined })).toBe("?q=hana&sort=surface&dir=asc");
    expect(listHref({ q: "hana" }, {}, "/issuer/cards/export")).toBe("/issuer/cards/export?q=hana");
    expect(listHref({}, {}, "/x")).toBe("/x");
  });
});
