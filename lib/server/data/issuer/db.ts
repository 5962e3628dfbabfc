import "server-only";
import { db as processDb } from "../../db";
import type { IssuerDb } from "../../db/parties";

export type { IssuerDb, IssuerTx } from "../../db/parties";
export { Prisma } from "../../generated/prisma/client";

/**
 * The issuer's view of the process's Prisma client: only the issuer's own tables, the exchange's and the
 * accounts (lib/server/db/parties.ts). Every module of lib/server/data/issuer reads the database
 * through this, never through lib/server/db (eslint.config.mjs).
 */
export function db(): IssuerDb {
  return processDb();
}
