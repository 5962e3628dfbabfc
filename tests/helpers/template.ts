/**
 * Template databases for the integration tests (issue 11): the runner (scripts/test-integration.ts)
 * migrates and seeds once per server, and every test file gets its own copy with
 * `CREATE DATABASE … TEMPLATE …` (tests/helpers/setup-database.ts), instead of migrating and seeding
 * again in each file. Works on PostgreSQL 15 (Debian) and 18 (embedded): both copy with WAL_LOG.
 */
import pg from "pg";

/** The migrated and seeded demo world every file starts from. */
export const SEEDED_TEMPLATE = "recard_tpl_seeded";

/** The URL of database `name` on the server of `serverUrl`. */
export function databaseUrl(serverUrl: string, name: string): string {
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Runs `sql` on the server's maintenance database (CREATE/DROP DATABASE cannot run in a transaction). */
export async function onServer<T>(serverUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl(serverUrl, "postgres") });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

const ident = (name: string) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
  return `"${name}"`;
};

/** Creates `name` as a copy of `template` (nobody may be connected to the template). */
export async function copyDatabase(serverUrl: string, template: string, name: string): Promise<string> {
  await onServer(serverUrl, (c) => c.query(`CREATE DATABASE ${ident(name)} TEMPLATE ${ident(template)}`));
  return databaseUrl(serverUrl, name);
}

/** Drops `name` if nobody is connected to it any more; false when it is still in use. */
export async function dropDatabaseIfIdle(serverUrl: string, name: string): Promise<boolean> {
  return onServer(serverUrl, async (c) => {
    try {
      await c.query(`DROP DATABASE IF EXISTS ${ident(name)}`);
      return true;
    } catch {
      return false;
    }
  });
}
