/**
 * Mass reissue (issue 16) on PostgreSQL: reissues per second approved and with every provider
 * notification delivered and processed, by "approve all eligible" (set-based, one batched notification
 * per provider and batch) beside the single approval one after another in the same run.
 */
import { spawn } from "node:child_process";
import { withRatios, type BenchModule, type Measurement } from "./harness";

type TargetResult = {
  version: string;
  reissues: number;
  baselineReissues: number;
  loadAverage: number;
  pairs: number;
  messages: number;
  singleMessages: number;
  statements: { single: number; bulk: number };
  approvedMs: number;
  result: Record<"baseline" | "bulk", Measurement>;
};

function runTarget(quick: boolean): Promise<TargetResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "bench/reissue-target.ts", ...(quick ? ["--quick"] : [])], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("exit", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (code !== 0 || !line) reject(new Error(`reissue bench failed (exit ${code})`));
      else resolve(JSON.parse(line) as TargetResult);
    });
  });
}

export const reissueBench: BenchModule = {
  name: "reissue",
  async run({ isQuick }) {
    let target: TargetResult;
    try {
      target = await runTarget(isQuick);
    } catch (error) {
      return [{ title: "Mass reissue on PostgreSQL", baseline: "—", rows: [], notes: [`skipped: ${(error as Error).message}`] }];
    }
    const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    return [
      {
        title: `Mass reissue of ${target.reissues.toLocaleString("en-US")} requests on ${target.version} (load average ${target.loadAverage.toFixed(1)})`,
        baseline: `the single approval one after another (${target.baselineReissues} requests, same run), each notification delivered`,
        rows: withRatios("baseline: single approvals", [
          {
            name: "baseline: single approvals",
            measurement: target.result.baseline,
            note: `${target.statements.single.toFixed(1)} statements per reissue; ${target.singleMessages} notifications, one per provider and card`,
          },
          {
            name: "approve all eligible + deliver",
            measurement: target.result.bulk,
            note: `${target.statements.bulk.toFixed(2)} statements per reissue; approved in ${seconds(target.approvedMs)}, ${seconds(target.result.bulk.totalMs)} with ${target.messages} batched notifications (${target.pairs} pairs) delivered and processed`,
          },
        ]),
      },
    ];
  },
};
