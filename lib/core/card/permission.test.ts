import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../bytes";
import { formatMessageId } from "../message-id";
import { cardBinding } from "./cryptography";
import { DEMO_ISSUER_KEYS } from "@/lib/secrets/demo-issuer-keys";
import { generateIssuerKeys } from "./demo-keys";
import { cardInSlot, issuerMessageId, loadPermissionFor, sampleLoadFile, signDemo } from "./fixtures";
import { decodeTlv, encodeTlv, tlv, tlvs, type Tlv } from "./tlv";
import {
  decodePermission,
  decodePermissionToken,
  encodePermissionBody,
  encodePermissionToken,
  signPermission,
  verifyPermission,
  type Permission,
} from "./permission";

const CARD_ID = "0123456789ABCDEF";
const MESSAGE_ID = "RECARD01-METRO01-I0000000042";
const EXPIRES = new Date("2026-01-01T01:00:00.000Z");

const FIRST_LOAD: Permission = {
  operation: "load",
  messageId: MESSAGE_ID,
  cardBinding: cardBinding(CARD_ID, MESSAGE_ID),
  aid: "F0000000010001",
  loadFileHash: "AB".repeat(32),
  kind: "first-load",
  originalMessageId: null,
  expiresAt: EXPIRES,
};

describe("card binding", () => {
  it("is SHA-256 over the domain separator, card id and message id, and differs per message", () => {
    expect(cardBinding(CARD_ID, MESSAGE_ID)).toMatch(/^[0-9A-F]{64}$/);
    expect(cardBinding(CARD_ID, MESSAGE_ID)).not.toBe(cardBinding(CARD_ID, "RECARD01-METRO01-I0000000043"));
    expect(cardBinding(CARD_ID, MESSAGE_ID)).not.toBe(cardBinding("0123456789ABCDEE", MESSAGE_ID));
    expect(() => cardBinding("0123", MESSAGE_ID)).toThrow(/card id/);
    expect(() => cardBinding(CARD_ID, "nope")).toThrow(/message id/);
  });
});

