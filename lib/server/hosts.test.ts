import { describe, expect, it } from "vitest";
import { parseHosts } from "./hosts";

describe("RECARD_HOSTS", () => {
  it("unset or empty: every company (the one-process demo)", () => {
    expect(parseHosts(undefined)).toBeNull();
    expect(parseHosts("")).toBeNull();
    expect(parseHosts("  ")).toBeNull();
  });
  it("a comma-separated list of company ids", () => {
    expect([...parseHosts("METRO01")!]).toEqual(["METRO01"]);
    expect([...parseHosts("HOSHI01, SAKURA01")!]).toEqual(["HOSHI01", "SAKURA01"]);
  });
  it("refuses anything else, naming the value", () => {
    expect(() => parseHosts("metro01")).toThrow(/RECARD_HOSTS must be company ids/);
    expect(() => parseHosts("METRO01,,HOSHI01")).toThrow(/"METRO01,,HOSHI01"/);
    expect(() => parseHosts('{"METRO01":true}')).toThrow(/RECARD_HOSTS/);
  });
});
