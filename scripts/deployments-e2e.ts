/**
 * Separate deployments, end to end (issue 11, docs/deployment.md). On one throwaway PostgreSQL server
 * (Debian's, as a production server would be) with four databases, starts from the one existing build:
 *
 *  - three deployments, each its own `scripts/start.ts` (the `npm start` path) with its own database:
 *    the issuer's (RECARD_HOSTS=RECARD01), Metro's (METRO01) and Hoshi's (HOSHI01,SAKURA01), each
 *    routing the others over HTTP (RECARD_PEERS → their /api/exchange);
 *  - two app instances of one deployment on ONE database (every company, as the demo), as behind a
 *    load balancer: pg-boss coordinates their workers.
 *
 * then runs the Playwright specs of e2e/deployments against them (playwright.deployments.config.ts),
 * and stops everything. Ports: DEPLOYMENTS_BASE_PORT (default 3210) … +4.
 * Needs the build (`next build`); builds once when it is missing.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { databaseUrl, onServer } from "../tests/helpers/template";
import { startTempPostgres } from "./lib/temp-postgres";

const root = process.cwd();
const base = Number(process.env.DEPLOYMENTS_BASE_PORT ?? 3210);
const url = (offset: number) => `http://localhost:${base + offset}`;

type Deployment = { name: string; port: number; database: string; hosts?: string; peers?: Record<string, string> };

const ISSUER = url(0);
const METRO = url(1);
const HOSHI = url(2);
const DEPLOYMENTS: Deployment[] = [
  { name: "issuer", port: base, database: "recard_issuer", hosts: "RECARD01", peers: { METRO01: METRO, HOSHI01: HOSHI, SAKURA01: HOSHI } },
  { name: "metro", port: base + 1, database: "recard_metro", hosts: "METRO01", peers: { RECARD01: ISSUER } },
  { name: "hoshi", port: base + 2, database: "recard_hoshi", hosts: "HOSHI01,SAKURA01", peers: { RECARD01: ISSUER } },
  // Two stateless instances of one deployment on one database.
  { name: "instance-a", port: base + 3, database: "recard_shared" },
  { name: "instance-b", port: base + 4, database: "recard_shared" },
];

const children: ChildProcess[] = [];
const log = (line: string) => console.log(`[deployments] ${line}`);

async function waitForHealth(target: string, child: ChildProcess, name: string): Promise<void> {
  const until = Date.now() + 240_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} before it was up`);
    const ok = await fetch(`${target}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${name} did not answer ${target}/api/health within 4 minutes`);
}

async function main(): Promise<number> {
  if (!existsSync(path.join(root, ".next", "BUILD_ID"))) {
    log("no build: building once for every process");
    const built = spawnSync(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"], {
      stdio: "inherit",
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    });
    if (built.status !== 0) return 1;
  }
  const server = await startTempPostgres();
  log(`${server.version}, databases ${[...new Set(DEPLOYMENTS.map((d) => d.database))].join(", ")}`);
  try {
    for (const name of new Set(DEPLOYMENTS.map((d) => d.database))) await onServer(server.url, (c) => c.query(`CREATE DATABASE ${name}`));
    // One at a time: each migrates and seeds its database (the second instance finds it seeded).
    for (const d of DEPLOYMENTS) {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        PORT: String(d.port),
        DATABASE_URL: databaseUrl(server.url, d.database),
        NEXTAUTH_URL: url(d.port - base),
        // Each company's deployment has its own secret; the two instances of one share theirs.
        NEXTAUTH_SECRET: `deployments-e2e-secret-${d.database}-0123456789abcdef`,
        RECARD_SESSION_IDLE_MINUTES: "240",
        DB_TRANSACTION_TIMEOUT_MS: "60000", // as the e2e servers: the run must pass on a busy machine
        RECARD_HOSTS: d.hosts ?? "",
        RECARD_PEERS: d.peers ? JSON.stringify(d.peers) : "",
        DB_POOL_MAX: "6",
        NEXT_TELEMETRY_DISABLED: "1",
        // scripts/start.ts stops when this runner is gone, however it ends.
        RECARD_STOP_WITH_PID: String(process.pid),
      };
      const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/start.ts", "--demo"], {
        env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      const prefix = (chunk: Buffer) =>
        chunk
          .toString()
          .split("\n")
          .filter(Boolean)
          .map((l) => `  ${d.name}| ${l}`)
          .join("\n");
      child.stdout!.on("data", (c: Buffer) => console.log(prefix(c)));
      child.stderr!.on("data", (c: Buffer) => console.error(prefix(c)));
      children.push(child);
      await waitForHealth(url(d.port - base), child, d.name);
      log(`${d.name} up at ${url(d.port - base)}${d.hosts ? ` hosting ${d.hosts}` : " (every company)"}`);
    }
    const env = {
      ...process.env,
      DEPLOYMENT_ISSUER_URL: ISSUER,
      DEPLOYMENT_METRO_URL: METRO,
      DEPLOYMENT_HOSHI_URL: HOSHI,
      DEPLOYMENT_INSTANCE_A_URL: url(3),
      DEPLOYMENT_INSTANCE_B_URL: url(4),
      DEPLOYMENT_ISSUER_DATABASE_URL: databaseUrl(server.url, "recard_issuer"),
      DEPLOYMENT_METRO_DATABASE_URL: databaseUrl(server.url, "recard_metro"),
      DEPLOYMENT_HOSHI_DATABASE_URL: databaseUrl(server.url, "recard_hoshi"),
      DEPLOYMENT_SHARED_DATABASE_URL: databaseUrl(server.url, "recard_shared"),
    };
    const playwright = spawn(
      process.execPath,
      [path.join(root, "node_modules", "@playwright", "test", "cli.js"), "test", "--config", "playwright.deployments.config.ts", ...process.argv.slice(2)],
      { env, stdio: "inherit" },
    );
    return await new Promise<number>((resolve) => playwright.on("exit", (code) => resolve(code ?? 1)));
  } finally {
    await stopAll();
    await server.stop();
  }
}

async function stopAll(): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
          child.on("exit", () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill("SIGTERM"); // scripts/start.ts stops its `next start`
        }),
    ),
  );
}

process.on("SIGINT", () => void stopAll().then(() => process.exit(130)));
process.on("SIGTERM", () => void stopAll().then(() => process.exit(143)));

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    console.error(`[deployments] ${error instanceof Error ? error.message : String(error)}`);
    await stopAll();
    process.exit(1);
  },
);
