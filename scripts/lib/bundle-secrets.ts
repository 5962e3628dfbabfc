/**
 * The scanner behind scripts/check-bundle-secrets.ts: which private key values must never appear in
 * what the server sends to browsers, and where they do appear. Pure functions over file contents so a
 * unit test can prove the scan fails on a planted key (scripts/lib/bundle-secrets.test.ts).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/** A private scalar (32 bytes for P-256) and where it comes from, e.g. "demo issuer signing key". */
export type Secret = { readonly name: string; readonly bytes: Uint8Array };

export type Finding = { readonly file: string; readonly secret: string; readonly form: string; readonly offset: number };

const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const toBase64 = (b: Uint8Array) => btoa(String.fromCharCode(...b));
const toBase64Url = (b: Uint8Array) => toBase64(b).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

function fromBase64Url(text: string): Uint8Array {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
}

function fromHex(text: string): Uint8Array {
  if (!/^([0-9a-fA-F]{2})+$/.test(text)) throw new RangeError("not hex");
  return Uint8Array.from(text.match(/../g)!, (h) => parseInt(h, 16));
}

/** The secret of a JWK's `d` (base64url). */
export const secretFromJwkD = (name: string, d: string): Secret => ({ name, bytes: fromBase64Url(d) });
/** The secret of a hex private key (card images keep the card's receipt key as hex). */
export const secretFromHex = (name: string, hex: string): Secret => ({ name, bytes: fromHex(hex) });

/** Every spelling a key can take in JavaScript, JSON, HTML or an RSC payload. */
export function needlesOf(secret: Secret): { form: string; text: string }[] {
  const hex = toHex(secret.bytes);
  const b64 = toBase64(secret.bytes);
  return [
    { form: "base64url (JWK d)", text: toBase64Url(secret.bytes) },
    { form: "base64", text: b64.replace(/=+$/, "") },
    { form: "hex", text: hex },
    { form: "HEX", text: hex.toUpperCase() },
  ];
}

/** Looks for every spelling of every secret in `content` (read as latin1, so any file can be scanned). */
export function scanContent(file: string, content: string, secrets: readonly Secret[]): Finding[] {
  const findings: Finding[] = [];
  for (const secret of secrets) {
    for (const needle of needlesOf(secret)) {
      const offset = content.indexOf(needle.text);
      if (offset >= 0) findings.push({ file, secret: secret.name, form: needle.form, offset });
    }
  }
  return findings;
}

function walk(dir: string, out: string[]): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out;
}

/**
 * What a build sends to browsers: every file under `.next/static` (JavaScript chunks, CSS, media), and the
 * prerendered pages under `.next/server/app` (HTML and their RSC payloads).
 */
export function browserFilesOf(nextDir: string): string[] {
  const statics = walk(join(nextDir, "static"), []);
  const prerendered = walk(join(nextDir, "server", "app"), []).filter((f) => /\.(html|rsc|body)$/.test(f));
  return [...statics, ...prerendered];
}

/** Scans `files` for `secrets`; paths in the findings are relative to `root`. */
export function scanFiles(root: string, files: readonly string[], secrets: readonly Secret[]): Finding[] {
  return files.flatMap((file) => scanContent(relative(root, file), readFileSync(file).toString("latin1"), secrets));
}

/**
 * Private keys configured by environment: RECARD_COMPANY_KEYS ({"ID": {"kid", "privateKey": JWK}}) and
 * RECARD_ISSUER_CARD_KEYS ({"signing": {"privateKeyJwk"}, "encryption": {…}}); any JWK with a `d` anywhere
 * in other RECARD_*KEYS* variables too.
 */
export function secretsFromEnvironment(environment: Record<string, string | undefined>): Secret[] {
  const out: Secret[] = [];
  const visit = (name: string, value: unknown) => {
    if (!value || typeof value !== "object") return;
    const d = (value as { d?: unknown }).d;
    if (typeof d === "string" && /^[A-Za-z0-9_-]{16,}$/.test(d)) out.push(secretFromJwkD(name, d));
    for (const [key, inner] of Object.entries(value)) visit(`${name}.${key}`, inner);
  };
  for (const [variable, text] of Object.entries(environment)) {
    if (!/^RECARD_.*KEYS?/.test(variable) || !text) continue;
    // The ISD master key (lib/server/issuer/keys.ts) is 64 hex digits, not JSON.
    if (variable === "RECARD_ISD_MASTER_KEY" || variable === "RECARD_PROVIDER_SSD_MASTER_KEY") {
      out.push(secretFromHex(variable, text));
      continue;
    }
    try {
      visit(variable, JSON.parse(text));
    } catch {
      throw new Error(`${variable} is not JSON: cannot know which keys to look for`);
    }
  }
  return out;
}
