import { afterEach, describe, expect, it, vi } from "vitest";
import { NextRequest, type NextFetchEvent } from "next/server";
import proxy from "@/proxy";
import { DATABASE_RETRY_SECONDS, markDatabaseAvailable, markDatabaseUnavailable } from "../db/availability";
import { contentSecurityPolicy, isCrossSiteWrite } from "./security-headers";

const event = {} as NextFetchEvent;
const saved = process.env.NEXTAUTH_URL;
afterEach(() => {
  if (saved === undefined) delete process.env.NEXTAUTH_URL;
  else process.env.NEXTAUTH_URL = saved;
});

describe("proxy headers", () => {
  it("over https: HSTS, upgrade-insecure-requests and a nonce passed to the render", async () => {
    process.env.NEXTAUTH_URL = "https://recard.example";
    const response = await proxy(new NextRequest("https://recard.example/signin"), event);
    expect(response.headers.get("strict-transport-security")).toBe("max-age=63072000; includeSubDomains");
    const csp = response.headers.get("content-security-policy")!;
    expect(csp).toContain("upgrade-insecure-requests");
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
    // Next reads the nonce from the request's CSP header: the proxy forwards it (x-middleware-override-headers).
    expect(response.headers.get("x-middleware-request-content-security-policy")).toBe(csp);
    expect(response.headers.get("x-middleware-request-x-nonce")).toBe(nonce);
  });

  it("over http: no HSTS", async () => {
    process.env.NEXTAUTH_URL = "http://localhost:3000";
    const response = await proxy(new NextRequest("http://localhost:3000/signin"), event);
    expect(response.headers.get("strict-transport-security")).toBeNull();
    expect(response.headers.get("content-security-policy")).not.toContain("upgrade-insecure-requests");
  });

  it("a cross-site POST gets 403 before anything runs", async () => {
    process.env.NEXTAUTH_URL = "https://recard.example";
    const request = new NextRequest("https://recard.example/issuer/cards", { method: "POST", headers: { origin: "https://evil.example", "next-action": "x" } });
    const response = await proxy(request, event);
    expect(response.status).toBe(403);
  });
});

describe("security headers", () => {
  it("a production CSP has neither unsafe-inline nor unsafe-eval", () => {
    const csp = contentSecurityPolicy("abc", { https: false, dev: false });
    expect(csp).not.toMatch(/unsafe-(inline|eval)/);
    expect(csp).toContain("script-src 'self' 'nonce-abc' 'strict-dynamic'");
    expect(csp).toContain("style-src 'self' 'nonce-abc'");
  });

  it.each([
    ["POST", { "sec-fetch-site": "cross-site" }, true],
    ["POST", { "sec-fetch-site": "same-site" }, true],
    ["POST", { "sec-fetch-site": "same-origin" }, false],
    ["POST", { "sec-fetch-site": "none" }, false],
    ["POST", { origin: "https://evil.example" }, true],
    ["POST", { origin: "null" }, true],
    ["POST", { origin: "https://recard.example" }, false],
    ["POST", {}, false],
    ["GET", { "sec-fetch-site": "cross-site" }, false],
    ["DELETE", { origin: "https://evil.example" }, true],
  ] as const)("%s %j → cross-site %s", (method, headers, expected) => {
    expect(isCrossSiteWrite(method, new Headers(headers), ["https://recard.example"])).toBe(expected);
  });
});

describe("proxy while the database is unavailable (issue 9: a stuck database answers 503 quickly)", () => {
  const t0 = Date.UTC(2026, 10, 30, 12, 0, 0);
  afterEach(() => {
    markDatabaseAvailable();
    vi.useRealTimers();
  });

  it("answers pages and actions 503 with Retry-After during the window, lets /api/health probe, and passes again after it", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(t0);
    process.env.NEXTAUTH_URL = "http://localhost:3000";
    markDatabaseUnavailable(t0);
    const page = await proxy(new NextRequest("http://localhost:3000/signin"), event);
    expect(page.status).toBe(503);
    expect(page.headers.get("retry-after")).toBe(String(DATABASE_RETRY_SECONDS));
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
    const text = await page.text();
    expect(text).toContain("temporarily unavailable");
    expect(text).not.toMatch(/<script|<style/);
    const action = await proxy(
      new NextRequest("http://localhost:3000/issuer/cards", { method: "POST", headers: { "next-action": "x", "sec-fetch-site": "same-origin" } }),
      event,
    );
    expect(action.status).toBe(503);
    expect((await proxy(new NextRequest("http://localhost:3000/api/health"), event)).status).not.toBe(503);

    vi.setSystemTime(t0 + (DATABASE_RETRY_SECONDS - 1) * 1000);
    expect((await proxy(new NextRequest("http://localhost:3000/signin"), event)).headers.get("retry-after")).toBe("1");
    vi.setSystemTime(t0 + DATABASE_RETRY_SECONDS * 1000);
    expect((await proxy(new NextRequest("http://localhost:3000/signin"), event)).status).not.toBe(503);
  });

  it("a good health probe closes the window early", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(t0);
    markDatabaseUnavailable(t0);
    expect((await proxy(new NextRequest("http://localhost:3000/signin"), event)).status).toBe(503);
    markDatabaseAvailable();
    expect((await proxy(new NextRequest("http://localhost:3000/signin"), event)).status).not.toBe(503);
  });
});
