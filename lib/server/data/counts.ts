import "server-only";
import { db } from "../db";
import { Prisma } from "../generated/prisma/client";

/** How many rows match: exact up to EXACT_COUNT_UP_TO, else the planner's estimate (shown as "about N"). */
export type ListTotal = { count: number; isEstimate: boolean };

/** Counting every match over 100,000 cards costs more than the page itself (issue 16). */
export const EXACT_COUNT_UP_TO = 1_000;

/**
 * How many rows each `FROM … WHERE` matches, without counting them all: one statement counts each up
 * to EXACT_COUNT_UP_TO + 1 rows; past that, the planner's estimate (pg_class.reltuples and the column
 * statistics, read by EXPLAIN: no row is visited), one EXPLAIN per large figure.
 */
export async function boundedCounts<K extends string>(figures: Record<K, Prisma.Sql>): Promise<Record<K, ListTotal>> {
  const keys = Object.keys(figures) as K[];
  const columns = keys.map(
    (k, i) =>
      Prisma.sql`(SELECT count(*) FROM (SELECT 1 ${figures[k]} LIMIT ${EXACT_COUNT_UP_TO + 1}::int) s${Prisma.raw(String(i))})::int AS ${Prisma.raw(`c${i}`)}`,
  );
  const [row] = await db().$queryRaw<[Record<string, number>]>`SELECT ${Prisma.join(columns, ", ")}`;
  const totals = await Promise.all(
    keys.map(async (k, i): Promise<ListTotal> => {
      const n = row[`c${i}`] ?? 0;
      if (n <= EXACT_COUNT_UP_TO) return { count: n, isEstimate: false };
      const [plan] = await db().$queryRaw<[{ "QUERY PLAN": [{ Plan: { "Plan Rows": number } }] }]>`EXPLAIN (FORMAT JSON) SELECT 1 ${figures[k]}`;
      return { count: Math.max(Math.round(plan["QUERY PLAN"][0]?.Plan["Plan Rows"] ?? 0), n), isEstimate: true };
    }),
  );
  return Object.fromEntries(keys.map((k, i) => [k, totals[i]!])) as Record<K, ListTotal>;
}

/** One figure (see boundedCounts). */
export async function boundedCount(fromWhere: Prisma.Sql): Promise<ListTotal> {
  return (await boundedCounts({ n: fromWhere })).n;
}

/** "1,234" or "about 98,000" (estimates rounded to two significant digits: the planner's guess is no finer). */
/** The number a total shows: exact, or an estimate rounded to two significant digits (worded "about …" by the page). */
export function shownTotal(total: ListTotal): number {
  if (!total.isEstimate) return total.count;
  const magnitude = 10 ** Math.max(0, Math.floor(Math.log10(Math.max(total.count, 1))) - 1);
  return Math.round(total.count / magnitude) * magnitude;
}

export function formatTotal(total: ListTotal): string {
  if (!total.isEstimate) return total.count.toLocaleString("en-US");
  const magnitude = 10 ** Math.max(0, Math.floor(Math.log10(Math.max(total.count, 1))) - 1);
  return `about ${(Math.round(total.count / magnitude) * magnitude).toLocaleString("en-US")}`;
}
