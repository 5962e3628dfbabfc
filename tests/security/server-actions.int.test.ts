import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { seededDatabase, testDatabase } from "../helpers/db";
import { pointAppAtTestDatabase } from "../helpers/env";

/**
 * Every server action checks role and tenant itself (STYLE.md, convention 2), not only the proxy:
 * each exported action of every "use server" module is called directly — no proxy, no page — under
 * the session of every role it is not for, and signed out. It must ask for the session, answer with
 * the refusal, and change nothing in the database. New action modules are found automatically.
 */
pointAppAtTestDatabase();

let session: { user: { id: string; companyName: string }; sid: string } | null = null;
const getServerSession = vi.fn(async () => session);
vi.mock("next-auth", async (original) => ({ ...(await original<typeof import("next-auth")>()), getServerSession }));

const { db } = await import("@/lib/server/db");
const { createSession } = await import("@/lib/server/auth/sessions");

type Role = "issuer" | "provider" | "cardholder";

/**
 * Actions public by design, each with what it must answer to junk: the invitation acceptance (the
 * person has no account yet; the one-time token in the link is the credential) and the language switcher.
 */
const PUBLIC_ACTIONS = new Map([
  ["app/(auth)/invite/[token]/actions.ts", /^This invitation link is not valid/],
  // The language switcher (signed in, it changes only the session's own account).
  ["app/(auth)/locale-actions.ts", /^Unknown language/],
]);

/** "use server" modules under app/, with the roles allowed to call them. */
function actionModules(): { file: string; allowed: Role[] }[] {
  const found: { file: string; allowed: Role[] }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.(ts|tsx)$/.test(name) && /^["']use server["']/.test(readFileSync(full, "utf8").trimStart())) {
        if (PUBLIC_ACTIONS.has(full)) continue;
        const segment = path.relative("app", full).split(path.sep)[0]!;
        const allowed: Role[] = segment === "_actions" ? ["issuer", "provider"] : [segment as Role];
        found.push({ file: full, allowed });
      }
    }
  };
  walk("app");
  return found;
}

