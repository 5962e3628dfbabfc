import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { decodeCursor, decodeKeysetCursor, encodeCursor, listHref, parseSort, sortLinkParams } from "./list-query";

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

describe("decodeKeysetCursor and sortLinkParams", () => {
  const id = "6f1c2a44-0b7e-4c1e-9d55-2f3a4b5c6d7e";
  const instant = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
  it("reads a cursor back only when its value fits the sort key and its id is a row's uuid", () => {
    expect(decodeKeysetCursor(encodeCursor(["2026-12-01T10:00:00.000Z", id]), instant)).toEqual({ value: "2026-12-01T10:00:00.000Z", id });
    expect(decodeKeysetCursor(encodeCursor(["CH-000001", id]), instant)).toBeNull();
    expect(decodeKeysetCursor(encodeCursor(["2026-12-01T10:00:00.000Z", "not-a-uuid"]), instant)).toBeNull();
    expect(decodeKeysetCursor(undefined, instant)).toBeNull();
  });
  it("leaves the default sort out of links", () => {
    const fallback = { key: "issued", dir: "desc" } as const;
    expect(sortLinkParams({ key: "issued", dir: "desc" }, fallback)).toEqual({ sort: undefined, dir: undefined });
    expect(sortLinkParams({ key: "issued", dir: "asc" }, fallback)).toEqual({ sort: "issued", dir: "asc" });
  });
});

describe("listHref", () => {
  it("keeps the other parameters, drops empty ones", () => {
    expect(listHref({ q: "hana", status: "", after: "xyz" }, { sort: "surface", dir: "asc", after: undefined })).toBe("?q=hana&sort=surface&dir=asc");
    expect(listHref({ q: "hana" }, {}, "/issuer/cards/export")).toBe("/issuer/cards/export?q=hana");
    expect(listHref({}, {}, "/x")).toBe("/x");
  });
});
