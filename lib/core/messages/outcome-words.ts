/**
 * The messages pages' words: every handler outcome, refusal and delivery error (outcome.ts) rendered
 * for the reader from messages/<locale>/common.json ("exchangeWords"). The rows keep codes and
 * parameters only; the caller gives the translator of `common.exchangeWords` and its formatters (the
 * page: the reader's language; a server action: the request's).
 */
import type { DeliveryError, DeliveryReceipt, InboxResult, MessageOutcome, Shown, StoredRefusal } from "./outcome";

type Values = Record<string, string | number>;
/** `useTranslations("common.exchangeWords")` / `getTranslations(…)`, keyed loosely (the keys are built from codes). */
export type ExchangeWordsT = (key: string, values?: Values) => string;

export type ExchangeWordsContext = {
  readonly t: ExchangeWordsT;
  readonly money: (amountMinor: number, currency: string) => string;
  /** An instant with its time and zone. */
  readonly instant: (iso: string) => string;
};

type HotListRef = { platformType: number; cardId: string | null; loads: number };

const refOf = (ref: HotListRef, t: ExchangeWordsT) =>
  ref.platformType === 100 && ref.cardId ? t("hotListRef.card", { cardId: ref.cardId }) : t("hotListRef.loads", { count: ref.loads });

/** One handler outcome in words. */
export function describeOutcome(o: MessageOutcome, ctx: ExchangeWordsContext): string {
  const { t } = ctx;
  const w = (values: Values = {}) => t(`outcomes.${o.code}`, values);
  switch (o.code) {
    case "pairs-stored":
      return w({ pairs: o.params.pairs, stored: o.params.stored });
    case "pairs-batch-stored": {
      const p = o.params;
      const listed = p.refusedPairs.map((r) => t("pairRefused", { pair: r.pair, code: t(`batchPairRefusals.${r.code}`) })).join(t("separator"));
      return w({ pairs: p.pairs, stored: p.stored, known: p.known, refused: p.refused, listed, more: p.refused > p.refusedPairs.length ? "yes" : "no" });
    }
    case "reissue-info-none":
    case "reissue-info-withheld":
      return w({ reason: t(`notFoundReasons.${o.params.reason}`) });
    case "inquiry-reply-unmatched":
    case "grant-unmatched":
    case "refusal-unmatched":
    case "confirmation-unknown-permission":
    case "confirmation-repeated":
    case "confirmation-of-refusal":
    case "receipt-refused":
      return w({ messageId: o.params.messageId });
    case "inquiry-reply-repeated":
      return w({ requestMessageId: o.params.requestMessageId, replyMessageId: o.params.replyMessageId });
    case "inquiry-reply-stored": {
      const p = o.params;
      return w({ aid: p.aid, reissue: p.reissue, originalMessageId: p.originalMessageId ?? "", reason: p.reason ? t(`ngReasons.${p.reason}`) : "" });
    }
    case "grant-late":
    case "refusal-late":
      return w({ messageId: o.params.messageId, requestMessageId: o.params.requestMessageId, status: o.params.status });
    case "grant-mismatch":
      // ICU selectors take no hyphen: "load-file" is "loadFile" in the words.
      return w({
        messageId: o.params.messageId,
        requestMessageId: o.params.requestMessageId,
        mismatch: o.params.mismatch === "load-file" ? "loadFile" : o.params.mismatch,
      });
    case "grant-stored":
      return w({ messageId: o.params.messageId, kind: o.params.kind, aid: o.params.aid, opened: o.params.loadRecordOpened ? "yes" : "no" });
    case "refusal-stored":
      return w({ kind: o.params.kind, aid: o.params.aid, reason: t(`permissionReasons.${o.params.reason}`) });
    case "statement-stored": {
      const p = o.params;
      return w({
        period: p.period,
        platformType: p.platformType,
        lines: p.lines,
        total: ctx.money(p.totalMinor, p.currency),
        already: p.alreadyStored ? "yes" : "no",
      });
    }
    case "block-already-lifted":
      return w({ blockMessageId: o.params.blockMessageId, ref: refOf(o.params.ref, t) });
    case "card-blocked":
      return w({ ref: refOf(o.params.ref, t), reason: o.params.reason, frozen: o.params.frozen });
    case "unblock-repeated":
      return w({ blockMessageId: o.params.blockMessageId });
    case "card-unblocked":
      return w({ ref: refOf(o.params.ref, t) });
    case "delivery-mode-stored":
      return w({ delivery: o.params.delivery, since: ctx.instant(o.params.effectiveAt), applied: o.params.applied ? "yes" : "no" });
    case "permission-granted":
      return w({ kind: o.params.kind, aid: o.params.aid, messageId: o.params.messageId, originalMessageId: o.params.originalMessageId ?? "" });
    case "permission-refused":
      return w({ kind: o.params.kind, aid: o.params.aid, reason: t(`permissionReasons.${o.params.reason}`), messageId: o.params.messageId });
    case "reissue-info-given":
      return w({ cardId: o.params.cardId, pairs: o.params.pairs });
    case "inquiry-ok":
      return w({ aid: o.params.aid, originalMessageId: o.params.originalMessageId });
    case "inquiry-ng":
      return w({ aid: o.params.aid, reason: t(`ngReasons.${o.params.reason}`) });
    case "confirmation-wrong-application":
      return w({ messageId: o.params.messageId, aid: o.params.aid, permittedAid: o.params.permittedAid });
    case "load-failed":
      return w({ messageId: o.params.messageId, statusWord: o.params.statusWord });
    case "reload-duplicate":
      return w({ originalMessageId: o.params.originalMessageId, otherMessageId: o.params.otherMessageId });
    case "uncoded-answer":
      return w();
    case "load-confirmed": {
      const p = o.params;
      return w({ application: p.application, messageId: p.messageId, kind: p.kind, charge: ctx.money(p.amountMinor, p.currency) });
    }
  }
}

