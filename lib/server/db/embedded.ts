import "server-only";
import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

/**
 * The embedded database: PGlite (PostgreSQL in WASM) served over the PostgreSQL wire protocol, so the
 * app talks `pg` + `@prisma/adapter-pg` whether the database is embedded or a real server (STACK.md).
 * PGlite runs one query at a time; connections are multiplexed onto it and transactions serialised.
 */
export type EmbeddedDatabase = { url: string; dataDir: string | null; db: PGlite; stop(): Promise<void> };

/** The most connections all pools together may open (the app, the job queue and scripts). */
export const EMBEDDED_MAX_CONNECTIONS = 16;

/** Starts PGlite on `dataDir` (null: in memory) and serves it on 127.0.0.1:`port` (0: any free port). */
export async function startEmbeddedDatabase(options: { dataDir: string | null; port: number }): Promise<EmbeddedDatabase> {
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true }); // PGlite does not create parents
  const db = options.dataDir ? await PGlite.create(options.dataDir) : await PGlite.create();
  await db.waitReady;
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: options.port, maxConnections: EMBEDDED_MAX_CONNECTIONS });
  keepQueueRunning(server);
  await server.start();
  const address = server.getServerConn(); // "127.0.0.1:port"
  return {
    url: `postgresql://postgres:postgres@${address}/postgres?sslmode=disable`,
    dataDir: options.dataDir,
    db,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

type QueryQueue = { processQueue(): Promise<void>; processing: boolean; getQueueLength(): number };

/**
 * pglite-socket 0.2.17 stops its query queue for good when one query fails at the protocol level
 * (its processQueue returns from the catch with `processing` still set), after which every later
 * query of every connection waits forever. Clear the flag and go on with the rest of the queue.
 */
function keepQueueRunning(server: PGLiteSocketServer): void {
  const queue = (server as unknown as { queryQueue: QueryQueue }).queryQueue;
  const original = queue.processQueue.bind(queue);
  const run = async (): Promise<void> => {
    if (queue.processing) return original(); // a loop is running and will take the new query
    await original();
    // The loop has returned: if it left the flag set, it returned from a failure.
    if (queue.processing) {
      queue.processing = false;
      if (queue.getQueueLength() > 0) await run();
    }
  };
  queue.processQueue = run;
}

