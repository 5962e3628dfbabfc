import { describe, expect, test } from "vitest";
import { DEMO_COMPANY_KEYS } from "@/lib/secrets/demo-company-keys";
import { resolveDemoKey } from "./demo-keys";
import { EXAMPLE_MESSAGES } from "./fixtures";
import { decideReceipt, messageFingerprint } from "./receipt";
import { signMessage, verifyMessage } from "./signature";

const confirmation = EXAMPLE_MESSAGES["load-confirmation"]; // METRO01 → RECARD01
const metro = DEMO_COMPANY_KEYS.METRO01;

describe("decideReceipt: the inbox's replay rule", () => {
  test("first time: process, and store this fingerprint", () => {
    expect(decideReceipt(confirmation, null)).toEqual({ action: "process", fingerprint: messageFingerprint(confirmation) });
  });

  test("the same message again (re-signed by a retrying outbox): replay the stored result", async () => {
    const sign = () => signMessage(confirmation, { privateKey: metro.privateKey, kid: metro.kid });
    const [first, retry] = [await sign(), await sign()];
    expect(first).not.toBe(retry); // ECDSA signatures are randomised: compare content, not JWS
    const options = {
      resolveSenderKey: resolveDemoKey,
      expectedReceiverCompanyId: "RECARD01",
      receiverRole: "issuer" as const,
      now: new Date(confirmation.header.timestamp),
      maxSkewSeconds: 300,
    };
    const a = await verifyMessage(first, options);
    const b = await verifyMessage(retry, options);
    if (!a.ok || !b.ok) throw new Error("verify failed");
    const decision = decideReceipt(a.value, null);
    if (decision.action !== "process") throw new Error("expected process");
    const stored = { fingerprint: decision.fingerprint, result: { recorded: "load 42" } };
    expect(decideReceipt(b.value, stored)).toEqual({ action: "replay", result: { recorded: "load 42" } });
  });

  test("a message id reused for different content: refused, the stored result is kept", () => {
    const stored = { fingerprint: messageFingerprint(confirmation), result: "ok" };
    const other = { ...confirmation, outcome: { status: "failed" as const, statusWord: "6985" } };
    expect(decideReceipt(other, stored)).toEqual({
      action: "refuse",
      refusal: {
        code: "message-id-reused",
        message: "message id RECARD01-METRO01-P0000000002 was already received with different content; a message id names one message for good",
        field: "header.messageId",
      },
    });
  });

  test("fingerprint: SHA-256 of the canonical bytes, independent of member order", () => {
    const reordered = Object.fromEntries(Object.entries(confirmation).reverse()) as typeof confirmation;
    expect(messageFingerprint(reordered)).toBe(messageFingerprint(confirmation));
    expect(messageFingerprint(confirmation)).toMatch(/^[0-9A-F]{64}$/);
  });
});
