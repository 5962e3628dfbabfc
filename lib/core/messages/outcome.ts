/**
 * What a received message came to, as codes with parameters (DESIGN.md: store codes, render words).
 * A receiver's handler answers one `MessageOutcome`; the inbox keeps it in its result, the receiver
 * answers it to the sender (the delivery receipt) and the sender keeps it on its outbox row. A
 * refusal is kept as its code and the offending field, a delivery that failed as a `DeliveryError`.
 * The messages pages render all three in the reader's language (outcome-words.ts). Every stored shape
 * is versioned; rows written before version 2 held English sentences and are read as "legacy".
 */
import { z } from "zod";
import { REFUSAL_CODES, type Refusal } from "./refusal";
import { BATCH_PAIR_REFUSALS } from "./rules";
import { CARD_INFORMATION_NG_REASONS, HOT_LIST_REASONS, PERMISSION_REFUSAL_REASONS, REISSUANCE_NOT_FOUND_REASONS } from "./schemas";

/** The version of the inbox result, the delivery receipt and the outbox's delivery error written now. */
export const OUTCOME_VERSION = 2;

const Id = z.string().max(80);
const Aid = z.string().max(32);
const Count = z.number().int().min(0);
const PermissionKind = z.enum(["first-load", "reload"]);
const RequestStatus = z.string().max(20);
/** What a hot-list message names: a card id (platform 100) or some of our loads (platform 200). */
const HotListRef = z.strictObject({ platformType: z.number().int(), cardId: z.string().max(16).nullable(), loads: Count });

/** Every outcome a handler can answer, with its parameters (values only: the words are rendered per code). */
export const OutcomeParamsSchemas = {
  // ── provider: reissuance information (Figs. 12, 13, 19) and Fig. 15 replies
  "pairs-stored": z.strictObject({ pairs: Count, stored: Count }),
  "pairs-batch-stored": z.strictObject({
    pairs: Count,
    stored: Count,
    known: Count,
    refused: Count,
    /** The first 20 refused pairs: their index in the message and the refusal code. */
    refusedPairs: z.array(z.strictObject({ pair: Count, code: z.enum(BATCH_PAIR_REFUSALS) })).max(20),
  }),
  "reissue-info-none": z.strictObject({ reason: z.enum(REISSUANCE_NOT_FOUND_REASONS) }),
  "inquiry-reply-unmatched": z.strictObject({ messageId: Id }),
  "inquiry-reply-repeated": z.strictObject({ requestMessageId: Id, replyMessageId: Id }),
  "inquiry-reply-stored": z.strictObject({
    aid: Aid,
    reissue: z.enum(["OK", "NG"]),
    originalMessageId: Id.nullable(),
    reason: z.enum(CARD_INFORMATION_NG_REASONS).nullable(),
  }),
  // ── provider: the issuer's answers to a permission request (step 807)
  "grant-unmatched": z.strictObject({ messageId: Id }),
  "grant-late": z.strictObject({ messageId: Id, requestMessageId: Id, status: RequestStatus }),
  "grant-mismatch": z.strictObject({ messageId: Id, requestMessageId: Id, mismatch: z.enum(["application", "load-file", "kind", "original"]) }),
  "grant-stored": z.strictObject({ messageId: Id, kind: PermissionKind, aid: Aid, loadRecordOpened: z.boolean() }),
  "refusal-unmatched": z.strictObject({ messageId: Id }),
  "refusal-late": z.strictObject({ messageId: Id, requestMessageId: Id, status: RequestStatus }),
  "refusal-stored": z.strictObject({ kind: PermissionKind, aid: Aid, reason: z.enum(PERMISSION_REFUSAL_REASONS) }),
  // ── provider: statements, the hot list, the delivery mode
  "statement-stored": z.strictObject({
    period: z.string().max(7),
    platformType: z.number().int(),
    lines: Count,
    totalMinor: z.number().int(),
    currency: z.string().max(3),
    alreadyStored: z.boolean(),
  }),
  "block-already-lifted": z.strictObject({ blockMessageId: Id, ref: HotListRef }),
  "card-blocked": z.strictObject({ ref: HotListRef, reason: z.enum(HOT_LIST_REASONS), frozen: Count }),
  "unblock-repeated": z.strictObject({ blockMessageId: Id }),
  "card-unblocked": z.strictObject({ ref: HotListRef }),
  "delivery-mode-stored": z.strictObject({ delivery: z.enum(["push", "pull"]), effectiveAt: z.string().max(40), applied: z.boolean() }),
  // ── issuer: permission requests (flows 2 and 7)
  "permission-granted": z.strictObject({ kind: PermissionKind, aid: Aid, messageId: Id, originalMessageId: Id.nullable() }),
  "permission-refused": z.strictObject({ kind: PermissionKind, aid: Aid, reason: z.enum(PERMISSION_REFUSAL_REASONS), messageId: Id }),
  // ── issuer: Fig. 19 pulls and Fig. 10 inquiries
  "reissue-info-given": z.strictObject({ cardId: z.string().max(16), pairs: Count }),
  "reissue-info-withheld": z.strictObject({ reason: z.enum(REISSUANCE_NOT_FOUND_REASONS) }),
  "inquiry-ok": z.strictObject({ aid: Aid, originalMessageId: Id }),
  "inquiry-ng": z.strictObject({ aid: Aid, reason: z.enum(CARD_INFORMATION_NG_REASONS) }),
  // ── issuer: load confirmations (proof of load, claim 13)
  "confirmation-unknown-permission": z.strictObject({ messageId: Id }),
  "confirmation-wrong-application": z.strictObject({ messageId: Id, aid: Aid, permittedAid: Aid }),
  "confirmation-repeated": z.strictObject({ messageId: Id }),
  "confirmation-of-refusal": z.strictObject({ messageId: Id }),
  "load-failed": z.strictObject({ messageId: Id, statusWord: z.string().max(4) }),
  "receipt-refused": z.strictObject({ messageId: Id }),
  "reload-duplicate": z.strictObject({ originalMessageId: Id, otherMessageId: Id }),
  "load-confirmed": z.strictObject({
    application: z.string().max(200),
    messageId: Id,
    kind: z.enum(["normal_load", "reissue_reload"]),
    amountMinor: z.number().int(),
    currency: z.string().max(3),
  }),
  /** An answer with no code: a replay of a message first answered before version 2 (its sentence is not sent on), or a receiver of an older version. */
  "uncoded-answer": z.strictObject({}),
} as const;

