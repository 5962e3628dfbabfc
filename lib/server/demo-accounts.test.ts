import { describe, expect, it } from "vitest";
import { DEMO_COMPANY_KEYS } from "@/lib/secrets/demo-company-keys";
import { demoAccountsHint } from "./demo-accounts";

describe("the demo-accounts hint of the sign-in page", () => {
  it("lists every README account with the demo password while the demo keys sign", () => {
    const hint = demoAccountsHint({ RECARD_DEMO: "1" });
    expect(hint?.password).toBe("recard-demo");
    expect(hint?.accounts.map((a) => a.email)).toEqual([
      "issuer@recard.test",
      "supervisor@recard.test",
      "desk@metro.recard.test",
      "desk@hoshi.recard.test",
      "desk@sakura.recard.test",
      "hana@recard.test",
      "kenji@recard.test",
    ]);
    expect(hint?.accounts.find((a) => a.email === "desk@hoshi.recard.test")).toMatchObject({ portal: "provider", company: "Hoshi Card Services" });
  });

  it("is shown when the configured company keys are the demo ones", () => {
    const demo = Object.values(DEMO_COMPANY_KEYS)[0]!;
    const keys = JSON.stringify({ [demo.companyId]: { kid: demo.kid, privateKey: demo.privateKey } });
    expect(demoAccountsHint({ RECARD_COMPANY_KEYS: keys })).not.toBeNull();
  });

  it("is not shown by a deployment with its own keys", () => {
    const own = { kty: "EC", crv: "P-256", d: "own-private-scalar", x: "x", y: "y" };
    expect(demoAccountsHint({ RECARD_COMPANY_KEYS: JSON.stringify({ RECARD01: { kid: "k1", privateKey: own } }) })).toBeNull();
  });
});
