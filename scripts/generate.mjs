// Generates the Prisma client. `prisma generate` must see DATABASE_URL set (any value) or it tries to
// download a query engine (STACK.md); the value is never used for a connection here.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

if (!existsSync("node_modules/prisma")) process.exit(0); // production install without dev tools
const env = { ...process.env, DATABASE_URL: process.env.DATABASE_URL || "postgresql://generate@localhost/none", PRISMA_HIDE_UPDATE_MESSAGE: "1" };
const result = spawnSync(process.execPath, ["node_modules/prisma/build/index.js", "generate"], { stdio: "inherit", env });
process.exit(result.status ?? 1);
