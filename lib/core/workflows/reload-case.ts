/**
 * The reload case as a pure machine (Figs. 7, 11, 18, 19; claims 12 and 14). One customer's request
 * at the desk is one case document: the card as read, the method, what each requested application
 * stands at, and the steps taken, each a code with parameters (reload-words.ts renders them). The
 * server gathers facts (its own tables, the issuer's answers, the clock) and feeds them in as events;
 * `applyCaseEvent` returns the next document, `caseNeeds` says which facts the case waits for, and
 * `caseVerdict` whether it is over. Nothing here reads a database or sends a message.
 */
import { z } from "zod";
import {
  CARD_INFORMATION_NG_REASONS,
  REISSUANCE_NOT_FOUND_REASONS,
  type CardInformationNgReason,
  type PermissionRefusalReason,
  type ReissuanceNotFoundReason,
} from "../messages";
import { assertNever } from "../result";
import {
  caseOutcome,
  checkCardNotLocked,
  checkLoadByMessageId,
  checkNotOnHotList,
  checkOldCardApplication,
  concludeCardInformationReply,
  concludeReissueLookup,
  dispatchPlatformType,
  refusalFromIssuer,
  reloadRefusal,
  RELOAD_REFUSAL_CODES,
  ReloadRefusalSchema,
  type HotListHit,
  type OldLoad,
  type ReloadRefusal,
} from "./reload";

// ─────────────────────────── the document ───────────────────────────

const Id = z.string().max(80);
const Aid = z.string().max(32);
const Instant = z.string().max(40);
const FeeSchema = z.object({ normalFeeMinor: z.number().int(), reissueFeeMinor: z.number().int(), currency: z.string().max(3) });
export type CaseFee = z.infer<typeof FeeSchema>;

/** The old load a reload reuses, as the review shows it (claim 12: its examination and accounting). */
export const OldLoadViewSchema = z.object({
  id: Id,
  messageId: Id,
  loadedAt: Instant.nullable(),
  cardId: z.string().max(16).nullable(),
  surfaceNumberLast4: z.string().max(4).nullable(),
  // The reading in kana (issue 15): absent from cases stored before it.
  customer: z.object({ id: Id, customerNo: z.string().max(40), fullName: z.string().max(200), fullNameKana: z.string().max(200).nullish() }),
  examination: z
    .object({
      id: Id,
      outcome: z.string().max(40),
      limitMinor: z.number().int(),
      declaredIncomeMinor: z.number().int(),
      investigatedAt: Instant,
      investigatedBy: z.string().max(200),
      policyVersion: z.string().max(40),
    })
    .nullable(),
  accounting: z.object({ kind: z.string().max(40), amountMinor: z.number().int(), currency: z.string().max(3), chargedAt: Instant }).nullable(),
});
export type OldLoadView = z.infer<typeof OldLoadViewSchema>;

const MessageRefSchema = z.object({ type: z.string().max(60), messageId: Id, direction: z.enum(["sent", "received"]) });
export type MessageRef = z.infer<typeof MessageRefSchema>;

