/**
 * Creates a new migration from the change in prisma/schema.prisma since the last migration.
 *   npm run db:diff -- <name>
 * Each migration folder keeps a snapshot of the schema it was generated from (schema.snapshot.prisma),
 * so the diff is schema-to-schema and never needs a database (STACK.md: `migrate diff --from-migrations`
 * may use the real database as its shadow database). Hand-written SQL that Prisma cannot express
 * (CHECK constraints, partial unique indexes, triggers) goes into a `manual.sql` next to migration.sql
 * and is appended to it here, so a migration is one file with one checksum.
 * The Prisma CLI wants a database adapter even for a schema-to-schema diff: it gets a throwaway
 * embedded PostgreSQL in a temporary folder (prisma.config.ts), never a real database.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { startEmbeddedDatabase } from "../lib/server/db/embedded";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:diff -- <name in snake_case>");
  process.exit(2);
}
const dir = "prisma/migrations";
mkdirSync(dir, { recursive: true });
const previous = readdirSync(dir)
  .filter((d) => /^\d{14}_/.test(d))
  .sort()
  .at(-1);
const from = previous ? ["--from-schema-datamodel", path.join(dir, previous, "schema.snapshot.prisma")] : ["--from-empty"];
const throwaway = await startEmbeddedDatabase({ dir: null });
const env = { ...process.env, DATABASE_URL: "postgresql://diff@localhost/none", RECARD_DIFF_DATABASE_URL: throwaway.url };
let result: ReturnType<typeof spawnSync>;
try {
  result = spawnSync(
    process.execPath,
    ["node_modules/prisma/build/index.js", "migrate", "diff", ...from, "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
    { env, encoding: "utf8" },
  );
} finally {
  await throwaway.stop();
}
if (result.status !== 0) {
  console.error(result.stderr || result.stdout);
  process.exit(result.status ?? 1);
}
const sql = String(result.stdout);
if (/This is an empty migration/.test(sql) || sql.trim() === "") {
  console.log("no schema change since", previous ?? "the beginning");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
const folder = path.join(dir, `${stamp}_${name}`);
mkdirSync(folder);
writeFileSync(path.join(folder, "migration.sql"), sql);
copyFileSync("prisma/schema.prisma", path.join(folder, "schema.snapshot.prisma"));
console.log(`created ${folder}/migration.sql: append hand-written constraints before applying it`);
