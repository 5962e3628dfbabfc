import "server-only";
import type { IssuerTx } from "./db";
import { isUuid } from "@/lib/core/ids";
import type { HotListReason } from "@/lib/core/messages";
import {
  blocksCard,
  canReport,
  canWithdrawReport,
  decideReissue,
  examineReissueRequest,
  retiredWalletState,
  startOfUtcYear,
  MAX_REASON_LENGTH,
  MIN_REASON_LENGTH,
  type Examination,
  type ReissueReason,
  type RequestReason,
  type ReissueRefusal,
} from "@/lib/core/workflows/reissue";
import type { IssuerActor } from "../../auth/session";
import { db, Prisma } from "./db";
import { enqueueMessage } from "../../exchange/outbox";
import { noticesCommitted, recordNotice } from "../../notices/notices";
import { reinstateCard, retireCard } from "../wallet";
import { auditReason } from "@/lib/core/audit-reason";
import { recordAudit } from "./audit";
import { personaliseAndDeliver } from "./issuance";
import { issuerCompanyIdOf, sendCardBlocked, sendCardUnblocked, type HotListSent } from "./hot-list";
import { providersToTell } from "./reissue-information";
import { earlierCards } from "./reissue-chain";
import { grantCarriedReloads, PUSHED_RELOAD_PERMISSION_DAYS } from "./permissions";
import { operator, readPolicy, type IssuerPolicyRow } from "./shared";

type Tx = IssuerTx;

/** Who decided a request before this operator tried (another operator, or the cardholder's withdrawal). */
export type EarlierDecision = { status: "approved" | "rejected" | "withdrawn"; byName: string | null; at: string | null };
export type ReissueError = ReissueRefusal | { code: "not-found"; message: string } | { code: "already-decided"; message: string; decided: EarlierDecision };
export type ReissueResult<T> = { ok: true; value: T } | { ok: false; error: ReissueError };

const notFound = { ok: false as const, error: { code: "not-found" as const, message: "No such card or request." } };

function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  return err?.code === "P2002" || /unique constraint|duplicate key/i.test(err?.message ?? "");
}

/** Who files a report: the cardholder (self-service) or an issuer operator on the cardholder's behalf. */
export type Reporter = { kind: "cardholder"; userId: string; label: string; cardholderId: string } | { kind: "operator"; userId: string; label: string };

export type ReportInput = { cardUuid: string; reason: ReissueReason; statement?: string | null };

/**
 * Steps 401/801: a card reported lost, stolen or damaged, with a reissue request. A lost or stolen
 * card is blocked at once — in the issuer's records (no permission is granted for it any more) and
 * in the wallet (the plastic is gone). One pending request per card (partial unique index).
 */
export type ReportFiled = {
  requestId: string;
  requestNo: number;
  blocked: boolean;
  /** Providers sent a card-blocked (the hot list); deliver `outboxIds` once committed. */
  hotList: string[];
  outboxIds: string[];
};

