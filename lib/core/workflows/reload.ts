/**
 * The reload desk's decisions (patent Figs. 7, 11, 18; claims 12 and 14), as pure functions over what
 * the provider's own records and the issuer's answers say. The server gathers the facts (its tables,
 * the messages it received); these functions decide and name the refusal by a code and parameters,
 * with the patent step it belongs to; reload-words.ts renders them, so every desk says the same thing
 * for the same situation in its reader's language.
 */
import { z } from "zod";
import { PERMISSION_REFUSAL_REASONS, type CardInformationNgReason, type PermissionRefusalReason, type ReissuanceNotFoundReason } from "../messages";
import { assertNever, err, ok, type Result } from "../result";
import { ExaminationNoteSchema } from "./first-load";
import { LoadFailureSchema } from "./load-failure";

/**
 * Why a load or reload cannot go ahead. Every one of them ends the flow for that application and is
 * recorded (with the reload case, or with the permission and load record of a first load).
 */
export const RELOAD_REFUSAL_CODES = [
  "unknown-platform-type",
  "card-locked",
  "not-a-reissued-card",
  "no-load-of-ours-on-old-card",
  "card-unknown",
  "application-not-on-old-card",
  "old-load-not-successful",
  "already-reloaded",
  "reload-in-progress",
  "attribute-data-invalid",
  "load-record-not-found",
  "card-blocked",
  "issuer-refused",
  "examination-declined",
  "not-our-application",
  "card-refused-load",
  "receipt-mismatch",
  "no-such-permission",
  "not-recorded",
] as const;
export type ReloadRefusalCode = (typeof RELOAD_REFUSAL_CODES)[number];

/**
 * What a refusal names besides its code: values, never sentences (store codes, render words: the
 * words are in reload-words.ts, keyed by code, in the reader's language).
 */
export const RefusalParamsSchema = z
  .object({
    /** The platform type the card reported (unknown-platform-type). */
    platformType: z.number().int().optional(),
    /** A message id the refusal is about: the old load's, the reload that already happened, the one the issuer named. */
    messageId: z.string().max(80).optional(),
    /** The old load's status (old-load-not-successful at 708/1106). */
    loadStatus: z.enum(["pending", "loaded", "failed"]).optional(),
    /** An instant (ISO 8601): when the old load was reloaded, when the card was blocked. */
    at: z.string().max(40).optional(),
    /** Hot list: why the card was blocked, and the issuer's block message. */
    hotListReason: z.string().max(40).optional(),
    /** The issuer's refusal code of a permission (its words, if any, are read from the permission, not stored here). */
    issuerReason: z.enum(PERMISSION_REFUSAL_REASONS).optional(),
    /** Filled at read time only, from the permission row: the issuer's own text, the card's failure. */
    issuerText: z.string().max(1000).optional(),
    failure: z.string().max(1000).optional(),
    /** Why the card's load failed, as the permission row keeps it (codes: the card's status word, not its words). */
    loadFailure: LoadFailureSchema.optional(),
    /** A first load with no fee set (not-our-application). */
    noFee: z.boolean().optional(),
    /** A first load's examination notes (examination-declined): codes; cases stored before them hold the English lines. */
    notes: z
      .array(z.union([ExaminationNoteSchema, z.string().max(300)]))
      .max(20)
      .optional(),
    /** Case documents of version 1 stored the sentence itself; kept to show old cases as they were. */
    legacyReason: z.string().max(2000).optional(),
  })
  .strict();
export type RefusalParams = z.infer<typeof RefusalParamsSchema>;

/** A refusal as the case records it and the desk renders it (first loads use the same shape). */
export const ReloadRefusalSchema = z.object({
  code: z.enum(RELOAD_REFUSAL_CODES),
  /** The patent step (or flow) where the flow stopped, e.g. "707", "1107", "1802". */
  step: z.string().max(40),
  params: RefusalParamsSchema,
  /** Whether offering a normal first load instead makes sense (the customer may still want the application). */
  canContinueAsFirstLoad: z.boolean(),
  /** The application the refusal is about, when it is about one. */
  applicationAid: z.string().max(32).optional(),
});
export type ReloadRefusal = z.infer<typeof ReloadRefusalSchema>;

/** Which reissue method the card's platform type selects. */
export type ReloadMethod = 1 | 2;

