/**
 * Issue 16: the provider desk page against `/api/health` under 10 connections. `npm start`'s own
 * server (scripts/start.ts: the build, `next start`, the embedded PostgreSQL with the demo world, in a
 * temporary folder), Metro's clerk signed in over HTTP as a browser would, then Debian's `wrk` (C, so
 * the load generator takes little of the two cores) on each page in turn: the health check (the
 * baseline: one `SELECT` and its JSON), the sign-in page (a page with the root layout only: what any
 * App Router page costs here), and the desk. Rounds alternate so that a change in the machine's load
 * touches every row alike. Besides the rates: the CPU per request of the server's processes (the
 * `next start` process and PostgreSQL's, from /proc), steadier than the rates on a shared machine.
 * Needs `wrk` (apt install wrk) and builds the app first when the build is missing or stale. Each page
 * must answer 200 before and after its rounds (wrk counts a redirect as served).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { freePort } from "../lib/server/db/embedded";
import { pooled, withRatios, type BenchModule, type Measurement } from "./harness";

const PAGES = [
  { name: "/api/health", path: "/api/health", signedIn: false, note: "the baseline: one SELECT and its JSON" },
  { name: "/signin", path: "/signin", signedIn: false, note: "a page with the root layout only, signed out" },
  { name: "/provider/desk", path: "/provider/desk", signedIn: true, note: "Metro's clerk, the demo world" },
] as const;

/** The CPU time (ms) of a process and its descendants, from /proc (Linux): one read of each process's stat. */
function treeCpuMs(root: number): number {
  const children = new Map<number, number[]>();
  const cpu = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // gone meanwhile
    }
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const pid = Number(entry);
    const ppid = Number(fields[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
    // utime and stime, and cutime and cstime: the children it has reaped (PostgreSQL's backends that the
    // pool closed meanwhile), whose CPU would otherwise vanish from the total with them. Clock ticks of
    // 10 ms (USER_HZ is 100 on Linux).
    cpu.set(pid, (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * 10);
  }
  const sum = (pid: number): number => (cpu.get(pid) ?? 0) + (children.get(pid) ?? []).reduce((n, child) => n + sum(child), 0);
  return sum(root);
}

async function waitForHealth(base: string, server: ChildProcess): Promise<void> {
  // Up to 15 minutes: the first start builds the app when the build is missing or stale.
  for (let i = 0; i < 1800; i++) {
    if (server.exitCode !== null) throw new Error(`the server exited (${server.exitCode}) before answering`);
    try {
      if ((await fetch(`${base}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("the server did not answer /api/health in 15 minutes");
}

/** Signs in as a browser does (next-auth's CSRF token, then the credentials form); the Cookie header. */
async function signIn(base: string, email: string): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const at = pair.indexOf("=");
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const csrf = await fetch(`${base}/api/auth/csrf`);
  keep(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const form = new URLSearchParams({ email, password: "recard-demo", csrfToken });
  const signedIn = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookie() },
    body: form,
    redirect: "manual",
  });
  keep(signedIn);
  const desk = await fetch(`${base}/provider/desk`, { headers: { cookie: cookie() }, redirect: "manual" });
  if (desk.status !== 200) throw new Error(`signing in as ${email} did not open the desk (HTTP ${desk.status})`);
  return cookie();
}

function wrk(url: string, cookie: string | null, seconds: number): Measurement {
  const run = spawnSync("wrk", ["-t2", "-c10", `-d${seconds}s`, "--timeout", "10s", ...(cookie ? ["-H", `Cookie: ${cookie}`] : []), url], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`wrk ${url}: ${run.stderr || run.error?.message}`);
  const requests = Number(/(\d+) requests in/.exec(run.stdout)?.[1]);
  const failed = /Non-2xx or 3xx responses: (\d+)/.exec(run.stdout)?.[1];
  if (failed) throw new Error(`wrk ${url}: ${failed} answers were not 2xx or 3xx`);
  if (!(requests > 0)) throw new Error(`wrk ${url}: no request completed\n${run.stdout}`);
  const totalMs = seconds * 1000;
  return { iterations: requests, totalMs, meanMs: totalMs / requests, opsPerSecond: (requests * 1000) / totalMs };
}

export const deskPageBench: BenchModule = {
  name: "desk-page",
  async run({ isQuick }) {
    const title = "The provider desk page against /api/health (wrk -t2 -c10, `npm start`'s server)";
    if (spawnSync("wrk", ["--version"]).error) {
      return [{ title, baseline: "—", rows: [], notes: ["skipped: wrk is not installed (apt install wrk)"] }];
    }
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    // The embedded database, in a temporary folder removed at exit, whatever the caller's DATABASE_URL.
    const { DATABASE_URL: _ignored, ...env } = process.env;
    const server = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/start.ts", "--demo"], {
      // RECARD_STOP_WITH_PID: the server stops with this process however it ends (scripts/start.ts).
      env: { ...env, PORT: String(port), RECARD_DATA_DIR: "temp", NEXT_TELEMETRY_DISABLED: "1", RECARD_STOP_WITH_PID: String(process.pid) },
      stdio: ["ignore", "ignore", "inherit"],
    });
    const exited = new Promise((resolve) => server.once("exit", resolve));
    try {
      await waitForHealth(base, server);
      const cookie = await signIn(base, "desk@metro.recard.test");
      const seconds = isQuick ? 5 : 15;
      const rounds = isQuick ? 1 : 2;
      // Warm: the first renders compile and cache what every later one reuses.
      const headersOf = (page: (typeof PAGES)[number]): Record<string, string> => (page.signedIn ? { cookie } : {});
      const get = async (page: (typeof PAGES)[number]) => {
        const response = await fetch(`${base}${page.path}`, { headers: headersOf(page), redirect: "manual" });
        if (response.status !== 200) throw new Error(`${page.path}: HTTP ${response.status}`);
        return (await response.arrayBuffer()).byteLength;
      };
      for (const page of PAGES) for (let i = 0; i < 20; i++) await get(page);
      const sizes = new Map<string, number>();
      for (const page of PAGES) sizes.set(page.name, await get(page));
      const rates = new Map<string, Measurement>();
      const cpu = new Map<string, { ms: number; requests: number }>();
      for (let round = 0; round < rounds; round++) {
        for (const page of PAGES) {
          const before = treeCpuMs(server.pid!);
          const m = wrk(`${base}${page.path}`, page.signedIn ? cookie : null, seconds);
          // wrk counts a 3xx as served: the page must still answer 200 (the session was not lost on the way).
          await get(page);
          const spent = treeCpuMs(server.pid!) - before;
          const known = rates.get(page.name);
          rates.set(page.name, known ? pooled(known, m) : m);
          const c = cpu.get(page.name) ?? { ms: 0, requests: 0 };
          cpu.set(page.name, { ms: c.ms + spent, requests: c.requests + m.iterations });
        }
      }
      const cpuPerRequest = (name: string) => cpu.get(name)!.ms / cpu.get(name)!.requests;
      const rows = withRatios(
        "/api/health",
        PAGES.map((page) => ({
          name: page.name,
          measurement: rates.get(page.name)!,
          note: `${page.note}; ${(sizes.get(page.name)! / 1000).toFixed(1)} kB; server CPU ${cpuPerRequest(page.name).toFixed(1)} ms/request`,
        })),
      );
      const health = rates.get("/api/health")!.opsPerSecond;
      const share = (name: string) => (rates.get(name)!.opsPerSecond / health).toFixed(2);
      const cpuShare = (name: string) => (cpuPerRequest("/api/health") / cpuPerRequest(name)).toFixed(2);
      return [
        {
          title,
          baseline: "/api/health in the same run (mean = 1 / its rate: × baseline is how many health checks one page costs)",
          rows,
          notes: [
            `the desk page's rate: ${share("/provider/desk")} of /api/health's (${cpuShare("/provider/desk")} by server CPU per request); issue 16's target is at least 0.30`,
            `the sign-in page's rate: ${share("/signin")} of /api/health's (${cpuShare("/signin")} by CPU): what a page with the root layout only reaches`,
            `${rounds} round${rounds > 1 ? "s" : ""} of ${seconds} s per page, alternating; wrk shares the machine's cores with the server`,
          ],
        },
      ];
    } finally {
      server.kill("SIGTERM");
      await exited;
    }
  },
};
