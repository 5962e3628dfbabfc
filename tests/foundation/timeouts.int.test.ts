import pg from "pg";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createPrismaClient } from "@/lib/server/db";
import { databaseRetryAfter, isDatabaseUnavailableError, markDatabaseAvailable } from "@/lib/server/db/availability";
import { onRequestError } from "@/instrumentation";
import { resetDatabase, testDatabase } from "../helpers/db";

// A stuck database answers with an error (503 on /api/health) instead of holding the request:
// every statement has a server-side statement timeout and the pool gives up waiting for a connection.
const { url, kind } = testDatabase();

async function lockedBy<T>(table: string, during: () => Promise<T>): Promise<T> {
  const holder = new pg.Client({ connectionString: url });
  await holder.connect();
  try {
    await holder.query("BEGIN");
    await holder.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
    return await during();
  } finally {
    await holder.query("ROLLBACK").catch(() => {});
    await holder.end();
  }
}

async function loadHealth(env: Record<string, string>) {
  vi.resetModules();
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  const globalForPrisma = globalThis as { recardPrisma?: { $disconnect(): Promise<void> } };
  await globalForPrisma.recardPrisma?.$disconnect();
  delete globalForPrisma.recardPrisma;
  return import("@/app/api/health/route");
}

afterEach(async () => {
  const globalForPrisma = globalThis as { recardPrisma?: { $disconnect(): Promise<void> } };
  await globalForPrisma.recardPrisma?.$disconnect();
  delete globalForPrisma.recardPrisma;
  vi.unstubAllEnvs();
});

describe(`timeouts on a stuck database (${kind})`, () => {
  it("cancels a statement that runs past the configured statement timeout; the pool stays usable", async () => {
    const prisma = createPrismaClient(url, 1, { statementTimeoutMs: 200, connectTimeoutMs: 5_000 });
    try {
      const timedOut = await prisma.$queryRawUnsafe("SELECT pg_sleep(30)").catch((e: unknown) => e);
      expect(String(timedOut)).toMatch(/statement timeout/);
      // The error Prisma gives a page is recognised as an unavailable database (the proxy's 503 window)...
      expect(isDatabaseUnavailableError(timedOut)).toBe(true);
      // ...and a wrong statement is not.
      expect(isDatabaseUnavailableError(await prisma.$queryRawUnsafe("SELEC 1").catch((e: unknown) => e))).toBe(false);
      const setting = await prisma.$queryRawUnsafe<{ statement_timeout: string }[]>("SHOW statement_timeout");
      expect(setting).toEqual([{ statement_timeout: "200ms" }]);
    } finally {
      await prisma.$disconnect();
    }
  });

  it("has a 5 s statement timeout by default, configurable through the validated environment", async () => {
    vi.stubEnv("DATABASE_URL", url);
    vi.stubEnv("DB_TRANSACTION_TIMEOUT_MS", undefined); // the test environment lengthens it (tests/helpers/env.ts)
    vi.resetModules();
    const defaults = (await import("@/lib/server/env")).env();
    expect(defaults.DB_STATEMENT_TIMEOUT_MS).toBe(5_000);
    expect(defaults.DB_CONNECT_TIMEOUT_MS).toBe(5_000);
    expect(defaults.DB_TRANSACTION_TIMEOUT_MS).toBe(5_000);
    vi.resetModules();
    vi.stubEnv("DB_STATEMENT_TIMEOUT_MS", "1500");
    expect((await import("@/lib/server/env")).env().DB_STATEMENT_TIMEOUT_MS).toBe(1_500);
    vi.resetModules();
    vi.stubEnv("DB_STATEMENT_TIMEOUT_MS", "soon");
    const invalid = (await import("@/lib/server/env")).env;
    expect(() => invalid()).toThrow(/DB_STATEMENT_TIMEOUT_MS/);
  });

  it("answers /api/health with 503 when the database is locked, instead of waiting", async () => {
    await resetDatabase();
    const { GET } = await loadHealth({ DATABASE_URL: url, DB_STATEMENT_TIMEOUT_MS: "300" });
    expect((await GET()).status).toBe(200);
    const response = await lockedBy(`"_prisma_migrations"`, () => GET());
    expect(response.status).toBe(503);
    const body = await response.json();
    expect(body).toMatchObject({ status: "unavailable", database: { reachable: false } });
    expect(body.database.error).toMatch(/statement timeout|no answer/);
    expect((await GET()).status).toBe(200); // and recovers once the lock is gone
  });

  it("gives up waiting for a pooled connection when every connection is stuck", async () => {
    const prisma = createPrismaClient(url, 1, { statementTimeoutMs: 60_000, connectTimeoutMs: 200 });
    await prisma.$queryRawUnsafe("SELECT 1"); // the pool's one connection exists
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query("BEGIN");
      await holder.query(`LOCK TABLE "_prisma_migrations" IN ACCESS EXCLUSIVE MODE`);
      // The only connection waits on the lock (its statement timeout is long)...
      const stuck = prisma.$queryRawUnsafe(`SELECT count(*) FROM "_prisma_migrations"`);
      stuck.catch(() => {});
      // ...so the next query cannot get a connection and fails rather than queueing forever.
      const noConnection = await prisma.$queryRawUnsafe("SELECT 1").catch((e: unknown) => e);
      expect(String(noConnection)).toMatch(/timeout/i);
      // A page that failed this way opens the fail-fast window (instrumentation.ts onRequestError).
      vi.stubEnv("NEXT_RUNTIME", "nodejs");
      markDatabaseAvailable();
      await onRequestError(noConnection);
      expect(databaseRetryAfter(Date.now())).toBeGreaterThan(0);
      markDatabaseAvailable();
      await holder.query("ROLLBACK");
      await expect(stuck).resolves.toHaveLength(1);
    } finally {
      await holder.end();
      await prisma.$disconnect();
    }
  });
});
