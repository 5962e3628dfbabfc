import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { db } from "../db";
import { env } from "../env";
import { DUMMY_PASSWORD_HASH, verifyPassword } from "./password";
import { clearFailures, recordFailure, secondsUntilAllowed } from "./throttle";
import { describeAccount } from "./account";

const CredentialsSchema = z.object({
  email: z.string().trim().toLowerCase().email(),
  password: z.string().min(1).max(256),
});

/** Sign-in refusals, shown to the person as they are (no hint whether the address exists). */
export const SIGN_IN_ERRORS = {
  invalid: "Wrong e-mail address or password.",
  throttled: (seconds: number) => `Too many failed attempts. Try again in ${seconds} second${seconds === 1 ? "" : "s"}.`,
} as const;

export const authOptions: NextAuthOptions = {
  // Read through the validated environment, at request time (a getter: building the app needs none).
  get secret() {
    return env().NEXTAUTH_SECRET;
  },
  session: { strategy: "jwt", maxAge: 8 * 60 * 60 },
  pages: { signIn: "/signin" },
  providers: [
    CredentialsProvider({
      name: "ReCard account",
      credentials: { email: { label: "E-mail", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(raw) {
        env(); // fail loudly on a misconfigured server rather than with a vague sign-in error
        const parsed = CredentialsSchema.safeParse(raw);
        if (!parsed.success) throw new Error(SIGN_IN_ERRORS.invalid);
        const { email, password } = parsed.data;
        const now = new Date();
        const key = `email:${email}`;
        const wait = await secondsUntilAllowed(db(), key, now);
        if (wait > 0) throw new Error(SIGN_IN_ERRORS.throttled(wait));
        const user = await db().user.findUnique({ where: { email } });
        const valid = await verifyPassword(password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
        if (!user || !valid) {
          await recordFailure(db(), key, now);
          throw new Error(SIGN_IN_ERRORS.invalid);
        }
        await clearFailures(db(), key);
        await db().user.update({ where: { id: user.id }, data: { lastSignInAt: now } });
        const account = await describeAccount(db(), user);
        return { id: user.id, email: user.email, name: user.name, ...account };
      },
    }),
  ],
  callbacks: {
    async jwt({ token, user }) {
      if (user) {
        token.role = user.role;
        token.tenantId = user.tenantId;
        token.companyName = user.companyName;
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
      return session;
    },
  },
};
