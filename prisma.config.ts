// Prisma 6 with the JavaScript engine: nothing is downloaded (STACK.md, "Prisma without downloads").
// The CLI is only used for `generate` and for `migrate diff` between two schema files
// (scripts/migration-diff.ts). Its adapter is a throwaway embedded PostgreSQL that migration-diff.ts
// starts in a temporary folder and passes as RECARD_DIFF_DATABASE_URL, so a diff can never touch a
// real database. Migrations are applied by scripts/migrate.ts (lib/server/db/migrate.ts), not by
// `prisma migrate deploy`.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    const url = process.env.RECARD_DIFF_DATABASE_URL;
    if (!url) throw new Error("the Prisma CLI's database is a throwaway one: run `npm run db:diff -- <name>`");
    const { PrismaPg } = await import("@prisma/adapter-pg");
    return new PrismaPg({ connectionString: url });
  },
});
