import pg from "pg";
import { createPrismaClient, DEFAULT_DB_TIMEOUTS, type Db } from "@/lib/server/db";
import { migrate } from "@/lib/server/db/migrate";

/** The database the integration run points at (scripts/test-integration.ts starts it). */
export function testDatabase(): { url: string; kind: "embedded" | "postgresql" } {
  const url = process.env.TEST_DATABASE_URL;
  const kind = process.env.TEST_DATABASE_KIND;
  if (!url || (kind !== "embedded" && kind !== "postgresql")) {
    throw new Error("integration tests run through `npm run test:integration`, which starts the embedded PostgreSQL and Debian's");
  }
  return { url, kind };
}

/**
 * Empties this file's database (schema public and Prisma's history) and applies every migration.
 * Each file starts on its own copy of the seeded template (tests/helpers/setup-database.ts); use this
 * when the file wants an empty database instead.
 */
export async function resetDatabase(): Promise<void> {
  const { url } = testDatabase();
  (globalThis as { recardTestDbPristine?: boolean }).recardTestDbPristine = false;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("DROP SCHEMA IF EXISTS public CASCADE");
    await client.query("DROP SCHEMA IF EXISTS pgboss CASCADE");
    await client.query("CREATE SCHEMA public");
  } finally {
    await client.end();
  }
  await migrate(url);
}

/**
 * A transaction's timeout in the tests when DB_TRANSACTION_TIMEOUT_MS does not set one: a minute, not the
 * app's 5 s, which a test's setup transaction (90 messages enqueued in one) outlasted on a machine kept
 * busy (npm test runs its lanes side by side). tests/helpers/setup-database.ts gives it to the app's client
 * in every file; tests/foundation/timeouts.int.test.ts checks the app's default.
 */
export const TEST_TRANSACTION_TIMEOUT_MS = 60_000;

/** A Prisma client on the test database (pool sized for concurrency tests), with the app's client's transaction timeout. */
export function testPrisma(poolMax = 10): Db {
  const transactionTimeoutMs = Number(process.env.DB_TRANSACTION_TIMEOUT_MS ?? TEST_TRANSACTION_TIMEOUT_MS);
  return createPrismaClient(testDatabase().url, poolMax, { ...DEFAULT_DB_TIMEOUTS, transactionTimeoutMs });
}

/**
 * This file's database holding the demo world, as seeded. The first call finds it so (the file's
 * database is a fresh copy of the template the runner migrated and seeded once); a later call, or one
 * after resetDatabase(), empties it and seeds it again. Call it before the file writes anything.
 */
export async function seededDatabase(): Promise<void> {
  const g = globalThis as { recardTestDbPristine?: boolean };
  if (g.recardTestDbPristine) {
    g.recardTestDbPristine = false;
    return;
  }
  await resetDatabase();
  const { seedIfEmpty } = await import("@/prisma/seed");
  await seedIfEmpty(testDatabase().url);
}
