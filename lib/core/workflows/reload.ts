/**
 * The reload desk's decisions (patent Figs. 7, 11, 18; claims 12 and 14), as pure functions over what
 * the provider's own records and the issuer's answers say. The server gathers the facts (its tables,
 * the messages it received); these functions decide and name the refusal in plain words, with the
 * patent step it belongs to, so every desk says the same thing for the same situation.
 */
import type { CardInformationNgReason, PermissionRefusalReason, ReissuanceNotFoundReason } from "../messages";
import { assertNever, err, ok, type Result } from "../result";

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
] as const;
export type ReloadRefusalCode = (typeof RELOAD_REFUSAL_CODES)[number];

/** A refusal as the operator sees it and as the case records it (first loads use the same shape). */
export type ReloadRefusal = {
  readonly code: ReloadRefusalCode;
  /** The patent step (or flow) where the flow stopped, e.g. "707", "1107", "1802". */
  readonly step: string;
  /** A sentence for the operator and the customer. */
  readonly reason: string;
  /** Whether offering a normal first load instead makes sense (the customer may still want the application). */
  readonly canContinueAsFirstLoad: boolean;
  /** The application the refusal is about, when it is about one. */
  readonly applicationAid?: string;
};

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
};

/** Builds a refusal with its step and plain-words reason. */
export function reloadRefusal(code: ReloadRefusalCode, step: string, reason: string, applicationAid?: string): ReloadRefusal {
  return { code, step, reason, canContinueAsFirstLoad: FIRST_LOAD_OK[code], ...(applicationAid ? { applicationAid } : {}) };
}

/** Short label of each refusal, for lists and badges. */
export const RELOAD_REFUSAL_LABELS: Record<ReloadRefusalCode, string> = {
  "unknown-platform-type": "Unknown platform type",
  "card-locked": "Card locked",
  "not-a-reissued-card": "Not a reissued card",
  "no-load-of-ours-on-old-card": "Nothing of ours on the old card",
  "card-unknown": "Card unknown to the issuer",
  "application-not-on-old-card": "Application not on the old card",
  "old-load-not-successful": "Old load not successful",
  "already-reloaded": "Already reloaded",
  "reload-in-progress": "Reload in progress elsewhere",
  "attribute-data-invalid": "Card attribute data refused",
  "load-record-not-found": "No load record under that message id",
  "card-blocked": "Card blocked",
  "issuer-refused": "Issuer refused",
  "examination-declined": "Examination declined",
  "not-our-application": "Not one of our applications",
  "card-refused-load": "Card refused the load",
  "receipt-mismatch": "Receipt does not match",
};

/**
 * Fig. 18 at the desk (steps 1801–1804): the platform type read from the card (tag DF70) picks the
 * method. Anything but 100 or 200 is refused: the desk never guesses a method.
 */
export function dispatchPlatformType(platformType: number): Result<ReloadMethod, ReloadRefusal> {
  if (platformType === 100) return ok(1);
  if (platformType === 200) return ok(2);
  return err(
    reloadRefusal(
      "unknown-platform-type",
      "1802",
      `The card reports platform type ${platformType}, which this desk does not know: it cannot tell whether the card id may be read (method 1) or only the card attribute data (method 2). Nothing was sent to the issuer.`,
    ),
  );
}

/** A card that answers SELECT of its security domain with 6283 is CARD_LOCKED: the issuer has blocked it. */
export function checkCardNotLocked(isCardLocked: boolean): Result<true, ReloadRefusal> {
  return isCardLocked
    ? err(reloadRefusal("card-locked", "702", "The card answered that it is locked (SW 6283): the issuer has blocked it, so nothing can be loaded on it. The cardholder should contact the issuer."))
    : ok(true);
}

/** A hot list entry as the desk receives it: codes and values, worded here (never stored as words). */
export type HotListHit = { readonly code: "card-blocked"; readonly reason: string; readonly blockedAt: string; readonly blockMessageId: string };

/** The words for a hot list hit, in the operator's language. */
export function describeHotListHit(hit: HotListHit): string {
  const what = hit.reason === "stolen" ? "stolen" : hit.reason === "lost" ? "lost" : "missing";
  return `This card is on our hot list: the issuer told us on ${hit.blockedAt.slice(0, 10)} that it was reported ${what} (message ${hit.blockMessageId}). Do not use it or change its value; the cardholder should contact the issuer.`;
}

