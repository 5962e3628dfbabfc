import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetDatabase, testDatabase } from "../helpers/db";
import { pointAppAtTestDatabase } from "../helpers/env";

/**
 * Server-side sessions (issue 9): sign-out revokes the session, a session ends after its idle timeout
 * and after its absolute lifetime whatever the activity, and signing in rotates the id. The clock is
 * injected: no waiting.
 */
pointAppAtTestDatabase();

const { db } = await import("@/lib/server/db");
const { hashPassword } = await import("@/lib/server/auth/password");
const { createSession, touchSession, touchSessionAccount, revokeSession } = await import("@/lib/server/auth/sessions");
const { signInWithPassword } = await import("@/lib/server/auth/sign-in");
const { authOptions } = await import("@/lib/server/auth/options");

const policy = { idleMs: 30 * 60_000, maxAgeMs: 12 * 3_600_000 };
const T0 = new Date("2026-11-30T09:00:00Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
let userId = "";

beforeAll(async () => {
  await resetDatabase();
  await db().issuerCompany.create({ data: { companyId: "ISS01", name: "Test issuer", iin: "9999" } });
  const user = await db().user.create({
    data: { email: "desk@session.test", name: "Desk", role: "issuer", passwordHash: await hashPassword("right-password"), issuerCompanyId: "ISS01" },
  });
  userId = user.id;
}, 120_000);
afterAll(() => db().$disconnect());

describe(`server-side sessions (${testDatabase().kind})`, () => {
  it("sign-out (next-auth's signOut event with the token) revokes the session: the same token is refused afterwards", async () => {
    const sid = await createSession(db(), { userId, address: "10.0.0.1", now: at(0), policy });
    expect(await touchSession(db(), sid, userId, at(1), policy)).toBe(true);
    await authOptions.events!.signOut!({ token: { sid, sub: userId, role: "issuer", tenantId: "ISS01", companyName: "Test issuer" }, session: null as never });
    expect(await touchSession(db(), sid, userId, at(2), policy)).toBe(false);
    const row = await db().authSession.findFirstOrThrow({ where: { userId, revokedAt: { not: null } } });
    expect(row.revokedAt).not.toBeNull();
  });

  it("a session id only works for its own account", async () => {
    const sid = await createSession(db(), { userId, address: null, now: at(0), policy });
    expect(await touchSession(db(), sid, "00000000-0000-4000-8000-000000000000", at(1), policy)).toBe(false);
    expect(await touchSession(db(), "not-a-session", userId, at(1), policy)).toBe(false);
    expect(await touchSession(db(), sid, userId, at(1), policy)).toBe(true);
  });

  it("ends after 30 idle minutes, and each use restarts the idle timer", async () => {
    const sid = await createSession(db(), { userId, address: null, now: at(0), policy });
    expect(await touchSession(db(), sid, userId, at(29), policy)).toBe(true);
    expect(await touchSession(db(), sid, userId, at(58), policy)).toBe(true); // 29 min after the last use
    expect(await touchSession(db(), sid, userId, at(88.01), policy)).toBe(false); // 30 min + after it
    expect(await touchSession(db(), sid, userId, at(89), policy)).toBe(false); // and stays ended
  });

  it("ends 12 hours after sign-in however active", async () => {
    const sid = await createSession(db(), { userId, address: null, now: at(0), policy });
    for (let minute = 20; minute < 12 * 60; minute += 20) {
      expect(await touchSession(db(), sid, userId, at(minute), policy), `minute ${minute}`).toBe(true);
    }
    expect(await touchSession(db(), sid, userId, at(12 * 60), policy)).toBe(false);
  });

  it("signing in makes a new session id and revokes the one the browser came with", async () => {
    const first = await signInWithPassword(db(), { email: "desk@session.test", password: "right-password", address: "10.0.0.2" }, { now: at(0), policy });
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    const second = await signInWithPassword(
      db(),
      { email: "desk@session.test", password: "right-password", address: "10.0.0.2", previousSessionId: first.sessionId },
      { now: at(1), policy },
    );
    expect(second.ok).toBe(true);
    if (!second.ok) return;
    expect(second.sessionId).not.toBe(first.sessionId);
    expect(await touchSession(db(), first.sessionId, userId, at(2), policy)).toBe(false);
    expect(await touchSession(db(), second.sessionId, userId, at(2), policy)).toBe(true);
  });

  it("the page views' check (touchSessionAccount) is touchSession with the account row, in one statement", async () => {
    await db().user.update({ where: { id: userId }, data: { locale: "ja", timeZone: "Asia/Tokyo" } });
    const sid = await createSession(db(), { userId, address: null, now: at(0), policy });
    const { statementsSent } = await import("@/lib/server/db");
    const before = statementsSent();
    const account = await touchSessionAccount(db(), sid, userId, at(29), policy);
    expect(statementsSent() - before).toBe(1);
    expect(account).toEqual({
      id: userId,
      email: "desk@session.test",
      name: "Desk",
      role: "issuer",
      issuerCompanyId: "ISS01",
      providerCompanyId: null,
      cardholderId: null,
      locale: "ja",
      timeZone: "Asia/Tokyo",
    });
    // It touched the session: 29 minutes after this use is still inside the idle timeout.
    expect(await touchSessionAccount(db(), sid, userId, at(58), policy)).not.toBeNull();
    expect(await touchSessionAccount(db(), sid, userId, at(88.01), policy)).toBeNull(); // idle too long
    const other = await createSession(db(), { userId, address: null, now: at(0), policy });
    expect(await touchSessionAccount(db(), other, "00000000-0000-4000-8000-000000000000", at(1), policy)).toBeNull();
    expect(await touchSessionAccount(db(), other, "not-a-uuid", at(1), policy)).toBeNull();
    expect(await touchSessionAccount(db(), "not-a-session", userId, at(1), policy)).toBeNull();
    expect(await touchSessionAccount(db(), other, userId, at(12 * 60), policy)).toBeNull(); // past its absolute lifetime
    await revokeSession(db(), other, at(2));
    expect(await touchSessionAccount(db(), other, userId, at(3), policy)).toBeNull();
    await db().user.update({ where: { id: userId }, data: { locale: null, timeZone: null } });
  });

  it("revoking twice is harmless", async () => {
    const sid = await createSession(db(), { userId, address: null, now: at(0), policy });
    await revokeSession(db(), sid, at(1));
    await revokeSession(db(), sid, at(2));
    expect(await touchSession(db(), sid, userId, at(3), policy)).toBe(false);
  });
});
