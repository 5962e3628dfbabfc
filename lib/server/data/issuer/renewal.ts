import "server-only";
import type { IssuerTx } from "./db";
import { isUuid } from "@/lib/core/ids";
import type { IssuerActor } from "../../auth/session";
import { db, type Prisma } from "./db";
import { deliverSoon } from "../../exchange/delivery";
import { noticesCommitted } from "../../notices/notices";
import { auditReason } from "@/lib/core/audit-reason";
import { recordAudit } from "./audit";
import { approveLockedRequests, BULK_BATCH_SIZE } from "./reissue-bulk";
import { operator } from "./shared";

type Tx = IssuerTx;

/** "2026-12": the cards whose expiry instant falls in that UTC calendar month. */
export const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

function monthRange(month: string): { from: Date; to: Date } {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return { from: new Date(Date.UTC(y, m - 1, 1)), to: new Date(Date.UTC(y, m, 1)) };
}

/**
 * The cards a renewal for `month` takes: in use (active), expiring that month, not replaced yet, not
 * a temporary card, and not already in another run that has not failed them.
 */
function eligibleWhere(month: string): Prisma.CardWhereInput {
  const { from, to } = monthRange(month);
  return {
    status: "active",
    temporary: false,
    expiresAt: { gte: from, lt: to },
    linkAsOld: { is: null },
    renewalItems: { none: { status: { not: "failed" } } },
  };
}

export type RenewalPreview = {
  month: string;
  total: number;
  byPlatform: { platformType: number; cards: number }[];
  byProvider: { companyId: string; name: string; cards: number }[];
};

