import { describe, expect, it } from "vitest";
import { formatTotal } from "./counts";

describe("formatTotal", () => {
  it.each([
    [{ count: 0, isEstimate: false }, "0"],
    [{ count: 1000, isEstimate: false }, "1,000"],
    [{ count: 1234, isEstimate: true }, "about 1,200"],
    [{ count: 98_765, isEstimate: true }, "about 99,000"],
    [{ count: 100_012, isEstimate: true }, "about 100,000"],
  ])("%j → %s", (total, words) => expect(formatTotal(total)).toBe(words));
});
