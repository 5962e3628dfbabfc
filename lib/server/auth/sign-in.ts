import "server-only";
import type { Db } from "../db";
import { unhostedCompanyOf } from "../hosting";
import { describeAccount, type AccountScope } from "./account";
import { DUMMY_PASSWORD_HASH, verifyPassword } from "./password";
import { createSession, isKnownAddress, revokeSession, type SessionPolicy } from "./sessions";
import { ACCOUNT_SCHEDULE, ADDRESS_SCHEDULE, clearAttempts, releaseAttempt, reserveAttempt } from "./throttle";

export type SignInInput = {
  /** Already trimmed and lower-cased. */
  email: string;
  password: string;
  /** The client address (clientAddress), or null when unknown. */
  address: string | null;
  /** The session id of the cookie the browser came with, revoked on a successful sign-in (rotation). */
  previousSessionId?: string | null;
};

export type SignInResult =
  | { ok: true; user: { id: string; email: string; name: string } & AccountScope; sessionId: string }
  | { ok: false; code: "invalid" }
  /** The account belongs to a company this deployment does not host (RECARD_HOSTS): sign in at that company's own address. */
  | { ok: false; code: "not-hosted"; companyId: string }
  | { ok: false; code: "throttled"; waitSeconds: number };

/**
 * The password sign-in, clock and password verifier injected (tests count the verifier's calls).
 * Unknown and known e-mail addresses take the same path: the same throttle keys, one scrypt run (against
 * a dummy hash for an unknown one) and the same answer.
 */
export async function signInWithPassword(
  db: Db,
  input: SignInInput,
  deps: { now: Date; policy: SessionPolicy; verify?: (password: string, hash: string) => Promise<boolean> },
): Promise<SignInResult> {
  const { email, password, address, previousSessionId } = input;
  const { now, policy, verify = verifyPassword } = deps;
  const known = await isKnownAddress(db, email, address, now);
  const accountKey = known ? `account:${email}@${address}` : `account:${email}`;
  const addressKey = address ? `address:${address}` : null;
  if (addressKey) {
    const byAddress = await reserveAttempt(db, addressKey, now, ADDRESS_SCHEDULE);
    if (!byAddress.ok) return { ok: false, code: "throttled", waitSeconds: byAddress.waitSeconds };
  }
  const byAccount = await reserveAttempt(db, accountKey, now, ACCOUNT_SCHEDULE);
  if (!byAccount.ok) return { ok: false, code: "throttled", waitSeconds: byAccount.waitSeconds };

  const user = await db.user.findUnique({ where: { email } });
  const valid = await verify(password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
  if (!user || !valid) return { ok: false, code: "invalid" };
  // Checked after the password, so the answer tells nothing about an address to someone without it.
  const elsewhere = await unhostedCompanyOf(db, user);
  if (elsewhere) return { ok: false, code: "not-hosted", companyId: elsewhere };

  await clearAttempts(db, accountKey);
  if (addressKey) await releaseAttempt(db, addressKey);
  if (previousSessionId) await revokeSession(db, previousSessionId, now);
  await db.user.update({ where: { id: user.id }, data: { lastSignInAt: now } });
  const sessionId = await createSession(db, { userId: user.id, address, now, policy });
  const scope = await describeAccount(db, user);
  return { ok: true, user: { id: user.id, email: user.email, name: user.name, ...scope }, sessionId };
}

/**
 * The client address for the per-address limit: the LAST X-Forwarded-For entry, i.e. what the nearest
 * hop saw (`next start` sets it to the socket address when absent; a reverse proxy appends the client
 * it saw). IPv6 addresses count per /64, the block one subscriber usually holds.
 */
export function clientAddress(headers: Record<string, string | string[] | undefined> | undefined): string | null {
  const raw = headers?.["x-forwarded-for"];
  const value = Array.isArray(raw) ? raw.at(-1) : raw;
  const last = value?.split(",").at(-1)?.trim().toLowerCase();
  if (!last || last.length > 64 || !/^[0-9a-f:.]+$/.test(last)) return null;
  const v4 = /^(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/.exec(last);
  if (v4) return v4[1]!;
  if (last === "::1") return last;
  return ipv6Prefix64(last);
}

function ipv6Prefix64(address: string): string | null {
  const [head, tail] = address.split("::") as [string, string | undefined];
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  if (address.includes("::") === false && left.length !== 8) return null;
  const groups = [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return null;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}
