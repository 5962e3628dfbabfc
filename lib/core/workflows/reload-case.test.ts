import { describe, expect, it } from "vitest";
import { PERMISSION_REFUSAL_REASONS } from "../messages";
import {
  applyCaseEvent,
  CASE_STEP_CODES,
  caseNeeds,
  caseVerdict,
  CaseDocSchema,
  CaseStepSchema,
  openCase,
  parseCaseDoc,
  type CaseDoc,
  type CaseEvent,
  type OldLoadFact,
} from "./reload-case";
import { describeCaseStep, describeRefusal } from "./reload-words";
import { englishWords } from "./reload-words.fixture";

/** The reload case machine without a database: every transition and refusal (707, 710, 1107, hot list, issuer, Fig. 18, lease). */

const NOW = new Date("2026-12-01T09:00:00Z");
const PASS = "F0524300010001";
const CYCLE = "F0524300010002";
const CREDIT = "F0524300020001";
const NEW_CARD = "A1B2C3D4E5F60718";
const OLD_CARD = "0102030405060708";
const words = { nameOf: (aid: string) => ({ [PASS]: "Metro Pass", [CYCLE]: "Metro Cycle", [CREDIT]: "Hoshi Credit" })[aid] ?? aid, ...englishWords() };

const card100 = { platformType: 100, cardId: NEW_CARD, cardAttributeData: null, surfaceNumberLast4: "6514", isCardLocked: false };
const card200 = { platformType: 200, cardId: null, cardAttributeData: "A".repeat(120), surfaceNumberLast4: null, isCardLocked: false };
const open = (card: typeof card100 | typeof card200, aids: string[]) =>
  openCase(
    card,
    aids.map((aid) => ({ aid, name: words.nameOf(aid) })),
    NOW,
  );
const run = (doc: CaseDoc, ...events: CaseEvent[]) => events.reduce((d, e) => applyCaseEvent(d, e, NOW), doc);

function fact(aid: string, over: Partial<OldLoadFact["load"]> = {}, cardId: string | null = OLD_CARD): OldLoadFact {
  const load = {
    id: `load-${aid}`,
    messageId: `RECARD01-METRO01-I${aid.slice(-4)}`,
    applicationAid: aid,
    status: "loaded" as const,
    loadedAt: new Date("2026-01-05T10:00:00Z"),
    reloadedBy: null,
    ...over,
  };
  return {
    load,
    view: {
      id: load.id,
      messageId: load.messageId,
      loadedAt: load.loadedAt?.toISOString() ?? null,
      cardId,
      surfaceNumberLast4: "6513",
      customer: { id: "cust-1", customerNo: "MET-00001", fullName: "Hana Sato" },
      examination: {
        id: "inv-1",
        outcome: "approved",
        limitMinor: 0,
        declaredIncomeMinor: 0,
        investigatedAt: "2026-01-05T09:00:00.000Z",
        investigatedBy: "Daichi Mori",
        policyVersion: "v1",
      },
      accounting: { kind: "normal_load", amountMinor: 500, currency: "JPY", chargedAt: "2026-01-05T10:00:00.000Z" },
    },
  };
}
const fees = {
  [PASS]: { normalFeeMinor: 500, reissueFeeMinor: 200, currency: "JPY" },
  [CYCLE]: { normalFeeMinor: 300, reissueFeeMinor: 100, currency: "JPY" },
};
const pushed: CaseEvent = {
  type: "reissue-notice-found",
  oldCardId: OLD_CARD,
  via: "push",
  sourceMessageId: "RECARD01-METRO01-N1",
  reissuedAt: "2026-11-30T00:00:00.000Z",
};
const started: CaseEvent = { type: "started", hotList: null };
const reloadableOf = (aids = [PASS]) => run(open(card100, aids), started, pushed, { type: "old-card-loads", chain: [OLD_CARD], loads: [fact(PASS)], fees });

