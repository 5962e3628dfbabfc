import "server-only";
import { db } from "../db";
import { env } from "../env";
import { isDatabaseUnavailableError, markDatabaseAvailable, markDatabaseUnavailable } from "../db/availability";

export type Health =
  | { status: "ok"; database: { kind: string; reachable: true; serverVersion: string; migrations: number; latencyMs: number }; time: string }
  | { status: "unavailable"; database: { kind: string; reachable: false; error: string }; time: string };

const TIMEOUT_MS = 3_000;

/** Probes the database with a bounded wait; never throws. */
export async function checkHealth(): Promise<Health> {
  const time = new Date().toISOString();
  let kind = "unknown";
  try {
    kind = env().RECARD_DB_KIND;
    const started = performance.now();
    const probe = db().$queryRaw<{ server_version: string; migrations: bigint }[]>`
      SELECT current_setting('server_version') AS server_version,
             (SELECT count(*) FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL) AS migrations`;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    });
    const rows = await Promise.race([probe, timeout]).finally(() => clearTimeout(timer));
    const row = rows[0]!;
    markDatabaseAvailable();
    return {
      status: "ok",
      database: {
        kind,
        reachable: true,
        serverVersion: row.server_version,
        migrations: Number(row.migrations),
        latencyMs: Math.round(performance.now() - started),
      },
      time,
    };
  } catch (error) {
    if (isDatabaseUnavailableError(error)) markDatabaseUnavailable(Date.now());
    // Prisma's messages start with the invocation and end with the database's reason: keep the reason.
    const lines = (error instanceof Error ? error.message : "")
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
    const message = lines.at(-1) ?? "unknown error";
    return { status: "unavailable", database: { kind, reachable: false, error: message.slice(0, 200) }, time };
  }
}
