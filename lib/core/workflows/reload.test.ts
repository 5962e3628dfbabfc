import { describe, expect, it } from "vitest";
import { CARD_INFORMATION_NG_REASONS, PERMISSION_REFUSAL_REASONS } from "../messages";
import {
  caseOutcome,
  checkCardNotLocked,
  checkLoadByMessageId,
  checkOldCardApplication,
  concludeCardInformationReply,
  concludeReissueLookup,
  dispatchPlatformType,
  refusalFromIssuer,
  RELOAD_REFUSAL_CODES,
  userChargeFor,
  type OldLoad,
} from "./reload";
import { describeRefusal, refusalLabel } from "./reload-words";
import { englishWords } from "./reload-words.fixture";

const words = { nameOf: (aid: string) => (aid === "F0524300010001" ? "Metro Pass" : aid), ...englishWords() };

const PASS = "F0524300010001";
const CYCLE = "F0524300010002";
const load = (over: Partial<OldLoad> = {}): OldLoad => ({
  id: "old-1",
  messageId: "RECARD01-METRO01-I0000000001",
  applicationAid: PASS,
  status: "loaded",
  loadedAt: new Date("2026-01-05T10:00:00Z"),
  reloadedBy: null,
  ...over,
});

describe("Fig. 18 at the desk (steps 1801–1804)", () => {
  it.each([
    [100, 1],
    [200, 2],
  ])("platform type %i selects method %i", (pt, method) => {
    expect(dispatchPlatformType(pt)).toEqual({ ok: true, value: method });
  });

  it.each([999, 0, 300, -1, Number.NaN])("refuses %s without guessing", (pt) => {
    const r = dispatchPlatformType(pt);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatchObject({ code: "unknown-platform-type", step: "1802", canContinueAsFirstLoad: false });
      expect(describeRefusal(r.error, words)).toContain("Nothing was sent to the issuer");
    }
  });

  it("refuses a locked card", () => {
    expect(checkCardNotLocked(false).ok).toBe(true);
    const r = checkCardNotLocked(true);
    expect(r.ok || r.error.code).toBe("card-locked");
  });
});

describe("method 1: steps 704/707 after the Fig. 19 pull", () => {
  it("finds the old card pushed or pulled", () => {
    expect(concludeReissueLookup({ status: "found", oldCardId: "AAAAAAAAAAAAAAAA", via: "pull" })).toEqual({
      ok: true,
      value: { oldCardId: "AAAAAAAAAAAAAAAA", via: "pull" },
    });
  });

  it.each([
    ["not-a-reissued-card", "not-a-reissued-card"],
    ["no-application-of-yours-on-old-card", "no-load-of-ours-on-old-card"],
  ] as const)("issuer's %s is refusal %s at step 707, continuable as a first load", (reason, code) => {
    const r = concludeReissueLookup({ status: "not-found", reason });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ code, step: "707", canContinueAsFirstLoad: true });
  });
});

describe("method 1: steps 706/708/710 on the old card's records (Fig. 14)", () => {
  it("reloads the loaded application", () => {
    expect(checkOldCardApplication(PASS, [load()])).toEqual({ ok: true, value: load() });
  });

  it("710: the application was not on the old card", () => {
    const r = checkOldCardApplication(CYCLE, [load()]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ code: "application-not-on-old-card", step: "710", applicationAid: CYCLE, canContinueAsFirstLoad: true });
  });

  it.each(["pending", "failed"] as const)("708: an old load that is %s was not successful", (status) => {
    const r = checkOldCardApplication(PASS, [load({ status })]);
    expect(r.ok || r.error.code).toBe("old-load-not-successful");
  });

  it("prefers the successful load when the application was tried twice", () => {
    const failed = load({ id: "f", status: "failed", messageId: "RECARD01-METRO01-I0000000002" });
    expect(checkOldCardApplication(PASS, [failed, load()])).toEqual({ ok: true, value: load() });
  });

  it("refuses a second reload of the same old load", () => {
    const r = checkOldCardApplication(PASS, [load({ reloadedBy: { messageId: "RECARD01-METRO01-I0000000009", loadedAt: new Date("2026-02-01T00:00:00Z") } })]);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatchObject({ code: "already-reloaded", canContinueAsFirstLoad: false });
      expect(r.error.params).toEqual({ messageId: "RECARD01-METRO01-I0000000009", at: "2026-02-01T00:00:00.000Z" });
      expect(describeRefusal(r.error, words)).toBe(
        "Metro Pass of the old card was already reloaded on 2026-02-01 under message id RECARD01-METRO01-I0000000009; a load on an old card is reloaded once.",
      );
    }
  });
});

