/**
 * Benchmark runner: `npm run bench [-- --quick] [-- --only NAME]`. Prints tables; there are no
 * pass/fail thresholds on time, because machines differ: each number is a ratio against a
 * baseline measured in the same run. Add a module by appending it to MODULES.
 */
import { parseArgs } from "node:util";
import { cpus } from "node:os";
import { cardBench } from "./card.bench";
import { deliveryBench } from "./delivery.bench";
import { exchangeBench } from "./exchange.bench";
import { renewalBench } from "./renewal.bench";
import { formatTable, type BenchModule } from "./harness";
import { relayBench } from "./relay.bench";

const MODULES: readonly BenchModule[] = [cardBench, exchangeBench, deliveryBench, renewalBench, relayBench];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { quick: { type: "boolean", default: false }, only: { type: "string" }, help: { type: "boolean", default: false } },
    strict: true,
  });
  if (values.help) {
    console.log(`usage: npm run bench -- [--quick] [--only ${MODULES.map((m) => m.name).join("|")}]`);
    return;
  }
  const selected = values.only ? MODULES.filter((m) => m.name === values.only) : MODULES;
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
