import { testDatabase } from "./db";

/** Points the app's data layer (db(), env()) at the test database; call before importing it. */
export function pointAppAtTestDatabase(): void {
  const { url, kind } = testDatabase();
  process.env.DATABASE_URL = url;
  process.env.RECARD_DB_KIND = kind === "embedded" ? "embedded-postgresql" : "postgresql";
  process.env.NEXTAUTH_SECRET ??= "integration-test-secret-integration-test-secret";
  process.env.DB_POOL_MAX = "6";
  // The transaction timeout (a minute, not the app's 5 s) is set for every file by setup-database.ts.
}
