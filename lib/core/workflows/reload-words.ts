/**
 * The reload desk's words: every step code and refusal code of a reload case (reload-case.ts,
 * reload.ts) rendered for the reader from messages/<locale>/provider.json ("words"). The case stores
 * codes and parameters only; the caller gives the translator of `provider.words` and its formatters
 * (the desk: the reader's language and time zone; the audit view: UTC).
 */
import { selectKey } from "../format";
import type { ExaminationNote } from "./first-load";
import type { LoadFailure } from "./load-failure";
import type { ReloadRefusal, ReloadRefusalCode } from "./reload";
import type { CaseStep } from "./reload-case";

type Values = Record<string, string | number>;
/** `useTranslations("provider.words")` / `getTranslations(…)`, keyed loosely (the keys are built from codes). */
export type WordsT = (key: string, values?: Values) => string;

/** What the words need besides the parameters: application names by AID, the translator and the formatters. */
export type WordsContext = {
  readonly nameOf: (aid: string) => string;
  readonly t: WordsT;
  /** A calendar day ("2026-01-05", "2026年1月5日"). */
  readonly day: (iso: string) => string;
  /** An instant with its time and zone. */
  readonly instant: (iso: string) => string;
  readonly money: (amountMinor: number, currency: string) => string;
  /** A card's status word in the reader's language (the status-word catalogue, lib/reader/status-word-words.ts). */
  readonly statusWord: (sw: number) => string;
};

export type RenderedStep = { readonly title: string; readonly detail: string };

const q = (v: string | number | null | undefined) => (v === null || v === undefined ? "?" : v);

function issuerWords(r: ReloadRefusal, ctx: WordsContext): string {
  const { t } = ctx;
  const reason = r.params.issuerReason ? t(`issuerReasons.${r.params.issuerReason}`) : t("issuerReasons.none");
  return t("issuerRefused", { reason }) + (r.params.issuerText ? ` ${r.params.issuerText}` : "");
}

const app = (r: ReloadRefusal, ctx: WordsContext) => (r.applicationAid ? ctx.nameOf(r.applicationAid) : ctx.t("theApplication"));

function reason(r: ReloadRefusal, ctx: WordsContext): string {
  const { t } = ctx;
  const at = r.step === "permission" ? "permission" : r.step === "1107" ? "inquiry" : "desk";
  switch (r.code) {
    case "unknown-platform-type":
      return t("reasons.unknown-platform-type", { platformType: q(r.params.platformType) });
    case "not-a-reissued-card":
    case "old-load-not-successful":
    case "card-blocked":
      if (at === "permission") return issuerWords(r, ctx);
      break;
    case "issuer-refused":
      return r.params.issuerReason ? issuerWords(r, ctx) : t("reasons.issuer-refused");
  }
  const failure = r.params.loadFailure ? describeLoadFailure(r.params.loadFailure, ctx) : (r.params.failure ?? "");
  const values: Values = {
    at,
    app: app(r, ctx),
    aid: r.applicationAid ?? "",
    messageId: q(r.params.messageId),
    loadStatus: r.params.loadStatus ?? "none",
    when: r.params.at ? ctx.day(r.params.at) : "",
    hasWhen: r.params.at ? "yes" : "no",
    day: r.params.at ? ctx.day(r.params.at) : "?",
    hotListReason: r.params.hotListReason ?? "other",
    notes: (r.params.notes ?? []).map((n) => (typeof n === "string" ? n : describeExaminationNote(n, ctx))).join(" "),
    noFee: r.params.noFee ? "yes" : "no",
    failure,
    hasFailure: failure ? "yes" : "no",
  };
  return t(`reasons.${r.code}`, values);
}

/** Why a permission or load record ended without a load, in words (the card's status word with its meaning). */
export function describeLoadFailure(f: LoadFailure, ctx: Pick<WordsContext, "t" | "statusWord">): string {
  const { t } = ctx;
  switch (f.code) {
    case "card-refused":
      return t("failures.card-refused", { step: f.step, sw: f.sw, meaning: ctx.statusWord(parseInt(f.sw, 16)) });
    case "receipt-mismatch":
      return t("failures.receipt-mismatch", { problem: selectKey(f.problem) });
    case "grant-mismatch":
      return t("failures.grant-mismatch", { mismatch: selectKey(f.mismatch) });
    case "visit-ended":
      return t("failures.visit-ended", { why: selectKey(f.why) });
    case "expired":
    case "cancelled":
      return t(`failures.${f.code}`);
  }
}

/** One check of a first load's examination, in words (amounts in the reader's format). */
export function describeExaminationNote(n: ExaminationNote, ctx: Pick<WordsContext, "t" | "money">): string {
  const { t, money } = ctx;
  switch (n.code) {
    case "no-investigation":
      return t("examinationNotes.no-investigation", { policy: n.policyVersion });
    case "income-not-declared":
    case "not-credit":
      return t(`examinationNotes.${n.code}`);
    case "income-below-minimum":
    case "income-meets-minimum":
      return t(`examinationNotes.${n.code}`, { income: money(n.incomeMinor, n.currency), minimum: money(n.minimumMinor, n.currency) });
    case "no-room":
      return t("examinationNotes.no-room", { percent: n.percent, existing: money(n.existingMinor, n.currency) });
    case "limit":
      return t("examinationNotes.limit", {
        limit: money(n.limitMinor, n.currency),
        percent: n.percent,
        existing: money(n.existingMinor, n.currency),
        capped: n.capped ? "yes" : "no",
      });
  }
}

