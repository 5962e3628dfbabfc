/**
 * Pages at scale (issue 16): each list page's data-function time at about 1,000 cards and at N cards
 * (with 10,000 pending reissue reports), as ratios to `SELECT 1` through the same client in the same
 * run, and EXPLAIN ANALYZE of the pages' main statements at N. `npm run bench -- --scale N [--db URL]`;
 * the full result goes to .bench/ (git-ignored) as JSON, for comparing commits.
 */
import { spawn, execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import type { BenchModule, BenchTable } from "./harness";

type Timing = { runs: number; medianMs: number; p95Ms: number; minMs: number; statements: number };
type Phase = { cards: number; pending: number; pages: Record<string, Timing> };
type TargetResult = { version: string; scale: number; buildMs: { small: number; large: number }; small: Phase; large: Phase; plans: Record<string, string[]> };

function runTarget(args: string[]): Promise<TargetResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "bench/scale-target.ts", ...args], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("exit", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (code !== 0 || !line) reject(new Error(`scale bench failed (exit ${code})`));
      else resolve(JSON.parse(line) as TargetResult);
    });
  });
}

/** The lines of a plan worth reading: its nodes (scans, joins, sorts, limits) and the execution time. */
export function keyLines(plan: readonly string[]): string[] {
  return plan.filter((l) => /Scan|Limit|Sort|Join|Nested Loop|Aggregate|Execution Time|Rows Removed/.test(l)).map((l) => l.replace(/\s+$/, ""));
}

const ms = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1));

export function scaleBench(options: { scale: number; db?: string }): BenchModule {
  return {
    name: "scale",
    async run({ isQuick }) {
      const target = await runTarget([
        "--scale",
        String(options.scale),
        ...(options.db ? ["--db", options.db] : []),
        ...(isQuick ? ["--runs", "5", "--pending", "2000"] : []),
      ]);
      let commit = "unknown";
      try {
        commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
      } catch {
        // not a git checkout: the file name says "unknown"
      }
      mkdirSync(".bench", { recursive: true });
      const file = `.bench/scale-${target.scale}-${commit}-${new Date().toISOString().replace(/[:.]/g, "-")}.json`;
      writeFileSync(file, JSON.stringify({ commit, ...target }, null, 2));
      const base = (p: Phase) => p.pages["baseline: SELECT 1"]!.medianMs;
      const table: BenchTable = {
        title: `List pages' data functions at ${target.small.cards.toLocaleString("en-US")} and ${target.large.cards.toLocaleString("en-US")} cards (${target.large.pending.toLocaleString("en-US")} pending reports) on ${target.version}`,
        baseline: `SELECT 1 through the same Prisma client, same run (median ${ms(base(target.small))} ms / ${ms(base(target.large))} ms); ratio = median at ${target.large.cards.toLocaleString("en-US")} ÷ SELECT 1`,
        rows: Object.entries(target.large.pages).map(([name, t]) => {
          const s = target.small.pages[name];
          return {
            name,
            measurement: { iterations: t.runs, totalMs: t.medianMs * t.runs, meanMs: t.medianMs, opsPerSecond: 1000 / t.medianMs },
            ratio: t.medianMs / base(target.large),
            note: `median ${ms(t.medianMs)} ms, p95 ${ms(t.p95Ms)} ms (at ${target.small.cards.toLocaleString("en-US")}: ${s ? ms(s.medianMs) : "—"} ms); ${t.statements} statements`,
          };
        }),
        notes: [
          `card base built with bulk inserts in ${(target.buildMs.large / 1000).toFixed(1)} s; full result and plans: ${file}`,
          ...Object.entries(target.plans).flatMap(([name, plan]) => [`EXPLAIN ANALYZE ${name}:`, ...keyLines(plan).map((l) => `    ${l}`)]),
        ],
      };
      return [table];
    },
  };
}
