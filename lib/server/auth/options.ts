import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { db } from "../db";
import { env } from "../env";
import { authCookies, isServedOverHttps, readCookie, sessionCookieName } from "./cookies";
import { revokeSession, sessionPolicy } from "./sessions";
import { clientAddress, signInWithPassword } from "./sign-in";
import { decodeSessionToken, encodeSessionToken } from "./token";

const CredentialsSchema = z.object({
  email: z.string().trim().toLowerCase().email(),
  password: z.string().min(1).max(256),
});

/**
 * Sign-in refusals (no hint whether the address exists): codes, not sentences; the sign-in form words
 * them in the reader's language (messages/<locale>/auth.json).
 */
export const SIGN_IN_ERRORS = {
  invalid: "invalid",
  notHosted: (companyId: string) => `not-hosted:${companyId}`,
  throttled: (seconds: number) => `throttled:${seconds}`,
} as const;

export const authOptions: NextAuthOptions = {
  // Read through the validated environment, at request time (a getter: building the app needs none).
  get secret() {
    return env().NEXTAUTH_SECRET;
  },
  // The JWT only carries the session id; lifetime and revocation live in auth_session (sessions.ts).
  get session() {
    return { strategy: "jwt" as const, maxAge: env().RECARD_SESSION_MAX_HOURS * 3600 };
  },
  // next-auth's token format with the derived key kept for the process (token.ts, issue 16).
  jwt: { encode: encodeSessionToken, decode: decodeSessionToken },
  get cookies() {
    return authCookies();
  },
  get useSecureCookies() {
    return isServedOverHttps();
  },
  pages: { signIn: "/signin" },
  providers: [
    CredentialsProvider({
      name: "ReCard account",
      credentials: { email: { label: "E-mail", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(raw, req) {
        const e = env(); // fail loudly on a misconfigured server rather than with a vague sign-in error
        const parsed = CredentialsSchema.safeParse(raw);
        if (!parsed.success) throw new Error(SIGN_IN_ERRORS.invalid);
        const previous = readCookie(headerValue(req?.headers?.cookie), sessionCookieName());
        const previousToken = previous ? await decodeSessionToken({ token: previous, secret: e.NEXTAUTH_SECRET }).catch(() => null) : null;
        const result = await signInWithPassword(
          db(),
          { ...parsed.data, address: clientAddress(req?.headers), previousSessionId: typeof previousToken?.sid === "string" ? previousToken.sid : null },
          { now: new Date(), policy: sessionPolicy() },
        );
        if (!result.ok) {
          throw new Error(
            result.code === "throttled"
              ? SIGN_IN_ERRORS.throttled(result.waitSeconds)
              : result.code === "not-hosted"
                ? SIGN_IN_ERRORS.notHosted(result.companyId)
                : SIGN_IN_ERRORS.invalid,
          );
        }
        return { ...result.user, sid: result.sessionId };
      },
    }),
  ],
  callbacks: {
    async jwt({ token, user }) {
      if (user) {
        token.role = user.role;
        token.tenantId = user.tenantId;
        token.companyName = user.companyName;
        token.sid = user.sid;
      }
      return token;
    },
    async session({ session, token }) {
      session.user = {
        id: token.sub!,
        email: token.email ?? "",
        name: token.name ?? "",
        role: token.role,
        tenantId: token.tenantId,
        companyName: token.companyName,
      };
      // The lookup key of the server-side session (useless without the encrypted token itself).
      session.sid = token.sid;
      return session;
    },
  },
  events: {
    // Sign-out ends the session on the server: a copy of the cookie is refused from now on.
    async signOut({ token }) {
      if (typeof token?.sid === "string") await revokeSession(db(), token.sid, new Date());
    },
  },
};

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join("; ") : value;
}