/** What a run for `month` would renew: counts per platform type and per provider with applications on them. */
export async function previewRenewal(actor: IssuerActor, month: string): Promise<RenewalPreview> {
  void actor;
  const where = eligibleWhere(month);
  const [byPlatform, apps] = await Promise.all([
    db().card.groupBy({ by: ["platformType"], where, _count: { _all: true }, orderBy: { platformType: "asc" } }),
    db().cardApplication.findMany({
      where: { status: "loaded", card: where },
      select: { cardId: true, application: { select: { provider: { select: { companyId: true, name: true } } } } },
    }),
  ]);
  const providers = new Map<string, { companyId: string; name: string; cards: Set<string> }>();
  for (const a of apps) {
    const p = a.application.provider;
    const entry = providers.get(p.companyId) ?? { companyId: p.companyId, name: p.name, cards: new Set<string>() };
    entry.cards.add(a.cardId);
    providers.set(p.companyId, entry);
  }
  return {
    month,
    total: byPlatform.reduce((n, r) => n + r._count._all, 0),
    byPlatform: byPlatform.map((r) => ({ platformType: r.platformType, cards: r._count._all })),
    byProvider: [...providers.values()]
      .map((p) => ({ companyId: p.companyId, name: p.name, cards: p.cards.size }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

export type RenewalRefusal = { code: "not-found" | "month-invalid" | "nothing-to-renew" | "already-finished"; message: string };
type Result<T> = { ok: true; value: T } | { ok: false; error: RenewalRefusal };

/**
 * Starts a renewal run: one item per eligible card, inserted in one statement. The partial unique
 * index `iss_renewal_items_one_live_per_card` keeps a card in at most one live item across runs, so
 * two runs started at the same moment split the cards instead of renewing any twice.
 */
export async function startRenewalRun(actor: IssuerActor, month: string, now = new Date()): Promise<Result<{ runId: string; runNo: number; total: number }>> {
  if (!MONTH.test(month)) return { ok: false, error: { code: "month-invalid", message: "Choose a month (YYYY-MM)." } };
  const { from, to } = monthRange(month);
  return db().$transaction(
    async (tx) => {
      const run = await tx.renewalRun.create({
        data: { month, status: "running", total: 0, createdByUserId: actor.id, createdAt: now, startedAt: now },
        select: { id: true, runNo: true },
      });
      const inserted = await tx.$executeRaw`
        INSERT INTO iss_renewal_items (id, run_id, old_card_id, status)
        SELECT gen_random_uuid(), ${run.id}::uuid, c.id, 'pending'
        FROM iss_cards c
        WHERE c.status = 'active' AND NOT c.temporary AND c.expires_at >= ${from} AND c.expires_at < ${to}
          AND NOT EXISTS (SELECT 1 FROM iss_reissue_links l WHERE l.old_card_id = c.id)
        ORDER BY c.expires_at, c.id
        ON CONFLICT (old_card_id) WHERE status <> 'failed' DO NOTHING`;
      if (inserted === 0) {
        await tx.renewalRun.delete({ where: { id: run.id } });
        return { ok: false as const, error: { code: "nothing-to-renew" as const, message: `No card expiring in ${month} is waiting for renewal.` } };
      }
      await tx.renewalRun.update({ where: { id: run.id }, data: { total: inserted } });
      await recordAudit(tx, {
        actor: operator(actor),
        action: "renewal.start",
        subjectType: "renewal-run",
        subjectId: run.id,
        reason: auditReason("renewal-started", { runNo: run.runNo, total: inserted, month }),
        data: { month, total: inserted },
      });
      return { ok: true as const, value: { runId: run.id, runNo: run.runNo, total: inserted } };
    },
    { timeout: 60_000, maxWait: 30_000 },
  );
}

/** Pauses or resumes a run; a paused run's worker stops after the card in hand. */
export async function setRenewalRunState(actor: IssuerActor, runId: string, state: "paused" | "running", now = new Date()): Promise<Result<null>> {
  if (!isUuid(runId)) return { ok: false, error: { code: "not-found", message: "No such renewal run." } };
  const from = state === "paused" ? "running" : "paused";
  const changed = await db().renewalRun.updateMany({ where: { id: runId, status: from }, data: { status: state, pausedAt: state === "paused" ? now : null } });
  if (changed.count === 0) {
    const run = await db().renewalRun.findUnique({ where: { id: runId }, select: { status: true } });
    if (!run) return { ok: false, error: { code: "not-found", message: "No such renewal run." } };
    if (run.status === "finished") return { ok: false, error: { code: "already-finished", message: "This run has finished." } };
    return { ok: true, value: null }; // already in that state
  }
  await db().auditLog.create({
    data: {
      actorUserId: actor.id,
      actorLabel: operator(actor).label,
      action: state === "paused" ? "renewal.pause" : "renewal.resume",
      subjectType: "renewal-run",
      subjectId: runId,
    },
  });
  return { ok: true, value: null };
}

/** The run creator, who stands as the operator of each renewal in the audit trail. */
async function runActor(tx: Tx, runId: string): Promise<IssuerActor> {
  const run = await tx.renewalRun.findUniqueOrThrow({ where: { id: runId }, select: { createdByUserId: true } });
  const user = await tx.user.findUniqueOrThrow({ where: { id: run.createdByUserId }, select: { id: true, email: true, name: true, issuerCompanyId: true } });
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: "issuer",
    tenantId: user.issuerCompanyId!,
    issuerCompanyId: user.issuerCompanyId!,
    companyName: "",
  };
}

/**
 * Renews up to `limit` pending cards of the run in one transaction, through the bulk approval
 * (reissue-bulk.ts, issue 16): take the items (FOR UPDATE SKIP LOCKED, so workers share a run without
 * meeting), fail those whose card is no longer active or already has a pending request, file a
 * `renewal` reissue request for each other card (one INSERT) and approve them together by the same
 * rules as a lost card's (examination by policy, a reissued card of the same platform type, the link,
 * one batched Fig. 12 notification per provider — push or pull), except that the new cards wait
 * `issued` for activation and the old ones stay usable. A refused examination rejects the request with
 * its reason code and fails the item. A crash anywhere rolls the whole batch back and leaves its items
 * pending; a committed item is never taken again.
 */
async function renewBatch(
  runId: string,
  actor: IssuerActor,
  limit: number,
  now: () => Date,
): Promise<{ processed: number; outboxIds: string[]; noticeIds: string[] }> {
  return db().$transaction(
    async (tx) => {
      const items = await tx.$queryRaw<{ id: string; oldCardId: string; cardholderId: string; cardStatus: string; pending: boolean }[]>`
        SELECT i.id, i.old_card_id AS "oldCardId", c.cardholder_id AS "cardholderId", c.status::text AS "cardStatus",
               EXISTS (SELECT 1 FROM iss_reissue_requests q WHERE q.old_card_id = i.old_card_id AND q.status = 'pending') AS pending
          FROM iss_renewal_items i JOIN iss_renewal_runs r ON r.id = i.run_id JOIN iss_cards c ON c.id = i.old_card_id
         WHERE i.run_id = ${runId}::uuid AND i.status = 'pending' AND r.status = 'running'
         ORDER BY i.id LIMIT ${limit}::int FOR UPDATE OF i SKIP LOCKED`;
      if (items.length === 0) return { processed: 0, outboxIds: [], noticeIds: [] };
      const at = now();
      const results = new Map<string, { status: "renewed" | "failed"; code: string | null; request: string | null; card: string | null }>();
      const eligible = items.filter((item) => {
        const code = item.cardStatus !== "active" ? `card-${item.cardStatus}` : item.pending ? "already-pending" : null;
        if (code) results.set(item.id, { status: "failed", code, request: null, card: null });
        return code === null;
      });
      const filed = eligible.length
        ? await tx.$queryRaw<{ id: string; oldCardId: string }[]>`
            INSERT INTO iss_reissue_requests (id, old_card_id, cardholder_id, reason, requested_by_user_id, status, created_at)
            SELECT gen_random_uuid(), x.old, x.holder, 'renewal', ${actor.id}::uuid, 'pending', ${at}
              FROM jsonb_to_recordset(${JSON.stringify(eligible.map((e) => ({ old: e.oldCardId, holder: e.cardholderId })))}::jsonb) AS x(old uuid, holder uuid)
            RETURNING id, old_card_id AS "oldCardId"`
        : [];
      const requestOf = new Map(filed.map((r) => [r.oldCardId, r.id]));
      const approved = await approveLockedRequests(
        tx,
        actor,
        filed.map((r) => r.id),
        { mode: "renewal" },
        at,
      );
      const newCardOf = new Map(approved.approved.map((a) => [a.requestId, a.reissuedCardUuid]));
      // The examination refused (e.g. the policy's fraud flag): the request stays on file, rejected, with the reason code.
      const refusedCode = new Map(approved.refused.map((r) => [r.requestId, r.code as string]));
      for (const id of approved.busy) refusedCode.set(id, "busy");
      if (refusedCode.size > 0)
        await tx.$executeRaw`
          UPDATE iss_reissue_requests q SET status = 'rejected', decided_at = ${at}, decided_by_user_id = ${actor.id}::uuid, rejection_reason = x.code
            FROM jsonb_to_recordset(${JSON.stringify([...refusedCode].map(([id, code]) => ({ id, code })))}::jsonb) AS x(id uuid, code text)
           WHERE q.id = x.id`;
      for (const item of eligible) {
        const request = requestOf.get(item.oldCardId)!;
        const card = newCardOf.get(request) ?? null;
        results.set(
          item.id,
          card ? { status: "renewed", code: null, request, card } : { status: "failed", code: refusedCode.get(request) ?? "busy", request: null, card: null },
        );
      }
      await tx.$executeRaw`
        UPDATE iss_renewal_items i SET status = x.status::"RenewalItemStatus", failure_code = x.code, request_id = x.request, new_card_id = x.card, processed_at = ${at}
          FROM jsonb_to_recordset(${JSON.stringify([...results].map(([id, r]) => ({ id, ...r })))}::jsonb) AS x(id uuid, status text, code text, request uuid, card uuid)
         WHERE i.id = x.id`;
      return { processed: items.length, outboxIds: approved.outboxIds, noticeIds: approved.noticeIds };
    },
    { timeout: 300_000, maxWait: 60_000 },
  );
}

/**
 * Works up to `limit` cards of a run (the pg-boss job body). Returns how many are left, so the job
 * queues the next batch; finishes the run when none are.
 */
export async function processRenewalBatch(
  runId: string,
  limit = 50,
  now: () => Date = () => new Date(),
): Promise<{ processed: number; remaining: number; status: string }> {
  const actor = await db().$transaction((tx) => runActor(tx, runId));
  let processed = 0;
  while (processed < limit) {
    const result = await renewBatch(runId, actor, Math.min(BULK_BATCH_SIZE, limit - processed), now);
    if (result.processed === 0) break;
    processed += result.processed;
    deliverSoon(result.outboxIds);
    noticesCommitted(result.noticeIds);
  }
  const remaining = await db().renewalItem.count({ where: { runId, status: "pending" } });
  if (remaining === 0) await db().renewalRun.updateMany({ where: { id: runId, status: { not: "finished" } }, data: { status: "finished", finishedAt: now() } });
  const run = await db().renewalRun.findUniqueOrThrow({ where: { id: runId }, select: { status: true } });
  return { processed, remaining, status: run.status };
}

/** Runs that still have work (queued again when a worker starts: a killed worker's run resumes). */
export async function runningRenewalRunIds(): Promise<string[]> {
  return (await db().renewalRun.findMany({ where: { status: "running" }, select: { id: true } })).map((r) => r.id);
}

export type RenewalProgress = {
  id: string;
  runNo: number;
  month: string;
  status: "running" | "paused" | "finished";
  total: number;
  done: number;
  failed: number;
  remaining: number;
  /** Cards per minute over the last five minutes of work. */
  perMinute: number;
  etaSeconds: number | null;
  startedAt: string;
  finishedAt: string | null;
  failures: { code: string; cards: number }[];
  downloads: { at: string; by: string; lines: number }[];
};

/** The live view of a run (polled by its page). */
export async function getRenewalProgress(actor: IssuerActor, runId: string, now = new Date()): Promise<RenewalProgress | null> {
  void actor;
  if (!isUuid(runId)) return null;
  const run = await db().renewalRun.findUnique({
    where: { id: runId },
    select: { id: true, runNo: true, month: true, status: true, total: true, startedAt: true, finishedAt: true },
  });
  if (!run) return null;
  const windowStart = new Date(now.getTime() - 5 * 60_000);
  const [counts, recent, failures, downloads] = await Promise.all([
    db().renewalItem.groupBy({ by: ["status"], where: { runId }, _count: { _all: true } }),
    db().renewalItem.aggregate({
      where: { runId, status: { not: "pending" }, processedAt: { gte: windowStart } },
      _count: { _all: true },
      _min: { processedAt: true },
    }),
    db().renewalItem.groupBy({ by: ["failureCode"], where: { runId, status: "failed" }, _count: { _all: true } }),
    db().bureauDownload.findMany({ where: { runId }, orderBy: { at: "desc" }, select: { at: true, userLabel: true, lines: true } }),
  ]);
  const count = (s: string) => counts.find((c) => c.status === s)?._count._all ?? 0;
  const done = count("renewed");
  const failed = count("failed");
  const remaining = count("pending");
  const since = recent._min.processedAt;
  const minutes = since ? Math.max((now.getTime() - since.getTime()) / 60_000, 1 / 60) : 0;
  const perMinute = since && minutes > 0 ? recent._count._all / minutes : 0;
  return {
    id: run.id,
    runNo: run.runNo,
    month: run.month,
    status: run.status,
    total: run.total,
    done,
    failed,
    remaining,
    perMinute: Math.round(perMinute * 10) / 10,
    etaSeconds: remaining === 0 ? 0 : perMinute > 0 && run.status === "running" ? Math.round((remaining / perMinute) * 60) : null,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    failures: failures.map((f) => ({ code: f.failureCode ?? "unknown", cards: f._count._all })),
    downloads: downloads.map((d) => ({ at: d.at.toISOString(), by: d.userLabel, lines: d.lines })),
  };
}

export async function listRenewalRuns(actor: IssuerActor, take = 20) {
  void actor;
  return db().renewalRun.findMany({
    orderBy: { runNo: "desc" },
    take,
    select: { id: true, runNo: true, month: true, status: true, total: true, startedAt: true, finishedAt: true },
  });
}

/** The card bureau's personalisation batch: its documented header, then one line per renewed card. */
export const BUREAU_HEADER = "surface_number,platform_type,holder_no,holder_name,delivery_postal_code,delivery_address";

const csvField = (value: string | number) => {
  const s = String(value);
  // Quote every text field; a leading = + - @ is neutralised so a spreadsheet does not run it as a formula.
  return typeof value === "number" ? s : `"${(/^[=+\-@]/.test(s) ? `'${s}` : s).replace(/"/g, '""')}"`;
};

/**
 * The personalisation batch file for the card bureau, and a record of who downloaded it (with an
 * audit row). The bureau prints the full surface number: this file is for the bureau only.
 */
export async function downloadBureauFile(
  actor: IssuerActor,
  runId: string,
  now = new Date(),
): Promise<{ filename: string; csv: string; lines: number } | null> {
  if (!isUuid(runId)) return null;
  const run = await db().renewalRun.findUnique({ where: { id: runId }, select: { id: true, runNo: true, month: true } });
  if (!run) return null;
  const items = await db().renewalItem.findMany({
    where: { runId, status: "renewed" },
    orderBy: { processedAt: "asc" },
    select: {
      newCard: {
        select: { surfaceNumber: true, platformType: true, cardholder: { select: { holderNo: true, fullName: true, postalCode: true, address: true } } },
      },
    },
  });
  const lines = items
    .flatMap((i) => (i.newCard ? [i.newCard] : []))
    .map((c) =>
      [c.surfaceNumber, c.platformType, c.cardholder.holderNo, c.cardholder.fullName, c.cardholder.postalCode, c.cardholder.address].map(csvField).join(","),
    );
  await db().$transaction(async (tx) => {
    await tx.bureauDownload.create({ data: { runId, userId: actor.id, userLabel: operator(actor).label, lines: lines.length, at: now } });
    await recordAudit(tx, {
      actor: operator(actor),
      action: "renewal.bureau-file",
      subjectType: "renewal-run",
      subjectId: runId,
      reason: auditReason("renewal-bureau-file", { runNo: run.runNo, cards: lines.length }),
    });
  });
  return { filename: `recard-renewal-${run.month}-run${run.runNo}.csv`, csv: [BUREAU_HEADER, ...lines].join("\r\n") + "\r\n", lines: lines.length };
}