/** Every step a case can record, with its parameters (values only: the words are rendered per code). */
export const CaseStepParamsSchemas = {
  "reload-requested": z.object({ aids: z.array(Aid).max(16) }),
  "platform-dispatched": z.object({ platformType: z.number().int(), method: z.union([z.literal(1), z.literal(2)]) }),
  "card-id-read": z.object({ cardId: z.string().max(16) }),
  "attribute-data-read": z.object({ bytes: z.number().int() }),
  "reissue-notice-found": z.object({
    cardId: z.string().max(16),
    oldCardId: z.string().max(16),
    reissuedAt: Instant,
    via: z.enum(["push", "pull"]),
    messageId: Id,
  }),
  "pull-sent": z.object({ cardId: z.string().max(16), messageId: Id }),
  "pull-waiting": z.object({ messageId: Id }),
  "pull-not-found": z.object({ messageId: Id, reason: z.enum(REISSUANCE_NOT_FOUND_REASONS) }),
  "pull-not-named": z.object({ messageId: Id }),
  "pull-found": z.object({ messageId: Id, cardId: z.string().max(16), oldCardId: z.string().max(16) }),
  "old-card-records": z.object({
    oldCardId: z.string().max(16),
    earlierCardIds: z.array(z.string().max(16)).max(20),
    loads: z.array(z.object({ aid: Aid, status: z.enum(["pending", "loaded", "failed"]), cardId: z.string().max(16).nullable() })).max(64),
  }),
  "inquiry-sent": z.object({ aid: Aid, messageId: Id }),
  "inquiry-waiting": z.object({ aid: Aid, messageId: Id }),
  "inquiry-answered": z.object({
    aid: Aid,
    messageId: Id,
    reissue: z.enum(["OK", "NG"]),
    originalMessageId: Id.nullable(),
    ngReason: z.enum(CARD_INFORMATION_NG_REASONS).nullable(),
  }),
  reloadable: z.object({
    aid: Aid,
    messageId: Id,
    loadedAt: Instant.nullable(),
    customerName: z.string().max(200),
    examination: z.object({ outcome: z.string().max(40), at: Instant }).nullable(),
    fee: FeeSchema.nullable(),
  }),
  refused: z.object({ aid: Aid.nullable(), refusal: ReloadRefusalSchema }),
  "permission-carried": z.object({
    aid: Aid,
    messageId: Id,
    originalMessageId: Id,
    expiresAt: Instant,
    via: z.enum(["push", "pull", "inquiry"]),
    sourceType: z.enum(["reissuance-notification", "reissuance-information-reply", "card-information-reply"]),
    sourceMessageId: Id,
  }),
  "permission-requested": z.object({ aid: Aid, messageId: Id, originalMessageId: Id }),
  "permission-granted": z.object({ aid: Aid, messageId: Id, originalMessageId: Id, expiresAt: Instant.nullable() }),
  reloaded: z.object({ aid: Aid, messageId: Id, originalMessageId: Id }),
  "visit-ended": z.object({ unusedPermissions: z.number().int(), why: z.enum(["desk", "lease-ended"]) }),
  /** A step of a version-1 case, which stored its words: shown as it was. */
  legacy: z.object({ title: z.string().max(500), detail: z.string().max(4000) }),
} as const;

export type CaseStepCode = keyof typeof CaseStepParamsSchemas;
export const CASE_STEP_CODES = Object.keys(CaseStepParamsSchemas) as CaseStepCode[];
export type CaseStepParams<C extends CaseStepCode> = z.infer<(typeof CaseStepParamsSchemas)[C]>;

const stepBase = {
  /** The patent step (or flow stage) it belongs to: "704 → 408", "1106", "permission". */
  step: z.string().max(40),
  outcome: z.enum(["ok", "refused", "waiting", "info"]),
  at: Instant,
  messages: z.array(MessageRefSchema).max(8).optional(),
};

const stepOf = <C extends CaseStepCode>(code: C) => z.object({ ...stepBase, code: z.literal(code), params: CaseStepParamsSchemas[code] });
/** One step of a case: its code and parameters, the patent step, how it went, when, and the messages exchanged. */
export const CaseStepSchema = z.discriminatedUnion("code", [
  stepOf("reload-requested"),
  stepOf("platform-dispatched"),
  stepOf("card-id-read"),
  stepOf("attribute-data-read"),
  stepOf("reissue-notice-found"),
  stepOf("pull-sent"),
  stepOf("pull-waiting"),
  stepOf("pull-not-found"),
  stepOf("pull-not-named"),
  stepOf("pull-found"),
  stepOf("old-card-records"),
  stepOf("inquiry-sent"),
  stepOf("inquiry-waiting"),
  stepOf("inquiry-answered"),
  stepOf("reloadable"),
  stepOf("refused"),
  stepOf("permission-carried"),
  stepOf("permission-requested"),
  stepOf("permission-granted"),
  stepOf("reloaded"),
  stepOf("visit-ended"),
  stepOf("legacy"),
]);
export type CaseStep = z.infer<typeof CaseStepSchema>;

export const CASE_APP_STATES = ["checking", "waiting-issuer", "reloadable", "refused", "requested", "granted", "reloaded", "failed"] as const;

const CaseAppSchema = z.object({
  aid: Aid,
  name: z.string().max(200).nullable(),
  state: z.enum(CASE_APP_STATES),
  inquiry: z.object({ requestMessageId: Id, outboxId: Id }).optional(),
  old: OldLoadViewSchema.optional(),
  refusal: ReloadRefusalSchema.optional(),
  permissionId: Id.optional(),
  fee: FeeSchema.nullable().optional(),
});
export type CaseApp = z.infer<typeof CaseAppSchema>;

export const CASE_DOC_VERSION = 2;

