/**
 * The presented-card transport (issue 10): what relaying each APDU to the card in the wallet costs,
 * as ratios to the in-process simulator measured in the same run (bench/relay-target.ts, its own
 * process on a temporary PostgreSQL).
 */
import { spawn } from "node:child_process";
import { withRatios, type BenchModule, type Measurement } from "./harness";

function runTarget(quick: boolean): Promise<{ version: string; result: Record<string, Measurement> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "bench/relay-target.ts", ...(quick ? ["--quick"] : [])], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("exit", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (code !== 0 || !line) reject(new Error(`relay bench failed (exit ${code})`));
      else resolve(JSON.parse(line));
    });
  });
}

export const relayBench: BenchModule = {
  name: "relay",
  async run({ isQuick }) {
    let target: Awaited<ReturnType<typeof runTarget>>;
    try {
      target = await runTarget(isQuick);
    } catch (error) {
      return [{ title: "Presented card (relayed APDUs)", baseline: "—", rows: [], notes: [`skipped: ${(error as Error).message}`] }];
    }
    const r = target.result;
    return [
      {
        title: `Presented card: one APDU relayed to the wallet's card (${target.version})`,
        baseline: "the same GET DATA DF70 to an in-process SimulatedCard, before and after",
        rows: withRatios("in process: GET DATA DF70", [
          { name: "in process: GET DATA DF70", measurement: r.apduLocal! },
          { name: "relayed: GET DATA DF70", measurement: r.apduRelayed!, note: "one transaction: row lock, card OS, session saved" },
        ]),
      },
      {
        title: `Presented card: a 32 KiB load relayed (${target.version})`,
        baseline: "the same load on an in-process SimulatedCard (fresh card each run)",
        rows: withRatios("in process: 32 KiB load", [
          { name: "in process: 32 KiB load", measurement: r.loadLocal! },
          { name: "relayed: 32 KiB load", measurement: r.loadRelayed!, note: "INSTALL, 137 LOAD blocks, INSTALL: ~140 transactions" },
        ]),
      },
    ];
  },
};
