import { spawn } from "node:child_process";
import pg from "pg";
import { afterEach, describe, expect, it, vi } from "vitest";
import { generateIssuerKeys } from "@/lib/core/card";
import { DEMO_ISSUER_KEYS } from "@/lib/secrets/demo-issuer-keys";
import { DEMO_ISD_MASTER_KEY } from "@/lib/secrets/demo-isd-keys";
import { DEMO_PROVIDER_SSD_MASTER_KEY } from "@/lib/secrets/demo-ssd-keys";
import { generateCompanyKeys } from "@/lib/core/messages";
import { DEMO_COMPANY_KEYS } from "@/lib/secrets/demo-company-keys";
import { unsafeDefaults } from "@/lib/server/deployment";
import { seedIfEmpty } from "@/prisma/seed";
import { resetDatabase, testDatabase } from "../helpers/db";
import { pointAppAtTestDatabase } from "../helpers/env";

// Issue 9: production refuses the public demo keys and never seeds the demo accounts, unless the
// demo is asked for explicitly (RECARD_DEMO=1, which `npm start` sets with --demo).
const { url, kind } = testDatabase();
pointAppAtTestDatabase(); // the seed uses the app's data layer

const demoCompanyKeys = JSON.stringify(
  Object.fromEntries(Object.values(DEMO_COMPANY_KEYS).map((k) => [k.companyId, { kid: k.kid, privateKey: k.privateKey }])),
);
const demoIssuerKeys = JSON.stringify(DEMO_ISSUER_KEYS);

async function realKeys(): Promise<{
  RECARD_COMPANY_KEYS: string;
  RECARD_ISSUER_CARD_KEYS: string;
  RECARD_ISD_MASTER_KEY: string;
  RECARD_PROVIDER_SSD_MASTER_KEY: string;
}> {
  const metro = await generateCompanyKeys("METRO01");
  return {
    RECARD_COMPANY_KEYS: JSON.stringify({ METRO01: { kid: metro.kid, privateKey: metro.privateKey } }),
    RECARD_ISSUER_CARD_KEYS: JSON.stringify(await generateIssuerKeys()),
    RECARD_ISD_MASTER_KEY: Buffer.from(crypto.getRandomValues(new Uint8Array(32)))
      .toString("hex")
      .toUpperCase(),
    RECARD_PROVIDER_SSD_MASTER_KEY: Buffer.from(crypto.getRandomValues(new Uint8Array(32)))
      .toString("hex")
      .toUpperCase(),
  };
}

/** Runs a script as `npm start` would, in production; resolves with its exit code and output. */
function run(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^RECARD_|^DATABASE_URL$|^NODE_ENV$/.test(k)) base[k] = v;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", script, ...args], {
      env: { ...base, NEXTAUTH_SECRET: "production-test-secret-production-test-secret", ...env } as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    child.on("exit", (code) => resolve({ code, output }));
  });
}

afterEach(() => vi.unstubAllEnvs());

describe("deployment safety: what counts as unsafe", () => {
  it("refuses missing or demo keys in production, allows them in a demo or outside production", async () => {
    expect(unsafeDefaults({ NODE_ENV: "production" })).toHaveLength(4);
    expect(unsafeDefaults({ NODE_ENV: "development", RECARD_ENV: "production" })).toHaveLength(4);
    expect(unsafeDefaults({ NODE_ENV: "production", ...(await realKeys()), RECARD_PROVIDER_SSD_MASTER_KEY: DEMO_PROVIDER_SSD_MASTER_KEY })).toEqual([
      "RECARD_PROVIDER_SSD_MASTER_KEY is the public demo master key",
    ]);
    expect(unsafeDefaults({ NODE_ENV: "production", ...(await realKeys()), RECARD_ISD_MASTER_KEY: DEMO_ISD_MASTER_KEY })).toEqual([
      "RECARD_ISD_MASTER_KEY is the public demo master key",
    ]);
    expect(unsafeDefaults({ NODE_ENV: "production", RECARD_COMPANY_KEYS: demoCompanyKeys, RECARD_ISSUER_CARD_KEYS: demoIssuerKeys }).join("\n")).toMatch(
      /RECARD_COMPANY_KEYS contains a public demo signing key[\s\S]*RECARD_ISSUER_CARD_KEYS contains a public demo card key/,
    );
    expect(unsafeDefaults({ NODE_ENV: "production", RECARD_DEMO: "1" })).toEqual([]);
    expect(unsafeDefaults({ NODE_ENV: "development" })).toEqual([]);
    expect(unsafeDefaults({ NODE_ENV: "production", ...(await realKeys()) })).toEqual([]);
  });

  it("makes the server's environment validation fail in production without keys", async () => {
    vi.stubEnv("DATABASE_URL", url);
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("RECARD_DEMO", "");
    vi.resetModules();
    const { env } = await import("@/lib/server/env");
    expect(() => env()).toThrow(/refusing to start in production[\s\S]*RECARD_COMPANY_KEYS is not set/);
    vi.stubEnv("RECARD_DEMO", "1");
    vi.resetModules();
    expect((await import("@/lib/server/env")).env().RECARD_DEMO).toBe("1");
  });
});

describe.runIf(kind === "embedded")("a production start (scripts/start.ts without --demo)", () => {
  it("exits non-zero with a clear message when the demo keys would be used", async () => {
    const unset = await run("scripts/start.ts", [], { NODE_ENV: "production", RECARD_DATA_DIR: "temp" });
    expect(unset.code).toBe(1);
    expect(unset.output).toMatch(/refusing to start in production with unsafe defaults/);
    expect(unset.output).toMatch(/RECARD_COMPANY_KEYS is not set/);
    expect(unset.output).toMatch(/RECARD_ISSUER_CARD_KEYS is not set/);
    expect(unset.output).toMatch(/RECARD_ISD_MASTER_KEY is not set/);
    expect(unset.output).toMatch(/RECARD_PROVIDER_SSD_MASTER_KEY is not set/);
    expect(unset.output).not.toMatch(/embedded PostgreSQL|ReCard at/);

    const demoKeys = await run("scripts/start.ts", [], {
      RECARD_ENV: "production",
      RECARD_DATA_DIR: "temp",
      RECARD_COMPANY_KEYS: demoCompanyKeys,
      RECARD_ISSUER_CARD_KEYS: demoIssuerKeys,
    });
    expect(demoKeys.code).toBe(1);
    expect(demoKeys.output).toMatch(/RECARD_COMPANY_KEYS contains a public demo signing key/);
  });
});

describe(`a production database on ${kind}`, () => {
  it("is never seeded with the demo accounts without RECARD_DEMO=1", async () => {
    await resetDatabase();
    const refused = await run("scripts/seed.ts", [], { DATABASE_URL: url, NODE_ENV: "production" });
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/refusing to seed the demo accounts/);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query("SELECT (SELECT count(*) FROM iss_issuer_company)::int AS companies");
      expect(rows).toEqual([{ companies: 0 }]);
    } finally {
      await client.end();
    }
  });

  it("refuses to start while its trust store holds a demo public key, even with real keys configured", async () => {
    await resetDatabase();
    await seedIfEmpty(url); // a database seeded for the demo, then pointed at by a production start
    const started = await run("scripts/start.ts", [], { DATABASE_URL: url, NODE_ENV: "production", ...(await realKeys()) });
    expect(started.code).toBe(1);
    expect(started.output).toMatch(/refusing to start in production: the trust store holds \d+ public demo key/);
    expect(started.output).not.toMatch(/ReCard at/);
  });
});