describe("opening and Fig. 18 (steps 701, 1801–1804)", () => {
  it("opens with step 701 and the applications checking; the first need is the start with the hot list by card id", () => {
    const doc = open(card100, [PASS, PASS, CYCLE]);
    expect(doc.applications.map((a) => [a.aid, a.state])).toEqual([
      [PASS, "checking"],
      [CYCLE, "checking"],
    ]);
    expect(doc.steps).toEqual([{ code: "reload-requested", step: "701", outcome: "info", at: NOW.toISOString(), params: { aids: [PASS, CYCLE] } }]);
    expect(caseNeeds(doc)).toEqual([{ kind: "start", hotListCardId: NEW_CARD }]);
    expect(CaseDocSchema.parse(doc)).toEqual(doc);
  });

  it("platform 100 → method 1, card id read, then step 704 needs the reissuance information", () => {
    const doc = run(open(card100, [PASS]), started);
    expect(doc.method).toBe(1);
    expect(doc.steps.map((s) => [s.code, s.step])).toEqual([
      ["reload-requested", "701"],
      ["platform-dispatched", "1801–1804"],
      ["card-id-read", "702–703"],
    ]);
    expect(caseNeeds(doc)).toEqual([{ kind: "reissue-notice", cardId: NEW_CARD }]);
  });

  it("platform 200 → method 2: the attribute data, never a card id; one inquiry to send per application", () => {
    const doc = run(open(card200, [CREDIT, PASS]), started);
    expect(doc.method).toBe(2);
    expect(doc.card.cardId).toBeNull();
    expect(caseNeeds(open(card200, [CREDIT]))).toEqual([{ kind: "start", hotListCardId: null }]);
    expect(caseNeeds(doc)).toEqual([
      { kind: "send-inquiry", aid: CREDIT },
      { kind: "send-inquiry", aid: PASS },
    ]);
  });

  it.each([999, 0, 300])("unknown platform type %i is refused at 1802 for every application, nothing needed or sent", (platformType) => {
    const doc = run(open({ ...card100, platformType }, [PASS, CYCLE]), started);
    expect(doc.method).toBeNull();
    expect(doc.card.cardId).toBeNull(); // only a platform-100 card's id is kept
    expect(doc.applications.map((a) => [a.state, a.refusal?.code])).toEqual([
      ["refused", "unknown-platform-type"],
      ["refused", "unknown-platform-type"],
    ]);
    expect(caseVerdict(doc)).toMatchObject({ outcome: "refused", refusal: { code: "unknown-platform-type", step: "1802", params: { platformType } } });
    expect(caseNeeds(doc)).toEqual([]);
    expect(describeRefusal(doc.applications[0]!.refusal!, words)).toContain(`platform type ${platformType}`);
  });

  it("a locked card (SW 6283) is refused at 702", () => {
    const doc = run(open({ ...card100, isCardLocked: true }, [PASS]), started);
    expect(caseVerdict(doc)).toMatchObject({ outcome: "refused", refusal: { code: "card-locked", step: "702", canContinueAsFirstLoad: false } });
  });

  it("blocked: a card on our hot list is refused before anything is asked", () => {
    const doc = run(open(card100, [PASS]), {
      type: "started",
      hotList: { code: "card-blocked", reason: "stolen", blockedAt: "2026-11-29T08:00:00.000Z", blockMessageId: "RECARD01-METRO01-B7" },
    });
    const verdict = caseVerdict(doc);
    expect(verdict).toMatchObject({
      outcome: "refused",
      refusal: { code: "card-blocked", step: "hot list", params: { hotListReason: "stolen", messageId: "RECARD01-METRO01-B7" } },
    });
    expect(doc.steps.map((s) => s.code)).toEqual(["reload-requested", "platform-dispatched", "refused"]);
    expect(caseNeeds(doc)).toEqual([]);
    if (verdict.outcome === "refused") expect(describeRefusal(verdict.refusal, words)).toContain("reported stolen");
  });

  it("a second start changes nothing (replaying an event is harmless)", () => {
    const once = run(open(card100, [PASS]), started);
    expect(run(once, started)).toEqual(once);
  });
});

