/**
 * Delivery of a backlog (issue 16) on PostgreSQL: messages per second when the pg-boss workers drain N
 * waiting messages, as a ratio to delivering the same kind of message one after another in a plain loop
 * in the same run. The target is a backlog of 10,000 drained in under 60 s.
 */
import { spawn } from "node:child_process";
import { cpus } from "node:os";
import { withRatios, type BenchModule, type Measurement } from "./harness";

type TargetResult = {
  version: string;
  messages: number;
  delivered: number;
  inboxRows: number;
  pairs: number;
  workers: number;
  batch: number;
  load: { start: number; drainStart: number; end: number };
  statements: Record<"baseline" | "batches" | "drain", number>;
  result: Record<"baseline" | "batches" | "drain", Measurement>;
};

function runTarget(quick: boolean): Promise<TargetResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "bench/delivery-target.ts", ...(quick ? ["--quick"] : [])], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("exit", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (code !== 0 || !line) reject(new Error(`delivery bench failed (exit ${code})`));
      else resolve(JSON.parse(line) as TargetResult);
    });
  });
}

export const deliveryBench: BenchModule = {
  name: "delivery",
  async run({ isQuick }) {
    let target: TargetResult;
    try {
      target = await runTarget(isQuick);
    } catch (error) {
      return [{ title: "Delivery backlog on PostgreSQL", baseline: "—", rows: [], notes: [`skipped: ${(error as Error).message}`] }];
    }
    const per = (n: number) => `${n.toFixed(2)} statements per message`;
    return [
      {
        title: `A backlog of ${target.messages.toLocaleString("en-US")} messages on ${target.version}`,
        baseline: "the same delivery one message after another in a plain loop (no queue), same run",
        rows: withRatios("baseline: one after another", [
          {
            name: "baseline: one after another",
            measurement: target.result.baseline,
            note: `deliverOne: verify, inbox, handler, outbox update; ${per(target.statements.baseline)}`,
          },
          {
            name: `deliverBatch of ${target.batch}, plain loop`,
            measurement: target.result.batches,
            note: `the workers' unit of work without the queue; ${per(target.statements.batches)}`,
          },
          {
            name: "drained by the delivery workers",
            measurement: target.result.drain,
            note: `pg-boss, ${target.workers} workers × batches of ${target.batch}; ${target.delivered} delivered, ${target.inboxRows} inbox rows, ${target.pairs} pairs; ${(target.result.drain.totalMs / 1000).toFixed(1)} s in all; ${per(target.statements.drain)} (pg-boss's own not counted)`,
          },
        ]),
        notes: [
          `load average ${target.load.start.toFixed(1)} at start, ${target.load.drainStart.toFixed(1)} when the drain began, ${target.load.end.toFixed(1)} at the end (1 min; ${cpus().length} cores)`,
        ],
      },
    ];
  },
};
