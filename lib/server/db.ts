import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/prisma/client";
import { env } from "./env";

export type DbTimeouts = {
  /** Every statement is cancelled by the server after this long (PostgreSQL `statement_timeout`). */
  statementTimeoutMs: number;
  /** Waiting for a pooled connection (a new one, or a busy pool's next free one) fails after this long. */
  connectTimeoutMs: number;
  /** An interactive transaction (`$transaction(async (tx) => …)`) still open after this long is rolled back. */
  transactionTimeoutMs?: number;
};

/** Defaults of lib/server/env.ts (DB_STATEMENT_TIMEOUT_MS, DB_CONNECT_TIMEOUT_MS). */
export const DEFAULT_DB_TIMEOUTS: DbTimeouts = { statementTimeoutMs: 5_000, connectTimeoutMs: 5_000, transactionTimeoutMs: 5_000 };

/**
 * Prisma over `pg` for the embedded PostgreSQL server and any other PostgreSQL server. A stuck or
 * frozen database makes a query fail within the timeouts instead of holding the request: the server
 * cancels a statement after `statementTimeoutMs` (a lock wait included) and the pool gives up on a
 * connection after `connectTimeoutMs`. There is no client-side read timeout on purpose: `pg` keeps
 * using a connection whose query it abandoned, and a late answer would go to the next query.
 */
export function createPrismaClient(databaseUrl: string, poolMax: number, timeouts: DbTimeouts = DEFAULT_DB_TIMEOUTS): PrismaClient {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: poolMax,
    statement_timeout: timeouts.statementTimeoutMs,
    connectionTimeoutMillis: timeouts.connectTimeoutMs,
  });
  pool.on("connect", countStatementsOf);
  return new PrismaClient({
    adapter: new PrismaPg(pool, { disposeExternalPool: true }),
    // Waiting for a connection to begin a transaction is bounded like any other wait for one.
    transactionOptions: { maxWait: timeouts.connectTimeoutMs, timeout: timeouts.transactionTimeoutMs ?? 5_000 },
  });
}

const statementCounter = globalThis as unknown as { recardStatements?: number; recardStatementLog?: string[] };

/** Counts every statement a pooled connection sends (BEGIN and COMMIT included). */
function countStatementsOf(client: pg.PoolClient): void {
  const query = client.query;
  client.query = function (this: pg.PoolClient, ...args: unknown[]) {
    statementCounter.recardStatements = (statementCounter.recardStatements ?? 0) + 1;
    const log = statementCounter.recardStatementLog;
    if (log) log.push(typeof args[0] === "string" ? args[0] : String((args[0] as { text?: unknown } | undefined)?.text ?? "?"));
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof client.query;
}

/**
 * Statements sent by this process's Prisma clients so far (issue 16): integration tests and the bench
 * take the difference around a flow to pin how many round trips it costs.
 */
export function statementsSent(): number {
  return statementCounter.recardStatements ?? 0;
}

/** Debugging a flow's statement count: while `recordStatements` runs, every statement's text is kept. */
export async function recordStatements<T>(flow: () => Promise<T>): Promise<{ value: T; texts: string[] }> {
  const texts: string[] = [];
  statementCounter.recardStatementLog = texts;
  try {
    return { value: await flow(), texts };
  } finally {
    statementCounter.recardStatementLog = undefined;
  }
}

const globalForPrisma = globalThis as unknown as { recardPrisma?: PrismaClient };

/** The process-wide client (one pool per process; dev reloads reuse it). */
export function db(): PrismaClient {
  if (!globalForPrisma.recardPrisma) {
    const e = env();
    globalForPrisma.recardPrisma = createPrismaClient(e.DATABASE_URL, e.DB_POOL_MAX, {
      statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
      connectTimeoutMs: e.DB_CONNECT_TIMEOUT_MS,
      transactionTimeoutMs: e.DB_TRANSACTION_TIMEOUT_MS,
    });
  }
  return globalForPrisma.recardPrisma;
}

export type Db = PrismaClient;
export type { Prisma } from "./generated/prisma/client";
