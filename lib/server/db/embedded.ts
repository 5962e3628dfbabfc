import "server-only";
import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

/**
 * The embedded database: PGlite (PostgreSQL in WASM) served over the PostgreSQL wire protocol, so the
 * app talks `pg` + `@prisma/adapter-pg` whether the database is embedded or a real server (STACK.md).
 * PGlite runs one query at a time; connections are multiplexed onto it and transactions serialised.
 */
export type EmbeddedDatabase = { url: string; dataDir: string | null; stop(): Promise<void> };

/** The most connections all pools together may open (the app, the job queue and scripts). */
export const EMBEDDED_MAX_CONNECTIONS = 16;

/** Starts PGlite on `dataDir` (null: in memory) and serves it on 127.0.0.1:`port` (0: any free port). */
export async function startEmbeddedDatabase(options: { dataDir: string | null; port: number }): Promise<EmbeddedDatabase> {
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true }); // PGlite does not create parents
  const db = options.dataDir ? await PGlite.create(options.dataDir) : await PGlite.create();
  await db.waitReady;
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: options.port, maxConnections: EMBEDDED_MAX_CONNECTIONS });
  await server.start();
  const address = server.getServerConn(); // "127.0.0.1:port"
  return {
    url: `postgresql://postgres:postgres@${address}/postgres?sslmode=disable`,
    dataDir: options.dataDir,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
