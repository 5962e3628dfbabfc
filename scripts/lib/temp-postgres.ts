/**
 * A throwaway real PostgreSQL server in a temporary folder, for the data-layer tests: initdb, start on
 * a free port with its socket in the folder, and an async stop() that removes everything. Runs the server as
 * the `postgres` user when we are root (PostgreSQL refuses to run as root). pg_ctl starts the server in a
 * session of its own, so it would outlive a caller that ends without stop() (a failure, a signal, kill -9):
 * a watcher (lib/server/db/temporary-server.ts) stops it and removes the folder then.
 */
import { spawnSync, execFileSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "../../lib/server/db/embedded";
import { watchTemporaryServer } from "../../lib/server/db/temporary-server";

/** `stop()` is async like the embedded server's, so callers treat both alike. */
export type TempPostgres = { url: string; version: string; stop(): Promise<void> };

function findBinDir(): string {
  const explicit = process.env.PG_BIN_DIR;
  if (explicit) return explicit;
  const base = "/usr/lib/postgresql";
  if (existsSync(base)) {
    const versions = readdirSync(base)
      .filter((v) => existsSync(path.join(base, v, "bin", "initdb")))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return path.join(base, versions[0], "bin");
  }
  throw new Error("PostgreSQL server binaries not found (install the Debian package postgresql, or set PG_BIN_DIR)");
}

/** Starts a fresh server; throws with initdb/pg_ctl output when it cannot. */
export async function startTempPostgres(): Promise<TempPostgres> {
  const bin = findBinDir();
  const root = mkdtempSync(path.join(tmpdir(), "recard-pg-"));
  const dataDir = path.join(root, "data");
  const releaseWatch = watchTemporaryServer(root, dataDir);
  const asRoot = process.getuid?.() === 0;
  let uid = 0;
  let gid = 0;
  if (asRoot) {
    uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(root, uid, gid);
    chmodSync(root, 0o700);
  }
  const run = (cmd: string, args: string[]) => {
    const full = asRoot ? (["runuser", ["-u", "postgres", "--", cmd, ...args]] as const) : ([cmd, args] as const);
    const result = spawnSync(full[0], full[1], { encoding: "utf8", cwd: root });
    if (result.status !== 0) throw new Error(`${path.basename(cmd)} failed (${result.status}): ${result.stderr || result.stdout}`);
    return result.stdout;
  };
  run(path.join(bin, "initdb"), ["-D", dataDir, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "-N"]);
  const port = await freePort();
  const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  run(path.join(bin, "pg_ctl"), ["-D", dataDir, "-o", options, "-l", path.join(root, "server.log"), "-w", "-t", "60", "start"]);
  const version = run(path.join(bin, "postgres"), ["--version"]).trim();
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    version,
    async stop() {
      try {
        run(path.join(bin, "pg_ctl"), ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(root, { recursive: true, force: true });
        releaseWatch();
      }
    },
  };
}
