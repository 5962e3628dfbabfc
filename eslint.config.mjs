import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

// Imports flow one way: lib/core <- lib/reader <- lib/server <- app (STYLE.md, "Layout").
const nodeBuiltins = ["node:*", "fs", "path", "crypto", "net", "child_process", "os", "buffer"];
const frameworks = ["next", "next/*", "react", "react-dom", "@prisma/*", "pg", "pg-boss", "server-only"];
// Private key material (demo issuer and company keys, card keys) lives only in lib/secrets and lib/server:
// nothing that can reach a browser imports it (docs/card.md, "Demo keys"; scripts/check-bundle-secrets.ts).
const secrets = { group: ["@/lib/secrets/*", "**/lib/secrets/*", "**/secrets/*", "@/lib/core/card/fixtures", "**/card/fixtures"], message: "Private keys stay on the server: client-reachable code never imports lib/secrets or test fixtures." };
const coreRule = (withSecrets) => [
  "error",
  {
    patterns: [
      { group: [...nodeBuiltins, ...frameworks], message: "lib/core is pure TypeScript: it runs in the browser and in Node." },
      { group: ["@/lib/server/*", "@/lib/reader/*", "@/app/*", "@/components/*", "**/server/**"], message: "lib/core imports nothing above it." },
      ...(withSecrets ? [secrets] : []),
    ],
  },
];

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [
      "node_modules/**",
      ".next/**",
      "lib/server/generated/**",
      "next-env.d.ts",
      "test-results/**",
      "playwright-report/**",
      ".data/**",
      ".tmp/**",
    ],
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["lib/core/**/*.ts"],
    rules: {
      "no-restricted-imports": coreRule(true),
      "no-restricted-globals": ["error", { name: "Buffer", message: "Use Uint8Array in lib/core." }, { name: "process", message: "Inject configuration instead." }],
    },
  },
  {
    // Tests and their fixtures (never imported by client code, see `secrets`) may sign with the demo keys.
    files: ["lib/core/**/*.test.ts", "lib/core/**/fixtures.ts"],
    rules: { "no-restricted-imports": coreRule(false) },
  },
  {
    // lib/secrets: server-only modules (`import "server-only"`) that import only lib/core.
    files: ["lib/secrets/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["@/lib/server/*", "@/lib/reader/*", "@/app/*", "@/components/*"], message: "lib/secrets imports only lib/core." }] }],
    },
  },
  {
    files: ["lib/reader/**/*.ts"],
    ignores: ["lib/reader/node/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: [...nodeBuiltins, ...frameworks.filter((f) => !f.startsWith("react"))], message: "lib/reader is browser-safe." },
            { group: ["@/lib/server/*", "@/app/*"], message: "lib/reader imports only lib/core." },
            secrets,
          ],
        },
      ],
    },
  },
  {
    files: ["app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@/lib/server/generated/*", "@prisma/*", "pg"], message: "Go through the data layer in lib/server/data." },
            secrets,
          ],
        },
      ],
    },
  },
];

export default config;