/** The case document (sp_reload_cases.steps), version 2: codes and parameters only. */
export const CaseDocSchema = z.object({
  v: z.literal(CASE_DOC_VERSION),
  method: z.union([z.literal(1), z.literal(2)]).nullable(),
  card: z.object({
    platformType: z.number().int(),
    cardId: z.string().max(16).nullable(),
    cardAttributeData: z.string().max(2000).nullable(),
    surfaceNumberLast4: z.string().max(4).nullable(),
    isCardLocked: z.boolean(),
  }),
  steps: z.array(CaseStepSchema).max(500),
  pull: z.object({ requestMessageId: Id, outboxId: Id }).optional(),
  reissue: z.object({ oldCardId: z.string().max(16), via: z.enum(["push", "pull"]), sourceMessageId: Id }).optional(),
  applications: z.array(CaseAppSchema).max(16),
  continuedAsFirstLoad: z.object({ at: Instant, customerNo: z.string().max(40), applications: z.array(Aid).max(16) }).optional(),
  /** Method 1: whose old card it was in our records (to carry over to a first load after a 710). */
  oldCardCustomer: z.object({ id: Id, customerNo: z.string().max(40), fullName: z.string().max(200) }).optional(),
});
export type CaseDoc = z.infer<typeof CaseDocSchema>;

/** Version 1 stored each step's title and detail as English sentences and each refusal's reason. */
const LegacyRefusalSchema = z.object({
  code: z.enum(RELOAD_REFUSAL_CODES),
  step: z.string(),
  reason: z.string(),
  canContinueAsFirstLoad: z.boolean(),
  applicationAid: z.string().optional(),
});
const LegacyDocSchema = z.object({
  v: z.literal(1),
  method: z.union([z.literal(1), z.literal(2)]).nullable(),
  card: CaseDocSchema.shape.card,
  steps: z.array(
    z.object({
      step: z.string(),
      title: z.string(),
      detail: z.string(),
      outcome: z.enum(["ok", "refused", "waiting", "info"]),
      at: z.string(),
      messages: z.array(MessageRefSchema).optional(),
    }),
  ),
  pull: CaseDocSchema.shape.pull,
  reissue: CaseDocSchema.shape.reissue,
  applications: z.array(CaseAppSchema.omit({ refusal: true }).extend({ refusal: LegacyRefusalSchema.optional() })),
  continuedAsFirstLoad: CaseDocSchema.shape.continuedAsFirstLoad,
  oldCardCustomer: CaseDocSchema.shape.oldCardCustomer,
});

function fromLegacyRefusal(r: z.infer<typeof LegacyRefusalSchema>): ReloadRefusal {
  return {
    code: r.code,
    step: r.step,
    params: { legacyReason: r.reason.slice(0, 2000) },
    canContinueAsFirstLoad: r.canContinueAsFirstLoad,
    ...(r.applicationAid ? { applicationAid: r.applicationAid } : {}),
  };
}

/** A refusal's legacy words, when a version-1 document is what recorded it. */
export function legacyRefusal(code: ReloadRefusal["code"], step: string, reason: string): ReloadRefusal {
  return reloadRefusal(code, step, { legacyReason: reason.slice(0, 2000) });
}

/**
 * Reads a stored case document, migrating version 1 (sentences) on read: its steps keep their words
 * as `legacy` steps, its refusals their reason as `legacyReason`. Throws on anything else: a document
 * this code cannot read is a broken invariant, not a refusal.
 */
export function parseCaseDoc(json: unknown): CaseDoc {
  const version = typeof json === "object" && json !== null && "v" in json ? (json as { v: unknown }).v : undefined;
  if (version === 1) {
    const old = LegacyDocSchema.parse(json);
    return CaseDocSchema.parse({
      ...old,
      v: CASE_DOC_VERSION,
      steps: old.steps.map((s) => ({
        step: s.step,
        outcome: s.outcome,
        at: s.at,
        ...(s.messages ? { messages: s.messages } : {}),
        code: "legacy",
        params: { title: s.title.slice(0, 500), detail: s.detail.slice(0, 4000) },
      })),
      applications: old.applications.map((a) => ({ ...a, refusal: a.refusal ? fromLegacyRefusal(a.refusal) : undefined })),
    });
  }
  return CaseDocSchema.parse(json);
}

// ─────────────────────────── opening a case ───────────────────────────

export type CaseCard = CaseDoc["card"];