export type OutcomeCode = keyof typeof OutcomeParamsSchemas;
export const OUTCOME_CODES = Object.keys(OutcomeParamsSchemas) as OutcomeCode[];

const outcomeOf = <C extends OutcomeCode>(code: C) => z.strictObject({ code: z.literal(code), params: OutcomeParamsSchemas[code] });
const OUTCOME_OPTIONS = OUTCOME_CODES.map((c) => outcomeOf(c));
/** One handler outcome: its code and parameters. */
export const MessageOutcomeSchema = z.discriminatedUnion("code", OUTCOME_OPTIONS as [(typeof OUTCOME_OPTIONS)[number], ...(typeof OUTCOME_OPTIONS)[number][]]);
export type MessageOutcome = { [C in OutcomeCode]: { code: C; params: z.infer<(typeof OutcomeParamsSchemas)[C]> } }[OutcomeCode];

/** Builds an outcome (typed per code). */
export function outcome<C extends OutcomeCode>(code: C, params: z.infer<(typeof OutcomeParamsSchemas)[C]>): MessageOutcome {
  return { code, params } as MessageOutcome;
}

/** A refusal as it is kept and sent back: its code and the field to blame, never its sentence. */
export const StoredRefusalSchema = z.strictObject({ code: z.enum(REFUSAL_CODES), field: z.string().max(200).optional() });
export type StoredRefusal = z.infer<typeof StoredRefusalSchema>;

/** The part of a refusal that is kept (the sentence goes to the log only). */
export function storedRefusal(r: Pick<Refusal, "code" | "field">): StoredRefusal {
  return r.field === undefined ? { code: r.code } : { code: r.code, field: r.field.slice(0, 200) };
}

/** The inbox's result (`xc_inbox.result`), version 2. */
export const InboxResultSchema = z.discriminatedUnion("status", [
  z.strictObject({ v: z.literal(OUTCOME_VERSION), status: z.literal("processed"), outcome: MessageOutcomeSchema, enqueued: z.array(z.string()) }),
  z.strictObject({ v: z.literal(OUTCOME_VERSION), status: z.literal("refused"), refusal: StoredRefusalSchema, enqueued: z.array(z.string()).max(0) }),
]);
export type InboxResult =
  | { v: typeof OUTCOME_VERSION; status: "processed"; outcome: MessageOutcome; enqueued: string[] }
  | { v: typeof OUTCOME_VERSION; status: "refused"; refusal: StoredRefusal; enqueued: [] };

/**
 * The delivery receipt: what the receiver answered (the body of `POST /api/exchange`, or the in-process
 * answer), kept by the sender on its outbox row (`xc_outbox.receipt`), version 2.
 */
export const DeliveryReceiptSchema = z.discriminatedUnion("status", [
  z.strictObject({ v: z.literal(OUTCOME_VERSION), status: z.enum(["processed", "replayed"]), outcome: MessageOutcomeSchema }),
  z.strictObject({ v: z.literal(OUTCOME_VERSION), status: z.literal("refused"), refusal: StoredRefusalSchema }),
]);
export type DeliveryReceipt =
  | { v: typeof OUTCOME_VERSION; status: "processed" | "replayed"; outcome: MessageOutcome }
  | { v: typeof OUTCOME_VERSION; status: "refused"; refusal: StoredRefusal };

