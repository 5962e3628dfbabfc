import { readFileSync } from "node:fs";
import path from "node:path";
import { ESLint } from "eslint";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";

/**
 * The party boundary is a compile-time fact (issue 11): fixture modules (./boundary-fixtures/*.ts.txt),
 * placed as if they lived in a party's data layer, are checked by the project's own TypeScript options
 * and ESLint configuration. A provider module that reads an issuer table does not type-check; one that
 * imports issuer modules or the whole Prisma client fails the lint; and the other way round.
 */
const root = path.resolve(__dirname, "../../..");
const fixture = (name: string) => readFileSync(path.join(__dirname, "boundary-fixtures", `${name}.ts.txt`), "utf8");

/**
 * One TypeScript program of the project's options over `files` (project-relative path → text), which
 * need not exist on disk: the type fixtures are checked in it, and the lint's type-aware rules read it.
 */
function programOf(files: Record<string, string>): ts.Program {
  const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(path.join(root, "tsconfig.json"), ts.sys.readFile).config, ts.sys, root);
  const options = { ...parsed.options, incremental: false, noEmit: true };
  const virtual = new Map(Object.entries(files).map(([rel, text]) => [path.join(root, rel), text]));
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) => {
    const text = virtual.get(path.resolve(name));
    return text !== undefined ? ts.createSourceFile(name, text, language, true) : getSourceFile(name, language, ...rest);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => virtual.has(path.resolve(name)) || fileExists(name);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => virtual.get(path.resolve(name)) ?? readFile(name);
  return ts.createProgram({ rootNames: [...virtual.keys(), path.join(root, "types/next-auth.d.ts")], options, host });
}

function typeErrors(program: ts.Program, files: string[]): Record<string, string[]> {
  return Object.fromEntries(
    files.map((rel) => [
      rel,
      program
        .getSemanticDiagnostics(program.getSourceFile(path.join(root, rel)))
        .map((d) => `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`),
    ]),
  );
}

// The lint's fixtures, each at its own path (the rules depend on the folder), in the same program.
const floating = `async function save(): Promise<void> {}\nexport function run(): void {\n  save();\n  [1].forEach(async () => { await save(); });\n}\n`;
const awaited = `async function save(): Promise<void> {}\nexport async function run(): Promise<void> {\n  await save();\n  void save().catch(() => undefined);\n}\n`;
const page = `import { listCards } from "@/lib/server/data/issuer/cards";\nexport const x = listCards;\n`;
const lintFixtures = () => ({
  "lib/server/data/provider/boundary-lint-imports.ts": fixture("provider-imports-issuer"),
  "app/provider/boundary-lint-page.ts": page,
  "lib/server/data/issuer/boundary-lint-issuer.ts": fixture("issuer-reads-provider-table"),
  "lib/server/data/provider/boundary-lint-own.ts": fixture("provider-own-table"),
  "lib/server/data/provider/boundary-lint-floating.ts": floating,
  "lib/server/data/provider/boundary-lint-awaited.ts": awaited,
});

let eslint: ESLint;
let types: Record<string, string[]>;
beforeAll(() => {
  const typeFixtures = {
    "lib/server/data/provider/boundary-fixture-a.ts": fixture("provider-reads-issuer-table"),
    "lib/server/data/issuer/boundary-fixture-b.ts": fixture("issuer-reads-provider-table"),
    "lib/server/data/provider/boundary-fixture-c.ts": fixture("provider-own-table"),
  };
  const program = programOf({ ...typeFixtures, ...lintFixtures() });
  types = typeErrors(program, Object.keys(typeFixtures));
  // import/no-cycle reads the imported files from disk, which a virtual fixture is not: not what this
  // tests. The type-aware rules read the fixtures from the program above instead of the project service.
  eslint = new ESLint({
    cwd: root,
    overrideConfig: { languageOptions: { parserOptions: { projectService: false, programs: [program] } }, rules: { "import/no-cycle": "off" } },
  });
}, 180_000);

async function lintErrors(relPath: keyof ReturnType<typeof lintFixtures>): Promise<string[]> {
  const [result] = await eslint.lintText(lintFixtures()[relPath], { filePath: path.join(root, relPath) });
  return result!.messages.filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`);
}

describe("the party boundary, checked by the compiler and the lint", () => {
  it("a provider module cannot read an issuer table (typecheck), in or out of a transaction", () => {
    expect(types["lib/server/data/provider/boundary-fixture-a.ts"]).toEqual([
      expect.stringMatching(/^TS2339: Property 'card' does not exist on type 'ProviderDb'/),
      expect.stringMatching(/^TS2339: Property 'cardholder' does not exist/),
    ]);
  });

  it("an issuer module cannot read a provider table (typecheck)", () => {
    expect(types["lib/server/data/issuer/boundary-fixture-b.ts"]).toEqual([
      expect.stringMatching(/^TS2339: Property 'spLoadRecord' does not exist on type 'IssuerDb'/),
    ]);
  });

  it("a provider module reading its own table type-checks (the control)", () => {
    expect(types["lib/server/data/provider/boundary-fixture-c.ts"]).toEqual([]);
  });

  it("a provider module may not import issuer code nor the whole client (lint)", async () => {
    const errors = await lintErrors("lib/server/data/provider/boundary-lint-imports.ts");
    expect(errors.filter((e) => e.startsWith("no-restricted-imports"))).toHaveLength(3);
    expect(errors.join("\n")).toMatch(/issuer code is not imported here/);
    expect(errors.join("\n")).toMatch(/its own narrowed client/);
  }, 120_000);

  it("provider pages may not import issuer code, nor issuer code provider code (lint)", async () => {
    expect(await lintErrors("app/provider/boundary-lint-page.ts")).toEqual([
      expect.stringMatching(/^no-restricted-imports: .*issuer code is not imported here/),
    ]);
    const issuer = await lintErrors("lib/server/data/issuer/boundary-lint-issuer.ts");
    expect(issuer).toEqual([expect.stringMatching(/^no-restricted-imports: .*provider code is not imported here/)]);
  }, 120_000);

  it("a provider module reading its own table through ./db lints clean (the control)", async () => {
    expect(await lintErrors("lib/server/data/provider/boundary-lint-own.ts")).toEqual([]);
  }, 120_000);

  it("a promise nobody awaits, or an async callback where a void one is expected, fails the lint (type-aware rules)", async () => {
    const errors = await lintErrors("lib/server/data/provider/boundary-lint-floating.ts");
    expect(errors).toEqual([
      expect.stringMatching(/^@typescript-eslint\/no-floating-promises: /),
      expect.stringMatching(/^@typescript-eslint\/no-misused-promises: /),
    ]);
    expect(await lintErrors("lib/server/data/provider/boundary-lint-awaited.ts")).toEqual([]);
  }, 120_000);
});