/** The case as the desk opens it (step 701): the card as read and the applications asked for. */
export function openCase(card: CaseCard, applications: readonly { aid: string; name: string | null }[], now: Date): CaseDoc {
  const seen = new Set<string>();
  const apps = applications.filter((a) => !seen.has(a.aid) && seen.add(a.aid));
  return {
    v: CASE_DOC_VERSION,
    method: null,
    card: {
      platformType: card.platformType,
      cardId: card.platformType === 100 ? card.cardId : null,
      cardAttributeData: card.platformType === 200 ? card.cardAttributeData : null,
      surfaceNumberLast4: card.surfaceNumberLast4,
      isCardLocked: card.isCardLocked,
    },
    steps: [mkStep("reload-requested", "701", "info", { aids: apps.map((a) => a.aid) }, now)],
    applications: apps.map((a) => ({ aid: a.aid, name: a.name, state: "checking" })),
  };
}

// ─────────────────────────── what the case waits for ───────────────────────────

/** A fact the server has to look up (or a message it has to send) before the case can go on. */
export type CaseNeed =
  /** Fig. 18 dispatch and the card checks; platform 100 needs the hot list entry for its card id. */
  | { readonly kind: "start"; readonly hotListCardId: string | null }
  /** Method 1, step 704: the Fig. 13 data we hold for the card id read. */
  | { readonly kind: "reissue-notice"; readonly cardId: string }
  /** Method 1, Fig. 19 step 408 sent: its answer. */
  | { readonly kind: "pull-reply"; readonly requestMessageId: string; readonly cardId: string }
  /** Method 1, step 706: our load records of the old card (and the cards before it). */
  | { readonly kind: "old-card-loads"; readonly oldCardId: string; readonly aids: readonly string[] }
  /** Method 2, step 1104: a card information inquiry to send for this application. */
  | { readonly kind: "send-inquiry"; readonly aid: string }
  /** Method 2, step 1105: the answer to this application's inquiry. */
  | { readonly kind: "inquiry-reply"; readonly aid: string; readonly requestMessageId: string };

/** What the case waits for now, in the order the server should look (none: review, loads or the end). */
export function caseNeeds(doc: CaseDoc): CaseNeed[] {
  if (caseVerdict(doc).outcome !== "in_progress") return [];
  if (doc.method === null) return [{ kind: "start", hotListCardId: doc.card.platformType === 100 ? doc.card.cardId : null }];
  const checking = doc.applications.filter((a) => a.state === "checking" || a.state === "waiting-issuer");
  if (checking.length === 0) return [];
  if (doc.method === 1) {
    const cardId = doc.card.cardId ?? "";
    if (doc.reissue) return [{ kind: "old-card-loads", oldCardId: doc.reissue.oldCardId, aids: checking.map((a) => a.aid) }];
    if (doc.pull) return [{ kind: "pull-reply", requestMessageId: doc.pull.requestMessageId, cardId }];
    return [{ kind: "reissue-notice", cardId }];
  }
  return checking.map((a): CaseNeed =>
    a.inquiry ? { kind: "inquiry-reply", aid: a.aid, requestMessageId: a.inquiry.requestMessageId } : { kind: "send-inquiry", aid: a.aid },
  );
}

/** An old load as the server found it: what the checks need and what the review shows. */
export type OldLoadFact = { readonly load: OldLoad; readonly view: OldLoadView };

/** Where a permission of the case stands in the provider's register (sp_permissions). */
export type PermissionFact =
  | { readonly status: "requested" | "abandoned" }
  | { readonly status: "granted"; readonly replyMessageId: string; readonly originalMessageId: string; readonly expiresAt: string | null }
  | { readonly status: "refused"; readonly replyMessageId: string; readonly reason: PermissionRefusalReason }
  | { readonly status: "loaded"; readonly replyMessageId: string; readonly originalMessageId: string }
  | { readonly status: "failed" };

