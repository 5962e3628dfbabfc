/**
 * `npm start`: ReCard with demo data at http://localhost:3000 (PORT overrides).
 *  - No DATABASE_URL: starts the embedded PGlite server on .data/pglite (RECARD_DATA_DIR overrides;
 *    "memory" keeps it in memory, for tests). With DATABASE_URL: uses that PostgreSQL server.
 *  - Applies migrations, seeds an empty database, builds the app when the build is missing or older
 *    than the sources, then runs `next start` (`--dev`: `next dev`).
 */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "../lib/server/db/embedded";
import { migrate } from "../lib/server/db/migrate";
import { seedIfEmpty } from "../prisma/seed";

const dev = process.argv.includes("--dev");
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
  for (const dir of ["app", "components", "lib", "public"]) walk(path.join(root, dir));
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
  if (result.status !== 0) process.exit(result.status ?? 1);
  const build = spawnSync(process.execPath, [nextBin, "build"], { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (build.status !== 0) {
    log("build failed");
    process.exit(build.status ?? 1);
  }
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

async function main() {
  // Build before the embedded database starts: the build runs synchronously and would stall it.
  if (!dev) ensureBuild();
  let embedded: EmbeddedDatabase | null = null;
  let databaseUrl = process.env.DATABASE_URL;
  let kind: "embedded-pglite" | "postgresql" = "postgresql";
  if (!databaseUrl) {
    const dirSetting = process.env.RECARD_DATA_DIR ?? path.join(".data", "pglite");
    const dataDir = dirSetting === "memory" ? null : path.resolve(dirSetting);
    embedded = await startEmbeddedDatabase({ dataDir, port: Number(process.env.RECARD_PG_PORT ?? 0) });
    databaseUrl = embedded.url;
    kind = "embedded-pglite";
    log(`embedded PostgreSQL (PGlite) on ${dataDir ?? "memory"}, serving ${databaseUrl.replace(/:[^:@/]+@/, ":***@")}`);
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
    // PGlite serves every connection through one engine; keep the pools small (embedded.ts).
    DB_POOL_MAX: process.env.DB_POOL_MAX ?? (embedded ? "4" : "10"),
  };
  Object.assign(process.env, env);
  const seeded = await seedIfEmpty(databaseUrl, { log, traffic: true });
  log(seeded ? "demo data seeded" : "database already has data: seed skipped");

  const child = spawn(process.execPath, [nextBin, dev ? "dev" : "start", "-p", String(port)], { stdio: "inherit", env });
  log(`ReCard at http://localhost:${port}`);
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    if (child.exitCode === null) child.kill("SIGTERM");
    await embedded?.stop().catch(() => {});
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  child.on("exit", (code) => void stop(code ?? 0));
}

// The embedded database lives in this process: whatever brings it down must say why, loudly.
process.on("uncaughtException", (error) => {
  console.error(`[recard] fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
process.on("unhandledRejection", (reason) => {
  console.error(`[recard] unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
});

main().catch((error) => {
  console.error(`[recard] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
