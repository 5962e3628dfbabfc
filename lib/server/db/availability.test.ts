import { afterEach, describe, expect, it } from "vitest";
import { databaseRetryAfter, isDatabaseUnavailableError, markDatabaseAvailable, markDatabaseUnavailable } from "./availability";

afterEach(() => markDatabaseAvailable());

describe("isDatabaseUnavailableError", () => {
  it("recognises timeouts and lost connections, also inside a cause chain", () => {
    expect(isDatabaseUnavailableError(Object.assign(new Error("canceling statement due to statement timeout"), { code: "57014" }))).toBe(true);
    expect(isDatabaseUnavailableError(new Error("timeout exceeded when trying to connect"))).toBe(true);
    expect(isDatabaseUnavailableError(Object.assign(new Error("Timed out fetching a new connection"), { code: "P2024" }))).toBe(true);
    expect(isDatabaseUnavailableError(new Error("render failed", { cause: new Error("connect ECONNREFUSED 127.0.0.1:5432") }))).toBe(true);
    expect(isDatabaseUnavailableError({ code: "P1001", message: "Can't reach database server" })).toBe(true);
  });

  it("does not take a wrong statement, a constraint or an application error for an unavailable database", () => {
    expect(isDatabaseUnavailableError(Object.assign(new Error('syntax error at or near "SELEC"'), { code: "42601" }))).toBe(false);
    expect(isDatabaseUnavailableError(Object.assign(new Error("Unique constraint failed"), { code: "P2002" }))).toBe(false);
    expect(isDatabaseUnavailableError(new Error("card not found"))).toBe(false);
    expect(isDatabaseUnavailableError(null)).toBe(false);
    expect(isDatabaseUnavailableError("timeout")).toBe(false);
    const loop = new Error("loop") as Error & { cause?: unknown };
    loop.cause = loop;
    expect(isDatabaseUnavailableError(loop)).toBe(false);
  });
});

describe("the fail-fast window", () => {
  const t0 = 1_800_000_000_000;
  it("opens for the given seconds, counts down, extends, and closes", () => {
    expect(databaseRetryAfter(t0)).toBeNull();
    markDatabaseUnavailable(t0, 10);
    expect(databaseRetryAfter(t0)).toBe(10);
    expect(databaseRetryAfter(t0 + 9_500)).toBe(1);
    expect(databaseRetryAfter(t0 + 10_000)).toBeNull();
    markDatabaseUnavailable(t0 + 5_000, 10); // a later failure extends the window, an earlier one never shortens it
    markDatabaseUnavailable(t0, 1);
    expect(databaseRetryAfter(t0 + 14_000)).toBe(1);
    markDatabaseAvailable();
    expect(databaseRetryAfter(t0 + 1)).toBeNull();
  });
});