/** The facts and effects the server feeds the case. */
export type CaseEvent =
  | { readonly type: "started"; readonly hotList: HotListHit | null }
  | {
      readonly type: "reissue-notice-found";
      readonly oldCardId: string;
      readonly via: "push" | "pull";
      readonly sourceMessageId: string;
      readonly reissuedAt: string;
    }
  | { readonly type: "pull-sent"; readonly requestMessageId: string; readonly outboxId: string }
  | { readonly type: "pull-unanswered" }
  | {
      readonly type: "pull-answered";
      readonly replyMessageId: string;
      /** found: the pair for this card is now in our Fig. 13 data; not-named: the pairs name other cards only. */
      readonly result:
        | { readonly status: "found"; readonly oldCardId: string }
        | { readonly status: "not-found"; readonly reason: ReissuanceNotFoundReason }
        | { readonly status: "not-named" };
    }
  | {
      readonly type: "old-card-loads";
      /** The old card, then the cards it replaced in turn (Fig. 13 pairs), nearest first. */
      readonly chain: readonly string[];
      /** Our load records on those cards, nearest card first. */
      readonly loads: readonly OldLoadFact[];
      readonly fees: Readonly<Record<string, CaseFee | null>>;
    }
  | { readonly type: "inquiry-sent"; readonly aid: string; readonly requestMessageId: string; readonly outboxId: string }
  | { readonly type: "inquiry-unanswered"; readonly aid: string }
  | {
      readonly type: "inquiry-answered";
      readonly aid: string;
      readonly replyMessageId: string;
      readonly result: { readonly reissue: "OK"; readonly originalMessageId: string } | { readonly reissue: "NG"; readonly reason: CardInformationNgReason };
      /** Step 1106: our load record under the original message id (OK answers only). */
      readonly record: OldLoadFact | null;
      readonly fee: CaseFee | null;
    }
  /** Step 709/1108 refused before asking: not one of our applications. */
  | { readonly type: "not-our-application"; readonly aid: string }
  /** Another desk holds the old load (reload in progress), or reloaded it a moment ago. */
  | { readonly type: "claim-conflict"; readonly aid: string; readonly reloadedUnder: string | null }
  | {
      readonly type: "permission-carried";
      readonly aid: string;
      readonly permissionId: string;
      readonly permission: { readonly messageId: string; readonly originalMessageId: string; readonly expiresAt: string };
      readonly via: "push" | "pull" | "inquiry";
      readonly sourceType: "reissuance-notification" | "reissuance-information-reply" | "card-information-reply";
      readonly sourceMessageId: string;
    }
  | { readonly type: "permission-requested"; readonly aid: string; readonly permissionId: string; readonly requestMessageId: string }
  | { readonly type: "permission-changed"; readonly aid: string; readonly permission: PermissionFact }
  /** The desk ended the visit, or the card lease ended (returned, idle, taken back): unused permissions given up. */
  | { readonly type: "visit-ended"; readonly unusedPermissions: number; readonly why: "desk" | "lease-ended" }
  | { readonly type: "continued-as-first-load"; readonly customerNo: string; readonly applications: readonly string[] };

// ─────────────────────────── transitions ───────────────────────────

function mkStep<C extends CaseStepCode>(
  code: C,
  stepNo: string,
  outcome: CaseStep["outcome"],
  params: CaseStepParams<C>,
  now: Date,
  messages?: MessageRef[],
): CaseStep {
  return { code, step: stepNo, outcome, at: now.toISOString(), params, ...(messages ? { messages } : {}) } as CaseStep;
}

function isSettled(app: CaseApp): boolean {
  return app.state === "refused" || app.state === "reloaded" || app.state === "failed";
}

function refuseApp(doc: CaseDoc, app: CaseApp, refusal: ReloadRefusal, now: Date, state: "refused" | "failed" = "refused", messages?: MessageRef[]): void {
  app.state = state;
  app.refusal = refusal;
  doc.steps.push(mkStep("refused", refusal.step, "refused", { aid: app.aid, refusal }, now, messages));
}

/** A refusal of the whole case (dispatch, lock, hot list, 707): every open application gets it, one step records it. */
function refuseAll(doc: CaseDoc, refusal: ReloadRefusal, now: Date): void {
  for (const app of doc.applications) if (!isSettled(app)) Object.assign(app, { state: "refused", refusal: { ...refusal, applicationAid: app.aid } });
  doc.steps.push(mkStep("refused", refusal.step, "refused", { aid: null, refusal }, now));
}

const stepOfLoad = (doc: CaseDoc) => (doc.method === 2 ? "1108" : "709");

function settleCheck(
  doc: CaseDoc,
  app: CaseApp,
  fact: OldLoadFact | null,
  refusal: ReloadRefusal | null,
  stepNo: "708" | "1106",
  fee: CaseFee | null,
  now: Date,
): void {
  if (refusal || !fact) {
    refuseApp(doc, app, refusal ?? reloadRefusal("load-record-not-found", stepNo, {}, app.aid), now);
    return;
  }
  const old = fact.view;
  Object.assign(app, { state: "reloadable", old, fee });
  doc.steps.push(
    mkStep(
      "reloadable",
      stepNo,
      "ok",
      {
        aid: app.aid,
        messageId: old.messageId,
        loadedAt: old.loadedAt,
        customerName: old.customer.fullName,
        examination: old.examination ? { outcome: old.examination.outcome, at: old.examination.investigatedAt } : null,
        fee,
      },
      now,
    ),
  );
}