describe("method 1 (Figs. 6, 7, 19)", () => {
  it("704 found by push → 706 → 708 reloadable with the old examination and the reissue fee", () => {
    const doc = reloadableOf();
    expect(doc.reissue).toEqual({ oldCardId: OLD_CARD, via: "push", sourceMessageId: "RECARD01-METRO01-N1" });
    expect(doc.steps.map((s) => s.step)).toEqual(["701", "1801–1804", "702–703", "704", "706", "708"]);
    expect(doc.applications[0]).toMatchObject({
      state: "reloadable",
      old: { messageId: "RECARD01-METRO01-I0001", customer: { fullName: "Hana Sato" } },
      fee: fees[PASS],
    });
    expect(doc.oldCardCustomer).toEqual({ id: "cust-1", customerNo: "MET-00001", fullName: "Hana Sato" });
    expect(caseVerdict(doc)).toEqual({ outcome: "in_progress" });
    expect(caseNeeds(doc)).toEqual([]);
    expect(describeCaseStep(doc.steps.at(-1)!, words)).toEqual({
      title: "Metro Pass was loaded on the old card: reloadable",
      detail:
        "Load record RECARD01-METRO01-I0001 (2026-01-05) for Hana Sato; examination approved on 2026-01-05, reused; reissue fee ¥200 instead of the normal ¥500.",
    });
  });

  it("710: an application that was not on the old card is refused, and may continue as a first load", () => {
    const doc = run(open(card100, [PASS, CYCLE]), started, pushed, { type: "old-card-loads", chain: [OLD_CARD], loads: [fact(PASS)], fees });
    expect(doc.applications.map((a) => [a.aid, a.state, a.refusal?.code, a.refusal?.step])).toEqual([
      [PASS, "reloadable", undefined, undefined],
      [CYCLE, "refused", "application-not-on-old-card", "710"],
    ]);
    expect(doc.applications[1]?.refusal?.canContinueAsFirstLoad).toBe(true);
    expect(caseVerdict(doc)).toEqual({ outcome: "in_progress" });
    const only = run(open(card100, [CYCLE]), started, pushed, { type: "old-card-loads", chain: [OLD_CARD], loads: [fact(PASS)], fees });
    expect(caseVerdict(only)).toMatchObject({ outcome: "refused", refusal: { code: "application-not-on-old-card", step: "710", applicationAid: CYCLE } });
  });

  it("708 refusals: an old load never confirmed, one already reloaded", () => {
    const failed = run(open(card100, [PASS]), started, pushed, { type: "old-card-loads", chain: [OLD_CARD], loads: [fact(PASS, { status: "failed" })], fees });
    expect(caseVerdict(failed)).toMatchObject({
      outcome: "refused",
      refusal: { code: "old-load-not-successful", step: "708", params: { loadStatus: "failed" } },
    });
    const twice = run(open(card100, [PASS]), started, pushed, {
      type: "old-card-loads",
      chain: [OLD_CARD],
      loads: [fact(PASS, { reloadedBy: { messageId: "RECARD01-METRO01-I0009", loadedAt: null } })],
      fees,
    });
    expect(caseVerdict(twice)).toMatchObject({
      outcome: "refused",
      refusal: { code: "already-reloaded", step: "708", params: { messageId: "RECARD01-METRO01-I0009" } },
    });
  });

  it("any generation: the earlier cards of the chain are named in step 706", () => {
    const doc = run(open(card100, [PASS]), started, pushed, {
      type: "old-card-loads",
      chain: [OLD_CARD, "0909090909090909"],
      loads: [fact(PASS, {}, "0909090909090909")],
      fees,
    });
    expect(doc.steps.find((s) => s.code === "old-card-records")?.params).toEqual({
      oldCardId: OLD_CARD,
      earlierCardIds: ["0909090909090909"],
      loads: [{ aid: PASS, status: "loaded", cardId: "0909090909090909" }],
    });
    expect(doc.applications[0]?.state).toBe("reloadable");
  });

  it("Fig. 19: not in the data pushed to us → pull sent (408), waiting, then found (409) and checked", () => {
    let doc = run(open(card100, [PASS]), started, { type: "pull-sent", requestMessageId: "RECARD01-METRO01-Q1", outboxId: "ob-1" });
    expect(doc.steps.at(-1)).toMatchObject({
      code: "pull-sent",
      step: "704 → 408",
      messages: [{ type: "reissuance-information-request", messageId: "RECARD01-METRO01-Q1", direction: "sent" }],
    });
    expect(caseNeeds(doc)).toEqual([{ kind: "pull-reply", requestMessageId: "RECARD01-METRO01-Q1", cardId: NEW_CARD }]);
    // A second send is not taken: one request per case.
    expect(run(doc, { type: "pull-sent", requestMessageId: "RECARD01-METRO01-Q2", outboxId: "ob-2" }).pull?.requestMessageId).toBe("RECARD01-METRO01-Q1");
    doc = run(doc, { type: "pull-unanswered" }, { type: "pull-unanswered" });
    expect(doc.steps.filter((s) => s.code === "pull-waiting")).toHaveLength(1);
    expect(doc.applications[0]?.state).toBe("waiting-issuer");
    doc = run(doc, { type: "pull-answered", replyMessageId: "RECARD01-METRO01-R1", result: { status: "found", oldCardId: OLD_CARD } });
    expect(doc.reissue).toEqual({ oldCardId: OLD_CARD, via: "pull", sourceMessageId: "RECARD01-METRO01-R1" });
    expect(doc.applications[0]?.state).toBe("checking");
    expect(caseNeeds(doc)).toEqual([{ kind: "old-card-loads", oldCardId: OLD_CARD, aids: [PASS] }]);
  });

  it.each([
    [{ status: "not-found", reason: "not-a-reissued-card" } as const, "not-a-reissued-card", "pull-not-found"],
    [{ status: "not-found", reason: "no-application-of-yours-on-old-card" } as const, "no-load-of-ours-on-old-card", "pull-not-found"],
    [{ status: "not-named" } as const, "not-a-reissued-card", "pull-not-named"],
  ])("707 after the pull: %o → %s", (result, code, stepCode) => {
    const doc = run(
      open(card100, [PASS, CYCLE]),
      started,
      { type: "pull-sent", requestMessageId: "Q1", outboxId: "ob" },
      { type: "pull-answered", replyMessageId: "R1", result },
    );
    expect(doc.steps.map((s) => s.code).slice(-2)).toEqual([stepCode, "refused"]);
    expect(caseVerdict(doc)).toMatchObject({ outcome: "refused", refusal: { code, step: "707", canContinueAsFirstLoad: true } });
    expect(doc.applications.every((a) => a.refusal?.applicationAid === a.aid)).toBe(true);
  });
});

