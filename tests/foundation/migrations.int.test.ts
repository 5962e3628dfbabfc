import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate, readMigrations } from "@/lib/server/db/migrate";
import { resetDatabase, testDatabase } from "../helpers/db";

const { url, kind } = testDatabase();
const client = new pg.Client({ connectionString: url });

/** A fingerprint of the schema: tables, columns, constraints, indexes and triggers. */
async function schemaFingerprint(): Promise<string> {
  const queries = [
    `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2`,
    `SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2`,
    `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2`,
    `SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1`,
  ];
  const parts = [];
  for (const q of queries) parts.push(JSON.stringify((await client.query(q)).rows));
  return parts.join("\n");
}

beforeAll(async () => {
  await resetDatabase();
  await client.connect();
});
afterAll(() => client.end());

describe(`migrations on ${kind}`, () => {
  it("apply twice without change, and record Prisma-compatible history", async () => {
    const before = await schemaFingerprint();
    const second = await migrate(url);
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toEqual((await readMigrations()).map((m) => m.name));
    expect(await schemaFingerprint()).toBe(before);
    const { rows } = await client.query(`SELECT migration_name, checksum, applied_steps_count, finished_at FROM "_prisma_migrations" ORDER BY migration_name`);
    const files = await readMigrations();
    expect(rows.map((r) => [r.migration_name, r.checksum, r.applied_steps_count])).toEqual(files.map((m) => [m.name, m.checksum, 1]));
    expect(rows.every((r) => r.finished_at instanceof Date)).toBe(true);
  });

  it("refuses to go on when an applied migration was edited", async () => {
    await client.query(
      `UPDATE "_prisma_migrations" SET checksum = repeat('0', 64) WHERE migration_name = (SELECT min(migration_name) FROM "_prisma_migrations")`,
    );
    await expect(migrate(url)).rejects.toThrow(/edited after it was applied/);
    await resetDatabase();
  });

  it("keeps the constraints Prisma cannot express", async () => {
    await expect(client.query(`INSERT INTO iss_audit_log (actor_label, action, subject_type, subject_id) VALUES ('t', 'a', 's', '1')`)).resolves.toBeTruthy();
    await expect(client.query(`UPDATE iss_audit_log SET reason = 'changed'`)).rejects.toThrow(/append-only/);
    await expect(client.query(`DELETE FROM iss_audit_log`)).rejects.toThrow(/append-only/);
    await expect(
      client.query(`INSERT INTO xc_message_sequences (issuer_company_id, provider_company_id, direction, last_value) VALUES ('RECARD01', 'METRO01', 'X', 1)`),
    ).rejects.toThrow(/xc_message_sequences_check/);
  });
});