/** Why a delivery attempt failed (`xc_outbox.delivery_error`): the raw detail goes to the log only. */
export const DeliveryErrorSchema = z.discriminatedUnion("code", [
  /** The receiver's server answered an HTTP status worth retrying (5xx, 429). */
  z.strictObject({ v: z.literal(OUTCOME_VERSION), code: z.literal("transport.http-status"), params: z.strictObject({ status: z.number().int() }) }),
  /** No answer: connection refused, reset, timed out. */
  z.strictObject({ v: z.literal(OUTCOME_VERSION), code: z.literal("transport.unreachable"), params: z.strictObject({}) }),
  /** An answer that is not a receiver's outcome. */
  z.strictObject({ v: z.literal(OUTCOME_VERSION), code: z.literal("transport.unreadable-answer"), params: z.strictObject({ status: z.number().int() }) }),
  /** The receiver hosted here failed to handle it (its transaction rolled back): tried again. */
  z.strictObject({ v: z.literal(OUTCOME_VERSION), code: z.literal("receiver.failed"), params: z.strictObject({}) }),
  /** The receiver refused the message: final. */
  z.strictObject({ v: z.literal(OUTCOME_VERSION), code: z.literal("receiver.refused"), params: z.strictObject({ refusal: StoredRefusalSchema }) }),
]);
export type DeliveryError = z.infer<typeof DeliveryErrorSchema>;
export type DeliveryErrorCode = DeliveryError["code"];
export const DELIVERY_ERROR_CODES: readonly DeliveryErrorCode[] = [
  "transport.http-status",
  "transport.unreachable",
  "transport.unreadable-answer",
  "receiver.failed",
  "receiver.refused",
];

/** What a stored value says, for the page: codes to render, or a sentence kept from before version 2. */
export type Shown<T> = { readonly kind: "coded"; readonly value: T } | { readonly kind: "legacy"; readonly text: string };

const legacyText = (v: unknown, ...keys: string[]): string | null => {
  if (!v || typeof v !== "object") return null;
  const o = v as Record<string, unknown>;
  const parts = keys.map((k) => o[k]).filter((x): x is string => typeof x === "string" && x.length > 0);
  return parts.length ? parts.join(": ") : null;
};

/** An inbox result as stored: version 2, or the sentence of an older row (null when it has neither). */
export function readInboxResult(json: unknown): Shown<InboxResult> | null {
  const parsed = InboxResultSchema.safeParse(json);
  if (parsed.success) return { kind: "coded", value: parsed.data as InboxResult };
  const text = legacyText(json, "summary");
  return text === null ? null : { kind: "legacy", text };
}

/**
 * The inbox result to answer a replay with: a version-2 result as it is; an older row's refusal by its
 * code and field; an older row's processed sentence as "answered before codes" (never sent on).
 */
export function replayableResult(json: unknown): InboxResult {
  const parsed = InboxResultSchema.safeParse(json);
  if (parsed.success) return parsed.data as InboxResult;
  const o = (json && typeof json === "object" ? json : {}) as { status?: unknown; enqueued?: unknown; refusal?: unknown };
  const r = (o.refusal && typeof o.refusal === "object" ? o.refusal : {}) as { code?: unknown; field?: unknown };
  const old = StoredRefusalSchema.safeParse(r.field === undefined ? { code: r.code } : { code: r.code, field: r.field });
  if (o.status === "refused") return { v: OUTCOME_VERSION, status: "refused", refusal: old.success ? old.data : { code: "invalid-field" }, enqueued: [] };
  const enqueued = Array.isArray(o.enqueued) ? o.enqueued.filter((x): x is string => typeof x === "string") : [];
  return { v: OUTCOME_VERSION, status: "processed", outcome: { code: "uncoded-answer", params: {} }, enqueued };
}

/** A delivery receipt as stored: version 2, or the status and sentence of an older row. */
export function readDeliveryReceipt(json: unknown): Shown<DeliveryReceipt> | null {
  const parsed = DeliveryReceiptSchema.safeParse(json);
  if (parsed.success) return { kind: "coded", value: parsed.data as DeliveryReceipt };
  const o = (json && typeof json === "object" ? json : {}) as { summary?: unknown };
  const text = typeof o.summary === "string" ? legacyText(json, "status", "summary") : legacyText(json, "status", "message");
  return text === null ? null : { kind: "legacy", text };
}

/** A delivery error as stored (version 2), else the sentence an older row kept in `last_error`. */
export function readDeliveryError(json: unknown, legacy: string | null): Shown<DeliveryError> | null {
  const parsed = DeliveryErrorSchema.safeParse(json);
  if (parsed.success) return { kind: "coded", value: parsed.data };
  return legacy ? { kind: "legacy", text: legacy } : null;
}