/** A refusal in words: what its code means, and the field to blame when one is. */
export function describeMessageRefusal(r: StoredRefusal, ctx: ExchangeWordsContext): string {
  const { t } = ctx;
  const words = t(`refusals.${r.code}`);
  return r.field ? t("withField", { words, field: r.field }) : words;
}

/** The receiver's answer kept on a sent message. */
export function describeReceipt(r: DeliveryReceipt, ctx: ExchangeWordsContext): string {
  const { t } = ctx;
  return r.status === "refused"
    ? t("receipt.refused", { words: describeMessageRefusal(r.refusal, ctx) })
    : t("receipt.answered", { status: r.status, words: describeOutcome(r.outcome, ctx) });
}

/** Why the last delivery attempt failed (the words nest by the code's parts: deliveryErrors.transport.http-status). */
export function describeDeliveryError(e: DeliveryError, ctx: ExchangeWordsContext): string {
  const { t } = ctx;
  switch (e.code) {
    case "transport.http-status":
    case "transport.unreadable-answer":
      return t(`deliveryErrors.${e.code}`, { status: e.params.status });
    case "transport.unreachable":
    case "receiver.failed":
      return t(`deliveryErrors.${e.code}`);
    case "receiver.refused":
      return t(`deliveryErrors.${e.code}`, { words: describeMessageRefusal(e.params.refusal, ctx) });
  }
}

/** A stored value of the messages pages: a received message's result, a receiver's answer, a delivery error. */
export type StoredValue =
  | { readonly kind: "result"; readonly shown: Shown<InboxResult> }
  | { readonly kind: "receipt"; readonly shown: Shown<DeliveryReceipt> }
  | { readonly kind: "error"; readonly shown: Shown<DeliveryError> };

/**
 * A stored value in words; a row stored before codes keeps its sentence (`legacy`: the caller shows it
 * as it is, marked). For pages and exports alike.
 */
export function describeStored(value: StoredValue, ctx: ExchangeWordsContext): { readonly legacy: boolean; readonly text: string } {
  if (value.shown.kind === "legacy") return { legacy: true, text: value.shown.text };
  switch (value.kind) {
    case "result": {
      const r = (value.shown as { value: InboxResult }).value;
      return { legacy: false, text: r.status === "refused" ? describeMessageRefusal(r.refusal, ctx) : describeOutcome(r.outcome, ctx) };
    }
    case "receipt":
      return { legacy: false, text: describeReceipt((value.shown as { value: DeliveryReceipt }).value, ctx) };
    case "error":
      return { legacy: false, text: describeDeliveryError((value.shown as { value: DeliveryError }).value, ctx) };
  }
}

/** The code a stored value renders from ("legacy" for a sentence of before): for tests and data attributes. */
export function storedCode(value: StoredValue): string {
  if (value.shown.kind === "legacy") return "legacy";
  const v = value.shown.value;
  if ("code" in v) return v.code;
  return v.status === "refused" ? `refused:${v.refusal.code}` : v.outcome.code;
}
