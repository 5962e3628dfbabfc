import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client";
import { env } from "./env";

/** Prisma over `pg` for both the embedded PGlite server and a real PostgreSQL server (STACK.md). */
export function createPrismaClient(databaseUrl: string, poolMax: number): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max: poolMax }) });
}

const globalForPrisma = globalThis as unknown as { recardPrisma?: PrismaClient };

/** The process-wide client (one pool per process; dev reloads reuse it). */
export function db(): PrismaClient {
  if (!globalForPrisma.recardPrisma) {
    const e = env();
    globalForPrisma.recardPrisma = createPrismaClient(e.DATABASE_URL, e.DB_POOL_MAX);
  }
  return globalForPrisma.recardPrisma;
}

export type Db = PrismaClient;
export type { Prisma } from "./generated/prisma/client";
