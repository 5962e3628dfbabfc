/**
 * The issuer's reissue request as a small state machine (Figs. 5 and 9): a request is reported
 * (steps 401/801), examined by the issuer's policy (502/902), and approved (503/903) or rejected
 * with a reason the cardholder sees (504/904). Pure: the server supplies the facts and the clock.
 */
import { assertNever, err, ok, type Result } from "../result";

/** Why a card is to be replaced. Lost and stolen cards are blocked the moment they are reported. */
export const REISSUE_REASONS = ["lost", "stolen", "damaged"] as const;
export type ReissueReason = (typeof REISSUE_REASONS)[number];
/** Every reason a request may carry: the cardholder's, plus the issuer's own renewal and the permanent card for a temporary one. */
export type RequestReason = ReissueReason | "renewal" | "permanent";

export type ReissueStatus = "pending" | "approved" | "rejected" | "withdrawn";
/** `issued`: a renewed card (or a permanent one for a temporary card) waiting for the cardholder to activate it. */
export type CardStatus = "issued" | "active" | "blocked" | "terminated";

/** The issuer's examination policy (iss_policy): thresholds are data, not constants. */
export type ReissuePolicy = {
  readonly maxReissuesPerYear: number;
  readonly requireIdentityVerified: boolean;
  readonly rejectOnFraudFlag: boolean;
};

/** What the issuer knows about the request when it examines it. */
export type ExaminationFacts = {
  readonly identityVerified: boolean;
  /** Reissues approved for this cardholder in the current UTC calendar year. */
  readonly reissuesThisYear: number;
  readonly cardStatus: CardStatus;
  /** The card already has a successor (it was replaced by another request). */
  readonly alreadyReplaced: boolean;
  readonly fraudFlag: boolean;
};

export const EXAMINATION_CHECKS = ["identity", "reissues-this-year", "card-status", "fraud-flag"] as const;
export type ExaminationCheckId = (typeof EXAMINATION_CHECKS)[number];

/** Why a check came out as it did, as a code the pages word in the reader's language (`detail` is its English). */
export type ExaminationNote =
  | "identity-verified"
  | "identity-missing"
  | "identity-not-required"
  | "reissues-count"
  | "card-blocked"
  | "card-active"
  | "card-replaced"
  | "fraud-refused"
  | "fraud-ignored"
  | "fraud-none";

export type ExaminationCheck = {
  readonly id: ExaminationCheckId;
  readonly label: string;
  readonly passed: boolean;
  readonly detail: string;
  /** Absent on examinations stored before it existed. */
  readonly note?: ExaminationNote;
  readonly params?: { readonly count: number; readonly max: number };
};

/** The checklist of steps 502/902 and its verdict. */
export type Examination = { readonly passed: boolean; readonly checks: readonly ExaminationCheck[] };

function check(id: ExaminationCheckId, policy: ReissuePolicy, facts: ExaminationFacts): ExaminationCheck {
  switch (id) {
    case "identity":
      return policy.requireIdentityVerified
        ? {
            id,
            label: "Identity verified",
            passed: facts.identityVerified,
            note: facts.identityVerified ? "identity-verified" : "identity-missing",
            detail: facts.identityVerified
              ? "The cardholder's identity was verified."
              : "The policy requires a verified identity and this cardholder has none on file.",
          }
        : { id, label: "Identity verified", passed: true, note: "identity-not-required", detail: "Not required by the policy." };
    case "reissues-this-year": {
      const passed = facts.reissuesThisYear < policy.maxReissuesPerYear;
      return {
        id,
        label: "Reissues this year",
        passed,
        note: "reissues-count",
        params: { count: facts.reissuesThisYear, max: policy.maxReissuesPerYear },
        detail: `${facts.reissuesThisYear} reissue${facts.reissuesThisYear === 1 ? "" : "s"} this year; the policy allows ${policy.maxReissuesPerYear}.`,
      };
    }
    case "card-status": {
      const passed = facts.cardStatus !== "terminated" && !facts.alreadyReplaced;
      const detail = passed
        ? facts.cardStatus === "blocked"
          ? "Blocked since it was reported; it can be replaced."
          : "Active; it can be replaced."
        : "The card has already been replaced or terminated.";
      const note: ExaminationNote = passed ? (facts.cardStatus === "blocked" ? "card-blocked" : "card-active") : "card-replaced";
      return { id, label: "Card status", passed, note, detail };
    }
    case "fraud-flag":
      return policy.rejectOnFraudFlag
        ? {
            id,
            label: "No fraud flag",
            passed: !facts.fraudFlag,
            note: facts.fraudFlag ? "fraud-refused" : "fraud-none",
            detail: facts.fraudFlag ? "The cardholder carries a fraud flag and the policy refuses reissues then." : "No fraud flag on the cardholder.",
          }
        : {
            id,
            label: "No fraud flag",
            passed: true,
            note: facts.fraudFlag ? "fraud-ignored" : "fraud-none",
            detail: facts.fraudFlag ? "Fraud flag present, but the policy does not refuse on it." : "No fraud flag on the cardholder.",
          };
    default:
      return assertNever(id, "examination check");
  }
}

/** Steps 502/902: the issuer's examination of a reissue request by its own policy. */
export function examineReissueRequest(policy: ReissuePolicy, facts: ExaminationFacts): Examination {
  const checks = EXAMINATION_CHECKS.map((id) => check(id, policy, facts));
  return { passed: checks.every((c) => c.passed), checks };
}

