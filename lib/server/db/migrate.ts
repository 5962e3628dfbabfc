import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";

/**
 * Applies prisma/migrations/<name>/migration.sql in order, recording them in Prisma's own
 * `_prisma_migrations` table so a machine with Prisma's engines sees the same history
 * (STACK.md: `prisma migrate deploy` fails on the js engine, prisma issue 27403).
 * Compatible details: checksum = lower-case sha256 hex of migration.sql, applied_steps_count = 1,
 * advisory lock 72707369 as Prisma takes it, one transaction per migration.
 */
export const PRISMA_ADVISORY_LOCK = 72707369;

export type MigrationReport = { applied: string[]; alreadyApplied: string[] };

export class MigrationError extends Error {}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

type Migration = { name: string; sql: string; checksum: string };

/** Reads the migration folders (sorted by their timestamp prefix). */
export async function readMigrations(dir = path.join(process.cwd(), "prisma", "migrations")): Promise<Migration[]> {
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((d) => d.isDirectory() && /^\d{14}_[a-z0-9_]+$/.test(d.name))
    .map((d) => d.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

/** Applies every pending migration; refuses to go on when an applied one was edited or failed. */
export async function migrate(databaseUrl: string, options: { dir?: string; log?: (line: string) => void } = {}): Promise<MigrationReport> {
  const log = options.log ?? (() => {});
  const migrations = await readMigrations(options.dir);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_ADVISORY_LOCK]);
    await client.query(CREATE_TABLE);
    const { rows } = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null }>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
    );
    const known = new Map(rows.map((r) => [r.migration_name, r]));
    for (const r of rows) {
      if (!r.finished_at) throw new MigrationError(`migration ${r.migration_name} started but never finished: resolve it by hand before going on`);
      if (!migrations.some((m) => m.name === r.migration_name))
        throw new MigrationError(`migration ${r.migration_name} is applied here but missing from prisma/migrations`);
    }
    const report: MigrationReport = { applied: [], alreadyApplied: [] };
    for (const m of migrations) {
      const row = known.get(m.name);
      if (row) {
        if (row.checksum !== m.checksum) throw new MigrationError(`migration ${m.name} was edited after it was applied (checksum differs)`);
        report.alreadyApplied.push(m.name);
        continue;
      }
      log(`applying ${m.name}`);
      const id = randomUUID();
      await client.query("BEGIN");
      try {
        await client.query(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)`, [
          id,
          m.checksum,
          m.name,
        ]);
        await client.query(m.sql);
        await client.query(`UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`, [id]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new MigrationError(`migration ${m.name} failed and was rolled back: ${(error as Error).message}`);
      }
      report.applied.push(m.name);
    }
    return report;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_ADVISORY_LOCK]).catch(() => {});
    await client.end();
  }
}
