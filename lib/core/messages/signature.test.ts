import fc from "fast-check";
import { CompactSign, importJWK, type JWK } from "jose";
import { describe, expect, test } from "vitest";
import { fromBase64Url, fromUtf8, toBase64Url, utf8 } from "../bytes";
import { canonicalize, encodeMessage } from "./codec";
import { DEMO_COMPANY_KEYS } from "@/lib/secrets/demo-company-keys";
import { generateCompanyKeys, resolveDemoKey, type DemoCompanyId } from "./demo-keys";
import { EXAMPLE_MESSAGES } from "./fixtures";
import { MESSAGE_TYPES, SENDER_ROLE } from "./message-types";
import type { RefusalCode } from "./refusal";
import type { Message } from "./schemas";
import { JWS_TYPE, MessageSigningError, formatKeyId, parseKeyId, readJwsUnverified, signMessage, verifyMessage, type VerifyOptions } from "./signature";
import { anyMessageArb } from "./test-arbitraries";

const keyOf = (company: DemoCompanyId) => DEMO_COMPANY_KEYS[company];
const signAs = (message: Message, company: DemoCompanyId) => signMessage(message, { privateKey: keyOf(company).privateKey, kid: keyOf(company).kid });

/** Options that accept `message` as its receiver would, at the moment it was sent. */
function optionsFor(message: Message, overrides: Partial<VerifyOptions> = {}): VerifyOptions {
  return {
    resolveSenderKey: resolveDemoKey,
    expectedReceiverCompanyId: message.header.receiverCompanyId,
    receiverRole: SENDER_ROLE[message.header.type] === "issuer" ? "provider" : "issuer",
    now: new Date(message.header.timestamp),
    maxSkewSeconds: 300,
    ...overrides,
  };
}

/** Signs arbitrary payload bytes with arbitrary protected header fields (to forge bad JWSs). */
async function rawJws(payload: Uint8Array, company: DemoCompanyId, header: Record<string, unknown> = {}): Promise<string> {
  const key = await importJWK(keyOf(company).privateKey as JWK, "ES256");
  return new CompactSign(payload).setProtectedHeader({ alg: "ES256", kid: keyOf(company).kid, typ: JWS_TYPE, ...header }).sign(key);
}

const grant = EXAMPLE_MESSAGES["loading-permission-grant"]; // RECARD01 → METRO01
const request = EXAMPLE_MESSAGES["loading-permission-request"]; // METRO01 → RECARD01

describe("sign and verify", () => {
  test.each(MESSAGE_TYPES)("%s: verify(sign(x)) = x", async (type) => {
    const message = EXAMPLE_MESSAGES[type];
    const jws = await signAs(message, message.header.senderCompanyId as DemoCompanyId);
    expect(await verifyMessage(jws, optionsFor(message))).toStrictEqual({ ok: true, value: message });
  });

  test("the JWS: protected header alg, kid, typ; payload = canonical bytes", async () => {
    const jws = await signAs(grant, "RECARD01");
    const read = readJwsUnverified(jws);
    expect(read.ok && { alg: read.value.alg, kid: read.value.kid, typ: read.value.typ }).toEqual({
      alg: "ES256",
      kid: "RECARD01/demo-1",
      typ: "recard-message+jws",
    });
    expect(read.ok && read.value.payload).toStrictEqual(canonicalize(grant));
  });

  test("EdDSA keys work too", async () => {
    const keys = await generateCompanyKeys("METRO01", { alg: "EdDSA", label: "ed-1" });
    const jws = await signMessage(request, { privateKey: keys.privateKey, kid: keys.kid });
    const result = await verifyMessage(jws, optionsFor(request, { resolveSenderKey: async () => keys.publicKey }));
    expect(result.ok).toBe(true);
    expect(readJwsUnverified(jws).ok && (readJwsUnverified(jws) as { value: { alg: string } }).value.alg).toBe("EdDSA");
  });

  test("property: any valid message survives sign + verify", async () => {
    const keys = await generateCompanyKeys("AAAA");
    await fc.assert(
      fc.asyncProperty(anyMessageArb, async (message) => {
        const sender = message.header.senderCompanyId;
        const kid = formatKeyId(sender, "k");
        const jws = await signMessage(message, { privateKey: keys.privateKey, kid });
        const result = await verifyMessage(jws, optionsFor(message, { resolveSenderKey: async (c) => (c === sender ? keys.publicKey : null) }));
        expect(result).toStrictEqual({ ok: true, value: message });
      }),
      { numRuns: 25 },
    );
  });
});

