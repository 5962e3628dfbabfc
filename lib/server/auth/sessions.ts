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

export type SessionAccount = {
  id: string;
  email: string;
  name: string;
  role: "issuer" | "provider" | "cardholder";
  issuerCompanyId: string | null;
  providerCompanyId: string | null;
  cardholderId: string | null;
  /** The account's chosen language and time zone, unchecked (lib/server/auth/preferences.ts checks them). */
  locale: string | null;
  timeZone: string | null;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `touchSession` and the account row it is for, in one statement (issue 16: every page view of a signed-in
 * person starts here; the UPDATE, its transaction and two reads of auth_users were five round trips).
 * Null when the session is not live for `userId` at `now`, exactly when `touchSession` is false.
 */
export async function touchSessionAccount(db: Db, sessionId: string, userId: string, now: Date, policy: SessionPolicy): Promise<SessionAccount | null> {
  if (!UUID.test(userId)) return null;
  const idleSince = new Date(now.getTime() - policy.idleMs);
  const rows = await db.$queryRaw<SessionAccount[]>`
    WITH touched AS (
      UPDATE auth_session SET last_seen_at = ${now}
      WHERE id_hash = ${hashId(sessionId)} AND user_id = ${userId}::uuid AND revoked_at IS NULL
        AND expires_at > ${now} AND last_seen_at > ${idleSince}
      RETURNING user_id
    )
    SELECT u.id::text AS "id", u.email, u.name, u.role::text AS "role", u.issuer_company_id AS "issuerCompanyId",
      u.provider_company_id AS "providerCompanyId", u.cardholder_id::text AS "cardholderId", u.locale::text AS "locale",
      u.time_zone AS "timeZone"
    FROM touched JOIN auth_users u ON u.id = touched.user_id`;
  return rows[0] ?? null;
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