/** A refusal of a step of the workflow, with a sentence for the person who tried it. */
export type ReissueRefusal = {
  readonly code: "already-decided" | "examination-failed" | "reason-required" | "card-terminated" | "already-pending" | WithdrawalRefusalCode;
  readonly message: string;
  /** What the words need besides the code (rendered in the reader's language, not stored). */
  readonly params?: { readonly windowDays?: number; readonly failed?: readonly ExaminationCheckId[] };
};

/** Why a lost/stolen report cannot be withdrawn (the card reinstated). */
export type WithdrawalRefusalCode = "not-withdrawable" | "already-reissued" | "window-closed";

/** What decides whether a report may be withdrawn (reinstate). */
export type WithdrawalFacts = {
  readonly requestStatus: ReissueStatus;
  readonly reason: RequestReason;
  readonly cardStatus: CardStatus;
  /** A reissued card has been personalised for this card (a reissue link exists). */
  readonly hasReissuedCard: boolean;
  readonly blockedAt: Date | null;
  /** The issuer's policy: how many days after the block a report may still be withdrawn. */
  readonly windowDays: number;
};

/**
 * Reinstate: a lost or stolen report may be withdrawn while it is pending or after it was rejected,
 * as long as no reissued card has been personalised and the policy's window since the block is open.
 * Fail closed: a card not blocked, a damaged report or a missing block time cannot be reinstated.
 */
export function canWithdrawReport(facts: WithdrawalFacts, now: Date): Result<null, ReissueRefusal> {
  if (facts.hasReissuedCard || facts.requestStatus === "approved" || facts.cardStatus === "terminated") {
    return err({ code: "already-reissued", message: "A reissued card has already been made for this card: the report can no longer be withdrawn." });
  }
  if (facts.requestStatus === "withdrawn") return err({ code: "already-decided", message: "This report has already been withdrawn." });
  if (!blocksCard(facts.reason) || facts.cardStatus !== "blocked" || facts.blockedAt === null) {
    return err({ code: "not-withdrawable", message: "Only a lost or stolen report that blocked the card can be withdrawn." });
  }
  const closesAt = facts.blockedAt.getTime() + facts.windowDays * 86_400_000;
  if (now.getTime() > closesAt) {
    return err({
      code: "window-closed",
      message: `A report can be withdrawn within ${facts.windowDays} days of the block; this one is older.`,
      params: { windowDays: facts.windowDays },
    });
  }
  return ok(null);
}

/** Steps 401/801: whether a card may be reported now. */
export function canReport(card: { status: CardStatus; hasPendingRequest: boolean }): Result<null, ReissueRefusal> {
  if (card.status === "terminated") return err({ code: "card-terminated", message: "This card has already been replaced; report the card you use now." });
  if (card.hasPendingRequest) return err({ code: "already-pending", message: "A reissue request for this card is already being examined." });
  return ok(null);
}

/** Lost and stolen cards are blocked at once: nothing may be loaded on them any more. */
export function blocksCard(reason: RequestReason): boolean {
  return reason === "lost" || reason === "stolen";
}

/** Replaced lost or stolen plastic is gone; damaged plastic is handed back (surrendered). */
export function retiredWalletState(reason: RequestReason): "gone" | "surrendered" {
  return blocksCard(reason) ? "gone" : "surrendered";
}

export type ReissueDecision = { readonly kind: "approve"; readonly overrideReason?: string | null } | { readonly kind: "reject"; readonly reason: string };

export const MIN_REASON_LENGTH = 5;
export const MAX_REASON_LENGTH = 500;

/**
 * Steps 503/504 and 903/904. A pending request only. Rejection needs a reason the cardholder will
 * read. Approving a request whose examination failed needs an explicit override reason (recorded in
 * the audit log): the policy decides by default, a person may overrule it only in writing.
 */
export function decideReissue(
  status: ReissueStatus,
  examination: Examination,
  decision: ReissueDecision,
): Result<{ status: "approved" | "rejected"; reason: string | null; overridden: boolean }, ReissueRefusal> {
  if (status !== "pending") return err({ code: "already-decided", message: `This request has already been ${status}.` });
  switch (decision.kind) {
    case "reject": {
      const reason = decision.reason.trim();
      if (reason.length < MIN_REASON_LENGTH) return err({ code: "reason-required", message: "Give the cardholder a reason for the rejection." });
      return ok({ status: "rejected", reason: reason.slice(0, MAX_REASON_LENGTH), overridden: false });
    }
    case "approve": {
      const cardCheck = examination.checks.find((c) => c.id === "card-status");
      if (cardCheck && !cardCheck.passed)
        return err({ code: "card-terminated", message: "The card has already been replaced or terminated; it cannot be reissued again." });
      const override = decision.overrideReason?.trim() ?? "";
      if (!examination.passed && override.length < MIN_REASON_LENGTH) {
        const failed = examination.checks.filter((c) => !c.passed).map((c) => c.label.toLowerCase());
        return err({
          code: "examination-failed",
          message: `The examination failed (${failed.join(", ")}): approve only with an override reason, or reject.`,
          params: { failed: examination.checks.filter((c) => !c.passed).map((c) => c.id) },
        });
      }
      return ok({ status: "approved", reason: examination.passed ? null : override.slice(0, MAX_REASON_LENGTH), overridden: !examination.passed });
    }
    default:
      return assertNever(decision, "decision");
  }
}

/** Start of the UTC calendar year of `now` ("reissues this year"). */
export function startOfUtcYear(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), 0, 1));
}
