// Prisma 6 with the JavaScript engine: nothing is downloaded (STACK.md, "Prisma without downloads").
// The CLI is only used for `generate` and for `migrate diff` between two schema files; the adapter is
// an in-memory PGlite so a diff can never touch a real database. Migrations are applied by
// scripts/migrate.ts (lib/server/db/migrate.ts), not by `prisma migrate deploy`.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    const { PGlite } = await import("@electric-sql/pglite");
    const { PrismaPGlite } = await import("pglite-prisma-adapter");
    // pglite-prisma-adapter 0.6 bundles its own copy of driver-adapter-utils: same shape, distinct types.
    return new PrismaPGlite(new PGlite()) as never;
  },
});