const FIRST_LOAD_OK: Record<ReloadRefusalCode, boolean> = {
  "unknown-platform-type": false,
  "card-locked": false,
  "not-a-reissued-card": true,
  "no-load-of-ours-on-old-card": true,
  "card-unknown": false,
  "application-not-on-old-card": true,
  "old-load-not-successful": true,
  "already-reloaded": false,
  "reload-in-progress": false,
  "attribute-data-invalid": false,
  "load-record-not-found": false,
  "card-blocked": false,
  "issuer-refused": false,
  "examination-declined": false,
  "not-our-application": false,
  "card-refused-load": false,
  "receipt-mismatch": false,
  "no-such-permission": false,
  "not-recorded": false,
};

/** Builds a refusal with its step and parameters (the words come from reload-words.ts). */
export function reloadRefusal(code: ReloadRefusalCode, step: string, params: RefusalParams = {}, applicationAid?: string): ReloadRefusal {
  return { code, step, params, canContinueAsFirstLoad: FIRST_LOAD_OK[code], ...(applicationAid ? { applicationAid } : {}) };
}

/**
 * Fig. 18 at the desk (steps 1801–1804): the platform type read from the card (tag DF70) picks the
 * method. Anything but 100 or 200 is refused: the desk never guesses a method.
 */
export function dispatchPlatformType(platformType: number): Result<ReloadMethod, ReloadRefusal> {
  if (platformType === 100) return ok(1);
  if (platformType === 200) return ok(2);
  return err(reloadRefusal("unknown-platform-type", "1802", { platformType: Number.isFinite(platformType) ? Math.trunc(platformType) : -1 }));
}

/** A card that answers SELECT of its security domain with 6283 is CARD_LOCKED: the issuer has blocked it. */
export function checkCardNotLocked(isCardLocked: boolean): Result<true, ReloadRefusal> {
  return isCardLocked ? err(reloadRefusal("card-locked", "702")) : ok(true);
}

/** A hot list entry as the desk receives it: codes and values (never stored as words). */
export type HotListHit = { readonly code: "card-blocked"; readonly reason: string; readonly blockedAt: string; readonly blockMessageId: string };

/** The hot list at the desk: a blocked card is refused before anything is asked or changed. */
export function checkNotOnHotList(hit: HotListHit | null): Result<true, ReloadRefusal> {
  return hit ? err(reloadRefusal("card-blocked", "hot list", { hotListReason: hit.reason, at: hit.blockedAt, messageId: hit.blockMessageId })) : ok(true);
}

/** What the provider knows about the reissued card id it read (Fig. 13 data, possibly just pulled). */
export type ReissueLookup =
  | { readonly status: "found"; readonly oldCardId: string; readonly via: "push" | "pull" }
  | { readonly status: "not-found"; readonly reason: ReissuanceNotFoundReason };

/**
 * Method 1, steps 704/707 (with Fig. 19's pull, 408/409, already tried when the card id was not in
 * the received information): the old card, or why there is none for this provider.
 */
export function concludeReissueLookup(lookup: ReissueLookup): Result<{ oldCardId: string; via: "push" | "pull" }, ReloadRefusal> {
  switch (lookup.status) {
    case "found":
      return ok({ oldCardId: lookup.oldCardId, via: lookup.via });
    case "not-found":
      switch (lookup.reason) {
        case "not-a-reissued-card":
          return err(reloadRefusal("not-a-reissued-card", "707"));
        case "no-application-of-yours-on-old-card":
          return err(reloadRefusal("no-load-of-ours-on-old-card", "707"));
        default:
          return assertNever(lookup.reason, "reissuance not-found reason");
      }
    default:
      return assertNever(lookup, "reissue lookup");
  }
}

/** One of the provider's load records, as the reload checks need it (Figs. 14 and 17). */
export type OldLoad = {
  readonly id: string;
  readonly messageId: string;
  readonly applicationAid: string;
  readonly status: "pending" | "loaded" | "failed";
  readonly loadedAt: Date | null;
  /** A successful reload of this load already recorded (one reload per old load). */
  readonly reloadedBy: { readonly messageId: string; readonly loadedAt: Date | null } | null;
};

function checkReloadable(aid: string, load: OldLoad, step: string): Result<OldLoad, ReloadRefusal> {
  if (load.status !== "loaded") return err(reloadRefusal("old-load-not-successful", step, { messageId: load.messageId, loadStatus: load.status }, aid));
  if (load.reloadedBy) {
    return err(
      reloadRefusal(
        "already-reloaded",
        step,
        { messageId: load.reloadedBy.messageId, ...(load.reloadedBy.loadedAt ? { at: load.reloadedBy.loadedAt.toISOString() } : {}) },
        aid,
      ),
    );
  }
  return ok(load);
}

