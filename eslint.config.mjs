import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

// Imports flow one way: lib/core <- lib/reader <- lib/server <- app (STYLE.md, "Layout").
const nodeBuiltins = ["node:*", "fs", "path", "crypto", "net", "child_process", "os", "buffer"];
const frameworks = ["next", "next/*", "react", "react-dom", "@prisma/*", "pg", "pg-boss", "server-only"];
// Private key material (demo issuer and company keys, card keys) lives only in lib/secrets and lib/server:
// nothing that can reach a browser imports it (docs/card.md, "Demo keys"; scripts/check-bundle-secrets.ts).
const secrets = {
  group: ["@/lib/secrets/*", "**/lib/secrets/*", "**/secrets/*", "@/lib/core/card/fixtures", "**/card/fixtures"],
  message: "Private keys stay on the server: client-reachable code never imports lib/secrets or test fixtures.",
};
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

// Parties meet only through signed messages (issue 11): the issuer's code and a provider's never import
// each other, and a party's data layer reads the database only through its own narrowed client
// (lib/server/data/<party>/db.ts, lib/server/db/parties.ts), never through the whole one.
const otherParty = (other) => ({
  regex: `^@/lib/server/(data/)?${other}(/|$)|^(\\.\\./)+(data/)?${other}(/|$)|^@/app/${other}(/|$)`,
  message: `Parties meet only through signed messages: ${other} code is not imported here (docs/architecture.md, "The party boundary").`,
});
const wholeClient = {
  regex: "^@/lib/server/db$|^(\\.\\./)+db$|generated/prisma|^@prisma/|^pg$",
  message: "A party's data layer reads the database through its own narrowed client (./db), which has only its tables.",
};
const appImports = [{ group: ["@/lib/server/generated/*", "@prisma/*", "pg"], message: "Go through the data layer in lib/server/data." }, secrets];
const partyRules = (own, other) => [
  { files: [`app/${own}/**/*.{ts,tsx}`], rules: { "no-restricted-imports": ["error", { patterns: [...appImports, otherParty(other)] }] } },
  {
    files: [`lib/server/data/${own}/**/*.ts`],
    ignores: [`lib/server/data/${own}/db.ts`],
    rules: { "no-restricted-imports": ["error", { patterns: [otherParty(other), wholeClient] }] },
  },
];

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: ["node_modules/**", ".next/**", "lib/server/generated/**", "next-env.d.ts", "test-results/**", "playwright-report/**", ".data/**", ".tmp/**"],
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
      "no-restricted-globals": [
        "error",
        { name: "Buffer", message: "Use Uint8Array in lib/core." },
        { name: "process", message: "Inject configuration instead." },
      ],
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
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["@/lib/server/*", "@/lib/reader/*", "@/app/*", "@/components/*"], message: "lib/secrets imports only lib/core." }] },
      ],
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
      "no-restricted-imports": ["error", { patterns: appImports }],
    },
  },
  {
    // Links prefetch on intent, not in view (components/ui/link.tsx): every page is dynamic, and Next's
    // default cost a server render per link on screen.
    files: ["app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}"],
    ignores: ["components/ui/link.tsx"],
    rules: {
      "no-restricted-syntax": [
        "error",
        { selector: "ImportDeclaration[source.value='next/link']", message: "Use Link from @/components/ui/link: it prefetches on intent." },
      ],
    },
  },
  ...partyRules("issuer", "provider"),
  ...partyRules("provider", "issuer"),
  {
    // No circles (issue 11): the exchange imports no party (they register their handlers at start,
    // lib/server/wiring.ts), and no `await import()` hides a cycle: dynamic imports count here too.
    files: ["lib/server/**/*.ts", "instrumentation.ts"],
    ignores: ["lib/server/generated/**"],
    rules: { "import/no-cycle": ["error", { ignoreExternal: true, allowUnsafeDynamicCyclicDependency: false }] },
  },
  {
    // Type-aware rules where they catch real bugs (issue 11): a promise nobody awaits loses its error
    // (an unhandled rejection, or a write the caller thinks is done), and an async function passed where
    // a void callback is expected runs unawaited. In JSX event handlers React ignores the returned
    // promise by design, so those attributes are allowed; the handler itself must catch.
    files: ["**/*.{ts,tsx}"],
    ignores: ["lib/server/generated/**"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
      "@typescript-eslint/await-thenable": "error",
    },
  },
];

export default config;
