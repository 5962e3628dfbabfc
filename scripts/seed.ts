/**
 * `npm run db:seed`: seeds the demo data into DATABASE_URL when it has none (migrations first); with
 * RECARD_HOSTS only the hosted companies' own data and trust stores (docs/deployment.md).
 */
import { migrate } from "../lib/server/db/migrate";
import { demoAllowed } from "../lib/server/deployment";
import { parseHosts } from "../lib/server/hosts";
import { seedIfEmpty } from "../prisma/seed";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("set DATABASE_URL (npm start seeds the embedded database by itself)");
  process.exit(2);
}
// Demo accounts (password recard-demo) and demo keys in the trust store: never without an explicit demo.
if (!demoAllowed({ ...process.env, NODE_ENV: process.env.NODE_ENV ?? "production" })) {
  console.error("refusing to seed the demo accounts and demo keys into a production database: set RECARD_DEMO=1 for a demo");
  process.exit(1);
}
// The data layer validates its environment; the secret signs sessions and is not used by seeding.
process.env.NEXTAUTH_SECRET ??= "seed-only-secret-not-used-for-sessions-0000";
await migrate(url, { log: console.log });
console.log(
  (await seedIfEmpty(url, { log: console.log, traffic: true, hosts: parseHosts(process.env.RECARD_HOSTS) }))
    ? "seeded"
    : "the database already has data: nothing done",
);