describe("method 2 (Fig. 11)", () => {
  const sent = (aid = CREDIT): CaseEvent => ({ type: "inquiry-sent", aid, requestMessageId: `Q-${aid}`, outboxId: `ob-${aid}` });
  const creditFact = fact(CREDIT, {}, null);

  it("1104 → 1105 waiting → OK → 1106 reloadable by message id", () => {
    let doc = run(open(card200, [CREDIT]), started, sent());
    expect(caseNeeds(doc)).toEqual([{ kind: "inquiry-reply", aid: CREDIT, requestMessageId: `Q-${CREDIT}` }]);
    expect(run(doc, sent()).steps.filter((s) => s.code === "inquiry-sent")).toHaveLength(1);
    doc = run(doc, { type: "inquiry-unanswered", aid: CREDIT });
    expect(doc.applications[0]?.state).toBe("waiting-issuer");
    doc = run(doc, {
      type: "inquiry-answered",
      aid: CREDIT,
      replyMessageId: "R-1",
      result: { reissue: "OK", originalMessageId: creditFact.load.messageId },
      record: creditFact,
      fee: fees[PASS],
    });
    expect(doc.steps.map((s) => s.step)).toEqual(["701", "1801–1804", "1102–1103", "1104", "1105", "1105", "1106"]);
    expect(doc.applications[0]).toMatchObject({ state: "reloadable", old: { messageId: creditFact.load.messageId } });
  });

  it.each([
    ["attribute-data-invalid", "attribute-data-invalid", false],
    ["card-not-found", "card-unknown", false],
    ["not-a-reissued-card", "not-a-reissued-card", true],
    ["application-not-on-old-card", "application-not-on-old-card", true],
    ["old-load-not-successful", "old-load-not-successful", true],
  ] as const)("1107: NG %s → %s", (reason, code, canContinue) => {
    const doc = run(open(card200, [CREDIT]), started, sent(), {
      type: "inquiry-answered",
      aid: CREDIT,
      replyMessageId: "R-1",
      result: { reissue: "NG", reason },
      record: null,
      fee: null,
    });
    expect(doc.steps.at(-2)).toMatchObject({ code: "inquiry-answered", outcome: "refused", params: { reissue: "NG", ngReason: reason } });
    expect(caseVerdict(doc)).toMatchObject({
      outcome: "refused",
      refusal: { code, step: "1107", canContinueAsFirstLoad: canContinue, applicationAid: CREDIT },
    });
  });

  it("1106: OK but no load record of ours under that message id", () => {
    const doc = run(open(card200, [CREDIT]), started, sent(), {
      type: "inquiry-answered",
      aid: CREDIT,
      replyMessageId: "R-1",
      result: { reissue: "OK", originalMessageId: "X-1" },
      record: null,
      fee: null,
    });
    expect(caseVerdict(doc)).toMatchObject({ outcome: "refused", refusal: { code: "load-record-not-found", step: "1106", params: { messageId: "X-1" } } });
  });

  it("one application refused, another still asked: the case goes on", () => {
    const doc = run(open(card200, [CREDIT, PASS]), started, sent(CREDIT), sent(PASS), {
      type: "inquiry-answered",
      aid: PASS,
      replyMessageId: "R-2",
      result: { reissue: "NG", reason: "application-not-on-old-card" },
      record: null,
      fee: null,
    });
    expect(caseVerdict(doc)).toEqual({ outcome: "in_progress" });
    expect(caseNeeds(doc)).toEqual([{ kind: "inquiry-reply", aid: CREDIT, requestMessageId: `Q-${CREDIT}` }]);
  });
});