describe("verify refusals", () => {
  type Case = readonly [name: string, jws: () => Promise<string>, options: Partial<VerifyOptions>, code: RefusalCode];
  const swapPayload = async () => {
    const [head, , sig] = (await signAs(grant, "RECARD01")).split(".");
    const forged = { ...grant, expiresAt: "2025-12-31T00:00:00.000Z" };
    return `${head}.${toBase64Url(canonicalize(forged))}.${sig}`;
  };
  const flipSignature = async () => {
    const [head, body, sig] = (await signAs(grant, "RECARD01")).split(".");
    const bytes = fromBase64Url(sig!);
    bytes[5]! ^= 0x01;
    return `${head}.${body}.${toBase64Url(bytes)}`;
  };

  const cases: readonly Case[] = [
    ["not a JWS", async () => "hello", {}, "malformed-jws"],
    ["two parts", async () => "a.b", {}, "malformed-jws"],
    ["header not JSON", async () => `${toBase64Url(utf8("nope"))}.e30.AA`, {}, "malformed-jws"],
    ["kid without company", async () => rawJws(canonicalize(grant), "RECARD01", { kid: "demo-1" }), {}, "malformed-jws"],
    ["typ JWT", async () => rawJws(canonicalize(grant), "RECARD01", { typ: "JWT" }), {}, "unsupported-jws-type"],
    [
      "alg HS256",
      async () => `${toBase64Url(utf8(JSON.stringify({ alg: "HS256", kid: "RECARD01/demo-1", typ: JWS_TYPE })))}.${toBase64Url(canonicalize(grant))}.AAAA`,
      {},
      "unsupported-algorithm",
    ],
    [
      "alg none",
      async () => `${toBase64Url(utf8(JSON.stringify({ alg: "none", kid: "RECARD01/demo-1", typ: JWS_TYPE })))}.${toBase64Url(canonicalize(grant))}.`,
      {},
      "unsupported-algorithm",
    ],
    ["unknown sender", () => signAs(grant, "RECARD01"), { resolveSenderKey: async () => null }, "unknown-sender"],
    ["unknown key label", async () => rawJws(canonicalize(grant), "RECARD01", { kid: "RECARD01/old-key" }), {}, "unknown-sender"],
    [
      "key of another type than the JWS says",
      () => signAs(grant, "RECARD01"),
      { resolveSenderKey: async () => ({ kty: "OKP", crv: "Ed25519", x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo" }) },
      "algorithm-mismatch",
    ],
    [
      "signature with non-zero spare bits (same bytes, another spelling)",
      async () => {
        const jws = await signAs(grant, "RECARD01");
        const last = jws.at(-1)!; // 64-byte signature: the last character has 4 spare bits
        return jws.slice(0, -1) + String.fromCharCode(last.charCodeAt(0) + 1);
      },
      {},
      "malformed-jws",
    ],
    ["tampered payload", swapPayload, {}, "bad-signature"],
    ["tampered signature", flipSignature, {}, "bad-signature"],
    ["signed with the wrong key", () => signMessage(grant, { privateKey: keyOf("METRO01").privateKey, kid: keyOf("RECARD01").kid }), {}, "bad-signature"],
    ["signed payload is not JSON", async () => rawJws(utf8("not json"), "RECARD01"), {}, "malformed-json"],
    ["signed payload is not a valid message", async () => rawJws(utf8(encodeMessage({ ...grant, extra: 1 } as Message)), "RECARD01"), {}, "unknown-field"],
    ["signed payload is not canonical", async () => rawJws(utf8(JSON.stringify(grant, null, 2)), "RECARD01"), {}, "non-canonical-payload"],
    [
      "header sender differs from the key's company",
      // HOSHI01 signs with its own, valid key a grant that claims to come from the issuer.
      async () => rawJws(canonicalize(grant), "HOSHI01"),
      {},
      "sender-mismatch",
    ],
    ["wrong receiver", () => signAs(grant, "RECARD01"), { expectedReceiverCompanyId: "SAKURA01" }, "wrong-receiver"],
    ["issuer-sent type at an issuer inbox", () => signAs(grant, "RECARD01"), { receiverRole: "issuer" }, "wrong-direction"],
    ["stale", () => signAs(grant, "RECARD01"), { now: new Date(Date.parse(grant.header.timestamp) + 301_000) }, "stale-message"],
    ["from the future", () => signAs(grant, "RECARD01"), { now: new Date(Date.parse(grant.header.timestamp) - 301_000) }, "future-message"],
    [
      "old beyond maxAgeSeconds",
      () => signAs(grant, "RECARD01"),
      { now: new Date(Date.parse(grant.header.timestamp) + 8 * 86_400_000), maxAgeSeconds: 7 * 86_400 },
      "stale-message",
    ],
  ];

  test.each(cases)("%s", async (_name, make, overrides, code) => {
    const result = await verifyMessage(await make(), optionsFor(grant, overrides));
    expect(result.ok ? "accepted" : result.error.code).toBe(code);
  });

  test("refusal messages are precise", async () => {
    const jws = await rawJws(canonicalize(grant), "HOSHI01");
    const result = await verifyMessage(jws, optionsFor(grant));
    expect(!result.ok && result.error).toEqual({
      code: "sender-mismatch",
      message: "header.senderCompanyId is RECARD01, but the message is signed with HOSHI01/demo-1, a key of HOSHI01",
      field: "header.senderCompanyId",
    });
    const stale = await verifyMessage(await signAs(grant, "RECARD01"), optionsFor(grant, { now: new Date("2025-04-01T09:40:02.000Z") }));
    expect(!stale.ok && stale.error.message).toBe("header.timestamp 2025-04-01T09:30:02.000Z is 600 s old; at most 300 s is accepted");
  });

  test("exactly at the skew limit is accepted; a file mailed a week ago passes with maxAgeSeconds", async () => {
    const jws = await signAs(grant, "RECARD01");
    const sent = Date.parse(grant.header.timestamp);
    expect((await verifyMessage(jws, optionsFor(grant, { now: new Date(sent + 300_000) }))).ok).toBe(true);
    expect((await verifyMessage(jws, optionsFor(grant, { now: new Date(sent - 300_000) }))).ok).toBe(true);
    expect((await verifyMessage(jws, optionsFor(grant, { now: new Date(sent + 7 * 86_400_000), maxAgeSeconds: 8 * 86_400 }))).ok).toBe(true);
  });

  test("a private JWK returned by a careless key directory is used as its public half", async () => {
    const jws = await signAs(grant, "RECARD01");
    const result = await verifyMessage(jws, optionsFor(grant, { resolveSenderKey: async () => keyOf("RECARD01").privateKey }));
    expect(result.ok).toBe(true);
  });
});

describe("signMessage refuses to sign what the receiver would refuse", () => {
  test.each([
    ["an invalid message", { ...grant, platformType: 300 } as unknown as Message, keyOf("RECARD01").kid, keyOf("RECARD01").privateKey],
    ["a key of another company", grant, keyOf("METRO01").kid, keyOf("METRO01").privateKey],
    ["a malformed key id", grant, "RECARD01", keyOf("RECARD01").privateKey],
    ["a public key", grant, keyOf("RECARD01").kid, keyOf("RECARD01").publicKey],
    ["an RSA key", grant, keyOf("RECARD01").kid, { kty: "RSA", n: "AQAB", e: "AQAB", d: "AQAB" }],
  ] as const)("%s", async (_name, message, kid, privateKey) => {
    await expect(signMessage(message, { privateKey, kid })).rejects.toBeInstanceOf(MessageSigningError);
  });
});

describe("keys", () => {
  test("key ids name their company", () => {
    expect(formatKeyId("METRO01", "2025-1")).toBe("METRO01/2025-1");
    expect(parseKeyId("METRO01/2025-1")).toEqual({ companyId: "METRO01", label: "2025-1" });
    expect(parseKeyId("metro01/x")).toBeNull();
    expect(parseKeyId("METRO01")).toBeNull();
    expect(() => formatKeyId("METRO01", "a b")).toThrow(RangeError);
  });

  test("every demo key pair signs and verifies, and its public key has no private part", async () => {
    for (const company of Object.keys(DEMO_COMPANY_KEYS) as DemoCompanyId[]) {
      const keys = keyOf(company);
      expect(keys.publicKey).not.toHaveProperty("d");
      const key = await importJWK(keys.privateKey as JWK, "ES256");
      const jws = await new CompactSign(utf8("x")).setProtectedHeader({ alg: "ES256" }).sign(key);
      const pub = await importJWK(keys.publicKey as JWK, "ES256");
      const { compactVerify } = await import("jose");
      expect(fromUtf8((await compactVerify(jws, pub)).payload)).toBe("x");
    }
    expect(Object.values(DEMO_COMPANY_KEYS).map((c) => [c.companyId, c.role, c.name])).toEqual([
      ["RECARD01", "issuer", "ReCard Issuing"],
      ["METRO01", "provider", "Metro Transit"],
      ["HOSHI01", "provider", "Hoshi Card Services"],
      ["SAKURA01", "provider", "Sakura Points"],
    ]);
  });

  test("generateCompanyKeys makes a fresh ES256 pair by default", async () => {
    const a = await generateCompanyKeys("METRO01");
    const b = await generateCompanyKeys("METRO01");
    expect(a.kid).toBe("METRO01/key-1");
    expect(a.alg).toBe("ES256");
    expect(a.publicKey).toEqual({ kty: "EC", crv: "P-256", x: a.privateKey.x, y: a.privateKey.y });
    expect(a.privateKey.d).not.toBe(b.privateKey.d);
  });
});