describe("permission token codec", () => {
  it("pins the byte layout of a first-load permission body (docs/card.md)", () => {
    const hex = toHex(encodePermissionBody(FIRST_LOAD));
    expect(hex).toBe(
      [
        "BF2E8183",
        "800101",
        "810101",
        "B6",
        "43",
        "4208",
        toHex(new TextEncoder().encode("RECARD01")),
        "4520",
        cardBinding(CARD_ID, MESSAGE_ID),
        "5F2007",
        toHex(new TextEncoder().encode("METRO01")),
        "930B",
        toHex(new TextEncoder().encode("I0000000042")),
        "4F07F0000000010001",
        "820101",
        "8320",
        "AB".repeat(32),
        "8608",
        "0000019B77119680",
      ].join(""),
    );
    expect(hex).not.toContain(CARD_ID);
  });

  const samples: readonly [string, Permission][] = [
    ["first load", FIRST_LOAD],
    [
      "reload",
      {
        ...FIRST_LOAD,
        messageId: "RECARD01-METRO01-I0000000050",
        cardBinding: cardBinding(CARD_ID, "RECARD01-METRO01-I0000000050"),
        kind: "reload",
        originalMessageId: MESSAGE_ID,
      },
    ],
    ["delete", { operation: "delete", messageId: MESSAGE_ID, cardBinding: cardBinding(CARD_ID, MESSAGE_ID), aid: "F0000000010001", expiresAt: EXPIRES }],
    [
      "set-status",
      {
        operation: "set-status",
        messageId: "RECARD01-RECARD01-I0000000001",
        cardBinding: cardBinding(CARD_ID, "RECARD01-RECARD01-I0000000001"),
        target: "TERMINATED",
        expiresAt: EXPIRES,
      },
    ],
  ];

  it.each(samples)("%s: decode(sign(x)) equals x and the signature verifies with the issuer key", async (_name, permission) => {
    const token = await signPermission(DEMO_ISSUER_KEYS.signing.privateKeyJwk, permission);
    expect(decodePermission(token)).toEqual({ ok: true, value: permission });
    expect(await verifyPermission(token, DEMO_ISSUER_KEYS.signing.publicKeyJwk)).toEqual({ ok: true, value: permission });
    const other = await generateIssuerKeys();
    expect((await verifyPermission(token, other.signing.publicKeyJwk)).ok).toBe(false);
  });

  it("round-trips arbitrary valid permissions", () => {
    const companyId = fc.stringMatching(/^[A-Z0-9]{4,12}$/);
    const messageId = fc
      .tuple(companyId, companyId, fc.integer({ min: 1, max: 9_999_999_999 }))
      .map(([i, p, n]) => formatMessageId({ issuerCompanyId: i, providerCompanyId: p, direction: "I", sequence: n }));
    const hex = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max }).map(toHex);
    const expiresAt = fc.integer({ min: 0, max: 8_640_000_000_000_000 }).map((ms) => new Date(ms));
    const permission: fc.Arbitrary<Permission> = fc.oneof(
      fc.record({
        operation: fc.constant("load" as const),
        messageId,
        cardBinding: hex(32, 32),
        aid: hex(5, 16),
        loadFileHash: hex(32, 32),
        kind: fc.constant("first-load" as const),
        originalMessageId: fc.constant(null),
        expiresAt,
      }),
      fc.record({ operation: fc.constant("delete" as const), messageId, cardBinding: hex(32, 32), aid: hex(5, 16), expiresAt }),
      fc.record({
        operation: fc.constant("set-status" as const),
        messageId,
        cardBinding: hex(32, 32),
        target: fc.constantFrom("SECURED" as const, "CARD_LOCKED" as const, "TERMINATED" as const),
        expiresAt,
      }),
    );
    fc.assert(
      fc.property(permission, (p) => {
        expect(decodePermission(encodePermissionToken(encodePermissionBody(p), new Uint8Array(64)))).toEqual({ ok: true, value: p });
      }),
      { numRuns: 300 },
    );
  });

  it("refuses to encode malformed permissions, naming the field", () => {
    expect(() => encodePermissionBody({ ...FIRST_LOAD, messageId: "RECARD01-METRO01-X1" })).toThrow(/permission\.messageId/);
    expect(() => encodePermissionBody({ ...FIRST_LOAD, cardBinding: "ab".repeat(32) })).toThrow(/permission\.cardBinding/);
    expect(() => encodePermissionBody({ ...FIRST_LOAD, aid: "F000" })).toThrow(/permission\.aid/);
    expect(() => encodePermissionBody({ ...FIRST_LOAD, kind: "reload" })).toThrow(/originalMessageId/);
    expect(() => encodePermissionBody({ ...FIRST_LOAD, kind: "reload", originalMessageId: "RECARD01-OTHER01-I0000000001" })).toThrow(
      /same issuer and provider/,
    );
    expect(() => encodePermissionBody({ ...FIRST_LOAD, kind: "reload", originalMessageId: MESSAGE_ID })).toThrow(/must differ/);
    expect(() => encodePermissionBody({ ...FIRST_LOAD, expiresAt: new Date(Number.NaN) })).toThrow(/expiresAt/);
  });

  const bodyNode = decodeTlv(encodePermissionBody(FIRST_LOAD));
  if (!bodyNode.ok || bodyNode.value.kind !== "constructed") throw new Error("fixture");
  const fields = bodyNode.value.children;
  const signature = tlv(0x5f37, new Uint8Array(64));
  const token = (children: readonly Tlv[], envelope: readonly Tlv[] = [signature]) => toHex(encodeTlv(tlvs(0xbf20, [tlvs(0xbf2e, children), ...envelope])));
  const replace = (tag: number, value: Uint8Array) => fields.map((f) => (f.tag === tag ? tlv(tag, value) : f));
  const crt = fields.find((f) => f.tag === 0xb6);
  if (!crt || crt.kind !== "constructed") throw new Error("fixture");
  const replaceInCrt = (tag: number, value: Uint8Array) =>
    fields.map((f) =>
      f.tag === 0xb6
        ? tlvs(
            0xb6,
            crt.children.map((c) => (c.tag === tag ? tlv(tag, value) : c)),
          )
        : f,
    );
  const MALFORMED: readonly [string, string, RegExp][] = [
    ["not a TLV", "01", /permission: tlv/],
    ["another outer tag", toHex(encodeTlv(tlvs(0xbf21, []))), /must be tag BF20/],
    ["no signature", token(fields, []), /expected tag 5F37, found the end/],
    ["a short signature", token(fields, [tlv(0x5f37, new Uint8Array(63))]), /signature\(5F37\): must be 64 bytes/],
    ["unknown version", token(replace(0x80, Uint8Array.of(2))), /unknown version 2/],
    ["unknown operation", token(replace(0x81, Uint8Array.of(9))), /unknown operation 9/],
    ["unknown load kind", token(replace(0x82, Uint8Array.of(7))), /unknown kind 7/],
    ["reload without the original message id", token(replace(0x82, Uint8Array.of(2))), /expected tag 84, found 86/],
    ["a malformed token number", token(replaceInCrt(0x93, new TextEncoder().encode("X0000000042"))), /tokenNumber\(93\)/],
    ["a short card binding", token(replaceInCrt(0x45, new Uint8Array(31))), /cardBinding\(45\): must be 32 bytes/],
    ["a non-ASCII issuer id", token(replaceInCrt(0x42, Uint8Array.of(0xc3, 0xa9))), /issuerId\(42\): is not printable ASCII/],
    ["an AID of 4 bytes", token(replace(0x4f, new Uint8Array(4))), /aid\(4F\): must be 5..16 bytes/],
    ["an extra field", token([...fields, tlv(0x87, Uint8Array.of(0))]), /unexpected tag 87/],
    ["fields out of order", token([fields[1]!, fields[0]!, ...fields.slice(2)]), /expected tag 80, found 81/],
    ["trailing bytes after the token", `${token(fields)}00`, /trailing/],
  ];

  it.each(MALFORMED)("refuses %s", (_name, hex, error) => {
    const r = decodePermissionToken(fromHex(hex));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(error);
  });
});

describe("privacy of tokens on platform-200 cards", () => {
  it("neither the token nor its decoded form contains the card id", async () => {
    const slot = await cardInSlot(200);
    const token = await signDemo(loadPermissionFor({ cardId: slot.image.cardId, sequence: 7 }));
    expect(toHex(token)).not.toContain(slot.image.cardId);
    expect(JSON.stringify(decodePermission(token))).not.toContain(slot.image.cardId);
    expect(issuerMessageId(7)).toBe("RECARD01-METRO01-I0000000007");
    expect(sampleLoadFile("transit").length).toBeGreaterThan(32 * 1024);
  });
});
