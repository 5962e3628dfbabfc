import { describe, expect, it } from "vitest";
import { isSurfaceNumber } from "./ids";
import { seededCardEnv } from "./env";
import { drawUnused, randomSurfaceNumber, SURFACE_NUMBER_DRAWS } from "./personalise";

const IIN = "99000001"; // 8 digits: 7 random digits and a check digit, 10^7 numbers

describe("surface numbers at scale (issue 16)", () => {
  it("issues 100,000 numbers under an 8-digit IIN without a collision: taken draws are drawn again", async () => {
    const env = seededCardEnv("surface numbers at 100,000");
    const issued = new Set<string>();
    let redraws = 0;
    let firstDrawTaken = 0;
    for (let i = 0; i < 100_000; i++) {
      const found = await drawUnused(
        () => randomSurfaceNumber(IIN, env),
        (n) => issued.has(n),
      );
      if (!found) throw new Error(`gave up at card ${i}`);
      if (found.draws > 1) firstDrawTaken += 1;
      redraws += found.draws - 1;
      issued.add(found.value);
    }
    expect(issued.size).toBe(100_000);
    for (const n of issued) if (!isSurfaceNumber(n) || !n.startsWith(IIN)) throw new Error(`not a surface number under the IIN: ${n}`);
    // Without the redraw about 100,000² / (2·10^7) ≈ 500 cards would have met a taken number (the
    // birthday bound the issue measured: 5 of 10,000); each needed one more draw, almost never two.
    expect(firstDrawTaken).toBeGreaterThan(300);
    expect(firstDrawTaken).toBeLessThan(800);
    expect(redraws - firstDrawTaken).toBeLessThan(10);
  });

  it("gives up after SURFACE_NUMBER_DRAWS taken draws (a full number space), and returns the first free draw", async () => {
    let draws = 0;
    expect(
      await drawUnused(
        () => String(draws++),
        () => true,
      ),
    ).toBeNull();
    expect(draws).toBe(SURFACE_NUMBER_DRAWS);
    const sequence = ["a", "b", "c"];
    let i = 0;
    expect(
      await drawUnused(
        () => sequence[i++]!,
        (n) => n !== "c",
      ),
    ).toEqual({ value: "c", draws: 3 });
  });
});
