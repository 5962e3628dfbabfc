/**
 * The reload desk's words: every step code and refusal code of a reload case (reload-case.ts,
 * reload.ts) rendered for the reader. The case stores codes and parameters only; a language is one
 * more dictionary of the same shape (`ReloadWords`), chosen by locale, English when missing.
 */
import type { PermissionRefusalReason } from "../messages";
import { formatDate, formatInstant, formatMoney } from "../format";
import type { Locale } from "../notices";
import type { CaseStep, CaseStepCode, CaseStepParams } from "./reload-case";
import type { ReloadRefusal, ReloadRefusalCode } from "./reload";

/** What the words need besides the parameters: application names by AID (the desk's catalog). */
export type WordsContext = { readonly nameOf: (aid: string) => string };

export type RenderedStep = { readonly title: string; readonly detail: string };

/** One language's words for the reload desk. */
export type ReloadWords = {
  readonly steps: { readonly [C in CaseStepCode]: (p: CaseStepParams<C>, ctx: WordsContext, refusal: (r: ReloadRefusal) => string) => RenderedStep };
  readonly refusals: { readonly [C in ReloadRefusalCode]: { readonly label: string; readonly reason: (r: ReloadRefusal, ctx: WordsContext) => string } };
  readonly issuerReasons: Readonly<Record<PermissionRefusalReason, string>>;
};

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const day = (iso: string | null | undefined) => (iso ? formatDate(iso) : "?");

const ISSUER_REASONS_EN: Record<PermissionRefusalReason, string> = {
  "no-contract": "we have no contract with the issuer",
  "contract-suspended": "our contract with the issuer is suspended",
  "application-not-registered": "the application is not registered with the issuer",
  "application-not-approved": "the application is not approved by the issuer",
  "card-not-found": "the issuer does not know this card",
  "card-blocked": "the card is blocked",
  "card-terminated": "the card is terminated",
  "attribute-data-invalid": "the issuer could not read the card attribute data",
  "original-not-found": "the issuer found no original permission under that message id",
  "original-not-loaded": "the load on the old card was never confirmed",
  "not-a-reissued-card": "this card is not a reissued card",
  other: "another reason",
};

function issuerWords(r: ReloadRefusal): string {
  const reason = r.params.issuerReason ? ISSUER_REASONS_EN[r.params.issuerReason] : "no reason given";
  return `The issuer refused the permission: ${reason}.${r.params.issuerText ? ` ${r.params.issuerText}` : ""}`;
}

const app = (r: ReloadRefusal, ctx: WordsContext) => (r.applicationAid ? ctx.nameOf(r.applicationAid) : "The application");

