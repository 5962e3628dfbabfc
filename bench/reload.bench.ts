/**
 * Reloads at the desk (issue 16) on PostgreSQL: p50/p99 of a reload's server calls and reloads per
 * minute at 1 and 8 desks, methods 1 and 2 (bench/reload-target.ts), beside an empty transaction at the
 * same concurrency in the same run. The target is p99 under 100 ms and at least 1,000 reloads a minute
 * at 8 desks.
 */
import { spawn } from "node:child_process";
import type { BenchModule, BenchRow } from "./harness";

type Stats = { n: number; p50Ms: number; p99Ms: number; meanMs: number; perMinute: number; statementsEach?: number };
type TargetResult = {
  version: string;
  rounds: number;
  result: Record<"baseline1" | "baseline8" | "method1At1" | "method1At8" | "method2At1" | "method2At8", Stats>;
};

function runTarget(quick: boolean): Promise<TargetResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "bench/reload-target.ts", ...(quick ? ["--quick"] : [])], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("exit", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (code !== 0 || !line) reject(new Error(`reload bench failed (exit ${code})`));
      else resolve(JSON.parse(line) as TargetResult);
    });
  });
}

const ms = (v: number) => `${v.toFixed(1)} ms`;

export const reloadBench: BenchModule = {
  name: "reload",
  async run({ isQuick }) {
    let target: TargetResult;
    try {
      target = await runTarget(isQuick);
    } catch (error) {
      return [{ title: "Reloads at the desk on PostgreSQL", baseline: "—", rows: [], notes: [`skipped: ${(error as Error).message}`] }];
    }
    const r = target.result;
    // The ratio is the p99's to the baseline's p99 at the same concurrency; p50, p99 and the rate are in the note.
    const row = (name: string, s: Stats, base: Stats): BenchRow => ({
      name,
      measurement: { iterations: s.n, totalMs: (s.n * 60_000) / s.perMinute, meanMs: s.meanMs, opsPerSecond: s.perMinute / 60 },
      ratio: s.p99Ms / base.p99Ms,
      note: `p50 ${ms(s.p50Ms)}, p99 ${ms(s.p99Ms)}, ${Math.round(s.perMinute).toLocaleString("en-US")}/min${s.statementsEach !== undefined ? `, ${s.statementsEach.toFixed(1)} statements each` : ""}`,
    });
    return [
      {
        title: `Reloads at the desk on ${target.version} (${target.rounds} rounds of 8 cards)`,
        baseline: "an empty transaction (BEGIN; SELECT 1; COMMIT via Prisma) at the same concurrency, same run",
        rows: [
          row("baseline: empty transaction, 1 at a time", r.baseline1, r.baseline1),
          row("method 1, 1 desk", r.method1At1, r.baseline1),
          row("method 2, 1 desk", r.method2At1, r.baseline1),
          row("baseline: empty transaction, 8 at a time", r.baseline8, r.baseline8),
          row("method 1, 8 desks", r.method1At8, r.baseline8),
          row("method 2, 8 desks", r.method2At8, r.baseline8),
        ],
        notes: ["a reload's time is its server calls (open, confirm, record); the rate counts whole rounds, the simulated card's work included"],
      },
    ];
  },
};
