import "server-only";
import { getServerSession } from "next-auth";
import { cache } from "react";
import { forbidden, redirect } from "next/navigation";
import { db } from "../db";
import { unhostedCompanyOf } from "../hosting";
import { authOptions } from "./options";
import { sessionPolicy, touchSessionAccount, type SessionAccount } from "./sessions";

export type Role = "issuer" | "provider" | "cardholder";

export type SessionUser = {
  id: string;
  email: string;
  name: string;
  role: Role;
  /** Issuer company id, provider company id or cardholder id, by role. Re-read from the account row. */
  tenantId: string;
  companyName: string;
};

export type IssuerActor = SessionUser & { role: "issuer"; issuerCompanyId: string };
export type ProviderActor = SessionUser & { role: "provider"; providerCompanyId: string };
export type CardholderActor = SessionUser & { role: "cardholder"; cardholderId: string };
export type Actor = IssuerActor | ProviderActor | CardholderActor;
export type ActorOf<R extends Role> = Extract<Actor, { role: R }>;

/** Home of each portal; equal to its route segment. */
export const PORTAL_HOME: Record<Role, string> = { issuer: "/issuer", provider: "/provider", cardholder: "/cardholder" };

/**
 * The signed-in person's account as this request found it: the session checked and marked used, and
 * the account row read in the same statement (sessions.ts, touchSessionAccount). Null when nobody is
 * signed in. Once per request (React cache): the layout, the page and the language (preferences.ts)
 * share one read.
 */
export const getSessionAccount = cache(async function getSessionAccount(): Promise<(SessionAccount & { companyName: string }) | null> {
  const session = await getServerSession(authOptions);
  if (!session?.user?.id || !session.sid) return null;
  // Revoked (signed out), idle too long or past its absolute lifetime: signed out (sessions.ts).
  const user = await touchSessionAccount(db(), session.sid, session.user.id, new Date(), sessionPolicy());
  if (!user) return null;
  // A session for a company this deployment no longer hosts (RECARD_HOSTS changed) acts for nobody.
  if (await unhostedCompanyOf(db(), user)) return null;
  return { ...user, companyName: session.user.companyName };
});

/**
 * The signed-in person, with role and tenant taken from the account row rather than the token, so a
 * changed or deleted account stops working at once; the server-side session is checked (and marked
 * used) first. Null when nobody is signed in. Once per request (React cache): the layout and the page
 * share one check.
 */
export const getActor = cache(async function getActor(): Promise<Actor | null> {
  const user = await getSessionAccount();
  if (!user) return null;
  const base = { id: user.id, email: user.email, name: user.name, companyName: user.companyName };
  switch (user.role) {
    case "issuer":
      return { ...base, role: "issuer", tenantId: user.issuerCompanyId!, issuerCompanyId: user.issuerCompanyId! };
    case "provider":
      return { ...base, role: "provider", tenantId: user.providerCompanyId!, providerCompanyId: user.providerCompanyId! };
    case "cardholder":
      return { ...base, role: "cardholder", tenantId: user.cardholderId!, cardholderId: user.cardholderId! };
  }
});

export type AuthRefusal = { status: 401 | 403; code: "unauthenticated" | "forbidden"; message: string };

/** For server actions and route handlers: the actor of `role`, or a refusal (fails closed). */
export async function authorize<R extends Role>(role: R): Promise<{ ok: true; actor: ActorOf<R> } | { ok: false; refusal: AuthRefusal }> {
  const actor = await getActor();
  if (!actor) return { ok: false, refusal: { status: 401, code: "unauthenticated", message: "Sign in first." } };
  if (actor.role !== role) {
    return { ok: false, refusal: { status: 403, code: "forbidden", message: `This needs ${role === "issuer" ? "an" : "a"} ${role} account.` } };
  }
  return { ok: true, actor: actor as ActorOf<R> };
}

/** For pages: the actor of `role`; otherwise redirect to sign-in, or answer 403 for another role. */
export async function requirePortal<R extends Role>(role: R, from: string): Promise<ActorOf<R>> {
  const result = await authorize(role);
  if (result.ok) return result.actor;
  if (result.refusal.code === "unauthenticated") redirect(`/signin?callbackUrl=${encodeURIComponent(from)}`);
  forbidden();
}
