import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  resolve: { alias: { "@": root, "server-only": `${root}scripts/server-only-stub.ts` } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["lib/**/*.test.ts", "scripts/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "node_modules/**"],
          environment: "node",
          // Not vitest's 5 s: the property tests (hundreds of runs each) took 6 s on a machine kept busy
          // (npm test runs its lanes side by side). A hung test still fails, after a minute.
          testTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["lib/**/*.int.test.ts", "tests/**/*.int.test.ts"],
          environment: "node",
          // Each file gets its own copy of the migrated and seeded template database.
          setupFiles: ["tests/helpers/setup-database.ts"],
          // Hang detectors, not speed checks: at load average 18 the relay test of a 32 KiB LOAD took 47 s
          // alone and over a minute beside npm test's other lanes (its timeout then failed the tests after it).
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
