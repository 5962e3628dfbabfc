import { describe, expect, it } from "vitest";
import { decryptCardAttributeData, encryptCardAttributeData, publicKeyFromJwk } from "@/lib/core/card/cryptography";
import { openCardAttributeData } from "./attribute-data";

async function issuerKey(): Promise<{ privateJwk: JsonWebKey; publicRaw: Uint8Array }> {
  const pair = (await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"])) as CryptoKeyPair;
  const privateJwk = await crypto.subtle.exportKey("jwk", pair.privateKey);
  return { privateJwk, publicRaw: publicKeyFromJwk(privateJwk) };
}

const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));

describe("openCardAttributeData (native) agrees with decryptCardAttributeData (the card library's)", () => {
  it("opens what a card encrypted, for many cards, with the same card id", async () => {
    const key = await issuerKey();
    for (let i = 0; i < 50; i++) {
      const cardId = random(8);
      const bytes = encryptCardAttributeData(cardId, key.publicRaw, random(48));
      const native = openCardAttributeData(key.privateJwk, bytes);
      expect(native).toEqual(decryptCardAttributeData(key.privateJwk, bytes));
      expect(native).toEqual({ ok: true, value: { cardId: Buffer.from(cardId).toString("hex").toUpperCase() } });
    }
  });

  it("refuses exactly what the card library refuses, with the same reason: every flipped byte, another issuer key, bad lengths, versions and points", async () => {
    const key = await issuerKey();
    const other = await issuerKey();
    const bytes = encryptCardAttributeData(random(8), key.publicRaw, random(48));
    const cases: { jwk: JsonWebKey; bytes: Uint8Array }[] = [
      { jwk: other.privateJwk, bytes },
      { jwk: key.privateJwk, bytes: bytes.slice(0, 89) },
      { jwk: key.privateJwk, bytes: new Uint8Array(90) },
      { jwk: { ...key.privateJwk, d: "AAAA" }, bytes },
    ];
    for (let i = 0; i < bytes.length; i++) {
      const flipped = bytes.slice();
      flipped[i]! ^= 0x01 << (i % 8);
      cases.push({ jwk: key.privateJwk, bytes: flipped });
    }
    const notAPoint = bytes.slice();
    notAPoint.set(new Uint8Array(64).fill(0xff), 2);
    cases.push({ jwk: key.privateJwk, bytes: notAPoint });
    for (const c of cases) {
      const native = openCardAttributeData(c.jwk, c.bytes);
      expect(native.ok).toBe(false);
      expect(native).toEqual(decryptCardAttributeData(c.jwk, c.bytes));
    }
  });
});
