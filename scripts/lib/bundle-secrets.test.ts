import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { p256 } from "@noble/curves/nist.js";
import { afterAll, describe, expect, test } from "vitest";
import { DEMO_ISSUER_PUBLIC_KEYS } from "@/lib/core/card/demo-keys";
import { DEMO_COMPANIES } from "@/lib/core/messages/demo-keys";
import { DEMO_COMPANY_KEYS } from "@/lib/secrets/demo-company-keys";
import { DEMO_ISSUER_KEYS } from "@/lib/secrets/demo-issuer-keys";
import { browserFilesOf, needlesOf, scanContent, scanFiles, secretFromHex, secretFromJwkD, secretsFromEnvironment } from "./bundle-secrets";

const demoSigning = secretFromJwkD("demo issuer signing", DEMO_ISSUER_KEYS.signing.privateKeyJwk.d!);
const cardKey = secretFromHex("a card", "8F91A0B1C2D3E4F5061728394A5B6C7D8E9FA0B1C2D3E4F5061728394A5B6C7D");

const root = mkdtempSync(join(tmpdir(), "bundle-secrets-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A stand-in .next folder: what a build sends to browsers, and server files that never leave it. */
function fakeBuild(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

describe("the build-output scan", () => {
  test("finds a planted JWK d in a client chunk, and a hex card key in a prerendered page", () => {
    const dir = fakeBuild("leaky", {
      "static/chunks/app/provider/desk/page-abc.js": `var k={kty:"EC",crv:"P-256",d:"${DEMO_ISSUER_KEYS.signing.privateKeyJwk.d}"};`,
      "server/app/cardholder.html": `<script>self.__next_f.push([1,"{\\"cardPrivateKey\\":\\"8F91A0B1C2D3E4F5061728394A5B6C7D8E9FA0B1C2D3E4F5061728394A5B6C7D\\"}"])</script>`,
      "server/app/provider/desk/page.js": `// server code may hold the key: ${DEMO_ISSUER_KEYS.signing.privateKeyJwk.d}`,
    });
    const files = browserFilesOf(dir);
    expect(files.map((f) => f.slice(dir.length + 1)).sort()).toEqual(["server/app/cardholder.html", "static/chunks/app/provider/desk/page-abc.js"]);
    const findings = scanFiles(dir, files, [demoSigning, cardKey]);
    expect(findings).toEqual([
      { file: "static/chunks/app/provider/desk/page-abc.js", secret: "demo issuer signing", form: "base64url (JWK d)", offset: expect.any(Number) },
      { file: "server/app/cardholder.html", secret: "a card", form: "HEX", offset: expect.any(Number) },
    ]);
  });

  test("a clean build passes, and public keys are not findings", () => {
    const dir = fakeBuild("clean", {
      "static/chunks/main.js": `var pub=${JSON.stringify(DEMO_ISSUER_PUBLIC_KEYS)};var c=${JSON.stringify(DEMO_COMPANIES)};`,
      "server/app/index.html": "<html>ReCard</html>",
    });
    expect(
      scanFiles(dir, browserFilesOf(dir), [demoSigning, cardKey, ...Object.values(DEMO_COMPANY_KEYS).map((c) => secretFromJwkD(c.companyId, c.privateKey.d!))]),
    ).toEqual([]);
  });

  test("every spelling is caught: base64url, base64, hex and HEX", () => {
    for (const needle of needlesOf(cardKey)) expect(scanContent("f", `x${needle.text}y`, [cardKey]).map((f) => f.form)).toContain(needle.form);
  });

  test("keys configured by environment are found, wherever the JWK sits", () => {
    const d = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";
    const secrets = secretsFromEnvironment({
      RECARD_COMPANY_KEYS: JSON.stringify({ METRO01: { kid: "METRO01/key-1", privateKey: { kty: "EC", d } } }),
      RECARD_ISSUER_CARD_KEYS: JSON.stringify({ signing: { publicKeyJwk: {}, privateKeyJwk: { d } }, encryption: { privateKeyJwk: { d } } }),
      OTHER: JSON.stringify({ d }),
    });
    expect(secrets.map((s) => s.name)).toEqual([
      "RECARD_COMPANY_KEYS.METRO01.privateKey",
      "RECARD_ISSUER_CARD_KEYS.signing.privateKeyJwk",
      "RECARD_ISSUER_CARD_KEYS.encryption.privateKeyJwk",
    ]);
    expect(() => secretsFromEnvironment({ RECARD_COMPANY_KEYS: "{not json" })).toThrow(/not JSON/);
  });
});

describe("the demo keys split into public (browser-safe) and private (lib/secrets) halves", () => {
  const publicOf = (d: string) => {
    const point = p256.Point.BASE.multiply(BigInt(`0x${Buffer.from(d, "base64url").toString("hex")}`)).toAffine();
    const b64 = (n: bigint) => Buffer.from(n.toString(16).padStart(64, "0"), "hex").toString("base64url");
    return { x: b64(point.x), y: b64(point.y) };
  };

  test("each private d belongs to the public key published beside it", () => {
    for (const pair of [DEMO_ISSUER_KEYS.signing, DEMO_ISSUER_KEYS.encryption])
      expect(publicOf(pair.privateKeyJwk.d!)).toEqual({ x: pair.publicKeyJwk.x, y: pair.publicKeyJwk.y });
    for (const c of Object.values(DEMO_COMPANY_KEYS)) expect(publicOf(c.privateKey.d!)).toEqual({ x: c.publicKey.x, y: c.publicKey.y });
  });

  test("the public modules carry no d", () => {
    expect(JSON.stringify([DEMO_ISSUER_PUBLIC_KEYS, DEMO_COMPANIES])).not.toMatch(/"d"/);
  });
});