describe("permissions, loads and the end of the visit (steps 709/1108, the card lease)", () => {
  const requested: CaseEvent = { type: "permission-requested", aid: PASS, permissionId: "perm-1", requestMessageId: "RECARD01-METRO01-P1" };
  const granted: CaseEvent = {
    type: "permission-changed",
    aid: PASS,
    permission: {
      status: "granted",
      replyMessageId: "RECARD01-METRO01-G1",
      originalMessageId: "RECARD01-METRO01-I0001",
      expiresAt: "2026-12-01T09:10:00.000Z",
    },
  };
  const loaded: CaseEvent = {
    type: "permission-changed",
    aid: PASS,
    permission: { status: "loaded", replyMessageId: "RECARD01-METRO01-G1", originalMessageId: "RECARD01-METRO01-I0001" },
  };

  it("requested → granted → loaded: reloaded at 709", () => {
    let doc = run(reloadableOf(), requested);
    expect(doc.applications[0]).toMatchObject({ state: "requested", permissionId: "perm-1" });
    expect(doc.steps.at(-1)).toMatchObject({ code: "permission-requested", step: "709", params: { originalMessageId: "RECARD01-METRO01-I0001" } });
    doc = run(doc, granted, granted);
    expect(doc.steps.filter((s) => s.code === "permission-granted")).toHaveLength(1);
    doc = run(doc, loaded);
    expect(doc.applications[0]?.state).toBe("reloaded");
    expect(doc.steps.at(-1)).toMatchObject({ code: "reloaded", step: "709" });
    expect(caseVerdict(doc)).toEqual({ outcome: "reloaded" });
    // Over: further facts change nothing but the record of the visit's end.
    expect(run(doc, { type: "claim-conflict", aid: PASS, reloadedUnder: null })).toEqual(doc);
  });

  it("a permission handed over with the issuer's notification: granted at once, nothing asked", () => {
    const doc = run(reloadableOf(), {
      type: "permission-carried",
      aid: PASS,
      permissionId: "perm-2",
      permission: { messageId: "RECARD01-METRO01-G7", originalMessageId: "RECARD01-METRO01-I0001", expiresAt: "2026-12-30T00:00:00.000Z" },
      via: "push",
      sourceType: "reissuance-notification",
      sourceMessageId: "RECARD01-METRO01-N1",
    });
    expect(doc.applications[0]).toMatchObject({ state: "granted", permissionId: "perm-2" });
    expect(describeCaseStep(doc.steps.at(-1)!, words).title).toBe("Reload permission granted for Metro Pass (with the issuer's notification)");
  });

  it.each(PERMISSION_REFUSAL_REASONS)("issuer refused (%s): the application is refused with the issuer's code", (reason) => {
    const doc = run(reloadableOf(), requested, {
      type: "permission-changed",
      aid: PASS,
      permission: { status: "refused", replyMessageId: "RECARD01-METRO01-X1", reason },
    });
    expect(doc.applications[0]).toMatchObject({ state: "refused", refusal: { step: "permission", params: { issuerReason: reason } } });
    expect(doc.steps.at(-1)).toMatchObject({
      code: "refused",
      messages: [{ type: "reload-permission-refusal", messageId: "RECARD01-METRO01-X1", direction: "received" }],
    });
    expect(caseVerdict(doc).outcome).toBe("refused");
    expect(describeCaseStep(doc.steps.at(-1)!, words).title).toBe("Reload of Metro Pass refused by the issuer");
  });

  it("the card refused the load: failed, case refused", () => {
    const doc = run(reloadableOf(), requested, granted, { type: "permission-changed", aid: PASS, permission: { status: "failed" } });
    expect(doc.applications[0]).toMatchObject({ state: "failed", refusal: { code: "card-refused-load", step: "load" } });
    expect(caseVerdict(doc)).toMatchObject({ outcome: "refused", refusal: { code: "card-refused-load" } });
  });

  it("another desk holds the old load: reload in progress elsewhere; or it was reloaded a moment ago", () => {
    expect(run(reloadableOf(), { type: "claim-conflict", aid: PASS, reloadedUnder: null }).applications[0]?.refusal).toMatchObject({
      code: "reload-in-progress",
      step: "709",
    });
    expect(run(reloadableOf(), { type: "claim-conflict", aid: PASS, reloadedUnder: "RECARD01-METRO01-G9" }).applications[0]?.refusal).toMatchObject({
      code: "already-reloaded",
      params: { messageId: "RECARD01-METRO01-G9" },
    });
  });

  it("not one of our applications at 709", () => {
    expect(caseVerdict(run(reloadableOf(), { type: "not-our-application", aid: PASS }))).toMatchObject({
      outcome: "refused",
      refusal: { code: "not-our-application" },
    });
  });

  it("lease ended (or the desk ended the visit) before loading: abandoned; after a refusal: refused; after a reload: reloaded", () => {
    const ended = run(reloadableOf(), requested, granted, { type: "visit-ended", unusedPermissions: 1, why: "lease-ended" });
    expect(caseVerdict(ended)).toEqual({ outcome: "abandoned" });
    expect(describeCaseStep(ended.steps.at(-1)!, words).detail).toBe("1 unused permission given up: the card went back to its holder (lease ended).");
    const partly = run(reloadableOf([PASS, CYCLE]), { type: "visit-ended", unusedPermissions: 0, why: "desk" });
    expect(caseVerdict(partly)).toMatchObject({ outcome: "refused", refusal: { code: "application-not-on-old-card" } });
    const reloadedThenEnded = run(reloadableOf([PASS, CYCLE]), requested, granted, loaded, { type: "visit-ended", unusedPermissions: 0, why: "desk" });
    expect(caseVerdict(reloadedThenEnded)).toEqual({ outcome: "reloaded" });
    expect(run(ended, { type: "visit-ended", unusedPermissions: 0, why: "desk" }).steps.filter((s) => s.code === "visit-ended")).toHaveLength(1);
  });

  it("a refused case continued as a first load keeps that with the case", () => {
    const refused = run(open(card100, [CYCLE]), started, pushed, { type: "old-card-loads", chain: [OLD_CARD], loads: [], fees });
    const doc = run(refused, { type: "continued-as-first-load", customerNo: "MET-00001", applications: [CYCLE] });
    expect(doc.continuedAsFirstLoad).toEqual({ at: NOW.toISOString(), customerNo: "MET-00001", applications: [CYCLE] });
  });

  it("the input document is never changed", () => {
    const doc = reloadableOf();
    const copy = structuredClone(doc);
    run(doc, requested, granted, loaded);
    expect(doc).toEqual(copy);
  });
});

