import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedDatabase } from "@/lib/server/db/embedded";
import { migrate } from "@/lib/server/db/migrate";
import { testDatabase } from "../helpers/db";

// The embedded server itself (run once, in the embedded pass): a real PostgreSQL from npm, its data
// folder survives restarts, it listens on loopback only and wants the generated password.
let root = "";

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

describe.runIf(testDatabase().kind === "embedded")("embedded PostgreSQL server", () => {
  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), "recard-embedded-test-"));
    chmodSync(root, 0o711); // the server runs as the postgres user when we are root: it must reach its folder
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("keeps its data across a restart, with a generated password kept private next to it", async () => {
    const dir = path.join(root, "nested", "data");
    const first = await startEmbeddedDatabase({ dir });
    await migrate(first.url);
    expect(first.version).toMatch(/^PostgreSQL 18\./);
    await query(first.url, `INSERT INTO iss_issuer_company (company_id, name, iin) VALUES ('KEEP01', 'Kept Co.', '99000001')`);
    const settings = await query<{ name: string; setting: string }>(
      first.url,
      `SELECT name, setting FROM pg_settings WHERE name IN ('listen_addresses', 'unix_socket_directories', 'password_encryption')`,
    );
    expect(Object.fromEntries(settings.map((s) => [s.name, s.setting]))).toEqual({
      listen_addresses: "127.0.0.1",
      unix_socket_directories: "",
      password_encryption: "scram-sha-256",
    });
    const passwordFile = path.join(dir, "postgres-password");
    expect(statSync(passwordFile).mode & 0o777).toBe(0o600);
    const password = readFileSync(passwordFile, "utf8").trim();
    expect(password.length).toBeGreaterThanOrEqual(32);
    expect(first.url).toContain(encodeURIComponent(password));
    // Any other password is refused (the PGlite socket accepted anything).
    const wrong = new URL(first.url);
    wrong.password = "postgres";
    await expect(query(wrong.toString(), "SELECT 1")).rejects.toThrow(/password authentication failed/);
    await first.stop();

    const second = await startEmbeddedDatabase({ dir });
    try {
      expect((await migrate(second.url)).applied).toEqual([]);
      expect(await query(second.url, `SELECT name FROM iss_issuer_company WHERE company_id = 'KEEP01'`)).toEqual([{ name: "Kept Co." }]);
      expect(readFileSync(passwordFile, "utf8").trim()).toBe(password);
    } finally {
      await second.stop();
    }
  });

  it("takes its folder over from a server left running by a process killed with kill -9", async () => {
    const dir = path.join(root, "orphaned");
    const owner = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "tests/helpers/embedded-child.ts", dir], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      owner.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const match = /URL (\S+)/.exec(out);
        if (match) resolve(match[1]!);
      });
      owner.on("exit", (code) => reject(new Error(`the owner exited (${code}) before its database was up`)));
    });
    await query(url, "CREATE TABLE kept_after_kill (n int); INSERT INTO kept_after_kill VALUES (7)");
    owner.kill("SIGKILL");
    await new Promise((resolve) => owner.once("exit", resolve));
    const leftover = Number(readFileSync(path.join(dir, "postgres", "postmaster.pid"), "utf8").split("\n")[0]);
    expect(() => process.kill(leftover, 0)).not.toThrow(); // the server outlived its owner

    const again = await startEmbeddedDatabase({ dir });
    try {
      expect(await query(again.url, "SELECT n FROM kept_after_kill")).toEqual([{ n: 7 }]);
      expect(() => process.kill(leftover, 0)).toThrow();
    } finally {
      await again.stop();
    }
  });
});
