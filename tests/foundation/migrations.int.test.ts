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

  it("store codes, not sentences: the rows written before keep what has no code, the known sentences become codes", async () => {
    const all = await readMigrations();
    const codes = all.findIndex((m) => m.name.endsWith("_stored_codes_not_sentences"));
    expect(codes).toBeGreaterThan(0);
    await client.query("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
    try {
      for (const m of all.slice(0, codes)) await client.query(m.sql);
      const customer = "00000000-0000-4000-8000-000000000001";
      await client.query(`INSERT INTO sp_customers (id, provider_company_id, customer_no, full_name) VALUES ($1, 'METRO01', 'MET-1', 'A B')`, [customer]);
      const failures = [
        "the card refused INSTALL [for load] with SW 6A84 (Not enough memory on the card for this load file)",
        "expired before it was used",
        "the grant names another load file than we asked for",
        "what came back is not the card's receipt for this permission: it is for message id X",
      ];
      for (const [i, reason] of failures.entries()) {
        await client.query(
          `INSERT INTO sp_permissions (id, provider_company_id, kind, request_message_id, platform_type, application_aid, load_file_hash, customer_id, operator_user_id, status, failure_reason)
         VALUES (gen_random_uuid(), 'METRO01', 'first_load', $1, 200, 'F0', 'h', $2, $2, 'abandoned', $3)`,
          [`METRO01-RECARD01-P000000000${i}`, customer, reason],
        );
        await client.query(
          `INSERT INTO sp_load_records (id, provider_company_id, message_id, platform_type, application_aid, customer_id, kind, status, failure_reason)
         VALUES (gen_random_uuid(), 'METRO01', $1, 200, 'F0', $2, 'first_load', 'failed', $3)`,
          [`MSG-${i}`, customer, i === 1 ? `Permission not used: ${reason}.` : reason],
        );
      }
      for (const notes of ["Identity checked at the desk.", "Declared income ¥1,000,000 is below the policy minimum of ¥2,000,000."])
        await client.query(
          `INSERT INTO sp_credit_investigations (id, provider_company_id, customer_id, application_aid, declared_income_minor, existing_limits_minor, outcome, limit_minor, policy_version, notes, investigated_at, investigated_by)
         VALUES (gen_random_uuid(), 'METRO01', $1, 'F0', 0, 0, 'approved', 0, 'METRO01-2025.1', $2, now(), 'Daichi Mori')`,
          [customer, notes],
        );
      await client.query(
        `INSERT INTO iss_audit_log (actor_label, action, subject_type, subject_id, reason) VALUES ('t', 'reissue.approve', 'r', '1', 'Card reported lost; examination passed.')`,
      );

      await client.query(all[codes]!.sql);
      const permissions = (await client.query(`SELECT failure, legacy_failure_reason FROM sp_permissions ORDER BY request_message_id`)).rows;
      expect(permissions).toEqual([
        { failure: { code: "card-refused", step: "INSTALL [for load]", sw: "6A84" }, legacy_failure_reason: null },
        { failure: { code: "expired" }, legacy_failure_reason: null },
        { failure: { code: "grant-mismatch", mismatch: "load-file" }, legacy_failure_reason: null },
        { failure: null, legacy_failure_reason: failures[3] },
      ]);
      const records = (await client.query(`SELECT failure, legacy_failure_reason FROM sp_load_records ORDER BY message_id`)).rows;
      expect(records.map((r) => r.failure)).toEqual(permissions.map((p) => p.failure));
      expect((await client.query(`SELECT notes, legacy_notes FROM sp_credit_investigations ORDER BY legacy_notes NULLS FIRST`)).rows).toEqual([
        { notes: [{ code: "no-investigation", policyVersion: "METRO01-2025.1" }], legacy_notes: null },
        { notes: null, legacy_notes: "Declared income ¥1,000,000 is below the policy minimum of ¥2,000,000." },
      ]);
      // The audit log is append-only: its sentences stay, as recorded, beside the new columns.
      expect((await client.query(`SELECT reason, note, legacy_reason FROM iss_audit_log`)).rows).toEqual([
        { reason: null, note: null, legacy_reason: "Card reported lost; examination passed." },
      ]);
    } finally {
      await resetDatabase();
    }
  });

  it("keeps the constraints Prisma cannot express", async () => {
    await expect(client.query(`INSERT INTO iss_audit_log (actor_label, action, subject_type, subject_id) VALUES ('t', 'a', 's', '1')`)).resolves.toBeTruthy();
    await expect(client.query(`UPDATE iss_audit_log SET note = 'changed'`)).rejects.toThrow(/append-only/);
    await expect(client.query(`DELETE FROM iss_audit_log`)).rejects.toThrow(/append-only/);
    await expect(
      client.query(`INSERT INTO xc_message_sequences (issuer_company_id, provider_company_id, direction, last_value) VALUES ('RECARD01', 'METRO01', 'X', 1)`),
    ).rejects.toThrow(/xc_message_sequences_check/);
  });
});
