import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetDatabase, testDatabase, testPrisma } from "../helpers/db";
import { pointAppAtTestDatabase } from "../helpers/env";

/**
 * The sign-in throttle (issue 9) under concurrency, with an injected clock and a counting password
 * verifier: only reserved attempts reach the password check, whatever the interleaving.
 */
pointAppAtTestDatabase();

const { db } = await import("@/lib/server/db");
const { hashPassword, verifyPassword } = await import("@/lib/server/auth/password");
const { signInWithPassword } = await import("@/lib/server/auth/sign-in");
const { ACCOUNT_SCHEDULE, ADDRESS_SCHEDULE, throttleDelaySeconds } = await import("@/lib/server/auth/throttle");

const policy = { idleMs: 30 * 60_000, maxAgeMs: 12 * 3_600_000 };
const T0 = new Date("2026-11-30T09:00:00Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
// A pool as wide as the app's, so the 40 attempts really run side by side.
const wide = testPrisma(10);

function countingVerifier() {
  const calls = { n: 0 };
  const verify = async (password: string, hash: string) => {
    calls.n++;
    return verifyPassword(password, hash);
  };
  return { calls, verify };
}

let emailSeq = 0;
async function newAccount(): Promise<string> {
  const email = `person${++emailSeq}@throttle.test`;
  await db().user.create({ data: { email, name: "Person", role: "issuer", passwordHash: await hashPassword("right-password"), issuerCompanyId: "ISS01" } });
  return email;
}

beforeAll(async () => {
  await resetDatabase();
  await db().issuerCompany.create({ data: { companyId: "ISS01", name: "Test issuer", iin: "9999" } });
}, 120_000);
afterAll(async () => {
  await wide.$disconnect();
  await db().$disconnect();
});

describe(`sign-in throttle (${testDatabase().kind})`, () => {
  it("40 concurrent wrong passwords on one account from 40 addresses: at most the free allowance reaches the password check", async () => {
    const email = await newAccount();
    const { calls, verify } = countingVerifier();
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        signInWithPassword(wide, { email, password: `guess-${i}`, address: `203.0.113.${i + 1}` }, { now: at(0), policy, verify }),
      ),
    );
    expect(calls.n).toBe(ACCOUNT_SCHEDULE.free);
    expect(results.filter((r) => !r.ok && r.code === "invalid")).toHaveLength(ACCOUNT_SCHEDULE.free);
    expect(results.filter((r) => !r.ok && r.code === "throttled")).toHaveLength(40 - ACCOUNT_SCHEDULE.free);
  });

  it("40 concurrent wrong passwords from one address on one account: the same bound", async () => {
    const email = await newAccount();
    const { calls, verify } = countingVerifier();
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        signInWithPassword(wide, { email, password: `guess-${i}`, address: "198.51.100.7" }, { now: at(0), policy, verify }),
      ),
    );
    expect(calls.n).toBe(ACCOUNT_SCHEDULE.free);
  });

  it("an unknown e-mail gets the same answers and the same password work as a known one", async () => {
    const known = await newAccount();
    const answers = async (email: string) => {
      const { calls, verify } = countingVerifier();
      const out: string[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await signInWithPassword(db(), { email, password: "wrong", address: null }, { now: at(i * 0.1), policy, verify });
        out.push(r.ok ? "ok" : r.code === "throttled" ? `throttled ${r.waitSeconds}` : r.code);
      }
      return { out, calls: calls.n };
    };
    const a = await answers(known);
    const b = await answers("nobody@throttle.test");
    expect(b).toEqual(a);
    expect(a.out).toEqual(["invalid", "invalid", "invalid", "throttled 2", "throttled 2"]);
  });

  it("backs off exponentially with the injected clock, and a success clears the account", async () => {
    const email = await newAccount();
    const attempt = (seconds: number, password = "wrong") => signInWithPassword(db(), { email, password, address: null }, { now: at(seconds), policy });
    let t = 100;
    for (let i = 0; i < 3; i++) expect((await attempt(t)).ok).toBe(false);
    // 3rd failure → blocked for base·2^0 = 2 s; each further counted failure doubles it.
    for (let n = 3; n <= 6; n++) {
      const delay = throttleDelaySeconds(n, ACCOUNT_SCHEDULE);
      const early = await attempt(t + delay - 0.5);
      expect(early).toEqual({ ok: false, code: "throttled", waitSeconds: 1 });
      t += delay;
      expect(await attempt(t)).toEqual({ ok: false, code: "invalid" });
    }
    expect(throttleDelaySeconds(6, ACCOUNT_SCHEDULE)).toBe(16);
    // Even the right password waits while blocked…
    expect((await attempt(t + 1, "right-password")).ok).toBe(false);
    // …and passes afterwards, clearing the account's counter.
    t += throttleDelaySeconds(7, ACCOUNT_SCHEDULE);
    expect((await attempt(t, "right-password")).ok).toBe(true);
    expect(await attempt(t + 1)).toEqual({ ok: false, code: "invalid" });
  });

  it("a stranger's burst does not lock out the owner signing in from an address that worked before", async () => {
    const email = await newAccount();
    const home = "192.0.2.10";
    expect((await signInWithPassword(db(), { email, password: "right-password", address: home }, { now: at(0), policy })).ok).toBe(true);
    // The stranger, from rotating addresses, exhausts the account's allowance.
    for (let i = 0; i < 10; i++) await signInWithPassword(db(), { email, password: `x${i}`, address: `203.0.113.${100 + i}` }, { now: at(10), policy });
    const stranger = await signInWithPassword(db(), { email, password: "right-password", address: "203.0.113.200" }, { now: at(11), policy });
    expect(stranger).toMatchObject({ ok: false, code: "throttled" });
    // The owner, from home, still gets in (with the right password only).
    expect(await signInWithPassword(db(), { email, password: "typo", address: home }, { now: at(11), policy })).toEqual({ ok: false, code: "invalid" });
    expect((await signInWithPassword(db(), { email, password: "right-password", address: home }, { now: at(11), policy })).ok).toBe(true);
  });

  it("one address guessing across many accounts is capped", async () => {
    const address = "198.51.100.99";
    const { calls, verify } = countingVerifier();
    const results = [];
    for (let i = 0; i < ADDRESS_SCHEDULE.free + 5; i++) {
      results.push(await signInWithPassword(db(), { email: `victim${i}@throttle.test`, password: "guess", address }, { now: at(500), policy, verify }));
    }
    expect(calls.n).toBe(ADDRESS_SCHEDULE.free);
    expect(results.at(-1)).toMatchObject({ ok: false, code: "throttled" });
  });

  it("successful sign-ins do not use up an address's allowance", async () => {
    const email = await newAccount();
    const address = "198.51.100.50";
    for (let i = 0; i < ADDRESS_SCHEDULE.free + 5; i++) {
      expect((await signInWithPassword(db(), { email, password: "right-password", address }, { now: at(900 + i), policy })).ok).toBe(true);
    }
  });
});
