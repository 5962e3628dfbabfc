/**
 * Benchmark runner: `npm run bench [-- --quick] [-- --only NAME]`; `npm run bench -- --scale N
 * [--db postgresql://…]` runs the pages-at-scale module alone (bench/scale.bench.ts). Prints tables; there are no
 * pass/fail thresholds on time, because machines differ: each number is a ratio against a
 * baseline measured in the same run. Add a module by appending it to MODULES.
 */
import { parseArgs } from "node:util";
import { cpus } from "node:os";
import { cardBench } from "./card.bench";
import { deliveryBench } from "./delivery.bench";
import { deskPageBench } from "./desk-page.bench";
import { exchangeBench } from "./exchange.bench";
import { inquiryBench } from "./inquiry.bench";
import { renewalBench } from "./renewal.bench";
import { formatTable, type BenchModule } from "./harness";
import { relayBench } from "./relay.bench";
import { reloadBench } from "./reload.bench";
import { reissueBench } from "./reissue.bench";
import { scaleBench } from "./scale.bench";

const MODULES: readonly BenchModule[] = [
  cardBench,
  exchangeBench,
  deliveryBench,
  reissueBench,
  reloadBench,
  inquiryBench,
  renewalBench,
  relayBench,
  deskPageBench,
];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      scale: { type: "string" },
      db: { type: "string" },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(
      `usage: npm run bench -- [--quick] [--only ${MODULES.map((m) => m.name).join("|")}]\n       npm run bench -- --scale N [--db postgresql://…] [--quick]`,
    );
    return;
  }
  if (values.db && !values.scale) throw new Error("--db goes with --scale");
  const scale = values.scale === undefined ? null : Number(values.scale);
  if (scale !== null && !(Number.isInteger(scale) && scale >= 2_000)) throw new Error("--scale: a whole number of cards, at least 2,000");
  const selected = scale !== null ? [scaleBench({ scale, db: values.db })] : values.only ? MODULES.filter((m) => m.name === values.only) : MODULES;
  if (selected.length === 0) throw new Error(`unknown bench module "${values.only}"`);
  console.log(`ReCard benchmarks · node ${process.version} · ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}${values.quick ? " · quick" : ""}\n`);
  for (const benchModule of selected) {
    for (const table of await benchModule.run({ isQuick: values.quick })) console.log(`${formatTable(table)}\n`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