/** A refusal's short label, for lists and badges. */
export function refusalLabel(code: ReloadRefusalCode, t: WordsT): string {
  return t(`labels.${code}`);
}

/** A refusal in words: a version-1 case's stored sentence as it was, otherwise rendered from its code. */
export function describeRefusal(refusal: ReloadRefusal, ctx: WordsContext): string {
  if (refusal.params.legacyReason) return refusal.params.legacyReason;
  return reason(refusal, ctx);
}

/** One step of a case in words (the patent step number stays beside it, CaseSteps). */
export function describeCaseStep(step: CaseStep, ctx: WordsContext): RenderedStep {
  const { t, nameOf, day, instant, money } = ctx;
  const w = (values: Values) => ({ title: t(`steps.${step.code}.title`, values), detail: t(`steps.${step.code}.detail`, values) });
  switch (step.code) {
    case "legacy":
      return { title: step.params.title, detail: step.params.detail };
    case "reload-requested":
      return w({ names: step.params.aids.map(nameOf).join(t("separator")) });
    case "platform-dispatched":
      return w({ method: step.params.method, platformType: step.params.platformType });
    case "card-id-read":
      return w({ cardId: step.params.cardId });
    case "attribute-data-read":
      return w({ bytes: step.params.bytes });
    case "reissue-notice-found": {
      const p = step.params;
      return w({ cardId: p.cardId, oldCardId: p.oldCardId, reissuedAt: p.reissuedAt ? day(p.reissuedAt) : "?", via: p.via, messageId: p.messageId });
    }
    case "pull-sent":
      return w({ cardId: step.params.cardId, messageId: step.params.messageId });
    case "pull-waiting":
    case "inquiry-waiting":
    case "pull-not-named":
      return w({ messageId: step.params.messageId });
    case "pull-not-found":
      return w({ messageId: step.params.messageId, reason: step.params.reason === "not-a-reissued-card" ? "notReissued" : "other" });
    case "pull-found":
      return w({ messageId: step.params.messageId, cardId: step.params.cardId, oldCardId: step.params.oldCardId });
    case "old-card-records": {
      const p = step.params;
      const loads = p.loads.map((l) =>
        l.cardId && l.cardId !== p.oldCardId
          ? t("loadItemCard", { name: nameOf(l.aid), status: l.status, card: l.cardId })
          : t("loadItem", { name: nameOf(l.aid), status: l.status }),
      );
      return w({
        count: p.loads.length,
        oldCardId: p.oldCardId,
        earlier: p.earlierCardIds.join(", "),
        earlierCount: p.earlierCardIds.length,
        loads: loads.join(t("separator")) || t("none"),
      });
    }
    case "inquiry-sent":
      return w({ name: nameOf(step.params.aid), aid: step.params.aid, messageId: step.params.messageId });
    case "inquiry-answered":
      return w({
        name: nameOf(step.params.aid),
        reissue: step.params.reissue,
        originalMessageId: q(step.params.originalMessageId),
        ngReason: q(step.params.ngReason),
      });
    case "reloadable": {
      const p = step.params;
      return w({
        name: nameOf(p.aid),
        messageId: p.messageId,
        loadedAt: p.loadedAt ? day(p.loadedAt) : "?",
        customerName: p.customerName,
        examination: p.examination ? t("examinationReused", { outcome: p.examination.outcome, at: day(p.examination.at) }) : t("noExamination"),
        reissueFee: p.fee ? money(p.fee.reissueFeeMinor, p.fee.currency) : t("notSet"),
        normalFee: p.fee ? money(p.fee.normalFeeMinor, p.fee.currency) : "—",
      });
    }
    case "refused": {
      const p = step.params;
      const kind = !p.aid ? "none" : p.refusal.step === "permission" ? "permission" : p.refusal.step === "load" ? "load" : "other";
      return { title: t("steps.refused.title", { kind, name: p.aid ? nameOf(p.aid) : "" }), detail: describeRefusal(p.refusal, ctx) };
    }
    case "permission-carried": {
      const p = step.params;
      return w({
        name: nameOf(p.aid),
        via: p.via,
        messageId: p.messageId,
        originalMessageId: p.originalMessageId,
        expiresAt: instant(p.expiresAt),
        sourceType: p.sourceType,
        sourceMessageId: p.sourceMessageId,
      });
    }
    case "permission-requested":
      return w({ name: nameOf(step.params.aid), messageId: step.params.messageId, originalMessageId: step.params.originalMessageId });
    case "permission-granted": {
      const p = step.params;
      return w({
        name: nameOf(p.aid),
        messageId: p.messageId,
        originalMessageId: p.originalMessageId,
        expiresAt: p.expiresAt ? instant(p.expiresAt) : "",
        hasExpiry: p.expiresAt ? "yes" : "no",
      });
    }
    case "reloaded":
      return w({ name: nameOf(step.params.aid), messageId: step.params.messageId, originalMessageId: step.params.originalMessageId });
    case "visit-ended":
      return w({ unused: step.params.unusedPermissions, why: step.params.why === "lease-ended" ? "leaseEnded" : "desk" });
  }
}
