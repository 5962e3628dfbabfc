import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedDatabase } from "@/lib/server/db/embedded";
import { migrate } from "@/lib/server/db/migrate";
import { testDatabase } from "../helpers/db";

// The embedded database itself: its data folder survives a restart (run once, in the PGlite pass).
const dir = mkdtempSync(path.join(tmpdir(), "recard-pglite-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.runIf(testDatabase().kind === "pglite")("embedded PGlite server", () => {
  it("keeps its data across a restart, in a folder it creates", async () => {
    const dataDir = path.join(dir, "nested", "pglite");
    const first = await startEmbeddedDatabase({ dataDir, port: 0 });
    await migrate(first.url);
    const client = new pg.Client({ connectionString: first.url });
    await client.connect();
    await client.query(`INSERT INTO iss_issuer_company (company_id, name, iin) VALUES ('KEEP01', 'Kept Co.', '99000001')`);
    await client.end();
    await first.stop();

    const second = await startEmbeddedDatabase({ dataDir, port: 0 });
    try {
      expect((await migrate(second.url)).applied).toEqual([]);
      const again = new pg.Client({ connectionString: second.url });
      await again.connect();
      const { rows } = await again.query(`SELECT name FROM iss_issuer_company WHERE company_id = 'KEEP01'`);
      await again.end();
      expect(rows).toEqual([{ name: "Kept Co." }]);
    } finally {
      await second.stop();
    }
  });

  it("keeps answering other connections after one query fails inside the socket server", async () => {
    const embedded = await startEmbeddedDatabase({ dataDir: null, port: 0 });
    try {
      const inner = (embedded as unknown as { db: { execProtocolRawStream: (...a: unknown[]) => Promise<unknown> } }).db;
      const original = inner.execProtocolRawStream.bind(inner);
      let failures = 1;
      inner.execProtocolRawStream = async (...args: unknown[]) => {
        if (failures-- > 0) throw new Error("injected protocol failure");
        return original(...args);
      };
      const victim = new pg.Client({ connectionString: embedded.url, connectionTimeoutMillis: 3000 });
      await victim.connect().catch(() => {});
      await victim.end().catch(() => {});
      const client = new pg.Client({ connectionString: embedded.url, connectionTimeoutMillis: 3000, query_timeout: 3000 });
      await client.connect();
      const { rows } = await client.query("SELECT 41 + 1 AS answer");
      expect(rows).toEqual([{ answer: 42 }]);
      await client.end();
    } finally {
      await embedded.stop();
    }
  });
});
