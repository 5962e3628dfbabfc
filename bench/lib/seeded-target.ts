/**
 * What the bench targets on the demo world do before they measure: a throwaway PostgreSQL server
 * (Debian's, or the embedded one `npm start` uses), the app's environment pointed at it, the migrations,
 * the demo seed, and the parties wired to the exchange as the app server wires them at start
 * (lib/server/wiring.ts). Call it before importing the data layer, which reads its configuration once
 * per process. The caller stops the server when it is done (`finally`); a failure here stops it first.
 */
import { startEmbeddedDatabase } from "../../lib/server/db/embedded";
import { migrate } from "../../lib/server/db/migrate";
import { startTempPostgres } from "../../scripts/lib/temp-postgres";

type SeededServer = { url: string; version: string; stop(): Promise<void> };

export async function startSeededServer(options: { kind?: "embedded" | "postgresql"; poolMax?: number } = {}): Promise<SeededServer> {
  const kind = options.kind ?? "postgresql";
  const server = kind === "embedded" ? await startEmbeddedDatabase({ dir: null }) : await startTempPostgres();
  try {
    process.env.DATABASE_URL = server.url;
    process.env.NEXTAUTH_SECRET = "bench-secret-bench-secret-bench-secret-bench";
    process.env.RECARD_DB_KIND = kind === "embedded" ? "embedded-postgresql" : "postgresql";
    process.env.RECARD_DEMO = "1"; // the demo keys and seed
    if (options.poolMax !== undefined) process.env.DB_POOL_MAX = String(options.poolMax);
    await migrate(server.url);
    const { seedIfEmpty } = await import("../../prisma/seed");
    await seedIfEmpty(server.url);
    (await import("../../lib/server/wiring")).wireParties();
    return server;
  } catch (error) {
    await server.stop();
    throw error;
  }
}