/**
 * One transition: the case document after the event (a new object; the input is not changed). An
 * event that does not fit the case's state (an answer for an application already settled, a second
 * "started") leaves it as it was, so replaying an event is harmless.
 */
export function applyCaseEvent(input: CaseDoc, event: CaseEvent, now: Date): CaseDoc {
  const doc = structuredClone(input);
  if (
    caseVerdict(input).outcome !== "in_progress" &&
    event.type !== "continued-as-first-load" &&
    event.type !== "visit-ended" &&
    event.type !== "permission-changed"
  )
    return doc;
  const appOf = (aid: string) => doc.applications.find((a) => a.aid === aid);
  switch (event.type) {
    case "started": {
      if (doc.method !== null) return doc;
      const method = dispatchPlatformType(doc.card.platformType);
      if (!method.ok) {
        refuseAll(doc, method.error, now);
        return doc;
      }
      doc.method = method.value;
      doc.steps.push(mkStep("platform-dispatched", "1801–1804", "ok", { platformType: doc.card.platformType, method: method.value }, now));
      const unlocked = checkCardNotLocked(doc.card.isCardLocked);
      if (!unlocked.ok) {
        refuseAll(doc, unlocked.error, now);
        return doc;
      }
      // The hot list: a card the issuer told us is blocked is refused before anything is asked.
      const listed = checkNotOnHotList(method.value === 1 ? event.hotList : null);
      if (!listed.ok) {
        refuseAll(doc, listed.error, now);
        return doc;
      }
      doc.steps.push(
        method.value === 1
          ? mkStep("card-id-read", "702–703", "ok", { cardId: doc.card.cardId ?? "" }, now)
          : mkStep("attribute-data-read", "1102–1103", "ok", { bytes: Math.floor(((doc.card.cardAttributeData?.length ?? 0) * 3) / 4) }, now),
      );
      return doc;
    }
    case "reissue-notice-found": {
      if (doc.method !== 1 || doc.reissue || doc.pull) return doc;
      doc.reissue = { oldCardId: event.oldCardId, via: event.via, sourceMessageId: event.sourceMessageId };
      doc.steps.push(
        mkStep(
          "reissue-notice-found",
          "704",
          "ok",
          { cardId: doc.card.cardId ?? "", oldCardId: event.oldCardId, reissuedAt: event.reissuedAt, via: event.via, messageId: event.sourceMessageId },
          now,
          [{ type: "reissuance-notification", messageId: event.sourceMessageId, direction: "received" }],
        ),
      );
      return doc;
    }
    case "pull-sent": {
      // Fig. 19: not in what was pushed to us; the issuer is asked before concluding 707.
      if (doc.method !== 1 || doc.reissue || doc.pull) return doc;
      doc.pull = { requestMessageId: event.requestMessageId, outboxId: event.outboxId };
      doc.steps.push(
        mkStep("pull-sent", "704 → 408", "info", { cardId: doc.card.cardId ?? "", messageId: event.requestMessageId }, now, [
          { type: "reissuance-information-request", messageId: event.requestMessageId, direction: "sent" },
        ]),
      );
      return doc;
    }
    case "pull-unanswered": {
      if (doc.method !== 1 || doc.reissue || !doc.pull) return doc;
      if (!doc.steps.some((s) => s.code === "pull-waiting"))
        doc.steps.push(mkStep("pull-waiting", "408", "waiting", { messageId: doc.pull.requestMessageId }, now));
      for (const app of doc.applications) if (app.state === "checking") app.state = "waiting-issuer";
      return doc;
    }
    case "pull-answered": {
      if (doc.method !== 1 || doc.reissue || !doc.pull) return doc;
      const received: MessageRef[] = [{ type: "reissuance-information-reply", messageId: event.replyMessageId, direction: "received" }];
      const r = event.result;
      if (r.status === "found") {
        doc.reissue = { oldCardId: r.oldCardId, via: "pull", sourceMessageId: event.replyMessageId };
        doc.steps.push(
          mkStep("pull-found", "409", "ok", { messageId: event.replyMessageId, cardId: doc.card.cardId ?? "", oldCardId: r.oldCardId }, now, received),
        );
        for (const app of doc.applications) if (app.state === "waiting-issuer") app.state = "checking";
        return doc;
      }
      // The pairs the issuer sent do not name this card: treated as not reissued (never guess a pair).
      const reason: ReissuanceNotFoundReason = r.status === "not-found" ? r.reason : "not-a-reissued-card";
      doc.steps.push(
        r.status === "not-found"
          ? mkStep("pull-not-found", "409", "refused", { messageId: event.replyMessageId, reason }, now, received)
          : mkStep("pull-not-named", "409", "refused", { messageId: event.replyMessageId }, now, received),
      );
      const concluded = concludeReissueLookup({ status: "not-found", reason });
      if (!concluded.ok) refuseAll(doc, concluded.error, now);
      return doc;
    }
    case "old-card-loads": {
      if (doc.method !== 1 || !doc.reissue) return doc;
      const pending = doc.applications.filter((a) => a.state === "checking");
      if (pending.length === 0) return doc;
      const first = event.loads[0];
      if (first) doc.oldCardCustomer = first.view.customer;
      doc.steps.push(
        mkStep(
          "old-card-records",
          "706",
          "ok",
          {
            oldCardId: doc.reissue.oldCardId,
            earlierCardIds: event.chain.slice(1),
            loads: event.loads.map((l) => ({ aid: l.load.applicationAid, status: l.load.status, cardId: l.view.cardId })),
          },
          now,
        ),
      );
      for (const app of pending) {
        const checked = checkOldCardApplication(
          app.aid,
          event.loads.map((l) => l.load),
        );
        const fact = checked.ok ? (event.loads.find((l) => l.load.id === checked.value.id) ?? null) : null;
        settleCheck(doc, app, fact, checked.ok ? null : checked.error, "708", event.fees[app.aid] ?? null, now);
      }
      return doc;
    }
    case "inquiry-sent": {
      const app = appOf(event.aid);
      if (doc.method !== 2 || !app || app.state !== "checking" || app.inquiry) return doc;
      app.inquiry = { requestMessageId: event.requestMessageId, outboxId: event.outboxId };
      doc.steps.push(
        mkStep("inquiry-sent", "1104", "info", { aid: app.aid, messageId: event.requestMessageId }, now, [
          { type: "card-information-inquiry", messageId: event.requestMessageId, direction: "sent" },
        ]),
      );
      return doc;
    }
    case "inquiry-unanswered": {
      const app = appOf(event.aid);
      if (doc.method !== 2 || !app?.inquiry || app.state !== "checking") return doc;
      app.state = "waiting-issuer";
      doc.steps.push(mkStep("inquiry-waiting", "1105", "waiting", { aid: app.aid, messageId: app.inquiry.requestMessageId }, now));
      return doc;
    }
    case "inquiry-answered": {
      const app = appOf(event.aid);
      if (doc.method !== 2 || !app?.inquiry || (app.state !== "checking" && app.state !== "waiting-issuer")) return doc;
      const r = event.result;
      doc.steps.push(
        mkStep(
          "inquiry-answered",
          "1105",
          r.reissue === "OK" ? "ok" : "refused",
          {
            aid: app.aid,
            messageId: event.replyMessageId,
            reissue: r.reissue,
            originalMessageId: r.reissue === "OK" ? r.originalMessageId : null,
            ngReason: r.reissue === "NG" ? r.reason : null,
          },
          now,
          [{ type: "card-information-reply", messageId: event.replyMessageId, direction: "received" }],
        ),
      );
      const concluded = concludeCardInformationReply(app.aid, r);
      if (!concluded.ok) {
        refuseApp(doc, app, concluded.error, now);
        return doc;
      }
      const checked = checkLoadByMessageId(app.aid, concluded.value.originalMessageId, event.record?.load ?? null);
      settleCheck(doc, app, checked.ok ? event.record : null, checked.ok ? null : checked.error, "1106", event.fee, now);
      return doc;
    }
    case "not-our-application": {
      const app = appOf(event.aid);
      if (!app || app.state !== "reloadable") return doc;
      refuseApp(doc, app, reloadRefusal("not-our-application", stepOfLoad(doc), {}, app.aid), now);
      return doc;
    }
    case "claim-conflict": {
      const app = appOf(event.aid);
      if (!app || app.state !== "reloadable") return doc;
      const refusal = event.reloadedUnder
        ? reloadRefusal("already-reloaded", stepOfLoad(doc), { messageId: event.reloadedUnder }, app.aid)
        : reloadRefusal("reload-in-progress", stepOfLoad(doc), {}, app.aid);
      refuseApp(doc, app, refusal, now);
      return doc;
    }
    case "permission-carried": {
      const app = appOf(event.aid);
      if (!app || app.state !== "reloadable") return doc;
      Object.assign(app, { state: "granted", permissionId: event.permissionId });
      doc.steps.push(
        mkStep(
          "permission-carried",
          stepOfLoad(doc),
          "ok",
          {
            aid: app.aid,
            messageId: event.permission.messageId,
            originalMessageId: event.permission.originalMessageId,
            expiresAt: event.permission.expiresAt,
            via: event.via,
            sourceType: event.sourceType,
            sourceMessageId: event.sourceMessageId,
          },
          now,
          [{ type: event.sourceType, messageId: event.sourceMessageId, direction: "received" }],
        ),
      );
      return doc;
    }
    case "permission-requested": {
      const app = appOf(event.aid);
      if (!app || app.state !== "reloadable" || !app.old) return doc;
      Object.assign(app, { state: "requested", permissionId: event.permissionId });
      doc.steps.push(
        mkStep(
          "permission-requested",
          stepOfLoad(doc),
          "info",
          { aid: app.aid, messageId: event.requestMessageId, originalMessageId: app.old.messageId },
          now,
          [{ type: "reload-permission-request", messageId: event.requestMessageId, direction: "sent" }],
        ),
      );
      return doc;
    }
    case "permission-changed": {
      const app = appOf(event.aid);
      if (!app || !app.permissionId) return doc;
      const p = event.permission;
      switch (p.status) {
        case "requested":
        case "abandoned":
          return doc;
        case "granted":
          if (app.state !== "requested") return doc;
          app.state = "granted";
          doc.steps.push(
            mkStep(
              "permission-granted",
              "permission",
              "ok",
              { aid: app.aid, messageId: p.replyMessageId, originalMessageId: p.originalMessageId, expiresAt: p.expiresAt },
              now,
              [{ type: "reload-permission-grant", messageId: p.replyMessageId, direction: "received" }],
            ),
          );
          return doc;
        case "refused":
          if (app.state === "refused") return doc;
          refuseApp(doc, app, refusalFromIssuer(app.aid, p.reason), now, "refused", [
            { type: "reload-permission-refusal", messageId: p.replyMessageId, direction: "received" },
          ]);
          return doc;
        case "loaded":
          if (app.state === "reloaded") return doc;
          app.state = "reloaded";
          delete app.refusal;
          doc.steps.push(mkStep("reloaded", stepOfLoad(doc), "ok", { aid: app.aid, messageId: p.replyMessageId, originalMessageId: p.originalMessageId }, now));
          return doc;
        case "failed":
          if (app.state === "failed") return doc;
          refuseApp(doc, app, reloadRefusal("card-refused-load", "load", {}, app.aid), now, "failed");
          return doc;
        default:
          return assertNever(p, "permission fact");
      }
    }
    case "visit-ended": {
      if (doc.steps.some((s) => s.code === "visit-ended")) return doc;
      doc.steps.push(mkStep("visit-ended", "end", "info", { unusedPermissions: event.unusedPermissions, why: event.why }, now));
      return doc;
    }
    case "continued-as-first-load":
      doc.continuedAsFirstLoad = { at: now.toISOString(), customerNo: event.customerNo, applications: [...event.applications] };
      return doc;
    default:
      return assertNever(event, "case event");
  }
}

