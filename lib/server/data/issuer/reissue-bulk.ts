import "server-only";
import type { IssuerTx } from "./db";
import { isUuid } from "@/lib/core/ids";
import { MAX_BATCH_PAIRS, type ReissuePair } from "@/lib/core/messages";
import {
  decideReissue,
  examineReissueRequest,
  startOfUtcYear,
  type CardStatus,
  type Examination,
  type ReissueRefusal,
  type ReissueStatus,
  type RequestReason,
} from "@/lib/core/workflows/reissue";
import type { IssuerActor } from "../../auth/session";
import { db, Prisma } from "./db";
import { deliverSoon } from "../../exchange/delivery";
import { enqueueMessage } from "../../exchange/outbox";
import { noticesCommitted, recordNotices } from "../../notices/notices";
import { auditReason } from "@/lib/core/audit-reason";
import { recordAudits } from "./audit";
import { personaliseAndDeliverMany } from "./issuance";
import { MAX_CHAIN_DEPTH, pairsOf, type ChainLink } from "./reissue-chain";
import { operator, readPolicy } from "./shared";

type Tx = IssuerTx;

/**
 * Reissue in bulk (issue 16): many pending requests approved at once with set-based statements, the
 * same rules as a single approval (approveLockedRequest in reissue.ts), and one batched Fig. 12
 * notification (`reissuance-notification-batch`) per provider and transaction instead of one message
 * per pair. A renewal run's batch goes through the same path (renewal.ts).
 *
 * What differs from a single approval, on purpose: no temporary card (an operator issues one for a
 * lost card from the request itself) and no override of a failed examination (a person decides
 * those one by one); such requests stay pending with their refusal code. Every new card waits
 * `issued` for its holder's activation, so the notifications carry no reload permission (a card
 * waiting carries none in the single path either).
 */

/** Requests approved per transaction: statements per reissue fall with the batch, a crash loses at most one uncommitted batch. */
export const BULK_BATCH_SIZE = 500;
/** Most requests one "approve all eligible" takes (the button says how many are left). */
export const BULK_APPROVAL_LIMIT = 2_000;

export type BulkRefusalCode = ReissueRefusal["code"] | "busy";

/** What one batch came to (inside its transaction). */
export type BulkBatchOutcome = {
  approved: { requestId: string; requestNo: number; oldCardUuid: string; reissuedCardUuid: string; reissuedCardId: string }[];
  /** Not approved, each with the refusal code a single approval would give; the request is unchanged. */
  refused: { requestId: string; requestNo: number; code: ReissueRefusal["code"] }[];
  /** Requests another transaction holds (a single approval at the same moment) or that do not exist: left alone. */
  busy: string[];
  /** Batched notifications per provider: deliver after commit. */
  outboxIds: string[];
  notified: { companyId: string; pairs: number; messages: number }[];
  noticeIds: string[];
};

type LockedRow = {
  id: string;
  requestNo: number;
  status: ReissueStatus;
  reason: RequestReason;
  cardholderId: string;
  holderName: string;
  identityVerified: boolean;
  fraudFlag: boolean;
  oldId: string;
  oldCardId: string;
  surfaceNumber: string;
  platformType: number;
  generation: number;
  cardStatus: CardStatus;
  reissuesThisYear: number;
  alreadyReplaced: boolean;
};

/** Test seam for the crash tests: runs inside the transaction once everything is written, and after each commit. */
let hook: ((step: "written" | "committed") => void) | null = null;
export function setBulkApprovalHook(next: ((step: "written" | "committed") => void) | null): void {
  hook = next;
}

const CARDHOLDER_REASONS: readonly RequestReason[] = ["lost", "stolen", "damaged"];