export async function fileReissueRequest(reporter: Reporter, input: ReportInput, now = new Date()): Promise<ReissueResult<ReportFiled>> {
  // A card id that is not a UUID names no card; the uuid column would reject it with an error.
  if (!isUuid(input.cardUuid)) return notFound;
  const notices: (string | null)[] = [];
  try {
    const result = await db().$transaction(async (tx) => {
      const card = await tx.card.findFirst({
        where: { id: input.cardUuid, ...(reporter.kind === "cardholder" ? { cardholderId: reporter.cardholderId } : {}) },
        select: {
          id: true,
          cardId: true,
          platformType: true,
          surfaceNumber: true,
          status: true,
          cardholderId: true,
          _count: { select: { reissueRequests: { where: { status: "pending" } } } },
        },
      });
      if (!card) return notFound;
      const allowed = canReport({ status: card.status, hasPendingRequest: card._count.reissueRequests > 0 });
      if (!allowed.ok) return allowed;
      // A card waiting for its activation (lost in the post) is blocked too: its holder, or whoever has
      // it, can no longer activate it; withdrawing the report returns it to the status it had.
      const blocked = blocksCard(input.reason) && (card.status === "active" || card.status === "issued");
      if (blocked) {
        await tx.card.update({
          where: { id: card.id },
          data: { status: "blocked", blockedFrom: card.status, blockedAt: now, blockedReason: `Reported ${input.reason}` },
        });
        await retireCard(tx, card.surfaceNumber, "gone");
      }
      const request = await tx.reissueRequest.create({
        data: {
          oldCardId: card.id,
          cardholderId: card.cardholderId,
          reason: input.reason,
          statement: input.statement?.trim() || null,
          requestedByUserId: reporter.userId,
          status: "pending",
          createdAt: now,
        },
        select: { id: true, requestNo: true },
      });
      await recordAudit(tx, {
        actor: { id: reporter.userId, label: reporter.label },
        action: "reissue.request",
        subjectType: "reissue-request",
        subjectId: request.id,
        reason: auditReason("reissue-requested", {
          last4: card.surfaceNumber.slice(-4),
          reason: input.reason,
          by: reporter.kind === "operator" ? "operator" : "cardholder",
        }),
        data: { cardUuid: card.id, reason: input.reason, blocked },
      });
      let hotList: HotListSent = { providers: [], outboxIds: [] };
      if (blocked) {
        // The hot list: every provider with an application on the card hears of the block now.
        hotList = await sendCardBlocked(tx, {
          card,
          requestId: request.id,
          reason: input.reason as HotListReason,
          blockedAt: now,
          issuerCompanyId: await issuerCompanyIdOf(tx),
        });
        await recordAudit(tx, {
          actor: { id: reporter.userId, label: reporter.label },
          action: "card.block",
          subjectType: "card",
          subjectId: card.id,
          reason: auditReason("card-blocked-reported", { reason: input.reason as HotListReason }),
          data: { hotList: hotList.providers },
        });
      }
      const last4 = card.surfaceNumber.slice(-4);
      notices.push(
        await recordNotice(tx, {
          cardholderId: card.cardholderId,
          notice: { code: "card-reported", params: { last4, reason: input.reason, requestNo: request.requestNo } },
          key: `card-reported:${request.id}`,
          now,
        }),
      );
      if (blocked) {
        const reason = input.reason === "stolen" ? "stolen" : "lost";
        notices.push(
          await recordNotice(tx, {
            cardholderId: card.cardholderId,
            notice: { code: "card-blocked", params: { last4, reason } },
            key: `card-blocked:${card.id}:${now.toISOString()}`,
            now,
          }),
        );
      }
      return {
        ok: true as const,
        value: { requestId: request.id, requestNo: request.requestNo, blocked, hotList: hotList.providers, outboxIds: hotList.outboxIds },
      };
    });
    noticesCommitted(notices);
    return result;
  } catch (e) {
    // Two reports at the same moment: the partial unique index lets one through.
    if (isUniqueViolation(e)) return { ok: false, error: { code: "already-pending", message: "A reissue request for this card is already being examined." } };
    throw e;
  }
}

/** The facts of steps 502/902, read inside the deciding transaction. */
async function examine(
  tx: Pick<Tx, "cardholder" | "card" | "reissueRequest" | "reissueLink">,
  request: { cardholderId: string; oldCardId: string },
  policy: IssuerPolicyRow,
  now: Date,
): Promise<Examination> {
  const [cardholder, card, reissuesThisYear, successor] = await Promise.all([
    tx.cardholder.findUniqueOrThrow({ where: { id: request.cardholderId }, select: { identityVerifiedAt: true, fraudFlag: true } }),
    tx.card.findUniqueOrThrow({ where: { id: request.oldCardId }, select: { status: true } }),
    // Renewals and permanent cards for temporary ones are the issuer's doing, not the cardholder's reissues.
    tx.reissueRequest.count({
      where: { cardholderId: request.cardholderId, status: "approved", reason: { in: ["lost", "stolen", "damaged"] }, decidedAt: { gte: startOfUtcYear(now) } },
    }),
    tx.reissueLink.count({ where: { oldCardId: request.oldCardId } }),
  ]);
  return examineReissueRequest(policy, {
    identityVerified: cardholder.identityVerifiedAt !== null,
    reissuesThisYear,
    cardStatus: card.status,
    alreadyReplaced: successor > 0,
    fraudFlag: cardholder.fraudFlag,
  });
}

/** Takes the request row lock: a second operator deciding at the same moment waits, then sees the decision. */
/**
 * A decision refused because the request is no longer pending: say who decided it and when (a
 * second operator deciding the same request from a queue that had not refreshed yet).
 */
