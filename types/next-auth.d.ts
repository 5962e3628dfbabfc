import type { DefaultSession } from "next-auth";

type Role = "issuer" | "provider" | "cardholder";

declare module "next-auth" {
  interface User {
    role: Role;
    tenantId: string;
    companyName: string;
    /** The new server-side session id (lib/server/auth/sessions.ts), set by authorize. */
    sid: string;
  }
  interface Session {
    sid?: string;
    user: { id: string; email: string; name: string; role: Role; tenantId: string; companyName: string } & Omit<DefaultSession["user"], "email" | "name">;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    role: Role;
    tenantId: string;
    companyName: string;
    sid?: string;
  }
}
