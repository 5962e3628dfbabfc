/**
 * Delivery of a backlog (issue 16) on PostgreSQL: messages per second when the pg-boss workers drain N
 * waiting messages, as a ratio to delivering the same kind of message one after another in a plain loop
 * in the same run. The target is a backlog of 10,000 drained in under 60 s.
 */
import { spawn } from "node:child_process";
import { withRatios, type BenchModule, type Measurement } from "./harness";

type TargetResult = { version: string; messages: number; delivered: number; result: Record<"baseline" | "drain", Measurement> };

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
    return [
      {
        title: `A backlog of ${target.messages.toLocaleString("en-US")} messages on ${target.version}`,
        baseline: "the same delivery one message after another in a plain loop (no queue), same run",
        rows: withRatios("baseline: one after another", [
          { name: "baseline: one after another", measurement: target.result.baseline, note: "deliverOne: verify, inbox, handler, outbox update" },
          {
            name: "drained by the delivery workers",
            measurement: target.result.drain,
            note: `pg-boss, 4 workers × batches of 10; ${target.delivered} delivered, ${(target.result.drain.totalMs / 1000).toFixed(1)} s in all`,
          },
        ]),
      },
    ];
  },
};