async function alreadyDecided(tx: Tx, requestId: string, refusal: ReissueRefusal): Promise<{ ok: false; error: ReissueError }> {
  const row = await tx.reissueRequest.findUniqueOrThrow({
    where: { id: requestId },
    select: { status: true, decidedAt: true, decidedByUserId: true, withdrawnAt: true, withdrawnByUserId: true },
  });
  if (row.status === "pending") return { ok: false, error: refusal };
  const withdrawn = row.status === "withdrawn";
  const userId = withdrawn ? row.withdrawnByUserId : row.decidedByUserId;
  const user = userId ? await tx.user.findUnique({ where: { id: userId }, select: { name: true } }) : null;
  const at = withdrawn ? row.withdrawnAt : row.decidedAt;
  return {
    ok: false,
    error: { code: "already-decided", message: refusal.message, decided: { status: row.status, byName: user?.name ?? null, at: at?.toISOString() ?? null } },
  };
}

async function lockRequest(tx: Tx, requestId: string): Promise<boolean> {
  if (!isUuid(requestId)) return false;
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM iss_reissue_requests WHERE id = ${requestId}::uuid FOR UPDATE`;
  return rows.length === 1;
}

const examinationJson = (e: Examination, policy: IssuerPolicyRow, extra: Record<string, unknown>, now: Date) =>
  ({ passed: e.passed, checks: e.checks, policy, evaluatedAt: now.toISOString(), ...extra }) as unknown as Prisma.InputJsonValue;

export type Approval = {
  requestId: string;
  reissuedCardUuid: string;
  reissuedCardId: string;
  surfaceNumber: string;
  platformType: 100 | 200;
  /** Providers notified by push (platform 100, step 505). */
  notified: string[];
  /** Providers left to pull at reload time (Fig. 19). */
  pullOnly: string[];
  requestNo: number;
  cardholderName: string;
  /**
   * Every provider with an application still to reload from the old card (or an earlier card of its
   * chain), by display name, and how it learns of the new card: told now (push), asks at the
   * cardholder's next visit (pull, Fig. 19), or asks by inquiry (platform 200, Fig. 10).
   */
  reloaders: { companyId: string; name: string; learns: "told-now" | "asks-at-visit" | "inquiry-at-visit" }[];
  /** Outbox rows to deliver once the transaction has committed. */
  outboxIds: string[];
  /** Cardholder notices recorded (queued by approveReissueRequest after commit). */
  noticeIds: string[];
};

/**
 * Steps 503/903 (+505), in one transaction: personalise a reissued card of the same platform type,
 * waiting `issued` for the cardholder's activation (which ends the old card: activation.ts; a
 * temporary card is active at once and ends the old card now), store the reissue link (Fig. 13; for
 * platform 200 the step-905 record the Fig. 10 inquiry searches), deliver the plastic, audit. For platform 100,
 * one Fig. 12 notification to each provider that had an application on the old card, with just
 * this pair (providers set to pull ask at reload time instead); platform 200 notifies nobody.
 * Deliver `outboxIds` after commit (deliverNow/deliverSoon).
 */
export async function approveReissueRequest(
  actor: IssuerActor,
  requestId: string,
  options: { overrideReason?: string | null; temporary?: boolean } = {},
  now = new Date(),
): Promise<ReissueResult<Approval>> {
  const result = await db().$transaction((tx) => approveLockedRequest(tx, actor, requestId, options, now), { timeout: 30_000, maxWait: 30_000 });
  if (result.ok) noticesCommitted(result.value.noticeIds);
  return result;
}

/** How an approval replaces the old card (see approveLockedRequest). */
export type ApprovalOptions = {
  overrideReason?: string | null;
  /** A temporary card for a lost one: short expiry, marked temporary; a permanent card replaces it later. */
  temporary?: boolean;
  /**
   * "renewal": one card of a renewal run. Whatever the mode, the new card waits `issued` until the
   * cardholder activates it (a temporary card excepted) and the old card ends at that activation.
   */
  mode?: "replace" | "renewal";
};

/** Days a temporary card is valid. */
export const TEMPORARY_CARD_DAYS = 30;

/**
 * The approval itself, inside the caller's transaction (a single decision, or one card of a renewal
 * run). Locks the request row first.
 */
export async function approveLockedRequest(
  tx: Tx,
  actor: IssuerActor,
  requestId: string,
  options: ApprovalOptions,
  now: Date,
): Promise<ReissueResult<Approval>> {
  if (!(await lockRequest(tx, requestId))) return notFound;
  const request = await tx.reissueRequest.findUniqueOrThrow({
    where: { id: requestId },
    select: {
      id: true,
      requestNo: true,
      status: true,
      reason: true,
      oldCardId: true,
      cardholderId: true,
      cardholder: { select: { id: true, fullName: true } },
      oldCard: { select: { id: true, cardId: true, surfaceNumber: true, platformType: true, generation: true } },
    },
  });
  const policy = await readPolicy(tx);
  const examination = await examine(tx, request, policy, now);
  const decision = decideReissue(request.status, examination, { kind: "approve", overrideReason: options.overrideReason });
  if (!decision.ok) return decision.error.code === "already-decided" ? alreadyDecided(tx, request.id, decision.error) : decision;

  const old = request.oldCard;
  const platformType: 100 | 200 = old.platformType === 200 ? 200 : 100;
  // Every new card waits `issued` for its cardholder's activation (a card intercepted in the post is
  // worth nothing, and providers reload only once it is activated: permissions.ts), except a temporary
  // card, handed over for a lost one so that the cardholder has a card meanwhile. Until the activation
  // the old card stays as it is: a lost or stolen one blocked since its report, a damaged or expiring
  // one usable; the activation terminates it (activation.ts).
  const temporary = options.temporary === true && options.mode !== "renewal" && request.reason !== "permanent";
  const waits = !temporary;
  const card = await personaliseAndDeliver(tx, {
    issuerCompanyId: actor.issuerCompanyId,
    cardholder: request.cardholder,
    platformType,
    previousCardId: old.id,
    generation: old.generation + 1,
    now,
    kind: request.reason === "renewal" ? "renewal" : temporary ? "temporary" : "reissue",
    status: waits ? "issued" : "active",
    ...(temporary ? { temporary: true, expiresAt: new Date(now.getTime() + TEMPORARY_CARD_DAYS * 24 * 60 * 60 * 1000) } : {}),
  });
  if (!waits) await tx.card.update({ where: { id: old.id }, data: { status: "terminated", terminatedAt: now } });
  await tx.reissueLink.create({ data: { oldCardId: old.id, reissuedCardId: card.id, requestId: request.id, platformType, reissuedAt: now } });
  await tx.reissueRequest.update({
    where: { id: request.id },
    data: {
      status: "approved",
      decidedAt: now,
      decidedByUserId: actor.id,
      reissuedCardId: card.id,
      examination: examinationJson(examination, policy, { overridden: decision.value.overridden, overrideReason: decision.value.reason }, now),
    },
  });
  if (!waits) await retireCard(tx, old.surfaceNumber, retiredWalletState(request.reason));

  const notified: string[] = [];
  const pullOnly: string[] = [];
  const outboxIds: string[] = [];
  // Step 505, any generation: every provider with a load still to reload on the old card or on an
  // earlier card of its chain, each told (platform 100, push) the pairs from that card to the new one
  // (and no others). Platform 200 tells nobody (step 905); the list still names who will reload.
  const links = await earlierCards(tx, { id: card.id, cardId: card.cardId });
  const toTell = await providersToTell(tx, links);
  const reloaders: Approval["reloaders"] = toTell.map(({ provider }) => ({
    companyId: provider.companyId,
    name: provider.name,
    learns: platformType === 200 ? "inquiry-at-visit" : provider.reissueInfoDelivery === "pull" ? "asks-at-visit" : "told-now",
  }));
  if (platformType === 100) {
    for (const { provider, pairs, loads } of toTell) {
      if (provider.reissueInfoDelivery === "pull") {
        pullOnly.push(provider.companyId);
        continue;
      }
      // Fewer round trips: a reload permission for each of those loads rides along, bound to the new card,
      // so the provider's desk reloads without asking again (none while the card waits for activation).
      const reloadPermissions = await grantCarriedReloads(tx, {
        issuerCompanyId: actor.issuerCompanyId,
        providerCompanyId: provider.companyId,
        card: { id: card.id, cardId: card.cardId, status: waits ? "issued" : "active", issuerKeyVersion: card.issuerKeyVersion },
        originalMessageIds: loads.map((l) => l.messageId),
        expiresAt: new Date(now.getTime() + PUSHED_RELOAD_PERMISSION_DAYS * 24 * 60 * 60 * 1000),
        carrier: `the reissuance notification for card ${card.cardId}`,
        now,
      });
      const sent = await enqueueMessage(
        tx,
        "reissuance-notification",
        { issuerCompanyId: actor.issuerCompanyId, providerCompanyId: provider.companyId, now },
        { platformType: 100, pairs, ...(reloadPermissions.length ? { reloadPermissions } : {}) },
      );
      notified.push(provider.companyId);
      outboxIds.push(sent.outboxId);
    }
  }
  await recordAudit(tx, {
    actor: operator(actor),
    action: "reissue.approve",
    subjectType: "reissue-request",
    subjectId: request.id,
    reason: auditReason("reissue-approved", { reason: request.reason, override: decision.value.overridden }),
    // The operator's own words for an override: data beside the code, kept as typed.
    note: decision.value.overridden ? decision.value.reason : null,
    data: {
      requestNo: request.requestNo,
      oldCardId: old.cardId,
      reissuedCardId: card.cardId,
      platformType,
      notified,
      pullOnly,
    },
  });
  if (!waits)
    await recordAudit(tx, {
      actor: operator(actor),
      action: "card.terminate",
      subjectType: "card",
      subjectId: old.id,
      reason: auditReason("card-replaced", { last4: card.surfaceNumber.slice(-4), activated: false, wasBlocked: false }),
    });
  const approvedNotice = await recordNotice(tx, {
    cardholderId: request.cardholderId,
    notice: { code: "reissue-approved", params: { last4: old.surfaceNumber.slice(-4), requestNo: request.requestNo } },
    key: `reissue-approved:${request.id}`,
    now,
  });
  const noticeIds = [approvedNotice, card.noticeId].filter((x): x is string => !!x);
  return {
    ok: true as const,
    value: {
      requestId: request.id,
      reissuedCardUuid: card.id,
      reissuedCardId: card.cardId,
      surfaceNumber: card.surfaceNumber,
      platformType,
      notified,
      pullOnly,
      requestNo: request.requestNo,
      cardholderName: request.cardholder.fullName,
      reloaders,
      outboxIds,
      noticeIds,
    },
  };
}

/** Steps 504/904: reject with a reason the cardholder reads. A blocked card stays blocked. */
export async function rejectReissueRequest(
  actor: IssuerActor,
  requestId: string,
  reason: string,
  now = new Date(),
): Promise<ReissueResult<{ requestId: string; requestNo: number; cardholderName: string }>> {
  let noticeId: string | null = null;
  const result = await db().$transaction(
    async (tx) => {
      if (!(await lockRequest(tx, requestId))) return notFound;
      const request = await tx.reissueRequest.findUniqueOrThrow({
        where: { id: requestId },
        select: {
          id: true,
          requestNo: true,
          status: true,
          cardholderId: true,
          oldCardId: true,
          oldCard: { select: { surfaceNumber: true } },
          cardholder: { select: { fullName: true } },
        },
      });
      const policy = await readPolicy(tx);
      const examination = await examine(tx, request, policy, now);
      const decision = decideReissue(request.status, examination, { kind: "reject", reason });
      if (!decision.ok) return decision.error.code === "already-decided" ? alreadyDecided(tx, request.id, decision.error) : decision;
      await tx.reissueRequest.update({
        where: { id: request.id },
        data: {
          status: "rejected",
          decidedAt: now,
          decidedByUserId: actor.id,
          rejectionReason: decision.value.reason,
          examination: examinationJson(examination, policy, {}, now),
        },
      });
      await recordAudit(tx, {
        actor: operator(actor),
        action: "reissue.reject",
        subjectType: "reissue-request",
        subjectId: request.id,
        note: decision.value.reason,
        data: { requestNo: request.requestNo, examinationPassed: examination.passed },
      });
      // The notice names the request; the operator's reason is read from it when the notice is rendered.
      noticeId = await recordNotice(tx, {
        cardholderId: request.cardholderId,
        notice: { code: "reissue-rejected", params: { last4: request.oldCard.surfaceNumber.slice(-4), requestNo: request.requestNo } },
        key: `reissue-rejected:${request.id}`,
        now,
      });
      return { ok: true as const, value: { requestId: request.id, requestNo: request.requestNo, cardholderName: request.cardholder.fullName } };
    },
    { timeout: 30_000, maxWait: 30_000 },
  );
  if (result.ok) noticesCommitted([noticeId]);
  return result;
}

export type Withdrawal = { requestId: string; requestNo: number; cardUuid: string; unblocked: string[]; outboxIds: string[] };

/**
 * Reinstate: the card was found. A lost/stolen report (pending, or rejected) is withdrawn while no
 * reissued card has been personalised and the policy's window is open; the card is unblocked, the
 * plastic is back in the cardholder's hand, every provider that was sent card-blocked gets
 * card-unblocked, and the audit log records who and why. Deliver `outboxIds` after commit.
 */
export async function withdrawReissueRequest(reporter: Reporter, requestId: string, reason: string, now = new Date()): Promise<ReissueResult<Withdrawal>> {
  const why = reason.trim();
  if (why.length < MIN_REASON_LENGTH)
    return { ok: false, error: { code: "reason-required", message: "Say why the report is withdrawn (for example: where the card was found)." } };
  return db().$transaction(
    async (tx) => {
      if (!(await lockRequest(tx, requestId))) return notFound;
      const request = await tx.reissueRequest.findUniqueOrThrow({
        where: { id: requestId },
        select: {
          id: true,
          requestNo: true,
          status: true,
          reason: true,
          cardholderId: true,
          reissuedCardId: true,
          createdAt: true,
          oldCard: {
            select: { id: true, cardId: true, surfaceNumber: true, status: true, blockedFrom: true, blockedAt: true, linkAsOld: { select: { id: true } } },
          },
        },
      });
      // Another cardholder's request reads as missing.
      if (reporter.kind === "cardholder" && request.cardholderId !== reporter.cardholderId) return notFound;
      // The newest lost/stolen report of the card is the one that blocked it.
      const newer = await tx.reissueRequest.count({ where: { oldCardId: request.oldCard.id, createdAt: { gt: request.createdAt } } });
      const policy = await readPolicy(tx);
      const allowed = canWithdrawReport(
        {
          requestStatus: request.status,
          reason: request.reason,
          cardStatus: request.oldCard.status,
          hasReissuedCard: request.reissuedCardId !== null || request.oldCard.linkAsOld !== null,
          blockedAt: newer > 0 ? null : request.oldCard.blockedAt,
          windowDays: policy.reinstateWindowDays,
        },
        now,
      );
      if (!allowed.ok) return allowed;
      const card = request.oldCard;
      // Back to what the report found: active, or still waiting for its activation.
      const restored = card.blockedFrom === "issued" ? "issued" : "active";
      await tx.card.update({ where: { id: card.id }, data: { status: restored, blockedFrom: null, blockedAt: null, blockedReason: null } });
      await reinstateCard(tx, card.surfaceNumber);
      await tx.reissueRequest.update({
        where: { id: request.id },
        data: { status: "withdrawn", withdrawnAt: now, withdrawnByUserId: reporter.userId, withdrawalReason: why.slice(0, MAX_REASON_LENGTH) },
      });
      const sent = await sendCardUnblocked(tx, { requestId: request.id, cardId: card.cardId, unblockedAt: now, issuerCompanyId: await issuerCompanyIdOf(tx) });
      await recordAudit(tx, {
        actor: { id: reporter.userId, label: reporter.label },
        action: "reissue.withdraw",
        subjectType: "reissue-request",
        subjectId: request.id,
        note: why.slice(0, MAX_REASON_LENGTH),
        data: { requestNo: request.requestNo, previousStatus: request.status, by: reporter.kind, unblocked: sent.providers },
      });
      await recordAudit(tx, {
        actor: { id: reporter.userId, label: reporter.label },
        action: "card.reinstate",
        subjectType: "card",
        subjectId: card.id,
        reason: auditReason("card-reinstated", { requestNo: request.requestNo, last4: card.surfaceNumber.slice(-4), status: restored }),
        data: { unblocked: sent.providers, status: restored },
      });
      return {
        ok: true as const,
        value: { requestId: request.id, requestNo: request.requestNo, cardUuid: card.id, unblocked: sent.providers, outboxIds: sent.outboxIds },
      };
    },
    { timeout: 30_000, maxWait: 30_000 },
  );
}

export type QueueItem = {
  id: string;
  requestNo: number;
  status: "pending" | "approved" | "rejected" | "withdrawn";
  reason: RequestReason;
  statement: string | null;
  createdAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
  rejectionReason: string | null;
  cardholder: { id: string; name: string; holderNo: string; identityVerified: boolean; fraudFlag: boolean; fraudNote: string | null };
  oldCard: { id: string; surfaceNumber: string; cardId: string; platformType: number; status: string; generation: number };
  reissuedCard: { id: string; surfaceNumber: string } | null;
  applications: { aid: string; name: string; providerName: string; providerCompanyId: string }[];
  examination: Examination;
  overridden: boolean;
};

/** Pending requests shown at once, oldest first; the rest wait their turn (the page says how many). */
export const QUEUE_PENDING_SHOWN = 100;

type QueueRow = {
  id: string;
  requestNo: number;
  status: QueueItem["status"];
  reason: RequestReason;
  statement: string | null;
  createdAt: Date;
  decidedAt: Date | null;
  decidedByUserId: string | null;
  decidedByName: string | null;
  rejectionReason: string | null;
  examination: unknown;
  holderId: string;
  holderName: string;
  holderNo: string;
  identityVerified: boolean;
  fraudFlag: boolean;
  fraudNote: string | null;
  cardUuid: string;
  surfaceNumber: string;
  cardId: string;
  platformType: number;
  cardStatus: "issued" | "active" | "blocked" | "terminated";
  generation: number;
  reissuedId: string | null;
  reissuedSurfaceNumber: string | null;
  applications: QueueItem["applications"];
  reissuesThisYear: number;
  alreadyReplaced: boolean;
  pendingTotal: number;
};

/**
 * One statement for a slice of the queue, whatever its length (issue 16: it was a query per row and
 * more): each request with its cardholder, old card, loaded applications and the examination facts
 * (approved lost/stolen/damaged reissues this year, a successor already linked) as subqueries.
 */
export function reissueQueueSql(part: "pending" | "decided", take: number, sinceYear: Date): Prisma.Sql {
  const where = part === "pending" ? Prisma.sql`r.status = 'pending'` : Prisma.sql`r.status <> 'pending'`;
  // DESC puts NULLs first, as the decided list always did (a withdrawn report has no decision time).
  const order = part === "pending" ? Prisma.sql`r.created_at ASC, r.request_no ASC` : Prisma.sql`r.decided_at DESC, r.request_no DESC`;
  return Prisma.sql`
    SELECT r.id, r.request_no AS "requestNo", r.status::text AS status, r.reason::text AS reason, r.statement, r.created_at AS "createdAt",
           r.decided_at AS "decidedAt", r.decided_by_user_id AS "decidedByUserId", u.name AS "decidedByName", r.rejection_reason AS "rejectionReason", r.examination,
           h.id AS "holderId", h.full_name AS "holderName", h.holder_no AS "holderNo", h.identity_verified_at IS NOT NULL AS "identityVerified",
           h.fraud_flag AS "fraudFlag", h.fraud_note AS "fraudNote",
           c.id AS "cardUuid", c.surface_number AS "surfaceNumber", c.card_id AS "cardId", c.platform_type AS "platformType", c.status::text AS "cardStatus", c.generation,
           rc.id AS "reissuedId", rc.surface_number AS "reissuedSurfaceNumber",
           COALESCE((SELECT json_agg(json_build_object('aid', a.aid, 'name', a.name, 'providerName', sp.name, 'providerCompanyId', sp.company_id) ORDER BY ca.loaded_at, a.aid)
                       FROM iss_card_applications ca JOIN iss_applications a ON a.id = ca.application_id JOIN iss_service_providers sp ON sp.id = a.provider_id
                      WHERE ca.card_id = c.id AND ca.status = 'loaded'), '[]'::json) AS applications,
           (SELECT count(*) FROM iss_reissue_requests y
             WHERE y.cardholder_id = r.cardholder_id AND y.status = 'approved' AND y.reason IN ('lost', 'stolen', 'damaged') AND y.decided_at >= ${sinceYear}::timestamptz)::int AS "reissuesThisYear",
           EXISTS (SELECT 1 FROM iss_reissue_links l WHERE l.old_card_id = r.old_card_id) AS "alreadyReplaced",
           (SELECT count(*) FROM iss_reissue_requests p WHERE p.status = 'pending')::int AS "pendingTotal"
      FROM iss_reissue_requests r
      JOIN iss_cardholders h ON h.id = r.cardholder_id
      JOIN iss_cards c ON c.id = r.old_card_id
      LEFT JOIN iss_cards rc ON rc.id = r.reissued_card_id
      LEFT JOIN auth_users u ON u.id = r.decided_by_user_id
     WHERE ${where}
     ORDER BY ${order}
     LIMIT ${take}::int`;
}

/**
 * The reissue queue: the oldest pending requests (at most QUEUE_PENDING_SHOWN, with the number
 * pending) with their examination as the policy says now, then the latest decisions with the
 * examination as it stood when decided. Three statements whatever the number pending
 * (tests/performance/pages.int.test.ts).
 */
export async function listReissueQueue(
  actor: IssuerActor,
  now = new Date(),
  decidedTake = 15,
): Promise<{ pending: QueueItem[]; pendingTotal: number; decided: QueueItem[]; policy: IssuerPolicyRow }> {
  void actor; // one issuer per deployment
  const since = startOfUtcYear(now);
  const [pending, decided, policy] = await Promise.all([
    db().$queryRaw<QueueRow[]>(reissueQueueSql("pending", QUEUE_PENDING_SHOWN, since)),
    db().$queryRaw<QueueRow[]>(reissueQueueSql("decided", decidedTake, since)),
    readPolicy(db()),
  ]);
  const toItem = (r: QueueRow, examination: Examination): QueueItem => ({
    id: r.id,
    requestNo: r.requestNo,
    status: r.status,
    reason: r.reason,
    statement: r.statement,
    createdAt: r.createdAt.toISOString(),
    decidedAt: r.decidedAt?.toISOString() ?? null,
    decidedBy: r.decidedByUserId ? (r.decidedByName ?? "an operator") : null,
    rejectionReason: r.rejectionReason,
    cardholder: {
      id: r.holderId,
      name: r.holderName,
      holderNo: r.holderNo,
      identityVerified: r.identityVerified,
      fraudFlag: r.fraudFlag,
      fraudNote: r.fraudNote,
    },
    oldCard: { id: r.cardUuid, surfaceNumber: r.surfaceNumber, cardId: r.cardId, platformType: r.platformType, status: r.cardStatus, generation: r.generation },
    reissuedCard: r.reissuedId ? { id: r.reissuedId, surfaceNumber: r.reissuedSurfaceNumber! } : null,
    applications: r.applications,
    examination,
    overridden: Boolean((r.examination as { overridden?: boolean } | null)?.overridden),
  });
  const live = (r: QueueRow): Examination =>
    examineReissueRequest(policy, {
      identityVerified: r.identityVerified,
      reissuesThisYear: r.reissuesThisYear,
      cardStatus: r.cardStatus,
      alreadyReplaced: r.alreadyReplaced,
      fraudFlag: r.fraudFlag,
    });
  const stored = (json: unknown): Examination => {
    const e = json as { passed?: boolean; checks?: Examination["checks"] } | null;
    return {
      passed: e?.passed ?? true,
      checks: (e?.checks ?? []).map((c) => ({ id: c.id, label: c.label ?? c.id, passed: c.passed, detail: c.detail ?? "" })),
    };
  };
  return {
    pending: pending.map((r) => toItem(r, live(r))),
    pendingTotal: pending[0]?.pendingTotal ?? 0,
    decided: decided.map((r) => toItem(r, stored(r.examination))),
    policy,
  };
}

/**
 * The permanent card for a temporary one (issued for a lost card): a `permanent` request approved at
 * once through the same path (examination, link, Fig. 12 to the providers that loaded on the temporary
 * card, method 2 by inquiry), so the applications reloaded on the temporary card follow. The permanent
 * card waits `issued` until activated; the temporary card works until then.
 */
export async function issuePermanentCard(actor: IssuerActor, temporaryCardUuid: string, now = new Date()): Promise<ReissueResult<Approval>> {
  if (!isUuid(temporaryCardUuid)) return notFound;
  const result = await db().$transaction(
    async (tx) => {
      const card = await tx.card.findUnique({ where: { id: temporaryCardUuid }, select: { id: true, cardholderId: true, temporary: true, status: true } });
      if (!card || !card.temporary) return notFound;
      if (card.status === "terminated")
        return { ok: false as const, error: { code: "card-terminated" as const, message: "This temporary card has already been replaced." } };
      const request = await tx.reissueRequest.create({
        data: { oldCardId: card.id, cardholderId: card.cardholderId, reason: "permanent", requestedByUserId: actor.id, status: "pending", createdAt: now },
        select: { id: true },
      });
      return approveLockedRequest(tx, actor, request.id, {}, now);
    },
    { timeout: 30_000, maxWait: 30_000 },
  );
  if (result.ok) noticesCommitted(result.value.noticeIds);
  return result;
}