describe("method 2: steps 1105/1106/1107", () => {
  it("OK carries the original message id", () => {
    expect(concludeCardInformationReply(PASS, { reissue: "OK", originalMessageId: "RECARD01-HOSHI01-I0000000001" })).toEqual({
      ok: true,
      value: { originalMessageId: "RECARD01-HOSHI01-I0000000001" },
    });
  });

  it.each(CARD_INFORMATION_NG_REASONS)("NG %s ends at step 1107 with a sentence", (reason) => {
    const r = concludeCardInformationReply(PASS, { reissue: "NG", reason });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.step).toBe("1107");
      expect(r.error.params).toEqual({});
      expect(describeRefusal(r.error, words).length).toBeGreaterThan(30);
    }
  });

  it("1106: finds the record by message id, and refuses a missing or mismatched one", () => {
    expect(checkLoadByMessageId(PASS, load().messageId, load()).ok).toBe(true);
    expect(checkLoadByMessageId(PASS, load().messageId, null)).toMatchObject({ ok: false, error: { code: "load-record-not-found", step: "1106" } });
    expect(checkLoadByMessageId(CYCLE, load().messageId, load())).toMatchObject({ ok: false, error: { code: "load-record-not-found" } });
    expect(checkLoadByMessageId(PASS, load().messageId, load({ status: "failed" }))).toMatchObject({ ok: false, error: { code: "old-load-not-successful" } });
  });
});

describe("issuer refusals and charges", () => {
  it.each(PERMISSION_REFUSAL_REASONS)("maps %s to a desk refusal naming it", (reason) => {
    const r = refusalFromIssuer(PASS, reason);
    expect(RELOAD_REFUSAL_CODES).toContain(r.code);
    expect(r).toMatchObject({ step: "permission", params: { issuerReason: reason }, applicationAid: PASS });
    // The issuer's own words are added when the desk reads the permission, never stored in the case.
    expect(describeRefusal({ ...r, params: { ...r.params, issuerText: "Text from the issuer." } }, words)).toContain("Text from the issuer.");
  });

  it("card blocked is its own refusal", () => {
    expect(refusalFromIssuer(PASS, "card-blocked").code).toBe("card-blocked");
    expect(refusalFromIssuer(PASS, "card-terminated").code).toBe("card-blocked");
  });

  it("claim 14: a reload is charged the reissue fee, a first load the normal fee", () => {
    const fee = { normalFeeMinor: 500, reissueFeeMinor: 200, currency: "JPY" };
    expect(userChargeFor("reload", fee)).toEqual({ kind: "reissue_reload", amountMinor: 200, currency: "JPY" });
    expect(userChargeFor("first_load", fee)).toEqual({ kind: "normal_load", amountMinor: 500, currency: "JPY" });
  });

  it("a case is reloaded when any application was", () => {
    expect(caseOutcome(["refused", "reloaded"])).toBe("reloaded");
    expect(caseOutcome(["refused", "failed"])).toBe("refused");
    expect(caseOutcome([])).toBe("refused");
  });

  it("every code has a label and words", () => {
    for (const code of RELOAD_REFUSAL_CODES) {
      expect(refusalLabel(code, words.t)).toBeTruthy();
      expect(describeRefusal({ code, step: "x", params: {}, canContinueAsFirstLoad: false, applicationAid: PASS }, words).length).toBeGreaterThan(10);
    }
  });
});
