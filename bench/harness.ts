/** Measurement and table printing shared by the benchmark modules (plain tsx, no thresholds). */

export interface Measurement {
  readonly iterations: number;
  readonly totalMs: number;
  /** Mean time of one operation. */
  readonly meanMs: number;
  readonly opsPerSecond: number;
}

export interface MeasureOptions {
  /** Keep running until this much time has passed (after warm-up)… */
  readonly minTimeMs?: number;
  /** …and at least this many operations. */
  readonly minIterations?: number;
  readonly warmupIterations?: number;
}

/** Times `op` (awaited one at a time) until both minimums are met; `op` may return a value to keep it alive. */
export async function measure(op: (i: number) => unknown, options: MeasureOptions = {}): Promise<Measurement> {
  const minTimeMs = options.minTimeMs ?? 500;
  const minIterations = options.minIterations ?? 20;
  const warmup = options.warmupIterations ?? Math.min(200, minIterations);
  for (let i = 0; i < warmup; i++) await op(i);
  let iterations = 0;
  const start = performance.now();
  let elapsed = 0;
  // Batches keep the clock reads out of the inner loop for sub-microsecond operations.
  let batch = 1;
  while (elapsed < minTimeMs || iterations < minIterations) {
    for (let i = 0; i < batch; i++) await op(iterations + i);
    iterations += batch;
    elapsed = performance.now() - start;
    if (elapsed < minTimeMs / 10) batch = Math.min(batch * 2, 4096);
  }
  return { iterations, totalMs: elapsed, meanMs: elapsed / iterations, opsPerSecond: (iterations * 1000) / elapsed };
}

/** Times `op` once per prepared input, preparing outside the clock (e.g. a fresh card per load). */
export async function measureEach<T>(prepare: (i: number) => Promise<T> | T, op: (input: T) => unknown, iterations: number): Promise<Measurement> {
  let totalMs = 0;
  for (let i = 0; i < iterations; i++) {
    const input = await prepare(i);
    const start = performance.now();
    await op(input);
    totalMs += performance.now() - start;
  }
  return { iterations, totalMs, meanMs: totalMs / iterations, opsPerSecond: (iterations * 1000) / totalMs };
}

/** Pools two measurements of the same operation (e.g. a baseline taken before and after the rows it anchors). */
export function pooled(a: Measurement, b: Measurement): Measurement {
  const iterations = a.iterations + b.iterations;
  const totalMs = a.totalMs + b.totalMs;
  return { iterations, totalMs, meanMs: totalMs / iterations, opsPerSecond: (iterations * 1000) / totalMs };
}

export interface BenchRow {
  readonly name: string;
  readonly measurement: Measurement;
  /** Mean time relative to the table's baseline (1.00 = the baseline itself). */
  readonly ratio: number;
  readonly note?: string;
}

export interface BenchTable {
  readonly title: string;
  /** What the ratios are relative to, measured in the same run. */
  readonly baseline: string;
  readonly rows: readonly BenchRow[];
  readonly notes?: readonly string[];
}

export interface BenchContext {
  /** Shorter runs (CI smoke); numbers are noisier. */
  readonly isQuick: boolean;
}

/** A benchmark module: bench/run.ts lists these. */
export interface BenchModule {
  readonly name: string;
  run(context: BenchContext): Promise<readonly BenchTable[]>;
}

/** Rows with ratios against the row named `baselineName` (which must be among them). */
export function withRatios(baselineName: string, rows: readonly { name: string; measurement: Measurement; note?: string }[]): BenchRow[] {
  const baseline = rows.find((r) => r.name === baselineName);
  if (!baseline) throw new Error(`bench: baseline row "${baselineName}" missing`);
  return rows.map((r) => ({ ...r, ratio: r.measurement.meanMs / baseline.measurement.meanMs }));
}

function formatTime(ms: number): string {
  if (ms < 0.001) return `${(ms * 1e6).toFixed(0)} ns`;
  if (ms < 1) return `${(ms * 1e3).toFixed(2)} µs`;
  if (ms < 1000) return `${ms.toFixed(2)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

function formatRate(perSecond: number): string {
  return perSecond >= 100 ? Math.round(perSecond).toLocaleString("en-US") : perSecond.toFixed(1);
}

/** Renders a table as aligned text. */
export function formatTable(table: BenchTable): string {
  const header = ["operation", "ops/s", "mean", "× baseline", "runs", "note"];
  const body = table.rows.map((r) => [
    r.name,
    formatRate(r.measurement.opsPerSecond),
    formatTime(r.measurement.meanMs),
    `${r.ratio.toFixed(2)}×`,
    String(r.measurement.iterations),
    r.note ?? "",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const rightAligned = new Set([1, 2, 3, 4]);
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  const rule = widths.map((w) => "─".repeat(w)).join("  ");
  const out = [`${table.title}`, `baseline: ${table.baseline}`, line(header), rule, ...body.map(line)];
  for (const note of table.notes ?? []) out.push(`  · ${note}`);
  return out.join("\n");
}
