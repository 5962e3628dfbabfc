import { describe, expect, it } from "vitest";
import { guideDesk, loadableNow, reloadableNow, type CardAtDesk, type GuideApplication } from "./desk-guide";

const fee = { normalFeeMinor: 500, reissueFeeMinor: 200, currency: "JPY" };
const app = (aid: string, over: Partial<GuideApplication> = {}): GuideApplication => ({
  aid,
  name: aid,
  fee,
  isOnCard: false,
  oldLoad: null,
  loadOnCard: null,
  ...over,
});
const card = (over: Partial<CardAtDesk>): CardAtDesk => ({
  platformType: 100,
  customer: null,
  reissue: { status: "not-in-our-data" },
  applications: [],
  othersOnCard: 0,
  ...over,
});
const replaces = { status: "replaces", oldCardId: "0102030405060708", oldCardLast4: "6513" } as const;

describe("the guided desk (issue 15)", () => {
  it("a reissued card with an application of ours on the old card: reload it, with no other choice to make", () => {
    const c = card({
      reissue: replaces,
      customer: { customerNo: "MET-00001", fullName: "佐藤 花", fullNameKana: "サトウ ハナ" },
      applications: [app("PASS", { oldLoad: { messageId: "M1", isReloadable: true } }), app("CYCLE")],
    });
    expect(reloadableNow(c).map((a) => a.aid)).toEqual(["PASS"]);
    expect(guideDesk(c)).toEqual({ next: { kind: "reload", aids: ["PASS"] }, others: [{ kind: "reload-form" }, { kind: "first-load" }] });
  });

  it("never offers what the card already holds, what was reloaded already, or an application without a fee", () => {
    const c = card({
      reissue: replaces,
      applications: [
        app("ON", { isOnCard: true, oldLoad: { messageId: "M1", isReloadable: true } }),
        app("DONE", { oldLoad: { messageId: "M2", isReloadable: false } }),
        app("NOFEE", { fee: null, oldLoad: { messageId: "M3", isReloadable: true } }),
      ],
    });
    expect(reloadableNow(c)).toEqual([]);
    expect(loadableNow(c).map((a) => a.aid)).toEqual(["DONE"]);
    expect(guideDesk(c).next).toEqual({ kind: "first-load" });
  });

  it("platform 200: only the issuer knows, so the reload form (it asks the issuer) comes first", () => {
    expect(guideDesk(card({ platformType: 200, reissue: { status: "issuer-only" }, applications: [app("CREDIT")] }))).toEqual({
      next: { kind: "reload-form" },
      others: [{ kind: "first-load" }],
    });
  });

  it("a card id not in our reissuance information: ask the issuer first (Fig. 19), unless it is our customer's current card", () => {
    expect(guideDesk(card({ applications: [app("PASS")] })).next).toEqual({ kind: "reload-form" });
    expect(guideDesk(card({ customer: { customerNo: "MET-1", fullName: "A", fullNameKana: null }, applications: [app("PASS")] })).next).toEqual({
      kind: "first-load",
    });
  });

  it("nothing of ours left to load: no next action, the flows still one click away", () => {
    expect(guideDesk(card({ reissue: replaces, applications: [app("PASS", { isOnCard: true })] }))).toEqual({
      next: null,
      others: [{ kind: "reload-form" }, { kind: "first-load" }],
    });
  });
});