/** Row counts of every application table: "nothing changed" in one comparable value. */
async function footprint(): Promise<string> {
  const tables = await db().$queryRaw<{ tablename: string }[]>`SELECT tablename::text AS tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`;
  const counts: string[] = [];
  for (const { tablename } of tables) {
    const [row] = await db().$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "${tablename}"`);
    counts.push(`${tablename}=${row!.n}`);
  }
  return counts.join(" ");
}

const sessions = new Map<Role | "signed-out", { user: { id: string; companyName: string }; sid: string } | null>();

beforeAll(async () => {
  await seededDatabase();
  for (const [role, email] of [
    ["issuer", "issuer@recard.test"],
    ["provider", "desk@metro.recard.test"],
    ["cardholder", "hana@recard.test"],
  ] as const) {
    const user = await db().user.findUniqueOrThrow({ where: { email } });
    // A live server-side session, so the refusal tested is the role's, not a missing session's.
    const sid = await createSession(db(), { userId: user.id, address: null, now: new Date(), policy: { idleMs: 3_600_000, maxAgeMs: 3_600_000 } });
    sessions.set(role, { user: { id: user.id, companyName: "test" }, sid });
  }
  sessions.set("signed-out", null);
}, 120_000);
afterAll(() => db().$disconnect());

const REFUSALS = /^(Sign in first\.|This needs an? (issuer|provider|cardholder) account\.|Messages are exchanged between companies)/;

describe(`server actions refuse the wrong roles on their own (${testDatabase().kind})`, () => {
  const modules = actionModules();

  it("finds the action modules", () => {
    expect(modules.length).toBeGreaterThanOrEqual(8);
  });

  for (const { file, allowed } of modules) {
    it(`${file}: every action refuses ${(["issuer", "provider", "cardholder", "signed-out"] as const).filter((r) => !allowed.includes(r as Role)).join(", ")}`, async () => {
      const mod = (await import(/* @vite-ignore */ path.resolve(file))) as Record<string, unknown>;
      const actions = Object.entries(mod).filter(([, v]) => typeof v === "function") as [string, (...args: unknown[]) => Promise<unknown>][];
      expect(actions.length).toBeGreaterThan(0);
      const before = await footprint();
      for (const who of ["issuer", "provider", "cardholder", "signed-out"] as const) {
        if (allowed.includes(who as Role)) continue;
        session = sessions.get(who)!;
        for (const [name, action] of actions) {
          getServerSession.mockClear();
          // Arguments are never looked at before the session is: bound ids, state and form data are junk.
          const args = Array.from({ length: Math.max(action.length, 1) }, (_, i) =>
            i === action.length - 1 ? new FormData() : "00000000-0000-4000-8000-000000000000",
          );
          const result = await action(...args);
          expect(getServerSession, `${name} as ${who} asked for the session`).toHaveBeenCalled();
          if (result !== undefined) {
            const message = (result as { message?: unknown }).message;
            expect(String(message), `${name} as ${who}`).toMatch(REFUSALS);
          }
        }
      }
      expect(await footprint(), `${file}: nothing changed`).toBe(before);
    });
  }
});

describe(`public server actions refuse junk credentials and change nothing (${testDatabase().kind})`, () => {
  for (const [file, answer] of PUBLIC_ACTIONS) {
    it(`${file}: a made-up or malformed token is refused for everyone`, async () => {
      const mod = (await import(/* @vite-ignore */ path.resolve(file))) as Record<string, unknown>;
      const actions = Object.entries(mod).filter(([, v]) => typeof v === "function") as [string, (...args: unknown[]) => Promise<unknown>][];
      expect(actions.length).toBeGreaterThan(0);
      const before = await footprint();
      for (const who of ["issuer", "provider", "cardholder", "signed-out"] as const) {
        session = sessions.get(who)!;
        for (const [name, action] of actions) {
          for (const token of ["00000000-0000-4000-8000-000000000000", "x", "A".repeat(43)]) {
            const form = new FormData();
            form.set("password", "a-long-enough-password");
            form.set("confirm", "a-long-enough-password");
            const result = (await action(token, {}, form)) as { message?: string };
            expect(String(result?.message), `${name} as ${who}`).toMatch(answer);
          }
        }
      }
      expect(await footprint(), `${file}: nothing changed`).toBe(before);
    });
  }
});

/** Route handlers that serve a session (public ones: health, the signed exchange, next-auth itself). */
const PUBLIC_ROUTES = new Set(["app/api/health/route.ts", "app/api/exchange/route.ts", "app/api/auth/[...nextauth]/route.ts"]);

function routeModules(): { file: string; allowed: Role[] }[] {
  const found: { file: string; allowed: Role[] }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name === "route.ts" && !PUBLIC_ROUTES.has(full)) {
        const parts = path.relative("app", full).split(path.sep);
        const segment = parts[0] === "api" ? parts[1]! : parts[0]!;
        found.push({ file: full, allowed: segment === "messages" ? ["issuer", "provider"] : [segment as Role] });
      }
    }
  };
  walk("app");
  return found;
}

describe(`route handlers refuse the wrong roles on their own (${testDatabase().kind})`, () => {
  const routes = routeModules();

  it("finds the route handlers", () => {
    expect(routes.length).toBeGreaterThanOrEqual(4);
  });

  for (const { file, allowed } of routes) {
    it(`${file}: refuses the other roles with 401/403 and no data`, async () => {
      const mod = (await import(/* @vite-ignore */ path.resolve(file))) as Record<string, unknown>;
      const handlers = (["GET", "POST", "PUT", "PATCH", "DELETE"] as const).filter((m) => typeof mod[m] === "function");
      expect(handlers.length).toBeGreaterThan(0);
      const before = await footprint();
      for (const who of ["issuer", "provider", "cardholder", "signed-out"] as const) {
        if (allowed.includes(who as Role)) continue;
        session = sessions.get(who)!;
        for (const method of handlers) {
          const handler = mod[method] as (req: Request, ctx: unknown) => Promise<Response>;
          const request = new Request("http://localhost/x", {
            method,
            ...(method === "GET" ? {} : { body: "{}", headers: { "content-type": "application/json" } }),
          });
          const ids = { id: "00000000-0000-4000-8000-000000000000", messageId: "RECARD01-METRO01-I0000000001" };
          const response = await handler(request, { params: Promise.resolve(ids) });
          expect(response.status, `${method} ${file} as ${who}`).toBe(who === "signed-out" ? 401 : 403);
          expect(await response.text()).not.toMatch(/RECARD01-[A-Z0-9]+-[IP]\d{10}/);
        }
      }
      expect(await footprint()).toBe(before);
    });
  }
});