/**
 * Method 1, steps 706/708/710: among the provider's records of the old card (Fig. 14, by card id),
 * the load of the requested application that can be reloaded.
 */
export function checkOldCardApplication(aid: string, loadsOnOldCard: readonly OldLoad[]): Result<OldLoad, ReloadRefusal> {
  const loads = loadsOnOldCard.filter((l) => l.applicationAid === aid);
  if (loads.length === 0) return err(reloadRefusal("application-not-on-old-card", "710", {}, aid));
  const loaded = loads.find((l) => l.status === "loaded" && !l.reloadedBy) ?? loads.find((l) => l.status === "loaded") ?? loads[0]!;
  return checkReloadable(aid, loaded, "708");
}

/** Method 2, steps 1105/1107: the Fig. 15 reply (reissue OK with the original message id, or NG). */
export function concludeCardInformationReply(
  aid: string,
  result: { readonly reissue: "OK"; readonly originalMessageId: string } | { readonly reissue: "NG"; readonly reason: CardInformationNgReason },
): Result<{ originalMessageId: string }, ReloadRefusal> {
  if (result.reissue === "OK") return ok({ originalMessageId: result.originalMessageId });
  switch (result.reason) {
    case "attribute-data-invalid":
      return err(reloadRefusal("attribute-data-invalid", "1107", {}, aid));
    case "card-not-found":
      return err(reloadRefusal("card-unknown", "1107", {}, aid));
    case "not-a-reissued-card":
      return err(reloadRefusal("not-a-reissued-card", "1107", {}, aid));
    case "application-not-on-old-card":
      return err(reloadRefusal("application-not-on-old-card", "1107", {}, aid));
    case "old-load-not-successful":
      return err(reloadRefusal("old-load-not-successful", "1107", {}, aid));
    default:
      return assertNever(result.reason, "card information NG reason");
  }
}

/** Method 2, step 1106: the provider's load record under the message id from the Fig. 15 reply (Fig. 17). */
export function checkLoadByMessageId(aid: string, originalMessageId: string, record: OldLoad | null): Result<OldLoad, ReloadRefusal> {
  if (!record || record.applicationAid !== aid) return err(reloadRefusal("load-record-not-found", "1106", { messageId: originalMessageId }, aid));
  return checkReloadable(aid, record, "1106");
}

/**
 * The issuer's refusal of a reload (or first-load) permission, as a desk refusal. The issuer's own
 * text, when the desk shows it, is read from the permission row (it is the issuer's, not ours).
 */
export function refusalFromIssuer(aid: string, reason: PermissionRefusalReason): ReloadRefusal {
  switch (reason) {
    case "card-blocked":
    case "card-terminated":
      return reloadRefusal("card-blocked", "permission", { issuerReason: reason }, aid);
    case "not-a-reissued-card":
      return reloadRefusal("not-a-reissued-card", "permission", { issuerReason: reason }, aid);
    case "original-not-loaded":
      return reloadRefusal("old-load-not-successful", "permission", { issuerReason: reason }, aid);
    case "no-contract":
    case "contract-suspended":
    case "application-not-registered":
    case "application-not-approved":
    case "card-not-found":
    case "attribute-data-invalid":
    case "original-not-found":
    case "other":
      return reloadRefusal("issuer-refused", "permission", { issuerReason: reason }, aid);
    default:
      return assertNever(reason, "permission refusal reason");
  }
}

/** What the provider charges its user for a load (claim 14): the reissue fee on a reload, the normal fee otherwise. */
export function userChargeFor(
  kind: "first_load" | "reload",
  fee: { readonly normalFeeMinor: number; readonly reissueFeeMinor: number; readonly currency: string },
): { kind: "normal_load" | "reissue_reload"; amountMinor: number; currency: string } {
  return kind === "reload"
    ? { kind: "reissue_reload", amountMinor: fee.reissueFeeMinor, currency: fee.currency }
    : { kind: "normal_load", amountMinor: fee.normalFeeMinor, currency: fee.currency };
}

/** A case ends reloaded if at least one application was reloaded, refused if every one was refused. */
export function caseOutcome(results: readonly ("reloaded" | "refused" | "failed")[]): "reloaded" | "refused" {
  return results.includes("reloaded") ? "reloaded" : "refused";
}
