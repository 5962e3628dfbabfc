/**
 * Run after `next build` (scripts/test-all.sh): no private key may be in what the app sends to browsers.
 * Scans every file under .next/static and the prerendered pages under .next/server/app for the private
 * scalars `d` of the demo issuer keys, the demo company signing keys, every card the seed personalises,
 * and every key configured by environment. Exit 1 naming file, key and spelling on any finding.
 *
 *   npx tsx --conditions=react-server scripts/check-bundle-secrets.ts [--next-dir .next] [--list]
 * (--list prints the spellings it looks for as JSON, for the e2e scan of what desk pages receive).
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { DEMO_COMPANY_KEYS } from "../lib/secrets/demo-company-keys";
import { DEMO_ISSUER_KEYS } from "../lib/secrets/demo-issuer-keys";
import { DEMO_ISD_MASTER_KEY } from "../lib/secrets/demo-isd-keys";
import { DEMO_PROVIDER_SSD_MASTER_KEY } from "../lib/secrets/demo-ssd-keys";
import { browserFilesOf, needlesOf, scanFiles, secretFromHex, secretFromJwkD, secretsFromEnvironment, type Secret } from "./lib/bundle-secrets";

/** Every private key this deployment knows of. */
async function knownSecrets(environment: Record<string, string | undefined> = process.env): Promise<Secret[]> {
  const secrets: Secret[] = [
    secretFromJwkD("demo issuer permission-signing key", DEMO_ISSUER_KEYS.signing.privateKeyJwk.d!),
    secretFromJwkD("demo issuer card-attribute-data key", DEMO_ISSUER_KEYS.encryption.privateKeyJwk.d!),
    ...Object.values(DEMO_COMPANY_KEYS).map((c) => secretFromJwkD(`${c.companyId} demo message-signing key`, c.privateKey.d!)),
    secretFromHex("demo ISD master key (every seeded card's SCP03 keys)", DEMO_ISD_MASTER_KEY),
    secretFromHex("demo provider SSD master key (every provider application's own SCP03 keys)", DEMO_PROVIDER_SSD_MASTER_KEY),
  ];
  // The seed's modules validate the environment when loaded; nothing here connects to a database.
  process.env.DATABASE_URL ||= "postgresql://unused@localhost/unused";
  process.env.NEXTAUTH_SECRET ||= "check-bundle-secrets-not-used-for-sessions-0000";
  const { seedCardPrivateKeys } = await import("../prisma/seed");
  for (const [surfaceNumber, hex] of await seedCardPrivateKeys()) secrets.push(secretFromHex(`receipt key of seeded card ${surfaceNumber}`, hex));
  secrets.push(...secretsFromEnvironment(environment));
  return secrets;
}

async function main() {
  const { values } = parseArgs({ options: { "next-dir": { type: "string", default: ".next" }, list: { type: "boolean", default: false } } });
  if (values.list) {
    // For the e2e response scan (e2e/fixtures/private-keys.ts): every spelling of every known private key.
    console.log(JSON.stringify((await knownSecrets()).flatMap((s) => needlesOf(s).map((n) => ({ name: s.name, form: n.form, text: n.text })))));
    return;
  }
  const nextDir = resolve(values["next-dir"]!);
  if (!existsSync(nextDir)) {
    console.error(`no build at ${nextDir}: run next build first`);
    process.exit(2);
  }
  const files = browserFilesOf(nextDir);
  if (files.length === 0) {
    console.error(`no browser files under ${nextDir}: is it a build?`);
    process.exit(2);
  }
  const secrets = await knownSecrets();
  const findings = scanFiles(nextDir, files, secrets);
  if (findings.length > 0) {
    for (const f of findings) console.error(`PRIVATE KEY IN BROWSER OUTPUT: ${f.file} @${f.offset}: ${f.secret} (${f.form})`);
    process.exit(1);
  }
  console.log(`no private key in ${files.length} browser files (${secrets.length} keys, 4 spellings each)`);
}

await main();
