import "server-only";
import { createHash, randomBytes } from "node:crypto";
import type { Db } from "../db";
import { env } from "../env";

/**
 * Server-side sessions (issue 9). The encrypted session token (JWT) carries a random session id; its
 * SHA-256 keys a row of auth_session that every request checks and touches in ONE conditional UPDATE:
 * not revoked, younger than the absolute lifetime, used within the idle timeout. Signing out revokes
 * the row, so a copied cookie stops working at once; signing in always makes a new id (rotation) and
 * revokes the one the browser came with.
 */
export type SessionPolicy = { idleMs: number; maxAgeMs: number };

/** Idle timeout and absolute lifetime from the environment (30 min and 12 h by default). */
export function sessionPolicy(): SessionPolicy {
  const e = env();
  return { idleMs: e.RECARD_SESSION_IDLE_MINUTES * 60_000, maxAgeMs: e.RECARD_SESSION_MAX_HOURS * 3_600_000 };
}

/** How long a session's address counts as "known" to the sign-in throttle after the session began. */
export const KNOWN_ADDRESS_DAYS = 90;

function hashId(sessionId: string): string {
  return createHash("sha256").update(sessionId).digest("hex");
}

/** Starts a session for `userId`; returns the new random session id (only its hash is stored). */
export async function createSession(db: Db, input: { userId: string; address: string | null; now: Date; policy: SessionPolicy }): Promise<string> {
  const sessionId = randomBytes(32).toString("base64url");
  const { userId, address, now, policy } = input;
  await db.$transaction([
    // Rows no longer useful even as a known address.
    db.authSession.deleteMany({ where: { userId, expiresAt: { lt: new Date(now.getTime() - KNOWN_ADDRESS_DAYS * 86_400_000) } } }),
    db.authSession.create({
      data: { idHash: hashId(sessionId), userId, address, createdAt: now, lastSeenAt: now, expiresAt: new Date(now.getTime() + policy.maxAgeMs) },
    }),
  ]);
  return sessionId;
}

/**
 * True when the session is live for `userId` at `now` (not revoked, not past its absolute end, used
 * within the idle timeout), and marks it used. One statement: a concurrent sign-out cannot slip between
 * the check and the touch.
 */
export async function touchSession(db: Db, sessionId: string, userId: string, now: Date, policy: SessionPolicy): Promise<boolean> {
  const { count } = await db.authSession.updateMany({
    where: {
      idHash: hashId(sessionId),
      userId,
      revokedAt: null,
      expiresAt: { gt: now },
      lastSeenAt: { gt: new Date(now.getTime() - policy.idleMs) },
    },
    data: { lastSeenAt: now },
  });
  return count === 1;
}

/** Ends a session for good (sign-out, or the old session of a browser that signs in again). */
export async function revokeSession(db: Db, sessionId: string, now: Date): Promise<void> {
  await db.authSession.updateMany({ where: { idHash: hashId(sessionId), revokedAt: null }, data: { revokedAt: now } });
}

/** Whether the account `email` has signed in successfully from `address` recently (same query for unknown e-mails). */
export async function isKnownAddress(db: Db, email: string, address: string | null, now: Date): Promise<boolean> {
  if (!address) return false;
  const row = await db.authSession.findFirst({
    where: { address, user: { email }, createdAt: { gt: new Date(now.getTime() - KNOWN_ADDRESS_DAYS * 86_400_000) } },
    select: { idHash: true },
  });
  return row !== null;
}
