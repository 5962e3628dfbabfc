import type { DefaultSession } from "next-auth";

type Role = "issuer" | "provider" | "cardholder";

declare module "next-auth" {
  interface User {
    role: Role;
    tenantId: string;
    companyName: string;
  }
  interface Session {
    user: { id: string; email: string; name: string; role: Role; tenantId: string; companyName: string } & Omit<DefaultSession["user"], "email" | "name">;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    role: Role;
    tenantId: string;
    companyName: string;
  }
}
