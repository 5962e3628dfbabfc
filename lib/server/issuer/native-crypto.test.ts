import { describe, expect, test } from "vitest";
import { aesCmac } from "@/lib/core/card/scp03";
import { privateKeyFromRandom, publicKeyOf } from "@/lib/core/card/cryptography";
import { seededCardEnv } from "@/lib/core/card";
import { nativeAesCmac, nativeP256PublicKeyOf } from "./native-crypto";

describe("native crypto for personalisation agrees with the card library", () => {
  const env = seededCardEnv("native-crypto");
  test.each([16, 24, 32])("AES-CMAC with a %i-byte key, messages of 0 to 70 bytes", (keyLength) => {
    const key = env.random(keyLength);
    for (let length = 0; length <= 70; length++) {
      const message = env.random(length);
      expect(nativeAesCmac(key, message)).toEqual(aesCmac(key, message));
    }
  });

  test("RFC 4493 example 2 (AES-128, 16 bytes)", () => {
    const hex = (s: string) => Uint8Array.from(Buffer.from(s, "hex"));
    expect(Buffer.from(nativeAesCmac(hex("2b7e151628aed2a6abf7158809cf4f3c"), hex("6bc1bee22e409f96e93d7e117393172a"))).toString("hex")).toBe(
      "070a16b46b4d4144f79bdd9dd04a287c",
    );
  });

  test("P-256 public key of a private scalar", () => {
    for (let i = 0; i < 20; i++) {
      const privateKey = privateKeyFromRandom(env.random(48));
      expect(nativeP256PublicKeyOf(privateKey)).toEqual(publicKeyOf(privateKey));
    }
  });
});
