/**
 * Bulk renewal (issue 14) on PostgreSQL: cards renewed per second by a renewal run and provider
 * notifications delivered per second, as ratios to plain inserts of the same rows in the same run.
 */
import { spawn } from "node:child_process";
import { withRatios, type BenchModule, type Measurement } from "./harness";

type TargetResult = { version: string; cards: number; notifications: number; result: Record<"baseline" | "renewal" | "delivery", Measurement> };

function runTarget(quick: boolean): Promise<TargetResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "bench/renewal-target.ts", ...(quick ? ["--quick"] : [])], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("exit", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (code !== 0 || !line) reject(new Error(`renewal bench failed (exit ${code})`));
      else resolve(JSON.parse(line) as TargetResult);
    });
  });
}

export const renewalBench: BenchModule = {
  name: "renewal",
  async run({ isQuick }) {
    let target: TargetResult;
    try {
      target = await runTarget(isQuick);
    } catch (error) {
      return [{ title: "Renewal run on PostgreSQL", baseline: "—", rows: [], notes: [`skipped: ${(error as Error).message}`] }];
    }
    return [
      {
        title: `Renewal run of ${target.cards.toLocaleString("en-US")} cards on ${target.version}`,
        baseline:
          "plain inserts of the rows a renewal writes (card, request, link, run item), one transaction per card, same run (half before the renewal, half after the deliveries, pooled)",
        rows: withRatios("baseline: plain inserts per card", [
          { name: "baseline: plain inserts per card", measurement: target.result.baseline, note: "4 INSERTs in one transaction" },
          {
            name: "renew a card (run, one worker)",
            measurement: target.result.renewal,
            note: "examination, personalisation (keys), link, wallet, Fig. 12 signed into the outbox, notices",
          },
          {
            name: "deliver a provider notification",
            measurement: target.result.delivery,
            note: `${target.notifications} Fig. 12 messages: verify, inbox, handler, outbox update`,
          },
        ]),
      },
    ];
  },
};