const EN: ReloadWords = {
  issuerReasons: ISSUER_REASONS_EN,
  refusals: {
    "unknown-platform-type": {
      label: "Unknown platform type",
      reason: (r) =>
        `The card reports platform type ${r.params.platformType ?? "?"}, which this desk does not know: it cannot tell whether the card id may be read (method 1) or only the card attribute data (method 2). Nothing was sent to the issuer.`,
    },
    "card-locked": {
      label: "Card locked",
      reason: () =>
        "The card answered that it is locked (SW 6283): the issuer has blocked it, so nothing can be loaded on it. The cardholder should contact the issuer.",
    },
    "not-a-reissued-card": {
      label: "Not a reissued card",
      reason: (r) =>
        r.step === "permission"
          ? issuerWords(r)
          : r.step === "1107"
            ? "The issuer answered that this card is not a reissued card. There is nothing to reload; the customer can have the application loaded as a new one."
            : "This card is not a reissued card: its card id is not in the reissuance information we received, and the issuer confirmed it replaces no earlier card. There is nothing to reload; the customer can have the application loaded as a new one.",
    },
    "no-load-of-ours-on-old-card": {
      label: "Nothing of ours on the old card",
      reason: () =>
        "The issuer has no reissuance information for us about this card: none of our applications was loaded on the card it replaces. There is nothing to reload; the customer can have the application loaded as a new one.",
    },
    "card-unknown": { label: "Card unknown to the issuer", reason: () => "The issuer does not know this card. It may not be one of its cards." },
    "application-not-on-old-card": {
      label: "Application not on the old card",
      reason: (r, ctx) =>
        r.step === "1107"
          ? `The issuer answered that ${app(r, ctx)} was not loaded by us on the card this one replaces, so it cannot be reloaded.`
          : `${app(r, ctx)} was not on the old card, so it cannot be reloaded: loading it would be a new load with its own examination and the normal fee.`,
    },
    "old-load-not-successful": {
      label: "Old load not successful",
      reason: (r, ctx) =>
        r.step === "permission"
          ? issuerWords(r)
          : r.step === "1107"
            ? `The issuer answered that the load of ${app(r, ctx)} on the old card was never confirmed, so there is no earlier examination to reuse.`
            : `${app(r, ctx)} was not loaded successfully on the old card (our record ${r.params.messageId ?? "?"} is ${r.params.loadStatus ?? "not loaded"}), so there is no earlier examination to reuse.`,
    },
    "already-reloaded": {
      label: "Already reloaded",
      reason: (r, ctx) =>
        `${app(r, ctx)} of the old card was already reloaded${r.params.at ? ` on ${formatDate(r.params.at)}` : ""} under message id ${r.params.messageId ?? "?"}; a load on an old card is reloaded once.`,
    },
    "reload-in-progress": {
      label: "Reload in progress elsewhere",
      reason: (r, ctx) => `${app(r, ctx)} of the old card is being reloaded at another desk right now. Nothing was sent to the issuer.`,
    },
    "attribute-data-invalid": {
      label: "Card attribute data refused",
      reason: () => "The issuer could not read the card attribute data this card gave us. Read the card again; if it persists, the card may be faulty.",
    },
    "load-record-not-found": {
      label: "No load record under that message id",
      reason: (r, ctx) =>
        `The issuer named message id ${r.params.messageId ?? "?"}, but we hold no load record of ${app(r, ctx)} under it. Check the load records before going on.`,
    },
    "card-blocked": {
      label: "Card blocked",
      reason: (r) =>
        r.step === "permission"
          ? issuerWords(r)
          : `This card is on our hot list: the issuer told us on ${day(r.params.at)} that it was reported ${r.params.hotListReason === "stolen" ? "stolen" : r.params.hotListReason === "lost" ? "lost" : "missing"} (message ${r.params.messageId ?? "?"}). Do not use it or change its value; the cardholder should contact the issuer.`,
    },
    "issuer-refused": { label: "Issuer refused", reason: (r) => (r.params.issuerReason ? issuerWords(r) : "No application could be reloaded.") },
    "examination-declined": {
      label: "Examination declined",
      reason: (r, ctx) => `Our examination declined ${app(r, ctx)}: ${(r.params.notes ?? []).join(" ")}`,
    },
    "not-our-application": {
      label: "Not one of our applications",
      reason: (r, ctx) =>
        r.params.noFee
          ? `No fee is set for ${app(r, ctx)}: set one before loading it.`
          : `${r.applicationAid ?? "This application"} is not one of our applications: this desk cannot load it.`,
    },
    "card-refused-load": { label: "Card refused the load", reason: (r) => `Nothing was loaded${r.params.failure ? `: ${r.params.failure}` : "."}` },
    "no-such-permission": { label: "No such permission", reason: () => "This desk holds no granted permission with that id." },
    "not-recorded": { label: "Not recorded", reason: (r) => `The desk's server did not record the load${r.params.failure ? `: ${r.params.failure}` : "."}` },
    "receipt-mismatch": { label: "Receipt does not match", reason: (r) => `Nothing was recorded as loaded${r.params.failure ? `: ${r.params.failure}` : "."}` },
  },
  steps: {
    "reload-requested": (p, ctx) => ({ title: "Reload requested", detail: `The customer asks to reload ${p.aids.map(ctx.nameOf).join(", ")}.` }),
    "platform-dispatched": (p) => ({
      title: "Platform type dispatched (Fig. 18)",
      detail:
        p.method === 1
          ? `Platform type ${p.platformType}: third parties may read the card id, so this is method 1 (Figs. 6, 7).`
          : `Platform type ${p.platformType}: only the issuer can read the card id; this card gives card attribute data, so this is method 2 (Fig. 11).`,
    }),
    "card-id-read": (p) => ({ title: "Card id read from the card", detail: `GET DATA tag 45 answered card id ${p.cardId}.` }),
    "attribute-data-read": (p) => ({
      title: "Card attribute data read from the card",
      detail: `GET DATA tag DF7A answered ${p.bytes} bytes only the issuer can decrypt.`,
    }),
    "reissue-notice-found": (p) => ({
      title: "Found in the reissuance information received",
      detail: `Card ${p.cardId} replaces old card ${p.oldCardId} (reissued ${day(p.reissuedAt)}, ${p.via === "push" ? "notified by the issuer" : "pulled from the issuer"} in message ${p.messageId}).`,
    }),
    "pull-sent": (p) => ({
      title: "Not in the reissuance information received: asking the issuer (Fig. 19)",
      detail: `Card id ${p.cardId} is not in our Fig. 13 data. Sent reissuance-information-request ${p.messageId}.`,
    }),
    "pull-waiting": (p) => ({ title: "Waiting for the issuer", detail: `The issuer has not answered ${p.messageId} yet. Check again in a moment.` }),
    "pull-not-found": (p) => ({
      title: "The issuer has no reissuance information for us",
      detail: `Reply ${p.messageId}: ${p.reason === "not-a-reissued-card" ? "this card replaces no earlier card" : "none of our applications was on the card it replaces"}.`,
    }),
    "pull-not-named": (p) => ({ title: "The issuer's pairs do not name this card", detail: `Reply ${p.messageId} lists other cards.` }),
    "pull-found": (p) => ({
      title: "Reissuance information received from the issuer",
      detail: `Reply ${p.messageId}: card ${p.cardId} replaces old card ${p.oldCardId}. Stored as Fig. 13 data.`,
    }),
    "old-card-records": (p, ctx) => ({
      title: "Old card found in our records (Fig. 14)",
      detail: `${plural(p.loads.length, "load record")} under old card id ${p.oldCardId}${
        p.earlierCardIds.length ? ` and the earlier card${p.earlierCardIds.length > 1 ? "s" : ""} it replaced (${p.earlierCardIds.join(", ")})` : ""
      }: ${p.loads.map((l) => `${ctx.nameOf(l.aid)} (${l.status}${l.cardId && l.cardId !== p.oldCardId ? `, card ${l.cardId}` : ""})`).join(", ") || "none"}.`,
    }),
    "inquiry-sent": (p, ctx) => ({
      title: `Card information inquiry for ${ctx.nameOf(p.aid)}`,
      detail: `Sent the card attribute data and application id ${p.aid} to the issuer in card-information-inquiry ${p.messageId}.`,
    }),
    "inquiry-waiting": (p) => ({ title: "Waiting for the issuer", detail: `The issuer has not answered ${p.messageId} yet. Check again in a moment.` }),
    "inquiry-answered": (p, ctx) => ({
      title: `Issuer's answer for ${ctx.nameOf(p.aid)} (Fig. 15)`,
      detail:
        p.reissue === "OK" ? `Reissue OK; the application was loaded on the old card under message id ${p.originalMessageId}.` : `Reissue NG: ${p.ngReason}.`,
    }),
    reloadable: (p, ctx) => ({
      title: `${ctx.nameOf(p.aid)} was loaded on the old card: reloadable`,
      detail: `Load record ${p.messageId} (${day(p.loadedAt)}) for ${p.customerName}; examination ${p.examination ? `${p.examination.outcome} on ${day(p.examination.at)}, reused` : "none on record"}; reissue fee ${
        p.fee ? formatMoney(p.fee.reissueFeeMinor, p.fee.currency) : "not set"
      } instead of the normal ${p.fee ? formatMoney(p.fee.normalFeeMinor, p.fee.currency) : "—"}.`,
    }),
    refused: (p, ctx, refusal) => {
      const name = p.aid ? ctx.nameOf(p.aid) : null;
      const title = !name
        ? "Reload cancelled"
        : p.refusal.step === "permission"
          ? `Reload of ${name} refused by the issuer`
          : p.refusal.step === "load"
            ? `${name} not loaded`
            : `Reload of ${name} cancelled`;
      return { title, detail: refusal(p.refusal) };
    },
    "permission-carried": (p, ctx) => ({
      title: `Reload permission granted for ${ctx.nameOf(p.aid)} (with the issuer's ${p.via === "push" ? "notification" : "answer"})`,
      detail: `Permission ${p.messageId} (refers to ${p.originalMessageId}), valid until ${formatInstant(p.expiresAt)}, came with ${p.sourceType} ${p.sourceMessageId}: nothing asked of the issuer; no new examination (claim 12).`,
    }),
    "permission-requested": (p, ctx) => ({
      title: `Reload permission requested for ${ctx.nameOf(p.aid)}`,
      detail: `Sent reload-permission-request ${p.messageId} referring to the original permission ${p.originalMessageId}; no new examination (claim 12).`,
    }),
    "permission-granted": (p, ctx) => ({
      title: `Reload permission granted for ${ctx.nameOf(p.aid)}`,
      detail: `Permission ${p.messageId} (refers to ${p.originalMessageId})${p.expiresAt ? `, valid until ${formatInstant(p.expiresAt)}` : ""}.`,
    }),
    reloaded: (p, ctx) => ({
      title: `${ctx.nameOf(p.aid)} reloaded`,
      detail: `The card accepted the load under ${p.messageId}; load recorded, linked to ${p.originalMessageId}, reissue fee charged.`,
    }),
    "visit-ended": (p) => ({
      title: "Visit ended at the desk",
      detail:
        p.unusedPermissions > 0
          ? `${plural(p.unusedPermissions, "unused permission")} given up: ${p.why === "lease-ended" ? "the card went back to its holder (lease ended)" : "the desk ended the visit before loading"}.`
          : p.why === "lease-ended"
            ? "The card went back to its holder (lease ended)."
            : "The operator ended the visit.",
    }),
    legacy: (p) => ({ title: p.title, detail: p.detail }),
  },
};

