import { afterEach, describe, expect, it, vi } from "vitest";
import { resetDatabase, testDatabase } from "../helpers/db";

const { url, kind } = testDatabase();

async function loadRoute(env: Record<string, string>) {
  vi.resetModules();
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  const globalForPrisma = globalThis as { recardPrisma?: { $disconnect(): Promise<void> } };
  await globalForPrisma.recardPrisma?.$disconnect();
  delete globalForPrisma.recardPrisma;
  return import("@/app/api/health/route");
}

afterEach(() => vi.unstubAllEnvs());

describe(`GET /api/health on ${kind}`, () => {
  it("answers 200 with the database in use", async () => {
    await resetDatabase();
    const dbKind = kind === "embedded" ? "embedded-postgresql" : "postgresql";
    const { GET } = await loadRoute({ DATABASE_URL: url, RECARD_DB_KIND: dbKind });
    const response = await GET();
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.status).toBe("ok");
    expect(body.database).toMatchObject({ kind: dbKind, reachable: true, migrations: expect.any(Number) });
    expect(body.database.migrations).toBeGreaterThanOrEqual(1);
    expect(body.database.serverVersion).toMatch(kind === "embedded" ? /^18/ : /^1[5-8]/);
  });

  it("answers 503 when the database cannot be reached", async () => {
    const { GET } = await loadRoute({ DATABASE_URL: "postgresql://postgres@127.0.0.1:1/none?connect_timeout=1", RECARD_DB_KIND: "postgresql" });
    const response = await GET();
    expect(response.status).toBe(503);
    const body = await response.json();
    expect(body).toMatchObject({ status: "unavailable", database: { kind: "postgresql", reachable: false } });
    expect(body.database.error).toEqual(expect.any(String));
  });
});