describe("the stored document", () => {
  it("every step code is in the schema and renders in English", () => {
    const samples = reloadableOf([PASS, CYCLE]).steps;
    for (const s of samples) expect(describeCaseStep(s, words).title.length).toBeGreaterThan(3);
    expect(new Set(CaseStepSchema.options.map((o) => o.shape.code.value))).toEqual(new Set(CASE_STEP_CODES));
  });

  it("refuses a step carrying words instead of a code, and unknown parameters", () => {
    const doc = reloadableOf();
    expect(() => parseCaseDoc({ ...doc, steps: [{ step: "701", title: "Reload requested", detail: "…", outcome: "info", at: NOW.toISOString() }] })).toThrow();
    expect(() =>
      parseCaseDoc({
        ...doc,
        applications: [{ ...doc.applications[0], refusal: { code: "card-locked", step: "702", params: { reason: "words" }, canContinueAsFirstLoad: false } }],
      }),
    ).toThrow();
    expect(() => parseCaseDoc({ ...doc, v: 3 })).toThrow();
    expect(parseCaseDoc(JSON.parse(JSON.stringify(doc)))).toEqual(doc);
  });

  it("version 1 (sentences) is migrated on read: legacy steps and refusals keep their words", () => {
    const v1 = {
      v: 1,
      method: 1,
      card: { platformType: 100, cardId: NEW_CARD, cardAttributeData: null, surfaceNumberLast4: "6514", isCardLocked: false },
      steps: [
        { step: "701", title: "Reload requested", detail: "The customer asks to reload Metro Cycle.", outcome: "info", at: "2026-11-01T00:00:00.000Z" },
        {
          step: "710",
          title: "Reload of Metro Cycle cancelled",
          detail: "Metro Cycle was not on the old card.",
          outcome: "refused",
          at: "2026-11-01T00:00:01.000Z",
          messages: [{ type: "x", messageId: "M1", direction: "received" }],
        },
      ],
      reissue: { oldCardId: OLD_CARD, via: "push", sourceMessageId: "N1" },
      applications: [
        {
          aid: CYCLE,
          name: "Metro Cycle",
          state: "refused",
          refusal: {
            code: "application-not-on-old-card",
            step: "710",
            reason: "Metro Cycle was not on the old card.",
            canContinueAsFirstLoad: true,
            applicationAid: CYCLE,
          },
        },
      ],
    };
    const doc = parseCaseDoc(v1);
    expect(doc.v).toBe(2);
    expect(doc.steps.map((s) => describeCaseStep(s, words))).toEqual([
      { title: "Reload requested", detail: "The customer asks to reload Metro Cycle." },
      { title: "Reload of Metro Cycle cancelled", detail: "Metro Cycle was not on the old card." },
    ]);
    expect(doc.steps[1]?.messages).toEqual([{ type: "x", messageId: "M1", direction: "received" }]);
    expect(doc.applications[0]?.refusal).toMatchObject({
      code: "application-not-on-old-card",
      step: "710",
      canContinueAsFirstLoad: true,
      params: { legacyReason: "Metro Cycle was not on the old card." },
    });
    expect(describeRefusal(doc.applications[0]!.refusal!, words)).toBe("Metro Cycle was not on the old card.");
    expect(caseVerdict(doc)).toMatchObject({ outcome: "refused" });
  });
});