// ─────────────────────────── the verdict ───────────────────────────

export type CaseVerdict =
  | { readonly outcome: "in_progress" }
  | { readonly outcome: "reloaded" }
  | { readonly outcome: "refused"; readonly refusal: ReloadRefusal }
  | { readonly outcome: "abandoned" };

/**
 * Whether the case is over: every application settled (reloaded if any was, else refused with the
 * first refusal: 707/710/1107…), or the visit ended (abandoned when nothing was reloaded or refused).
 */
export function caseVerdict(doc: CaseDoc): CaseVerdict {
  const ended = doc.steps.some((s) => s.code === "visit-ended");
  const settled = doc.applications.length > 0 && doc.applications.every(isSettled);
  if (!settled && !ended) return { outcome: "in_progress" };
  const anyReloaded = doc.applications.some((a) => a.state === "reloaded");
  const firstRefusal = doc.applications.find((a) => a.refusal)?.refusal;
  if (ended && !anyReloaded && !firstRefusal) return { outcome: "abandoned" };
  const outcome = caseOutcome(doc.applications.map((a) => (a.state === "reloaded" ? "reloaded" : a.state === "failed" ? "failed" : "refused")));
  if (outcome === "reloaded") return { outcome };
  return { outcome, refusal: firstRefusal ?? reloadRefusal("issuer-refused", "reload") };
}

/** The case's applications that await the issuer's answer (the desk shows "check again"). */
export function isWaitingForIssuer(doc: CaseDoc): boolean {
  return doc.applications.some((a) => a.state === "waiting-issuer");
}
