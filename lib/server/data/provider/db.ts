import "server-only";
import { db as processDb } from "../../db";
import type { ProviderDb } from "../../db/parties";

export type { ProviderDb, ProviderTx } from "../../db/parties";
export { Prisma } from "../../generated/prisma/client";

/**
 * The provider's view of the process's Prisma client: only the provider's own tables, the exchange's and the
 * accounts (lib/server/db/parties.ts). Every module of lib/server/data/provider reads the database
 * through this, never through lib/server/db (eslint.config.mjs).
 */
export function db(): ProviderDb {
  return processDb();
}
