/**
 * Method-2 inquiries (issue 16) on PostgreSQL: Fig. 15 inquiries answered end to end, one at a time and
 * as a backlog drained by the delivery workers (bench/inquiry-target.ts), each beside the raw opening
 * of the same cards' attribute data in the same process and run. The target is at least half the raw rate.
 */
import { spawn } from "node:child_process";
import { cpus } from "node:os";
import type { BenchModule, Measurement } from "./harness";

type Check = { delivered: number; inbox: number; ok: number; replies: number; stored: number };
type TargetResult = {
  version: string;
  inquirers: string[];
  workers: number;
  batch: number;
  load: { start: number; backlogStart: number; end: number };
  raw: Measurement;
  single: Measurement & { p50Ms: number; p99Ms: number; statementsEach: number; check: Check };
  backlog: Measurement & { statementsEach: number; check: Check };
};

function runTarget(quick: boolean): Promise<TargetResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "bench/inquiry-target.ts", ...(quick ? ["--quick"] : [])], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("exit", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (code !== 0 || !line) reject(new Error(`inquiry bench failed (exit ${code})`));
      else resolve(JSON.parse(line) as TargetResult);
    });
  });
}

const checked = (c: Check, n: number) =>
  `${c.delivered}/${n} delivered, ${c.inbox} issuer inbox rows, ${c.ok} OK, ${c.replies} answers delivered, ${c.stored} stored at the desks`;

export const inquiryBench: BenchModule = {
  name: "inquiry",
  async run({ isQuick }) {
    let target: TargetResult;
    try {
      target = await runTarget(isQuick);
    } catch (error) {
      return [{ title: "Method-2 inquiries on PostgreSQL", baseline: "—", rows: [], notes: [`skipped: ${(error as Error).message}`] }];
    }
    const { raw, single, backlog } = target;
    const ofRaw = (m: Measurement) => `${(m.opsPerSecond / raw.opsPerSecond).toFixed(3)} of the raw rate`;
    return [
      {
        title: `Method-2 inquiries (Fig. 15) end to end on ${target.version} vs opening the attribute data alone (same process, same run)`,
        baseline: "openCardAttributeData (node:crypto ECDH, HKDF, AES-256-GCM) on the same cards' attribute data",
        rows: [
          { name: "baseline: raw openings", measurement: raw, ratio: 1 },
          {
            name: "one inquiry at a time",
            measurement: single,
            ratio: single.meanMs / raw.meanMs,
            note: `${ofRaw(single)}; p50 ${single.p50Ms.toFixed(1)} ms, p99 ${single.p99Ms.toFixed(1)} ms; ${single.statementsEach.toFixed(1)} statements each; ${checked(single.check, single.iterations)}`,
          },
          {
            name: `a backlog of ${backlog.iterations.toLocaleString("en-US")} drained by the workers`,
            measurement: backlog,
            ratio: backlog.meanMs / raw.meanMs,
            note: `${ofRaw(backlog)}; ${(backlog.totalMs / 1000).toFixed(1)} s in all; ${backlog.statementsEach.toFixed(2)} statements each (pg-boss's own not counted); ${checked(backlog.check, backlog.iterations)}`,
          },
        ],
        notes: [
          `inquirers (provider/AID): ${target.inquirers.join(", ")}; ${target.workers} delivery workers × batches of ${target.batch}`,
          `load average ${target.load.start.toFixed(1)} at start, ${target.load.backlogStart.toFixed(1)} when the backlog began, ${target.load.end.toFixed(1)} at the end (1 min; ${cpus().length} cores)`,
        ],
      },
    ];
  },
};
