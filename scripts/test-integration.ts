/**
 * Data-layer integration tests against both databases ReCard supports: the embedded PGlite server and a
 * real PostgreSQL server started in a temporary folder. RECARD_TEST_DB=pglite|postgresql runs one.
 * Extra arguments go to vitest (e.g. a file filter).
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { startEmbeddedDatabase } from "../lib/server/db/embedded";
import { startTempPostgres } from "./lib/temp-postgres";

// The embedded server lives in this process; pglite-socket detaches connections without awaiting
// (a failed ROLLBACK there is an unhandled rejection): report it rather than die with the database.
process.on("unhandledRejection", (reason) => console.error(`[test-integration] unhandled rejection: ${String(reason)}`));

const only = process.env.RECARD_TEST_DB;
const targets = (["pglite", "postgresql"] as const).filter((t) => !only || only === t);
const vitest = path.join(process.cwd(), "node_modules", "vitest", "vitest.mjs");
let failed = false;

for (const kind of targets) {
  const started = Date.now();
  const server = kind === "pglite" ? await startEmbeddedDatabase({ dataDir: null, port: 0 }) : await startTempPostgres();
  console.log(`\n▶ integration tests on ${kind === "pglite" ? "embedded PGlite" : (server as { version: string }).version}`);
  let passed = false;
  try {
    // Not spawnSync: the embedded server lives in this process and must keep answering.
    const child = spawn(process.execPath, [vitest, "run", "--project", "integration", ...process.argv.slice(2)], {
      stdio: "inherit",
      env: { ...process.env, TEST_DATABASE_URL: server.url, TEST_DATABASE_KIND: kind, NEXTAUTH_SECRET: "integration-test-secret-integration-test-secret" },
    });
    const status = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    passed = status === 0;
    if (!passed) failed = true;
  } finally {
    await server.stop();
  }
  console.log(`◀ ${kind}: ${passed ? "passed" : "FAILED"} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
process.exit(failed ? 1 : 0);
