/** `npm run db:migrate`: applies pending migrations to DATABASE_URL. */
import { migrate } from "../lib/server/db/migrate";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("set DATABASE_URL (npm start migrates the embedded database by itself)");
  process.exit(2);
}
const report = await migrate(url, { log: console.log });
console.log(`${report.applied.length} applied, ${report.alreadyApplied.length} already applied`);