/**
 * Approves the pending requests `requestIds` inside the caller's transaction, set-based: one
 * statement locks them (SKIP LOCKED: a request another operator is deciding is left to them) with
 * every fact of the examination, one personalises the cards (issuance.ts), one writes the links, one
 * the decisions, one the audit rows, one the notices, one reads every new card's chain with the
 * providers still to reload on it, and one message per provider (up to MAX_BATCH_PAIRS pairs) tells them.
 */
export async function approveLockedRequests(
  tx: Tx,
  actor: IssuerActor,
  requestIds: readonly string[],
  options: { mode: "replace" | "renewal" },
  now: Date,
): Promise<BulkBatchOutcome> {
  const ids = [...new Set(requestIds.filter(isUuid))];
  const outcome: BulkBatchOutcome = { approved: [], refused: [], busy: [], outboxIds: [], notified: [], noticeIds: [] };
  if (ids.length === 0) return { ...outcome, busy: [...requestIds] };
  // A batch's statements carry hundreds of rows each: the pool's 5 s per statement (lib/server/db.ts) is
  // for one request's statements; a busy machine may need more for these, inside this transaction only.
  await tx.$executeRaw`SET LOCAL statement_timeout = '60s'`;
  const rows = await tx.$queryRaw<LockedRow[]>`
    SELECT r.id, r.request_no AS "requestNo", r.status::text AS status, r.reason::text AS reason, r.cardholder_id AS "cardholderId",
           h.full_name AS "holderName", h.identity_verified_at IS NOT NULL AS "identityVerified", h.fraud_flag AS "fraudFlag",
           c.id AS "oldId", c.card_id AS "oldCardId", c.surface_number AS "surfaceNumber", c.platform_type AS "platformType", c.generation,
           c.status::text AS "cardStatus",
           (SELECT count(*) FROM iss_reissue_requests y
             WHERE y.cardholder_id = r.cardholder_id AND y.status = 'approved' AND y.reason IN ('lost', 'stolen', 'damaged')
               AND y.decided_at >= ${startOfUtcYear(now)}::timestamptz)::int AS "reissuesThisYear",
           EXISTS (SELECT 1 FROM iss_reissue_links l WHERE l.old_card_id = r.old_card_id) AS "alreadyReplaced"
      FROM iss_reissue_requests r
      JOIN iss_cardholders h ON h.id = r.cardholder_id
      JOIN iss_cards c ON c.id = r.old_card_id
     WHERE r.id = ANY(${ids}::uuid[])
     ORDER BY r.created_at, r.request_no
       FOR UPDATE OF r SKIP LOCKED`;
  const locked = new Set(rows.map((r) => r.id));
  outcome.busy = ids.filter((id) => !locked.has(id));
  if (rows.length === 0) return outcome;

  // Steps 502/902 for each, in request order; a cardholder's approvals earlier in this batch count
  // towards "reissues this year" exactly as they would one after another.
  const policy = await readPolicy(tx);
  const approvedNow = new Map<string, number>();
  const accepted: { row: LockedRow; examination: Examination }[] = [];
  for (const row of rows) {
    const examination = examineReissueRequest(policy, {
      identityVerified: row.identityVerified,
      reissuesThisYear: row.reissuesThisYear + (approvedNow.get(row.cardholderId) ?? 0),
      cardStatus: row.cardStatus,
      alreadyReplaced: row.alreadyReplaced,
      fraudFlag: row.fraudFlag,
    });
    const decision = decideReissue(row.status, examination, { kind: "approve" });
    if (!decision.ok) {
      outcome.refused.push({ requestId: row.id, requestNo: row.requestNo, code: decision.error.code });
      continue;
    }
    if (CARDHOLDER_REASONS.includes(row.reason)) approvedNow.set(row.cardholderId, (approvedNow.get(row.cardholderId) ?? 0) + 1);
    accepted.push({ row, examination });
  }
  if (accepted.length === 0) return outcome;

  // Steps 503/903: the new cards, waiting for their holders' activation (the old cards stay as they are).
  const personalised = await personaliseAndDeliverMany(
    tx,
    actor.issuerCompanyId,
    accepted.map(({ row }) => ({
      cardholder: { id: row.cardholderId, fullName: row.holderName },
      platformType: row.platformType === 200 ? 200 : 100,
      previousCardId: row.oldId,
      generation: row.generation + 1,
      kind: row.reason === "renewal" ? "renewal" : "reissue",
      status: "issued",
    })),
    now,
  );
  const made = accepted.map((a, i) => ({ ...a, card: personalised.cards[i]! }));
  const links = made.map(({ row, card }) => ({ old: row.oldId, reissued: card.id, request: row.id, platform: card.platformType }));
  await tx.$executeRaw`
    INSERT INTO iss_reissue_links (id, old_card_id, reissued_card_id, request_id, platform_type, reissued_at)
    SELECT gen_random_uuid(), x.old, x.reissued, x.request, x.platform, ${now}
      FROM jsonb_to_recordset(${JSON.stringify(links)}::jsonb) AS x(old uuid, reissued uuid, request uuid, platform int)`;

  // Step 505 for every new platform-100 card at once (platform 200 tells nobody, step 905).
  const tell = await providersToTellMany(
    tx,
    made.filter((m) => m.card.platformType === 100).map((m) => m.card.id),
  );
  const perProvider = new Map<string, ReissuePair[][]>();
  const learns = new Map<string, { notified: string[]; pullOnly: string[] }>();
  for (const { card } of made) {
    const entry = { notified: [] as string[], pullOnly: [] as string[] };
    for (const { companyId, delivery, pairs } of tell.get(card.id) ?? []) {
      if (delivery === "pull") {
        entry.pullOnly.push(companyId);
        continue;
      }
      entry.notified.push(companyId);
      perProvider.set(companyId, [...(perProvider.get(companyId) ?? []), pairs]);
    }
    learns.set(card.id, entry);
  }
  for (const [providerCompanyId, chains] of [...perProvider.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    // A card's chain stays in one message; a message holds at most MAX_BATCH_PAIRS pairs.
    const messages: ReissuePair[][] = [[]];
    for (const chain of chains) {
      if (messages.at(-1)!.length + chain.length > MAX_BATCH_PAIRS) messages.push([]);
      messages.at(-1)!.push(...chain);
    }
    for (const pairs of messages) {
      const sent = await enqueueMessage(
        tx,
        "reissuance-notification-batch",
        { issuerCompanyId: actor.issuerCompanyId, providerCompanyId, now },
        { platformType: 100, pairs },
      );
      outcome.outboxIds.push(sent.outboxId);
    }
    outcome.notified.push({ companyId: providerCompanyId, pairs: messages.reduce((n, m) => n + m.length, 0), messages: messages.length });
  }

  const decisions = made.map(({ row, card, examination }) => ({
    id: row.id,
    card: card.id,
    examination: {
      passed: examination.passed,
      checks: examination.checks,
      policy,
      evaluatedAt: now.toISOString(),
      overridden: false,
      overrideReason: null,
      bulk: true,
    },
  }));
  await tx.$executeRaw`
    UPDATE iss_reissue_requests r
       SET status = 'approved', decided_at = ${now}, decided_by_user_id = ${actor.id}::uuid, reissued_card_id = x.card, examination = x.examination
      FROM jsonb_to_recordset(${JSON.stringify(decisions)}::jsonb) AS x(id uuid, card uuid, examination jsonb)
     WHERE r.id = x.id`;
  await recordAudits(
    tx,
    made.map(({ row, card }) => ({
      actor: operator(actor),
      action: "reissue.approve",
      subjectType: "reissue-request",
      subjectId: row.id,
      reason: auditReason("reissue-approved", { reason: row.reason, override: false }),
      data: {
        requestNo: row.requestNo,
        oldCardId: row.oldCardId,
        reissuedCardId: card.cardId,
        platformType: card.platformType,
        notified: learns.get(card.id)?.notified ?? [],
        pullOnly: learns.get(card.id)?.pullOnly ?? [],
        bulk: true,
        ...(card.platformType === 200 ? { note: "Method 2: link stored, nobody notified (step 905)." } : {}),
      } satisfies Prisma.InputJsonValue,
    })),
  );
  const approvedNotices = await recordNotices(
    tx,
    made.map(({ row }) => ({
      cardholderId: row.cardholderId,
      notice: { code: "reissue-approved" as const, params: { last4: row.surfaceNumber.slice(-4), requestNo: row.requestNo } },
      key: `reissue-approved:${row.id}`,
      now,
    })),
  );
  outcome.noticeIds = [...approvedNotices, ...personalised.noticeIds];
  outcome.approved = made.map(({ row, card }) => ({
    requestId: row.id,
    requestNo: row.requestNo,
    oldCardUuid: row.oldId,
    reissuedCardUuid: card.id,
    reissuedCardId: card.cardId,
  }));
  hook?.("written");
  return outcome;
}

type ChainRow = {
  head: string;
  depth: number;
  oldUuid: string;
  oldCardId: string;
  oldPlatformType: number;
  reissuedUuid: string;
  reissuedCardId: string;
  reissuedAt: Date;
  providers: { companyId: string; delivery: "push" | "pull" }[];
};

/**
 * providersToTell (reissue-information.ts) for many new cards in one statement: each card's chain back
 * (any generation, at most MAX_CHAIN_DEPTH links) with, for every earlier card, the providers that have
 * a load on it still to reload. Per new card: each provider with the pairs from its oldest such card.
 */
async function providersToTellMany(
  tx: Tx,
  heads: readonly string[],
): Promise<Map<string, { companyId: string; delivery: "push" | "pull"; pairs: ReissuePair[] }[]>> {
  const result = new Map<string, { companyId: string; delivery: "push" | "pull"; pairs: ReissuePair[] }[]>();
  if (heads.length === 0) return result;
  const rows = await tx.$queryRaw<ChainRow[]>`
    WITH RECURSIVE chain AS (
      SELECT l.reissued_card_id AS head, 0 AS depth, l.old_card_id, l.reissued_card_id, l.reissued_at
        FROM iss_reissue_links l WHERE l.reissued_card_id = ANY(${[...heads]}::uuid[])
      UNION ALL
      SELECT chain.head, chain.depth + 1, l.old_card_id, l.reissued_card_id, l.reissued_at
        FROM chain JOIN iss_reissue_links l ON l.reissued_card_id = chain.old_card_id
       WHERE chain.depth + 1 < ${MAX_CHAIN_DEPTH}
    )
    SELECT chain.head, chain.depth, o.id AS "oldUuid", o.card_id AS "oldCardId", o.platform_type AS "oldPlatformType",
           n.id AS "reissuedUuid", n.card_id AS "reissuedCardId", chain.reissued_at AS "reissuedAt",
           COALESCE((SELECT json_agg(DISTINCT jsonb_build_object('companyId', sp.company_id, 'delivery', sp.reissue_info_delivery::text))
                       FROM iss_loading_permissions p JOIN iss_service_providers sp ON sp.id = p.provider_id
                      WHERE p.card_id = chain.old_card_id AND p.status = 'confirmed'
                        AND NOT EXISTS (SELECT 1 FROM iss_loading_permissions r
                                         WHERE r.original_message_id = p.message_id AND r.kind = 'reload' AND r.status = 'confirmed')), '[]'::json) AS providers
      FROM chain JOIN iss_cards o ON o.id = chain.old_card_id JOIN iss_cards n ON n.id = chain.reissued_card_id
     ORDER BY chain.head, chain.depth`;
  const byHead = new Map<string, ChainRow[]>();
  for (const row of rows) byHead.set(row.head, [...(byHead.get(row.head) ?? []), row]);
  for (const [head, chain] of byHead) {
    const links: ChainLink[] = chain.map((r) => ({
      oldCard: { id: r.oldUuid, cardId: r.oldCardId, platformType: r.oldPlatformType },
      reissuedCard: { id: r.reissuedUuid, cardId: r.reissuedCardId },
      reissuedAt: r.reissuedAt,
    }));
    const deepest = new Map<string, { delivery: "push" | "pull"; depth: number }>();
    for (const r of chain)
      for (const p of r.providers) deepest.set(p.companyId, { delivery: p.delivery, depth: Math.max(r.depth, deepest.get(p.companyId)?.depth ?? -1) });
    result.set(
      head,
      [...deepest.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([companyId, { delivery, depth }]) => ({ companyId, delivery, pairs: pairsOf(links, depth + 1) })),
    );
  }
  return result;
}

export type BulkApprovalResult = {
  approved: number;
  /** Left pending, by refusal code (a person decides those: override or reject). */
  refused: { code: BulkRefusalCode; requests: number }[];
  /** Providers told, with pairs and messages. */
  notified: { companyId: string; pairs: number; messages: number }[];
  /** Requests still pending afterwards (refused ones included). */
  pendingAfter: number;
};

/**
 * "Approve all eligible" on the reissue queue: the oldest pending requests (at most `limit`, or the
 * ones named), BULK_BATCH_SIZE per transaction. Each batch commits on its own with its notifications
 * in the outbox (transactional outbox), which are handed to delivery after commit; a crash loses
 * nothing committed and leaves the rest pending for the next run.
 */
export async function approveEligibleReissueRequests(
  actor: IssuerActor,
  options: { requestIds?: readonly string[]; limit?: number; batchSize?: number } = {},
  now: () => Date = () => new Date(),
): Promise<BulkApprovalResult> {
  const limit = Math.max(1, Math.min(options.limit ?? BULK_APPROVAL_LIMIT, 100_000));
  const ids = options.requestIds
    ? options.requestIds.slice(0, limit)
    : (
        await db().$queryRaw<{ id: string }[]>`
          SELECT id FROM iss_reissue_requests WHERE status = 'pending' ORDER BY created_at, request_no LIMIT ${limit}::int`
      ).map((r) => r.id);
  const size = Math.max(1, options.batchSize ?? BULK_BATCH_SIZE);
  const refused = new Map<BulkRefusalCode, number>();
  const notified = new Map<string, { pairs: number; messages: number }>();
  let approved = 0;
  for (let start = 0; start < ids.length; start += size) {
    const batch = await db().$transaction((tx) => approveLockedRequests(tx, actor, ids.slice(start, start + size), { mode: "replace" }, now()), {
      timeout: 300_000,
      maxWait: 60_000,
    });
    hook?.("committed");
    deliverSoon(batch.outboxIds);
    noticesCommitted(batch.noticeIds);
    approved += batch.approved.length;
    for (const r of batch.refused) refused.set(r.code, (refused.get(r.code) ?? 0) + 1);
    if (batch.busy.length) refused.set("busy", (refused.get("busy") ?? 0) + batch.busy.length);
    for (const n of batch.notified) {
      const sum = notified.get(n.companyId) ?? { pairs: 0, messages: 0 };
      notified.set(n.companyId, { pairs: sum.pairs + n.pairs, messages: sum.messages + n.messages });
    }
  }
  const [{ pending }] = await db().$queryRaw<[{ pending: number }]>`SELECT count(*)::int AS pending FROM iss_reissue_requests WHERE status = 'pending'`;
  return {
    approved,
    refused: [...refused.entries()].map(([code, requests]) => ({ code, requests })).sort((a, b) => a.code.localeCompare(b.code)),
    notified: [...notified.entries()].map(([companyId, n]) => ({ companyId, ...n })).sort((a, b) => a.companyId.localeCompare(b.companyId)),
    pendingAfter: pending,
  };
}
