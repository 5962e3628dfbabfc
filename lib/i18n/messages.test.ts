import { parse, TYPE, type MessageFormatElement } from "@formatjs/icu-messageformat-parser";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LOCALES } from "./locales";
import {
  CATALOGUES,
  DESK_CLIENT_NAMESPACES,
  NAMESPACES,
  pickNamespaces,
  PORTAL_CLIENT_NAMESPACES,
  SHARED_CLIENT_NAMESPACES,
  type ClientMessagePath,
  type EN_MESSAGES,
} from "./messages";

/**
 * Every locale has exactly the keys of English, in every namespace, and each message the same ICU
 * arguments (name and kind) and rich-text tags: a sentence added in English only, or translated
 * without its {amount}, fails here (docs/i18n.md).
 */

type Flat = Map<string, string>;

function flatten(value: unknown, prefix: string, into: Flat): Flat {
  if (typeof value === "string") into.set(prefix, value);
  else if (value && typeof value === "object" && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) flatten(child, prefix ? `${prefix}.${key}` : key, into);
  } else into.set(prefix, `<<not a string: ${JSON.stringify(value)}>>`);
  return into;
}

/** "amount:number", "count:plural", "b:tag", ... sorted, for one message. */
function signature(message: string): string[] {
  const found = new Set<string>();
  const walk = (elements: MessageFormatElement[]) => {
    for (const element of elements) {
      switch (element.type) {
        case TYPE.argument:
          found.add(`${element.value}:argument`);
          break;
        case TYPE.number:
        case TYPE.date:
        case TYPE.time:
          found.add(`${element.value}:${TYPE[element.type]}`);
          break;
        case TYPE.select:
        case TYPE.plural:
          found.add(`${element.value}:${TYPE[element.type]}`);
          for (const option of Object.values(element.options)) walk(option.value);
          break;
        case TYPE.tag:
          found.add(`${element.value}:tag`);
          walk(element.children);
          break;
      }
    }
  };
  walk(parse(message));
  return [...found].sort();
}

const en = (namespace: (typeof NAMESPACES)[number]) => flatten(CATALOGUES.en[namespace], "", new Map());

describe("message catalogues", () => {
  it("has one file per namespace and locale, and no other", () => {
    for (const locale of LOCALES) {
      const files = readdirSync(path.join("messages", locale)).sort();
      expect(files, `messages/${locale}`).toEqual(NAMESPACES.map((n) => `${n}.json`).sort());
      for (const file of files) expect(() => JSON.parse(readFileSync(path.join("messages", locale, file), "utf8")), `messages/${locale}/${file}`).not.toThrow();
    }
  });

  for (const namespace of NAMESPACES) {
    for (const locale of LOCALES.filter((l) => l !== "en")) {
      it(`${locale}/${namespace}.json has the keys of en/${namespace}.json`, () => {
        const reference = en(namespace);
        const translated = flatten(CATALOGUES[locale][namespace], "", new Map());
        expect([...translated.keys()].sort(), "keys").toEqual([...reference.keys()].sort());
      });

      it(`${locale}/${namespace}.json keeps each message's arguments and tags`, () => {
        const reference = en(namespace);
        const translated = flatten(CATALOGUES[locale][namespace], "", new Map());
        for (const [key, english] of reference) {
          const other = translated.get(key);
          if (other === undefined) continue;
          expect(signature(other), `${namespace}.${key} in ${locale}: "${other}"`).toEqual(signature(english));
        }
      });
    }

    it(`${namespace}: every message is a non-empty string that parses as ICU`, () => {
      for (const locale of LOCALES) {
        for (const [key, message] of flatten(CATALOGUES[locale][namespace], "", new Map())) {
          expect(message.trim(), `${locale}/${namespace}.${key}`).not.toBe("");
          expect(() => parse(message), `${locale}/${namespace}.${key}: ${message}`).not.toThrow();
        }
      }
    });
  }
});

describe("the parity check itself", () => {
  it("sees a missing argument and a missing key", () => {
    expect(signature("{count, plural, one {# card} other {# cards}} for {name}")).toEqual(["count:plural", "name:argument"]);
    expect(signature("{name} のカード")).not.toEqual(signature("{count, plural, other {#}} for {name}"));
    const a = flatten({ a: { b: "x", c: "y" } }, "", new Map());
    const b = flatten({ a: { b: "x" } }, "", new Map());
    expect([...b.keys()]).not.toEqual([...a.keys()]);
  });
});

describe("the words sent to client components (pickNamespaces)", () => {
  const en = CATALOGUES.en as typeof EN_MESSAGES;

  it("picks whole namespaces and parts of them, sharing the catalogue's objects without changing them", () => {
    const before = JSON.stringify(en);
    const picked = pickNamespaces(en, ["common", "provider.desk", "provider.settings.policy", "provider.records"]);
    expect(Object.keys(picked).sort()).toEqual(["common", "provider"]);
    expect(picked.common).toBe(en.common);
    expect(Object.keys(picked.provider!).sort()).toEqual(["desk", "records", "settings"]);
    expect(picked.provider!.desk).toBe(en.provider.desk);
    expect(picked.provider!.records).toBe(en.provider.records);
    expect(Object.keys(picked.provider!.settings)).toEqual(["policy"]);
    expect(picked.provider!.settings.policy).toBe(en.provider.settings.policy);
    // A part already picked whole stays whole; a missing part picks nothing.
    const again = pickNamespaces(en, ["provider.settings", "provider.settings.policy", "provider.nothing" as ClientMessagePath]);
    expect(again.provider!.settings).toBe(en.provider.settings);
    expect(Object.keys(again.provider!)).toEqual(["settings"]);
    expect(JSON.stringify(en)).toBe(before);
  });

  // Every `useTranslations("…")` of a client component under app/provider is covered by what its page gets:
  // the desk's by the desk page's namespaces, the others' by the portal's (a word missing on the client
  // would show its key instead).
  const root = path.resolve(__dirname, "../..");
  const clientFiles = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name))
      .map((e) => path.join(e.parentPath, e.name))
      .filter((file) => /^\s*["']use client["']/.test(readFileSync(file, "utf8")));
  const covered = (namespace: string, by: readonly string[]) => by.some((p) => namespace === p || namespace.startsWith(`${p}.`));

  it("covers the provider portal's client components", () => {
    const files = [...clientFiles(path.join(root, "app/provider")), ...clientFiles(path.join(root, "components"))];
    const used: string[] = [];
    for (const file of files) {
      for (const [, namespace = ""] of readFileSync(file, "utf8").matchAll(/useTranslations\("([^"]+)"\)/g)) {
        if (namespace.startsWith("issuer") || namespace.startsWith("cardholder")) continue; // other portals' components
        const desk = file.includes(`${path.sep}provider${path.sep}desk${path.sep}`);
        const by = [...SHARED_CLIENT_NAMESPACES, ...PORTAL_CLIENT_NAMESPACES.provider, ...(desk ? DESK_CLIENT_NAMESPACES : [])];
        used.push(namespace);
        expect(covered(namespace, by), `${path.relative(root, file)}: ${namespace}`).toBe(true);
      }
    }
    expect(used).toContain("provider.desk");
    expect(used).toContain("provider.records.lookup");
  });
});
