import { decode, encode, type JWT } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { decodeSessionToken, encodeSessionToken } from "./token";

const secret = "a-test-secret-of-at-least-thirty-two-characters";
const claims = (sid: string): JWT => ({ sub: "00000000-0000-4000-8000-000000000001", sid, role: "provider", tenantId: "METRO01", companyName: "Metro" });

describe("session token (next-auth's format, the derived key kept)", () => {
  it("decodes next-auth's own tokens and next-auth decodes ours", async () => {
    const payload = claims("s1");
    const theirs = await encode({ token: payload, secret, maxAge: 600 });
    expect(await decodeSessionToken({ token: theirs, secret })).toMatchObject(payload);
    const ours = await encodeSessionToken({ token: payload, secret, maxAge: 600 });
    expect(await decode({ token: ours, secret })).toMatchObject(payload);
    // twice: the second call uses the kept key
    expect(await decodeSessionToken({ token: await encodeSessionToken({ token: payload, secret }), secret })).toMatchObject(payload);
  });

  it("refuses a token made under another secret, a tampered one and an expired one", async () => {
    const token = await encodeSessionToken({ token: claims("s1"), secret, maxAge: 600 });
    await expect(decodeSessionToken({ token, secret: `${secret}-other` })).rejects.toThrow();
    const tampered = token.slice(0, -3) + (token.endsWith("AAA") ? "BBB" : "AAA");
    await expect(decodeSessionToken({ token: tampered, secret })).rejects.toThrow();
    const expired = await encodeSessionToken({ token: claims("s1"), secret, maxAge: -60 });
    await expect(decodeSessionToken({ token: expired, secret })).rejects.toThrow();
    expect(await decodeSessionToken({ token: undefined, secret })).toBeNull();
  });

  it("a salt gives another key, as in next-auth", async () => {
    const token = await encode({ token: claims("s1"), secret, salt: "x" });
    expect(await decodeSessionToken({ token, secret, salt: "x" })).toMatchObject({ sid: "s1" });
    await expect(decodeSessionToken({ token, secret })).rejects.toThrow();
  });
});