const WORDS: { readonly en: ReloadWords } & Partial<Record<Locale, ReloadWords>> = { en: EN };

/** The dictionary for a locale (English until that language's dictionary exists). */
export function reloadWords(locale: Locale = "en"): ReloadWords {
  return WORDS[locale] ?? WORDS.en;
}

/** A refusal's short label, for lists and badges. */
export function refusalLabel(code: ReloadRefusalCode, locale: Locale = "en"): string {
  return reloadWords(locale).refusals[code].label;
}

/** A refusal in words: a version-1 case's stored sentence as it was, otherwise rendered from its code. */
export function describeRefusal(refusal: ReloadRefusal, ctx: WordsContext, locale: Locale = "en"): string {
  if (refusal.params.legacyReason) return refusal.params.legacyReason;
  return reloadWords(locale).refusals[refusal.code].reason(refusal, ctx);
}

/** One step of a case in words. */
export function describeCaseStep(step: CaseStep, ctx: WordsContext, locale: Locale = "en"): RenderedStep {
  const words = reloadWords(locale);
  const render = words.steps[step.code] as (p: CaseStep["params"], c: WordsContext, r: (x: ReloadRefusal) => string) => RenderedStep;
  return render(step.params, ctx, (r) => describeRefusal(r, ctx, locale));
}