/** The hot list at the desk: a blocked card is refused before anything is asked or changed. */
export function checkNotOnHotList(hit: HotListHit | null): Result<true, ReloadRefusal> {
  return hit ? err(reloadRefusal("card-blocked", "hot list", describeHotListHit(hit))) : ok(true);
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
          return err(
            reloadRefusal(
              "not-a-reissued-card",
              "707",
              "This card is not a reissued card: its card id is not in the reissuance information we received, and the issuer confirmed it replaces no earlier card. There is nothing to reload; the customer can have the application loaded as a new one.",
            ),
          );
        case "no-application-of-yours-on-old-card":
          return err(
            reloadRefusal(
              "no-load-of-ours-on-old-card",
              "707",
              "The issuer has no reissuance information for us about this card: none of our applications was loaded on the card it replaces. There is nothing to reload; the customer can have the application loaded as a new one.",
            ),
          );
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
  if (load.status !== "loaded") {
    return err(
      reloadRefusal(
        "old-load-not-successful",
        step,
        `The application ${aid} was not loaded successfully on the old card (our record ${load.messageId} is ${load.status}), so there is no earlier examination to reuse.`,
        aid,
      ),
    );
  }
  if (load.reloadedBy) {
    const when = load.reloadedBy.loadedAt ? ` on ${load.reloadedBy.loadedAt.toISOString().slice(0, 10)}` : "";
    return err(
      reloadRefusal(
        "already-reloaded",
        step,
        `The application ${aid} of the old card was already reloaded${when} under message id ${load.reloadedBy.messageId}; a load on an old card is reloaded once.`,
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
  if (loads.length === 0) {
    return err(
      reloadRefusal(
        "application-not-on-old-card",
        "710",
        `The application ${aid} was not on the old card, so it cannot be reloaded: loading it would be a new load with its own examination and the normal fee.`,
        aid,
      ),
    );
  }
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
      return err(reloadRefusal("attribute-data-invalid", "1107", "The issuer could not read the card attribute data this card gave us. Read the card again; if it persists, the card may be faulty.", aid));
    case "card-not-found":
      return err(reloadRefusal("card-unknown", "1107", "The issuer does not know this card. It may not be one of its cards.", aid));
    case "not-a-reissued-card":
      return err(
        reloadRefusal(
          "not-a-reissued-card",
          "1107",
          "The issuer answered that this card is not a reissued card. There is nothing to reload; the customer can have the application loaded as a new one.",
          aid,
        ),
      );
    case "application-not-on-old-card":
      return err(
        reloadRefusal(
          "application-not-on-old-card",
          "1107",
          `The issuer answered that the application ${aid} was not loaded by us on the card this one replaces, so it cannot be reloaded.`,
          aid,
        ),
      );
    case "old-load-not-successful":
      return err(
        reloadRefusal(
          "old-load-not-successful",
          "1107",
          `The issuer answered that the load of ${aid} on the old card was never confirmed, so there is no earlier examination to reuse.`,
          aid,
        ),
      );
    default:
      return assertNever(result.reason, "card information NG reason");
  }
}

/** Method 2, step 1106: the provider's load record under the message id from the Fig. 15 reply (Fig. 17). */
export function checkLoadByMessageId(aid: string, originalMessageId: string, record: OldLoad | null): Result<OldLoad, ReloadRefusal> {
  if (!record || record.applicationAid !== aid) {
    return err(
      reloadRefusal(
        "load-record-not-found",
        "1106",
        `The issuer named message id ${originalMessageId}, but we hold no load record of ${aid} under it. Check the load records before going on.`,
        aid,
      ),
    );
  }
  return checkReloadable(aid, record, "1106");
}

/** The issuer's refusal of a reload (or first-load) permission, in the desk's words. */
export function refusalFromIssuer(aid: string, reason: PermissionRefusalReason, text: string): ReloadRefusal {
  switch (reason) {
    case "card-blocked":
    case "card-terminated":
      return reloadRefusal("card-blocked", "permission", `The issuer refused: the card is ${reason === "card-blocked" ? "blocked" : "terminated"}. ${text}`, aid);
    case "not-a-reissued-card":
      return reloadRefusal("not-a-reissued-card", "permission", `The issuer refused: this card is not a reissued card. ${text}`, aid);
    case "original-not-loaded":
      return reloadRefusal("old-load-not-successful", "permission", `The issuer refused: the load on the old card was never confirmed. ${text}`, aid);
    case "no-contract":
    case "contract-suspended":
    case "application-not-registered":
    case "application-not-approved":
    case "card-not-found":
    case "attribute-data-invalid":
    case "original-not-found":
    case "other":
      return reloadRefusal("issuer-refused", "permission", `The issuer refused the permission (${reason}): ${text}`, aid);
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
