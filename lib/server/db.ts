import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client";
import { env } from "./env";

export type DbTimeouts = {
  /** Every statement is cancelled by the server after this long (PostgreSQL `statement_timeout`). */
  statementTimeoutMs: number;
  /** Waiting for a pooled connection (a new one, or a busy pool's next free one) fails after this long. */
  connectTimeoutMs: number;
};

/** Defaults of lib/server/env.ts (DB_STATEMENT_TIMEOUT_MS, DB_CONNECT_TIMEOUT_MS). */
export const DEFAULT_DB_TIMEOUTS: DbTimeouts = { statementTimeoutMs: 5_000, connectTimeoutMs: 5_000 };

/**
 * Prisma over `pg` for the embedded PostgreSQL server and any other PostgreSQL server. A stuck or
 * frozen database makes a query fail within the timeouts instead of holding the request: the server
 * cancels a statement after `statementTimeoutMs` (a lock wait included) and the pool gives up on a
 * connection after `connectTimeoutMs`. There is no client-side read timeout on purpose: `pg` keeps
 * using a connection whose query it abandoned, and a late answer would go to the next query.
 */
export function createPrismaClient(databaseUrl: string, poolMax: number, timeouts: DbTimeouts = DEFAULT_DB_TIMEOUTS): PrismaClient {
  return new PrismaClient({
    adapter: new PrismaPg({
      connectionString: databaseUrl,
      max: poolMax,
      statement_timeout: timeouts.statementTimeoutMs,
      connectionTimeoutMillis: timeouts.connectTimeoutMs,
    }),
  });
}

const globalForPrisma = globalThis as unknown as { recardPrisma?: PrismaClient };

/** The process-wide client (one pool per process; dev reloads reuse it). */
export function db(): PrismaClient {
  if (!globalForPrisma.recardPrisma) {
    const e = env();
    globalForPrisma.recardPrisma = createPrismaClient(e.DATABASE_URL, e.DB_POOL_MAX, {
      statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
      connectTimeoutMs: e.DB_CONNECT_TIMEOUT_MS,
    });
  }
  return globalForPrisma.recardPrisma;
}

export type Db = PrismaClient;
export type { Prisma } from "./generated/prisma/client";
