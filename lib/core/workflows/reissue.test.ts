import { describe, expect, it } from "vitest";
import {
  blocksCard,
  canReport,
  canWithdrawReport,
  decideReissue,
  examineReissueRequest,
  retiredWalletState,
  startOfUtcYear,
  type ExaminationFacts,
  type ReissuePolicy,
} from "./reissue";

const POLICY: ReissuePolicy = { maxReissuesPerYear: 2, requireIdentityVerified: true, rejectOnFraudFlag: true };
const FACTS: ExaminationFacts = { identityVerified: true, reissuesThisYear: 0, cardStatus: "active", alreadyReplaced: false, fraudFlag: false };

describe("examination (steps 502/902)", () => {
  it("passes a clean request and lists every check", () => {
    const e = examineReissueRequest(POLICY, FACTS);
    expect(e.passed).toBe(true);
    expect(e.checks.map((c) => c.id)).toEqual(["identity", "reissues-this-year", "card-status", "fraud-flag"]);
  });

  it.each([
    ["identity", { identityVerified: false }],
    ["reissues-this-year", { reissuesThisYear: 2 }],
    ["card-status", { cardStatus: "terminated" as const }],
    ["card-status", { alreadyReplaced: true }],
    ["fraud-flag", { fraudFlag: true }],
  ])("fails on %s", (id, change) => {
    const e = examineReissueRequest(POLICY, { ...FACTS, ...change });
    expect(e.passed).toBe(false);
    expect(e.checks.filter((c) => !c.passed).map((c) => c.id)).toEqual([id]);
  });

  it("follows the policy's thresholds, not constants", () => {
    const lax: ReissuePolicy = { maxReissuesPerYear: 5, requireIdentityVerified: false, rejectOnFraudFlag: false };
    expect(examineReissueRequest(lax, { ...FACTS, identityVerified: false, reissuesThisYear: 4, fraudFlag: true }).passed).toBe(true);
    expect(examineReissueRequest({ ...lax, maxReissuesPerYear: 0 }, FACTS).passed).toBe(false);
  });

  it("a blocked card can still be replaced", () => {
    expect(examineReissueRequest(POLICY, { ...FACTS, cardStatus: "blocked" }).passed).toBe(true);
  });
});

describe("decision (steps 503/504, 903/904)", () => {
  const passed = examineReissueRequest(POLICY, FACTS);
  const failed = examineReissueRequest(POLICY, { ...FACTS, fraudFlag: true });

  it("approves a pending request that passed", () => {
    expect(decideReissue("pending", passed, { kind: "approve" })).toEqual({ ok: true, value: { status: "approved", reason: null, overridden: false } });
  });

  it("refuses to decide twice", () => {
    const r = decideReissue("approved", passed, { kind: "reject", reason: "Too late now" });
    expect(r.ok || r.error.code).toBe("already-decided");
  });

  it("needs a reason to reject", () => {
    const r = decideReissue("pending", passed, { kind: "reject", reason: "  no " });
    expect(r.ok || r.error.code).toBe("reason-required");
    expect(decideReissue("pending", passed, { kind: "reject", reason: " Identity could not be confirmed. " })).toEqual({
      ok: true,
      value: { status: "rejected", reason: "Identity could not be confirmed.", overridden: false },
    });
  });

  it("approves a failed examination only with an override reason", () => {
    const r = decideReissue("pending", failed, { kind: "approve" });
    expect(r.ok || r.error.code).toBe("examination-failed");
    expect(r.ok || r.error.message).toContain("no fraud flag");
    expect(decideReissue("pending", failed, { kind: "approve", overrideReason: "Flag cleared by the fraud desk today." })).toMatchObject({
      ok: true,
      value: { overridden: true },
    });
  });

  it("never overrides a terminated card", () => {
    const e = examineReissueRequest(POLICY, { ...FACTS, cardStatus: "terminated" });
    const r = decideReissue("pending", e, { kind: "approve", overrideReason: "Please, it is urgent." });
    expect(r.ok || r.error.code).toBe("card-terminated");
  });
});

describe("reporting (steps 401/801)", () => {
  it("refuses terminated cards and a second open request", () => {
    expect(canReport({ status: "active", hasPendingRequest: false }).ok).toBe(true);
    expect(canReport({ status: "blocked", hasPendingRequest: false }).ok).toBe(true);
    const t = canReport({ status: "terminated", hasPendingRequest: false });
    expect(t.ok || t.error.code).toBe("card-terminated");
    const p = canReport({ status: "active", hasPendingRequest: true });
    expect(p.ok || p.error.code).toBe("already-pending");
  });

  it("blocks lost and stolen cards, not damaged ones", () => {
    expect([blocksCard("lost"), blocksCard("stolen"), blocksCard("damaged")]).toEqual([true, true, false]);
    expect([retiredWalletState("lost"), retiredWalletState("damaged")]).toEqual(["gone", "surrendered"]);
  });

  it("counts the year in UTC", () => {
    expect(startOfUtcYear(new Date("2026-01-01T00:30:00+09:00")).toISOString()).toBe("2025-01-01T00:00:00.000Z");
  });
});

describe("withdrawing a lost/stolen report (reinstate)", () => {
  const blockedAt = new Date("2026-03-01T10:00:00Z");
  const facts = { requestStatus: "pending", reason: "lost", cardStatus: "blocked", hasReissuedCard: false, blockedAt, windowDays: 30 } as const;
  const at = (days: number) => new Date(blockedAt.getTime() + days * 86_400_000);

  it.each([
    ["a pending lost report within the window", facts, 1, null],
    ["a rejected stolen report on the last day", { ...facts, requestStatus: "rejected", reason: "stolen" }, 30, null],
    ["one millisecond after the window", facts, 30 + 1 / 86_400_000, "window-closed"],
    ["a window of 0 days, the next day", { ...facts, windowDays: 0 }, 1, "window-closed"],
    ["a reissued card exists", { ...facts, hasReissuedCard: true }, 1, "already-reissued"],
    ["an approved request", { ...facts, requestStatus: "approved" }, 1, "already-reissued"],
    ["a terminated card", { ...facts, cardStatus: "terminated" }, 1, "already-reissued"],
    ["already withdrawn", { ...facts, requestStatus: "withdrawn" }, 1, "already-decided"],
    ["a damaged report", { ...facts, reason: "damaged" }, 1, "not-withdrawable"],
    ["a card that is not blocked", { ...facts, cardStatus: "active" }, 1, "not-withdrawable"],
    ["no block time (a newer report blocked it)", { ...facts, blockedAt: null }, 1, "not-withdrawable"],
  ] as const)("%s", (_name, f, days, code) => {
    const result = canWithdrawReport(f, at(days));
    if (code === null) expect(result).toEqual({ ok: true, value: null });
    else expect(result).toMatchObject({ ok: false, error: { code } });
  });
});
