import "server-only";
import { randomUUID } from "node:crypto";
import { isUuid } from "@/lib/core/ids";
import { CARD_INFORMATION_NG_REASONS, type CardInformationNgReason, type CarriedReloadPermission, type MessageOf } from "@/lib/core/messages";
import type { OldLoad, ReloadRefusal } from "@/lib/core/workflows/reload";
import { LoadFailureSchema } from "@/lib/core/workflows/load-failure";
import {
  applyCaseEvent,
  caseNeeds,
  caseVerdict,
  isWaitingForIssuer,
  legacyRefusal,
  openCase,
  parseCaseDoc,
  type CaseApp,
  type CaseDoc,
  type CaseEvent,
  type CaseFee,
  type CaseStep,
  type OldLoadFact,
  type OldLoadView,
  type PermissionFact,
} from "@/lib/core/workflows/reload-case";
import type { ProviderActor } from "../../auth/session";
import { db, Prisma } from "./db";
import { deliverNow, type OutboxRef } from "../../exchange/delivery";
import { decodeStored } from "../../exchange/inbox";
import { enqueueMessage } from "../../exchange/outbox";
import type { ProviderTx as Tx } from "./db";
import { isLeaseLive, leaseReceipts } from "../card-lease";
import { findApplication, loadFileHashOf } from "./catalog";
import { findBlockedCard, type HotListHit } from "./hot-list";
import {
  enqueuePermissionRequest,
  getPermissionViews,
  issuerOf,
  issuerReasonOf,
  recordCardLoad,
  releaseStaleClaims,
  STALE_REQUEST_MINUTES,
  takeCarriedPermission,
  toView,
  type CardLoadOutcome,
  type PermissionRow,
  type PermissionView,
} from "./permissions";

/**
 * The reload desk's persistence and messaging (Figs. 7, 11, 18, 19; claims 12 and 14). The case
 * itself is the pure machine of lib/core/workflows/reload-case.ts: this module loads its document
 * (sp_reload_cases.steps, validated, version 1 migrated on read), looks up the facts the machine
 * asks for (`caseNeeds`), sends the messages it decides on, and saves the next document. Advancing a
 * case is idempotent: a request already sent is never sent again, so "check again" after an issuer
 * outage just looks for the answer.
 */

export type { CaseApp, CaseStep } from "@/lib/core/workflows/reload-case";

export type ReloadCaseView = {
  id: string;
  outcome: "in_progress" | "reloaded" | "refused" | "abandoned";
  method: 1 | 2 | null;
  platformType: number | null;
  cardId: string | null;
  surfaceNumberLast4: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  steps: CaseStep[];
  applications: (CaseApp & { permission: PermissionView | null })[];
  refusal: ReloadRefusal | null;
  /** The issuer has not answered something the case needs yet. */
  isWaiting: boolean;
  continuedAsFirstLoad: CaseDoc["continuedAsFirstLoad"] | null;
  /** The customer of the old card's loads, when one is known (to prefill a continued first load). */
  customerNo: string | null;
};

export type ReloadInput = {
  platformType: number;
  cardId: string | null;
  cardAttributeData: string | null;
  surfaceNumberLast4: string | null;
  isCardLocked: boolean;
  applicationAids: string[];
  /** The lease on the presented card the case runs on (card-lease.ts), or null for a card image file or a real reader. */
  leaseId?: string | null;
};

/** A unique index refused a write: P2002 from a model query, P2010 with PostgreSQL's 23505 from a raw one. */
function isUniqueViolation(e: unknown): boolean {
  if (typeof e !== "object" || e === null) return false;
  const { code, meta } = e as { code?: string; meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } };
  return code === "P2002" || (code === "P2010" && meta?.driverAdapterError?.cause?.originalCode === "23505");
}

/** The columns of a case row the desk's view and the machine need. */
type CaseRow = {
  id: string;
  outcome: ReloadCaseView["outcome"];
  platformType: number | null;
  cardId: string | null;
  steps: unknown;
  startedAt: Date;
  finishedAt: Date | null;
  refusalCode: string | null;
  refusalStep: string | null;
  refusalReason: string | null;
};

/** The case row, locked for this transaction, with its document read and validated (one statement). */
async function lockCase(tx: Tx, providerCompanyId: string, id: string): Promise<(CaseRow & { doc: CaseDoc }) | null> {
  const rows = await tx.$queryRaw<CaseRow[]>`${lockCaseSql(providerCompanyId, id)}`;
  const row = rows[0];
  return row ? { ...row, doc: parseCaseDoc(row.steps) } : null;
}

function lockCaseSql(providerCompanyId: string, id: string): Prisma.Sql {
  return Prisma.sql`SELECT ${caseColumns} FROM sp_reload_cases WHERE id = ${id}::uuid AND provider_company_id = ${providerCompanyId} FOR UPDATE`;
}

/** A case row's columns as CaseRow names them. */
const caseColumns = Prisma.sql`id::text AS id, outcome::text AS outcome, platform_type AS "platformType", card_id AS "cardId", steps,
  started_at AS "startedAt", finished_at AS "finishedAt", refusal_code AS "refusalCode", refusal_step AS "refusalStep", refusal_reason AS "refusalReason"`;

/** A case row read by lockCaseSql or saveDocSql inside another statement, as JSON (to_jsonb): its instants are strings there. */
function lockedCaseFromJson(json: unknown): (CaseRow & { doc: CaseDoc }) | null {
  if (!json || typeof json !== "object") return null;
  const r = json as Omit<CaseRow, "startedAt" | "finishedAt"> & { startedAt: string; finishedAt: string | null };
  const row: CaseRow = { ...r, startedAt: new Date(r.startedAt), finishedAt: r.finishedAt === null ? null : new Date(r.finishedAt) };
  return { ...row, doc: parseCaseDoc(row.steps) };
}

/** The document as JSON for its column (it is plain data: strings, numbers, booleans, arrays, objects). */
function toJson(doc: CaseDoc): Prisma.InputJsonValue {
  return doc;
}

/**
 * Saves the document, and ends the row when the machine says the case is over; returns the row as saved.
 * A document the events left as it was is not written again.
 */
async function saveDoc(
  tx: Tx,
  providerCompanyId: string,
  row: CaseRow & { doc: CaseDoc },
  doc: CaseDoc,
  now: Date,
  also: Prisma.Sql | null = null,
): Promise<CaseRow> {
  if (isUnchanged(row, doc) && !also) return row;
  // `also`: the step's other write (its inquiry rows), sent in the same statement.
  const [saved] = await tx.$queryRaw<CaseRow[]>`${also ? Prisma.sql`WITH also AS (${also})` : Prisma.empty} ${saveDocSql(providerCompanyId, row.id, doc, now)}`;
  if (!saved) throw new CaseNotFoundError();
  return saved;
}

const isUnchanged = (row: { doc: CaseDoc }, doc: CaseDoc) => doc === row.doc || JSON.stringify(doc) === JSON.stringify(row.doc);

/** saveDoc's UPDATE (raw, so the record can send it inside its own write statement), returning the row as lockCaseSql reads it. */
function saveDocSql(providerCompanyId: string, id: string, doc: CaseDoc, now: Date, onlyIf: Prisma.Sql | null = null): Prisma.Sql {
  const end = endOf(doc, now);
  const set = [Prisma.sql`steps = ${JSON.stringify(toJson(doc))}::jsonb`];
  if ("outcome" in end) set.push(Prisma.sql`outcome = ${end.outcome}::"ReloadOutcome"`, Prisma.sql`finished_at = ${end.finishedAt}`);
  if ("refusalCode" in end)
    set.push(Prisma.sql`refusal_code = ${end.refusalCode}`, Prisma.sql`refusal_step = ${end.refusalStep}`, Prisma.sql`refusal_reason = NULL`);
  // `onlyIf`: a CTE of the same statement that must have a row (the permission taken) for the save to happen.
  return Prisma.sql`UPDATE sp_reload_cases SET ${Prisma.join(set)}
    WHERE id = ${id}::uuid AND provider_company_id = ${providerCompanyId} ${onlyIf ? Prisma.sql`AND EXISTS (SELECT 1 FROM ${onlyIf})` : Prisma.empty}
    RETURNING ${caseColumns}`;
}

const caseRowSelect = {
  id: true,
  outcome: true,
  platformType: true,
  cardId: true,
  steps: true,
  startedAt: true,
  finishedAt: true,
  refusalCode: true,
  refusalStep: true,
  refusalReason: true,
} as const;

/** The row's ending columns when the machine says the case is over. */
function endOf(doc: CaseDoc, now: Date) {
  const verdict = caseVerdict(doc);
  return verdict.outcome === "in_progress"
    ? {}
    : verdict.outcome === "refused"
      ? { outcome: "refused" as const, finishedAt: now, refusalCode: verdict.refusal.code, refusalStep: verdict.refusal.step, refusalReason: null }
      : { outcome: verdict.outcome, finishedAt: now };
}

/** A load record as the reload reads it: with its customer, examination, charge and the reload already made of it. */
type OldLoadRow = {
  id: string;
  messageId: string;
  applicationAid: string;
  status: OldLoad["status"];
  loadedAt: Date | null;
  cardId: string | null;
  surfaceNumberLast4: string | null;
  customer: { id: string; customerNo: string; fullName: string; fullNameKana: string | null };
  investigation: {
    id: string;
    outcome: string;
    limitMinor: number;
    declaredIncomeMinor: number;
    investigatedAt: string;
    investigatedBy: string;
    policyVersion: string;
  } | null;
  charge: { kind: string; amountMinor: number; currency: string; chargedAt: string } | null;
  reload: { messageId: string; loadedAt: string | null } | null;
};

/**
 * Load records with everything the reload checks and shows, in one statement (issue 16: Prisma's
 * includes cost a statement per relation): by the cards of a chain (nearest card first, then oldest
 * first). A load named by its message id (Fig. 17) is read by inquiryFacts.
 */
async function oldLoadRows(tx: Tx, providerCompanyId: string, where: { cardIds: string[] }): Promise<OldLoadRow[]> {
  return tx.$queryRaw<OldLoadRow[]>`${oldLoadSelect(providerCompanyId)}
    AND r.card_id = ANY(${where.cardIds}::text[]) ORDER BY array_position(${where.cardIds}::text[], r.card_id), r.created_at`;
}

/** The SELECT of oldLoadRows, up to its WHERE on the provider (the caller adds its filter with AND). */
function oldLoadSelect(providerCompanyId: string): Prisma.Sql {
  return Prisma.sql`
    SELECT r.id::text AS id, r.message_id AS "messageId", r.application_aid AS "applicationAid", r.status::text AS status, r.loaded_at AS "loadedAt",
           r.card_id AS "cardId", r.surface_number_last4 AS "surfaceNumberLast4",
           json_build_object('id', c.id, 'customerNo', c.customer_no, 'fullName', c.full_name, 'fullNameKana', c.full_name_kana) AS customer,
           CASE WHEN i.id IS NULL THEN NULL ELSE json_build_object('id', i.id, 'outcome', i.outcome, 'limitMinor', i.limit_minor, 'declaredIncomeMinor', i.declared_income_minor,
             'investigatedAt', i.investigated_at, 'investigatedBy', i.investigated_by, 'policyVersion', i.policy_version) END AS investigation,
           CASE WHEN ch.id IS NULL THEN NULL ELSE json_build_object('kind', ch.kind, 'amountMinor', ch.amount_minor, 'currency', ch.currency, 'chargedAt', ch.charged_at) END AS charge,
           (SELECT json_build_object('messageId', n.message_id, 'loadedAt', n.loaded_at) FROM sp_load_records n
             WHERE n.provider_company_id = r.provider_company_id AND n.previous_load_id = r.id AND n.status = 'loaded' LIMIT 1) AS reload
      FROM sp_load_records r
      JOIN sp_customers c ON c.provider_company_id = r.provider_company_id AND c.id = r.customer_id
      LEFT JOIN sp_credit_investigations i ON i.provider_company_id = r.provider_company_id AND i.id = r.credit_investigation_id
      LEFT JOIN sp_user_charges ch ON ch.provider_company_id = r.provider_company_id AND ch.load_record_id = r.id
     WHERE r.provider_company_id = ${providerCompanyId}`;
}

/** What a method-1 case decides on without asking the issuer, read at once (deskFacts). */
type DeskFacts = {
  cardId: string;
  hotList: HotListHit | null;
  notice: { oldCardId: string; via: "push" | "pull"; sourceMessageId: string; reissuedAt: string } | null;
  chain: string[];
  loads: OldLoadRow[];
  fees: Record<string, CaseFee | null>;
};

/**
 * Issue 16, one statement for a method-1 case opened on a card id: the hot list, the Fig. 13 pair we
 * hold for the card, the old cards' chain, their loads (as oldLoadRows reads them, nearest card first,
 * then oldest first) and the fee in force for each application (as feesOf). The machine takes what it
 * needs of them; a case that stops earlier (a blocked card) read a little more than it used.
 */
async function deskFacts(client: Tx, providerCompanyId: string, cardId: string, aids: readonly string[], now: Date): Promise<DeskFacts> {
  const [row] = await client.$queryRaw<
    {
      hotList: { reason: string; blockedAt: string; blockMessageId: string } | null;
      notice: { oldCardId: string; via: "push" | "pull"; sourceMessageId: string; reissuedAt: string } | null;
      chain: { card: string; depth: number }[] | null;
      loads: (Omit<OldLoadRow, "loadedAt"> & { loadedAt: string | null })[] | null;
      fees: (CaseFee & { aid: string })[] | null;
    }[]
  >`
    WITH RECURSIVE notice AS (
      SELECT old_card_id, via::text AS via, source_message_id, reissued_at FROM sp_reissue_notices
       WHERE provider_company_id = ${providerCompanyId} AND reissued_card_id = ${cardId}),
    chain(card, depth) AS (
      SELECT old_card_id, 0 FROM notice
      UNION ALL
      SELECT n.old_card_id, chain.depth + 1 FROM chain
        JOIN sp_reissue_notices n ON n.provider_company_id = ${providerCompanyId} AND n.reissued_card_id = chain.card
       WHERE chain.depth < 20),
    loads AS (${oldLoadSelect(providerCompanyId)} AND r.card_id IN (SELECT card FROM chain))
    SELECT
      (SELECT json_build_object('reason', h.reason, 'blockedAt', h.blocked_at, 'blockMessageId', h.block_message_id) FROM sp_hot_list h
        WHERE h.provider_company_id = ${providerCompanyId} AND h.card_id = ${cardId} AND h.status = 'blocked' ORDER BY h.change_seq DESC LIMIT 1) AS "hotList",
      (SELECT json_build_object('oldCardId', old_card_id, 'via', via, 'sourceMessageId', source_message_id, 'reissuedAt', reissued_at) FROM notice) AS notice,
      (SELECT json_agg(json_build_object('card', card, 'depth', depth) ORDER BY depth) FROM chain) AS chain,
      (SELECT json_agg(l ORDER BY (SELECT min(depth) FROM chain WHERE chain.card = l."cardId"),
                       (SELECT r.created_at FROM sp_load_records r WHERE r.id = l.id::uuid)) FROM loads l) AS loads,
      (SELECT json_agg(f) FROM (
         SELECT DISTINCT ON (application_aid) application_aid AS aid, normal_fee_minor AS "normalFeeMinor", reissue_fee_minor AS "reissueFeeMinor", currency
           FROM sp_fee_schedules
          WHERE provider_company_id = ${providerCompanyId} AND application_aid = ANY(${[...aids]}::text[]) AND valid_from <= ${now}
          ORDER BY application_aid, valid_from DESC) f) AS fees`;
  const chain: string[] = [];
  for (const { card } of row?.chain ?? []) {
    if (chain.includes(card)) break;
    chain.push(card);
  }
  const fees: Record<string, CaseFee | null> = Object.fromEntries(aids.map((aid) => [aid, null]));
  for (const f of row?.fees ?? []) fees[f.aid] = { normalFeeMinor: f.normalFeeMinor, reissueFeeMinor: f.reissueFeeMinor, currency: f.currency };
  const hot = row?.hotList;
  return {
    cardId,
    hotList: hot ? { code: "card-blocked", reason: hot.reason, blockedAt: iso(hot.blockedAt), blockMessageId: hot.blockMessageId } : null,
    notice: row?.notice ? { ...row.notice, reissuedAt: iso(row.notice.reissuedAt) } : null,
    chain,
    loads: (row?.loads ?? []).map((l) => ({ ...l, loadedAt: l.loadedAt ? new Date(l.loadedAt) : null })),
    fees,
  };
}

const iso = (at: string | Date) => new Date(at).toISOString();

const pick = <V>(record: Record<string, V>, keys: readonly string[]): Record<string, V> => Object.fromEntries(keys.map((k) => [k, record[k]!]));

function toOldLoad(row: OldLoadRow): OldLoad {
  const r = row.reload;
  return {
    id: row.id,
    messageId: row.messageId,
    applicationAid: row.applicationAid,
    status: row.status,
    loadedAt: row.loadedAt,
    reloadedBy: r ? { messageId: r.messageId, loadedAt: r.loadedAt ? new Date(r.loadedAt) : null } : null,
  };
}

function toOldLoadView(row: OldLoadRow): OldLoadView {
  const inv = row.investigation;
  return {
    id: row.id,
    messageId: row.messageId,
    loadedAt: row.loadedAt?.toISOString() ?? null,
    cardId: row.cardId,
    surfaceNumberLast4: row.surfaceNumberLast4,
    customer: row.customer,
    examination: inv ? { ...inv, investigatedAt: iso(inv.investigatedAt) } : null,
    accounting: row.charge ? { ...row.charge, chargedAt: iso(row.charge.chargedAt) } : null,
  };
}

const factOf = (row: OldLoadRow): OldLoadFact => ({ load: toOldLoad(row), view: toOldLoadView(row) });

/** Opens a case for a card at the desk and runs it as far as it goes (to review, a refusal, or waiting). */
export async function openReloadCase(actor: ProviderActor, input: ReloadInput, now = new Date()): Promise<ReloadCaseView> {
  const providerCompanyId = actor.providerCompanyId;
  const doc = openCase(
    input,
    input.applicationAids.map((aid) => ({ aid, name: findApplication(providerCompanyId, aid)?.name ?? null })),
    now,
  );
  const leaseId = input.leaseId && (await isLeaseLive(providerCompanyId, input.leaseId, now)) ? input.leaseId : null;
  const data = {
    providerCompanyId,
    operatorUserId: actor.id,
    leaseId,
    platformType: [100, 200, 999].includes(input.platformType) ? input.platformType : null,
    cardId: doc.card.cardId,
    applicationAids: doc.applications.map((a) => a.aid),
    outcome: "in_progress" as const,
    startedAt: now,
  };
  // Issue 16, few round trips: when the case goes as far as it can without asking the issuer (a pushed
  // notification, a refusal at the desk), its facts are read first and the case is written once, as decided.
  const decided = await decideWithoutAsking(db(), providerCompanyId, doc, now);
  if (decided)
    return caseView(actor, await db().spReloadCase.create({ data: { ...data, steps: toJson(decided), ...endOf(decided, now) }, select: caseRowSelect }), now);
  // A case that asks the issuer is written once, with what it sent (the messages, its inquiries), in one
  // transaction: nobody else can see it before it commits, so it needs no lock.
  const issuerCompanyId = await issuerOf(db(), providerCompanyId);
  const toDeliver: OutboxRef[] = [];
  const created = await db().$transaction(async (tx) => {
    const sent = await sendWhatCaseNeeds(tx, providerCompanyId, issuerCompanyId, doc, now);
    toDeliver.push(...sent.toDeliver);
    const also = inquiryRowsSql(providerCompanyId, sent.inquiries, now);
    const ending = endOf(sent.doc, now);
    const [row] = await tx.$queryRaw<CaseRow[]>`
      ${also ? Prisma.sql`WITH also AS (${also})` : Prisma.empty}
      INSERT INTO sp_reload_cases (id, provider_company_id, operator_user_id, lease_id, platform_type, card_id, application_aids, outcome, steps, started_at,
                                   finished_at, refusal_code, refusal_step)
      VALUES (${randomUUID()}::uuid, ${providerCompanyId}, ${actor.id}::uuid, ${leaseId}::uuid, ${data.platformType}::int, ${data.cardId}::text, ${data.applicationAids}::text[],
              ${"outcome" in ending ? ending.outcome : "in_progress"}::"ReloadOutcome", ${JSON.stringify(toJson(sent.doc))}::jsonb, ${now},
              ${"finishedAt" in ending ? ending.finishedAt : null}::timestamptz, ${"refusalCode" in ending ? ending.refusalCode : null}::text,
              ${"refusalStep" in ending ? ending.refusalStep : null}::text)
      RETURNING ${caseColumns}`;
    if (!row) throw new Error("reload case: no row returned");
    return row;
  });
  return caseView(actor, await answersAfterDelivery(providerCompanyId, created.id, created, toDeliver, now), now);
}

/**
 * A new case run on the facts we hold, or null as soon as it needs a message sent (a pull, an inquiry):
 * then the case is saved as opened and advanced, which sends it.
 */
async function decideWithoutAsking(client: Tx, providerCompanyId: string, input: CaseDoc, now: Date): Promise<CaseDoc | null> {
  let doc = input;
  const apply = (event: CaseEvent) => (doc = applyCaseEvent(doc, event, now));
  // Method 1 on a card id: every fact in one statement (deskFacts).
  const facts =
    doc.card.platformType === 100 && doc.card.cardId
      ? await deskFacts(
          client,
          providerCompanyId,
          doc.card.cardId,
          doc.applications.map((a) => a.aid),
          now,
        )
      : null;
  for (const need of caseNeeds(doc)) {
    if (need.kind === "start") {
      const hotList =
        need.hotListCardId === null
          ? null
          : facts?.cardId === need.hotListCardId
            ? facts.hotList
            : await findBlockedCard(client, providerCompanyId, need.hotListCardId);
      apply({ type: "started", hotList });
    }
  }
  for (const need of caseNeeds(doc)) {
    if (need.kind === "send-inquiry") return null;
    if (need.kind !== "reissue-notice") continue;
    const notice =
      facts?.cardId === need.cardId
        ? facts.notice
        : await client.spReissueNotice
            .findUnique({ where: { providerCompanyId_reissuedCardId: { providerCompanyId, reissuedCardId: need.cardId } } })
            .then((n) => n && { oldCardId: n.oldCardId, via: n.via, sourceMessageId: n.sourceMessageId, reissuedAt: n.reissuedAt.toISOString() });
    if (!notice) return null;
    apply({ type: "reissue-notice-found", ...notice });
  }
  return readAnswers(client, providerCompanyId, doc, now, facts);
}

/**
 * Runs the case as far as the facts allow: Fig. 18 dispatch, then method 1 (704 → 408/409 pull →
 * 706 → 708/710) or method 2 (1104 → 1105 → 1106), leaving each application reloadable or refused.
 * First what is ours to decide and send (one locked transaction, so two clicks never send a request
 * twice), then, after delivery, the answers.
 */
export async function advanceReloadCase(actor: ProviderActor, caseId: string, now = new Date()): Promise<ReloadCaseView> {
  if (!isUuid(caseId)) throw new CaseNotFoundError();
  const providerCompanyId = actor.providerCompanyId;
  const issuerCompanyId = await issuerOf(db(), providerCompanyId);
  const toDeliver: OutboxRef[] = [];
  const saved = await db().$transaction(async (tx) => {
    const row = await lockCase(tx, providerCompanyId, caseId);
    if (!row) return null;
    if (row.outcome !== "in_progress") return row;
    const sent = await sendWhatCaseNeeds(tx, providerCompanyId, issuerCompanyId, row.doc, now);
    toDeliver.push(...sent.toDeliver);
    return saveDoc(tx, providerCompanyId, row, sent.doc, now, inquiryRowsSql(providerCompanyId, sent.inquiries, now));
  });
  if (!saved) throw new CaseNotFoundError();
  return caseView(actor, await answersAfterDelivery(providerCompanyId, caseId, saved, toDeliver, now), now);
}

/**
 * What is ours to decide and send, in the caller's transaction (the case row locked, or not written yet):
 * the document after it, the messages to deliver after commit, and the Fig. 15 inquiries to write with the
 * case (inquiryRowsSql). When nothing is sent, the answers it needs are in our tables already (a push) and
 * are read here.
 */
async function sendWhatCaseNeeds(
  tx: Tx,
  providerCompanyId: string,
  issuerCompanyId: string,
  input: CaseDoc,
  now: Date,
): Promise<{ doc: CaseDoc; toDeliver: OutboxRef[]; inquiries: { aid: string; requestMessageId: string }[] }> {
  let doc = input;
  const toDeliver: OutboxRef[] = [];
  const inquiries: { aid: string; requestMessageId: string }[] = [];
  const apply = (event: CaseEvent) => (doc = applyCaseEvent(doc, event, now));
  for (const need of caseNeeds(doc)) {
    if (need.kind !== "start") continue;
    apply({ type: "started", hotList: need.hotListCardId ? await findBlockedCard(tx, providerCompanyId, need.hotListCardId) : null });
  }
  for (const need of caseNeeds(doc)) {
    if (need.kind === "reissue-notice") {
      const notice = await tx.spReissueNotice.findUnique({ where: { providerCompanyId_reissuedCardId: { providerCompanyId, reissuedCardId: need.cardId } } });
      if (notice) {
        apply({
          type: "reissue-notice-found",
          oldCardId: notice.oldCardId,
          via: notice.via,
          sourceMessageId: notice.sourceMessageId,
          reissuedAt: notice.reissuedAt.toISOString(),
        });
      } else {
        // Fig. 19: not in what was pushed to us; ask the issuer before concluding 707.
        const sent = await enqueueMessage(
          tx,
          "reissuance-information-request",
          { issuerCompanyId, providerCompanyId, now },
          { platformType: 100, reissuedCardId: need.cardId },
        );
        apply({ type: "pull-sent", requestMessageId: sent.messageId, outboxId: sent.outboxId });
        toDeliver.push(sent);
      }
    } else if (need.kind === "send-inquiry") {
      const sent = await enqueueMessage(
        tx,
        "card-information-inquiry",
        { issuerCompanyId, providerCompanyId, now },
        {
          platformType: 200,
          cardAttributeData: doc.card.cardAttributeData ?? "",
          applicationId: need.aid,
          ...(doc.card.surfaceNumberLast4 ? { surfaceNumberLast4: doc.card.surfaceNumberLast4 } : {}),
        },
      );
      inquiries.push({ aid: need.aid, requestMessageId: sent.messageId });
      apply({ type: "inquiry-sent", aid: need.aid, requestMessageId: sent.messageId, outboxId: sent.outboxId });
      toDeliver.push(sent);
    }
  }
  if (toDeliver.length === 0) doc = await readAnswers(tx, providerCompanyId, doc, now);
  return { doc, toDeliver, inquiries };
}

/** Our Fig. 15 inquiry rows (step 1104), as a statement to send with the case's own write (null: none). */
function inquiryRowsSql(providerCompanyId: string, inquiries: readonly { aid: string; requestMessageId: string }[], now: Date): Prisma.Sql | null {
  if (inquiries.length === 0) return null;
  return Prisma.sql`
    INSERT INTO sp_card_inquiries (id, provider_company_id, platform_type, application_aid, request_message_id, asked_at)
    SELECT gen_random_uuid(), ${providerCompanyId}, 200, x.aid, x.req, ${now}
      FROM unnest(${inquiries.map((q) => q.aid)}::text[], ${inquiries.map((q) => q.requestMessageId)}::text[]) AS x(aid, req)`;
}

/** After the case's messages were sent: delivered now, then the answers read (our own tables and inbox) and decided. */
async function answersAfterDelivery(providerCompanyId: string, caseId: string, saved: CaseRow, toDeliver: readonly OutboxRef[], now: Date): Promise<CaseRow> {
  if (toDeliver.length === 0) return saved;
  await deliverNow(toDeliver);
  return (
    (await db().$transaction(async (tx) => {
      const row = await lockCase(tx, providerCompanyId, caseId);
      if (!row || row.outcome !== "in_progress") return row;
      return saveDoc(tx, providerCompanyId, row, await readAnswers(tx, providerCompanyId, row.doc, now), now);
    })) ?? saved
  );
}

/** The answers the case waits for, from our own tables and inbox, applied to its document. */
async function readAnswers(tx: Tx, providerCompanyId: string, input: CaseDoc, now: Date, facts: DeskFacts | null = null): Promise<CaseDoc> {
  let doc = input;
  const apply = (event: CaseEvent) => (doc = applyCaseEvent(doc, event, now));
  for (const need of caseNeeds(doc)) {
    if (need.kind === "pull-reply") apply(await pullAnswer(tx, providerCompanyId, need.requestMessageId, need.cardId));
  }
  for (const need of caseNeeds(doc)) {
    if (need.kind === "old-card-loads" && facts?.notice?.oldCardId === need.oldCardId && need.aids.every((aid) => aid in facts.fees)) {
      apply({ type: "old-card-loads", chain: facts.chain, loads: facts.loads.map(factOf), fees: pick(facts.fees, need.aids) });
    } else if (need.kind === "old-card-loads") {
      // Any generation: the old card, then the cards it replaced in turn, as the Fig. 13 pairs we hold say.
      const chain = await oldCardChain(tx, providerCompanyId, need.oldCardId);
      // Nearest card first, so a load reloaded onto a later card is found as that reload.
      const rows = await oldLoadRows(tx, providerCompanyId, { cardIds: chain });
      apply({ type: "old-card-loads", chain, loads: rows.map(factOf), fees: await feesOf(tx, providerCompanyId, need.aids, now) });
    } else if (need.kind === "inquiry-reply") {
      const inquiry = await inquiryFacts(tx, providerCompanyId, need.requestMessageId, need.aid, now);
      if (!inquiry || inquiry.reissueOk === null || !inquiry.replyMessageId) {
        apply({ type: "inquiry-unanswered", aid: need.aid });
        continue;
      }
      if (inquiry.reissueOk && inquiry.originalMessageId) {
        const record = inquiry.record;
        apply({
          type: "inquiry-answered",
          aid: need.aid,
          replyMessageId: inquiry.replyMessageId,
          result: { reissue: "OK", originalMessageId: inquiry.originalMessageId },
          record: record ? factOf(record) : null,
          fee: record ? inquiry.fee : null,
        });
      } else {
        apply({
          type: "inquiry-answered",
          aid: need.aid,
          replyMessageId: inquiry.replyMessageId,
          result: { reissue: "NG", reason: ngReasonOf(inquiry.ngReason) },
          record: null,
          fee: null,
        });
      }
    }
  }
  return doc;
}

/** Thrown when a case id is not one of the signed-in provider's cases. */
export class CaseNotFoundError extends Error {
  constructor() {
    super("no such reload case at this desk");
  }
}

/** The Fig. 15 NG reason as our inbox handler stored it (a value it validated on receipt); anything else is read as an unknown card. */
/**
 * Issue 16, one statement for the Fig. 15 answer a method-2 case waits for: our inquiry row as the answer
 * left it, the original load it names (as oldLoadRows reads it) and the fee in force for the application
 * (as currentFee). Were three statements.
 */
async function inquiryFacts(
  tx: Tx,
  providerCompanyId: string,
  requestMessageId: string,
  aid: string,
  now: Date,
): Promise<{
  reissueOk: boolean | null;
  replyMessageId: string | null;
  originalMessageId: string | null;
  ngReason: string | null;
  record: OldLoadRow | null;
  fee: CaseFee | null;
} | null> {
  const [row] = await tx.$queryRaw<
    {
      reissueOk: boolean | null;
      replyMessageId: string | null;
      originalMessageId: string | null;
      ngReason: string | null;
      record: (Omit<OldLoadRow, "loadedAt"> & { loadedAt: string | null }) | null;
      fee: CaseFee | null;
    }[]
  >`
    WITH q AS (
      SELECT reissue_ok, reply_message_id, original_message_id, ng_reason FROM sp_card_inquiries
       WHERE provider_company_id = ${providerCompanyId} AND request_message_id = ${requestMessageId}),
    record AS (${oldLoadSelect(providerCompanyId)} AND r.message_id = (SELECT original_message_id FROM q WHERE reissue_ok))
    SELECT q.reissue_ok AS "reissueOk", q.reply_message_id AS "replyMessageId", q.original_message_id AS "originalMessageId", q.ng_reason AS "ngReason",
           (SELECT to_json(l) FROM record l LIMIT 1) AS record,
           (SELECT json_build_object('normalFeeMinor', f.normal_fee_minor, 'reissueFeeMinor', f.reissue_fee_minor, 'currency', f.currency) FROM sp_fee_schedules f
             WHERE f.provider_company_id = ${providerCompanyId} AND f.application_aid = ${aid} AND f.valid_from <= ${now}
             ORDER BY f.valid_from DESC LIMIT 1) AS fee
      FROM q`;
  if (!row) return null;
  return { ...row, record: row.record ? { ...row.record, loadedAt: row.record.loadedAt ? new Date(row.record.loadedAt) : null } : null };
}

function ngReasonOf(stored: string | null): CardInformationNgReason {
  return CARD_INFORMATION_NG_REASONS.find((r) => r === stored) ?? "card-not-found";
}

/** The fee in force for each application (one statement for all of them). */
async function feesOf(tx: Tx, providerCompanyId: string, aids: readonly string[], now: Date): Promise<Record<string, CaseFee | null>> {
  const fees: Record<string, CaseFee | null> = Object.fromEntries(aids.map((aid) => [aid, null]));
  if (aids.length === 0) return fees;
  const rows = await tx.$queryRaw<(CaseFee & { aid: string })[]>`
    SELECT DISTINCT ON (application_aid) application_aid AS aid, normal_fee_minor AS "normalFeeMinor", reissue_fee_minor AS "reissueFeeMinor", currency
      FROM sp_fee_schedules
     WHERE provider_company_id = ${providerCompanyId} AND application_aid = ANY(${[...aids]}::text[]) AND valid_from <= ${now}
     ORDER BY application_aid, valid_from DESC`;
  for (const r of rows) fees[r.aid] = { normalFeeMinor: r.normalFeeMinor, reissueFeeMinor: r.reissueFeeMinor, currency: r.currency };
  return fees;
}

/** Fig. 19, step 409: the issuer's answer to our pull, as the machine's event (none yet: unanswered). */
async function pullAnswer(tx: Tx, providerCompanyId: string, requestMessageId: string, cardId: string): Promise<CaseEvent> {
  const row = await tx.inboxMessage.findFirst({
    where: { ownerCompanyId: providerCompanyId, inReplyTo: requestMessageId, type: "reissuance-information-reply", status: "processed" },
    select: { jws: true },
  });
  const message = row ? decodeStored(row.jws) : null;
  if (message?.header.type !== "reissuance-information-reply") return { type: "pull-unanswered" };
  const reply = message as MessageOf<"reissuance-information-reply">;
  const replyMessageId = reply.header.messageId;
  if (reply.result.status === "not-found") return { type: "pull-answered", replyMessageId, result: { status: "not-found", reason: reply.result.reason } };
  // Our inbox handler stored the pairs as Fig. 13 data: the one for this card, or none.
  const notice = await tx.spReissueNotice.findUnique({
    where: { providerCompanyId_reissuedCardId: { providerCompanyId, reissuedCardId: cardId } },
    select: { oldCardId: true },
  });
  return { type: "pull-answered", replyMessageId, result: notice ? { status: "found", oldCardId: notice.oldCardId } : { status: "not-named" } };
}

/** The old card id and the ids of the cards before it, by the Fig. 13 pairs we received (nearest first). */
export async function oldCardChain(tx: Pick<Tx, "$queryRaw">, providerCompanyId: string, oldCardId: string): Promise<string[]> {
  // One statement whatever the depth; a cycle in the pairs (never sent by an issuer) ends the chain at the first repeat.
  const rows = await tx.$queryRaw<{ card: string }[]>`
    WITH RECURSIVE chain(card, depth) AS (
      SELECT ${oldCardId}::text, 0
      UNION ALL
      SELECT n.old_card_id, chain.depth + 1 FROM chain
        JOIN sp_reissue_notices n ON n.provider_company_id = ${providerCompanyId} AND n.reissued_card_id = chain.card
       WHERE chain.depth < 20)
    SELECT card FROM chain ORDER BY depth`;
  const chain: string[] = [];
  for (const { card } of rows) {
    if (chain.includes(card)) break;
    chain.push(card);
  }
  return chain;
}

/**
 * Step 709 / 1108, on the operator's confirmation: asks the issuer for a reload permission for each
 * reloadable application, referring to the original message id. Each request first claims its old
 * load (one live reload per old load), so a second desk is refused here without asking the issuer.
 */
export async function confirmReloadCase(actor: ProviderActor, caseId: string, now = new Date()): Promise<ReloadCaseView> {
  if (!isUuid(caseId)) throw new CaseNotFoundError();
  const providerCompanyId = actor.providerCompanyId;
  // A case whose desk crashed or went away holds its old loads only as long as its card lease lives.
  await releaseCasesOfEndedLeases(actor, now);
  const issuerCompanyId = await issuerOf(db(), providerCompanyId);
  const claim = { actor, issuerCompanyId, caseId, now };
  let toDeliver: OutboxRef[] = [];
  // Carried permissions taken here, as their statement returned them: the view below does not read them again.
  let known: PermissionRow[] = [];
  let saved: CaseRow | null;
  try {
    // Every reloadable application in one transaction (issue 16: few round trips)...
    saved = await db().$transaction(async (tx) => {
      toDeliver = [];
      known = [];
      const row = await lockCase(tx, providerCompanyId, caseId);
      if (!row || row.outcome !== "in_progress") return row;
      let doc = await syncDoc(tx, providerCompanyId, row.doc, now);
      const reloadable = doc.applications.filter((a) => a.state === "reloadable").map((a) => a.aid);
      // The last application's take may save the case in its own statement (issue 16): then it is not saved again.
      let savedAlong: CaseRow | null = null;
      for (const [k, aid] of reloadable.entries()) {
        const saveAlong = k === reloadable.length - 1 ? { row, saved: (r: CaseRow) => (savedAlong = r) } : null;
        doc = await claimApplication(tx, claim, doc, aid, toDeliver, known, saveAlong);
      }
      return savedAlong ?? saveDoc(tx, providerCompanyId, row, doc, now);
    });
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    // ...and when another desk holds one of their old loads (the transaction rolled back), one application
    // per transaction: that one is refused here without asking the issuer, the others still go.
    toDeliver = [];
    known = [];
    saved = null;
    const first = await db().spReloadCase.findFirst({ where: { id: caseId, providerCompanyId }, select: { steps: true } });
    const aids = first
      ? parseCaseDoc(first.steps)
          .applications.filter((a) => a.state === "reloadable")
          .map((a) => a.aid)
      : [];
    for (const aid of aids) {
      const sent: OutboxRef[] = [];
      try {
        saved = await db().$transaction(async (tx) => {
          const row = await lockCase(tx, providerCompanyId, caseId);
          if (!row || row.outcome !== "in_progress") return row;
          return saveDoc(tx, providerCompanyId, row, await claimApplication(tx, claim, row.doc, aid, sent, []), now);
        });
        toDeliver.push(...sent);
      } catch (e2) {
        if (!isUniqueViolation(e2)) throw e2;
        saved = await db().$transaction(async (tx) => {
          const row = await lockCase(tx, providerCompanyId, caseId);
          if (!row || row.outcome !== "in_progress") return row;
          const app = row.doc.applications.find((a) => a.aid === aid);
          if (!app || app.state !== "reloadable" || !app.old) return row;
          const loaded = await tx.spPermission.findFirst({
            where: { providerCompanyId, previousLoadId: app.old.id, status: "loaded" },
            select: { replyMessageId: true },
          });
          return saveDoc(
            tx,
            providerCompanyId,
            row,
            applyCaseEvent(row.doc, { type: "claim-conflict", aid, reloadedUnder: loaded?.replyMessageId ?? null }, now),
            now,
          );
        });
      }
    }
  }
  if (!saved) throw new CaseNotFoundError();
  if (toDeliver.length === 0) return caseView(actor, saved, now, known);
  await deliverNow(toDeliver);
  return syncReloadCase(actor, caseId, now);
}

/**
 * Inside the confirm's transaction, one reloadable application: claims its old load and takes the
 * permission the issuer's answer carried, or asks for one (its request goes to `toDeliver`). A unique
 * violation (another desk holds the old load) propagates: the caller retries per application.
 */
async function claimApplication(
  tx: Tx,
  claim: { actor: ProviderActor; issuerCompanyId: string; caseId: string; now: Date },
  doc: CaseDoc,
  aid: string,
  toDeliver: OutboxRef[],
  known: PermissionRow[],
  saveAlong: { row: CaseRow & { doc: CaseDoc }; saved: (row: CaseRow) => void } | null = null,
): Promise<CaseDoc> {
  const { actor, issuerCompanyId, caseId, now } = claim;
  const providerCompanyId = actor.providerCompanyId;
  const app = doc.applications.find((a) => a.aid === aid);
  if (!app || app.state !== "reloadable" || !app.old) return doc;
  const catalog = findApplication(providerCompanyId, aid);
  if (!catalog) return applyCaseEvent(doc, { type: "not-our-application", aid }, now);
  // Issue 16: the old load's stale claims and the issuer's answer that may carry a permission, in one statement.
  const facts = await claimFacts(tx, providerCompanyId, doc, app, now);
  if (facts.stale.length > 0) await releaseStaleClaims(tx, providerCompanyId, app.old.id, now);
  const platformType = doc.card.platformType === 200 ? 200 : 100;
  const request = {
    kind: "reload" as const,
    card: {
      platformType: platformType as 100 | 200,
      cardId: doc.card.cardId,
      cardAttributeData: doc.card.cardAttributeData,
      surfaceNumberLast4: doc.card.surfaceNumberLast4,
    },
    applicationAid: aid,
    loadFileHash: loadFileHashOf(catalog),
    customerId: app.old.customer.id,
    creditInvestigationId: app.old.examination?.id ?? null,
    operatorUserId: actor.id,
    previousLoadId: app.old.id,
    originalMessageId: app.old.messageId,
    reloadCaseId: caseId,
  };
  // Issue 12: the issuer's answer may already hold the permission (push: no round trip at all).
  const carried = carriedPermissionFor(facts.source, doc, app, request.loadFileHash, now);
  // Taken unless an earlier visit used it (then it falls back to asking).
  if (carried) {
    // The case as it stands once the permission is taken (its id chosen here), saved in the take's own
    // statement when this is the confirm's last application (`saveAlong`), and only if it was taken.
    const permissionId = randomUUID();
    const next = applyCaseEvent(
      doc,
      {
        type: "permission-carried",
        aid,
        permissionId,
        permission: {
          messageId: carried.permission.messageId,
          originalMessageId: carried.permission.originalMessageId,
          expiresAt: carried.permission.expiresAt,
        },
        via: carried.via,
        sourceType: carried.sourceType,
        sourceMessageId: carried.sourceMessageId,
      },
      now,
    );
    const along = saveAlong && !isUnchanged(saveAlong.row, next) ? saveDocSql(providerCompanyId, saveAlong.row.id, next, now, Prisma.sql`taken`) : null;
    const taken = await takeCarriedPermission(tx, providerCompanyId, request, carried.permission, now, { id: permissionId, along });
    if (taken) {
      known.push(taken.permission);
      if (along) {
        const saved = lockedCaseFromJson(taken.along[0]);
        if (!saved) throw new CaseNotFoundError();
        saveAlong!.saved(saved);
      }
      return next;
    }
  }
  const sent = await enqueuePermissionRequest(tx, providerCompanyId, issuerCompanyId, request, now);
  toDeliver.push(sent.outbox);
  return applyCaseEvent(doc, { type: "permission-requested", aid, permissionId: sent.permissionId, requestMessageId: sent.requestMessageId }, now);
}

type CarriedFound = {
  permission: CarriedReloadPermission;
  sourceMessageId: string;
  sourceType: "reissuance-notification" | "reissuance-information-reply" | "card-information-reply";
  via: "push" | "pull" | "inquiry";
};

/**
 * The reload permission the issuer handed over for this application, if any still fits: in the
 * notification or pull answer that named the card presented (method 1), or in the Fig. 15 answer to
 * this application's inquiry (method 2); for this old load, this load file, not used by an earlier
 * visit, and valid for a while yet. Anything else falls back to asking the issuer.
 */
/**
 * Inside the confirm's transaction, what claiming one application reads, in one statement: whether its
 * old load is held by a stale claim (releaseStaleClaims then frees it), and the issuer's answer that may
 * carry its permission (method 1: the notification or pull answer that named the card; method 2: the
 * Fig. 15 answer to its inquiry), from our inbox.
 */
async function claimFacts(
  tx: Tx,
  providerCompanyId: string,
  doc: CaseDoc,
  app: CaseApp,
  now: Date,
): Promise<{ stale: string[]; source: { messageId: string; jws: string; status: string } | null }> {
  const staleBefore = new Date(now.getTime() - STALE_REQUEST_MINUTES * 60_000);
  const sourceId =
    doc.method === 1 && doc.reissue?.sourceMessageId
      ? Prisma.sql`${doc.reissue.sourceMessageId}`
      : doc.method === 2 && app.inquiry
        ? Prisma.sql`(SELECT q.reply_message_id FROM sp_card_inquiries q WHERE q.provider_company_id = ${providerCompanyId} AND q.request_message_id = ${app.inquiry.requestMessageId})`
        : Prisma.sql`NULL::text`;
  const [row] = await tx.$queryRaw<{ stale: string[] | null; source: { messageId: string; jws: string; status: string } | null }[]>`
    SELECT
      (SELECT array_agg(p.id::text) FROM sp_permissions p
        WHERE p.provider_company_id = ${providerCompanyId} AND p.previous_load_id = ${app.old?.id ?? null}::uuid AND p.kind = 'reload'
          AND ((p.status = 'requested' AND p.requested_at < ${staleBefore}) OR (p.status = 'granted' AND p.expires_at <= ${now}))) AS stale,
      (SELECT json_build_object('messageId', i.message_id, 'jws', i.jws, 'status', i.status) FROM xc_inbox i
        WHERE i.owner_company_id = ${providerCompanyId} AND i.message_id = ${sourceId}) AS source`;
  return { stale: row?.stale ?? [], source: app.old ? (row?.source ?? null) : null };
}

/**
 * The reload permission the issuer handed over for this application in `source` (claimFacts), if any
 * still fits: for this old load, this load file, and valid for a while yet. Anything else falls back to
 * asking the issuer (so does one an earlier visit used: takeCarriedPermission).
 */
function carriedPermissionFor(
  row: { messageId: string; jws: string; status: string } | null,
  doc: CaseDoc,
  app: CaseApp,
  loadFileHash: string,
  now: Date,
): CarriedFound | null {
  const sourceId = row?.messageId;
  if (!sourceId || !app.old) return null;
  const message = row?.status === "processed" ? decodeStored(row.jws) : null;
  let offered: readonly CarriedReloadPermission[] = [];
  let found: Omit<CarriedFound, "permission"> | null = null;
  if (message?.header.type === "reissuance-notification" || message?.header.type === "reissuance-information-reply") {
    const m = message as MessageOf<"reissuance-notification"> | MessageOf<"reissuance-information-reply">;
    const body =
      "pairs" in m
        ? { pairs: m.pairs, permissions: m.reloadPermissions }
        : m.result.status === "found"
          ? { pairs: m.result.pairs, permissions: m.result.reloadPermissions }
          : null;
    // The permissions are bound to the newest card the message names: only that card may use them.
    if (body && body.pairs.at(-1)?.reissuedCardId === doc.card.cardId) offered = body.permissions ?? [];
    found = { sourceMessageId: sourceId, sourceType: m.header.type, via: m.header.type === "reissuance-notification" ? "push" : "pull" };
  } else if (message?.header.type === "card-information-reply") {
    const m = message as MessageOf<"card-information-reply">;
    offered = m.result.reissue === "OK" && m.result.reloadPermission ? [m.result.reloadPermission] : [];
    found = { sourceMessageId: sourceId, sourceType: "card-information-reply", via: "inquiry" };
  }
  const old = app.old;
  const margin = 60_000; // a permission about to expire is not worth a card's refusal
  const permission = offered.find(
    (p) =>
      p.applicationId === app.aid &&
      p.originalMessageId === old.messageId &&
      p.loadFileHash === loadFileHash &&
      Date.parse(p.expiresAt) > now.getTime() + margin,
  );
  return permission && found ? { permission, ...found } : null;
}

/** Where a permission stands, as the machine's fact. */
function permissionFact(p: {
  status: string;
  replyMessageId: string | null;
  originalMessageId: string | null;
  expiresAt: Date | null;
  refusalReason: string | null;
}): PermissionFact {
  switch (p.status) {
    case "granted":
      return p.replyMessageId
        ? { status: "granted", replyMessageId: p.replyMessageId, originalMessageId: p.originalMessageId ?? "", expiresAt: p.expiresAt?.toISOString() ?? null }
        : { status: "requested" };
    case "refused":
      return { status: "refused", replyMessageId: p.replyMessageId ?? "", reason: issuerReasonOf(p.refusalReason) };
    case "loaded":
      return p.replyMessageId ? { status: "loaded", replyMessageId: p.replyMessageId, originalMessageId: p.originalMessageId ?? "" } : { status: "requested" };
    case "failed":
    case "abandoned":
      return { status: "failed" };
    default:
      return { status: "requested" };
  }
}

/**
 * The document with each application's state brought in line with its permission (no statement when none
 * has one, or when `known` holds each: permissions this transaction holds locked and just changed).
 */
async function syncDoc(tx: Tx, providerCompanyId: string, input: CaseDoc, now: Date, known: readonly PermissionRow[] = []): Promise<CaseDoc> {
  const ids = input.applications.flatMap((a) => (a.permissionId ? [a.permissionId] : []));
  if (ids.length === 0) return input;
  const unknown = ids.filter((id) => !known.some((k) => k.id === id));
  const perms = [
    ...known,
    ...(unknown.length === 0
      ? []
      : await tx.spPermission.findMany({
          where: { providerCompanyId, id: { in: unknown } },
          select: { id: true, status: true, replyMessageId: true, originalMessageId: true, expiresAt: true, refusalReason: true },
        })),
  ];
  let doc = input;
  for (const app of input.applications) {
    const p = perms.find((x) => x.id === app.permissionId);
    if (p) doc = applyCaseEvent(doc, { type: "permission-changed", aid: app.aid, permission: permissionFact(p) }, now);
  }
  return doc;
}

/** Brings each application's state in line with its permission (granted, refused, loaded, failed) and ends a settled case. */
export async function syncReloadCase(actor: ProviderActor, caseId: string, now = new Date()): Promise<ReloadCaseView> {
  if (!isUuid(caseId)) throw new CaseNotFoundError();
  const providerCompanyId = actor.providerCompanyId;
  const saved = await db().$transaction(async (tx) => {
    const row = await lockCase(tx, providerCompanyId, caseId);
    if (!row || row.outcome !== "in_progress") return row;
    return saveDoc(tx, providerCompanyId, row, await syncDoc(tx, providerCompanyId, row.doc, now), now);
  });
  if (!saved) throw new CaseNotFoundError();
  return caseView(actor, saved, now);
}

/**
 * The operator ends the visit (or the card lease ended): unused permissions of the case are given up
 * (their old loads freed), and an unfinished case is closed as reloaded, refused or abandoned by what
 * happened.
 */
export async function finishReloadCase(
  actor: ProviderActor,
  caseId: string,
  now = new Date(),
  why: "desk" | "lease-ended" = "desk",
): Promise<ReloadCaseView | null> {
  if (!isUuid(caseId)) return null;
  const providerCompanyId = actor.providerCompanyId;
  const found = await db().$transaction(async (tx) => {
    const row = await lockCase(tx, providerCompanyId, caseId);
    if (!row || row.outcome !== "in_progress") return row;
    const open = await tx.spPermission.findMany({
      where: { providerCompanyId, reloadCaseId: caseId, status: { in: ["requested", "granted"] } },
      select: { id: true, replyMessageId: true },
    });
    const failure = LoadFailureSchema.parse({ code: "visit-ended", why: why === "lease-ended" ? "lease-ended" : "desk" });
    for (const p of open) {
      await tx.spPermission.update({ where: { id: p.id }, data: { status: "abandoned", failure, finishedAt: now } });
      if (p.replyMessageId)
        await tx.spLoadRecord.updateMany({
          where: { providerCompanyId, messageId: p.replyMessageId, status: "pending" },
          data: { status: "failed", failure },
        });
    }
    return saveDoc(tx, providerCompanyId, row, applyCaseEvent(row.doc, { type: "visit-ended", unusedPermissions: open.length, why }, now), now);
  });
  return found ? caseView(actor, found, now) : null;
}

/** A refusal as the desk shows it: the card's or the issuer's own words added from the permission row (not stored in the case). */
function withPermissionWords(refusal: ReloadRefusal | undefined, permission: PermissionView | null): ReloadRefusal | undefined {
  if (!refusal || !permission) return refusal;
  if (permission.status === "refused" && permission.refusal.params.issuerText)
    return { ...refusal, params: { ...refusal.params, issuerText: permission.refusal.params.issuerText } };
  if ((permission.status === "failed" || permission.status === "abandoned") && refusal.code === "card-refused-load") {
    if (permission.failure) return { ...refusal, params: { ...refusal.params, loadFailure: permission.failure } };
    if (permission.legacyFailureReason) return { ...refusal, params: { ...refusal.params, failure: permission.legacyFailureReason } };
  }
  return refusal;
}

/** One of the signed-in provider's cases, or null (another provider's id looks like a missing one). */
export async function getReloadCase(actor: ProviderActor, caseId: string, now = new Date()): Promise<ReloadCaseView | null> {
  if (!isUuid(caseId)) return null;
  const row = await db().spReloadCase.findFirst({ where: { id: caseId, providerCompanyId: actor.providerCompanyId } });
  return row ? caseView(actor, row, now) : null;
}

/**
 * The desk's view of a case row it has already read (its permissions read in one statement, when it has
 * any that `known`, rows as the caller's committed transaction left them, does not hold).
 */
async function caseView(actor: ProviderActor, row: CaseRow, now: Date, known: readonly PermissionRow[] = []): Promise<ReloadCaseView> {
  const doc = parseCaseDoc(row.steps);
  const ids = doc.applications.flatMap((a) => (a.permissionId ? [a.permissionId] : []));
  const unknown = ids.filter((id) => !known.some((k) => k.id === id));
  const views = [...known.filter((k) => ids.includes(k.id)).map(toView), ...(await getPermissionViews(actor, unknown, now))];
  const viewOf = (id?: string) => (id ? (views.find((v) => (v.status === "granted" ? v.grant.permissionId : v.permissionId) === id) ?? null) : null);
  const applications = doc.applications.map((a) => {
    const permission = viewOf(a.permissionId);
    const refusal = withPermissionWords(a.refusal, permission);
    return { ...a, ...(refusal ? { refusal } : {}), permission };
  });
  // The row's refusal is the first application's (the machine's verdict); a version-1 row kept its sentence.
  const refusal = row.refusalCode
    ? (applications.find((a) => a.refusal?.code === row.refusalCode)?.refusal ??
      (row.refusalReason ? legacyRefusal(row.refusalCode as ReloadRefusal["code"], row.refusalStep ?? "", row.refusalReason) : null))
    : null;
  return {
    id: row.id,
    outcome: row.outcome,
    method: doc.method,
    platformType: row.platformType,
    cardId: row.cardId,
    surfaceNumberLast4: doc.card.surfaceNumberLast4,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    steps: doc.steps,
    applications,
    refusal,
    isWaiting:
      row.outcome === "in_progress" && (isWaitingForIssuer(doc) || applications.some((a) => a.state === "requested" && a.permission?.status === "waiting")),
    continuedAsFirstLoad: doc.continuedAsFirstLoad ?? null,
    customerNo: doc.applications.find((a) => a.old)?.old?.customer.customerNo ?? doc.oldCardCustomer?.customerNo ?? null,
  };
}

/** A refused case the operator continued as a first load: kept with the case for the record. */
export async function markContinuedAsFirstLoad(
  tx: Tx,
  providerCompanyId: string,
  caseId: string,
  customerNo: string,
  applications: readonly string[],
  now: Date,
): Promise<void> {
  if (!isUuid(caseId)) return;
  const row = await lockCase(tx, providerCompanyId, caseId);
  if (!row) return;
  await tx.spReloadCase.update({
    where: { id: row.id },
    data: { steps: toJson(applyCaseEvent(row.doc, { type: "continued-as-first-load", customerNo, applications }, now)) },
  });
}

export type ReloadCaseSummary = {
  id: string;
  outcome: "in_progress" | "reloaded" | "refused" | "abandoned";
  platformType: number | null;
  cardId: string | null;
  applicationAids: string[];
  refusalCode: string | null;
  refusalStep: string | null;
  refusalReason: string | null;
  startedAt: Date;
  finishedAt: Date | null;
};

/** The desk's recent reload cases, newest first. */
export async function listReloadCases(actor: ProviderActor, take = 20): Promise<ReloadCaseSummary[]> {
  return db().spReloadCase.findMany({
    where: { providerCompanyId: actor.providerCompanyId },
    orderBy: { startedAt: "desc" },
    take,
    select: {
      id: true,
      outcome: true,
      platformType: true,
      cardId: true,
      applicationAids: true,
      refusalCode: true,
      refusalStep: true,
      refusalReason: true,
      startedAt: true,
      finishedAt: true,
    },
  });
}

/** Records what the card did under one of the case's permissions (permissions.ts), then brings the case up to date. */
export async function recordReloadLoad(actor: ProviderActor, caseId: string, permissionId: string, outcome: CardLoadOutcome, now = new Date()) {
  if (!isUuid(caseId)) {
    const recorded = await recordCardLoad(actor, permissionId, outcome, now);
    return { recorded, view: await syncReloadCase(actor, caseId, now) };
  }
  // The case brought up to date in the record's own transaction (issue 16), its row locked first as every
  // other step of a case does, so a record and a confirm of the same case never wait on each other's rows.
  const providerCompanyId = actor.providerCompanyId;
  let saved: CaseRow | null = null;
  let known: PermissionRow[] = [];
  const recorded = await recordCardLoad(actor, permissionId, outcome, now, {
    lock: lockCaseSql(providerCompanyId, caseId),
    write: async (tx, lockedRows, settled) => {
      // The permission just recorded is known as it now stands (locked by its update): not read again.
      known = settled ? [settled] : [];
      const row = lockedCaseFromJson(lockedRows[0]);
      saved = row;
      if (!row || row.outcome !== "in_progress") return null;
      const doc = await syncDoc(tx, providerCompanyId, row.doc, now, known);
      return isUnchanged(row, doc) ? null : saveDocSql(providerCompanyId, row.id, doc, now);
    },
    written: (rows) => {
      const row = lockedCaseFromJson(rows[0]);
      if (!row) throw new CaseNotFoundError();
      saved = row;
    },
  });
  if (!saved) throw new CaseNotFoundError();
  return { recorded, view: await caseView(actor, saved, now, known) };
}

/**
 * Loads the card finished under a case's permissions whose record never arrived (the desk crashed or was
 * reloaded between the card's receipt and "record"): the relay kept each receipt the card signed during
 * the lease, so they are recorded now, once (recordCardLoad answers a second record with the first).
 */
async function recordReceiptsOfLease(actor: ProviderActor, caseId: string, leaseId: string, now: Date): Promise<void> {
  const granted = await db().spPermission.findMany({
    where: { providerCompanyId: actor.providerCompanyId, reloadCaseId: caseId, status: "granted" },
    select: { id: true, replyMessageId: true },
  });
  if (granted.length === 0) return;
  const receipts = await leaseReceipts(actor.providerCompanyId, leaseId);
  for (const p of granted) {
    const receipt = p.replyMessageId ? receipts.get(p.replyMessageId) : undefined;
    if (receipt) await recordCardLoad(actor, p.id, { status: "loaded", receipt }, now);
  }
}

/**
 * Issue 9, reload resume: open cases of this provider whose card lease has ended (returned, idle past
 * its time, or ended by the cardholder) are released: receipts the card signed are recorded, unused
 * permissions given up (their old loads freed for the next desk), the case closed. Nothing is charged
 * that the card did not load, and nothing the card loaded is lost.
 */
export async function releaseCasesOfEndedLeases(actor: ProviderActor, now = new Date()): Promise<number> {
  const open = await db().spReloadCase.findMany({
    where: { providerCompanyId: actor.providerCompanyId, outcome: "in_progress", leaseId: { not: null } },
    select: { id: true, leaseId: true },
  });
  let released = 0;
  for (const c of open) {
    if (await isLeaseLive(actor.providerCompanyId, c.leaseId!, now)) continue;
    await recordReceiptsOfLease(actor, c.id, c.leaseId!, now);
    await syncReloadCase(actor, c.id, now);
    await finishReloadCase(actor, c.id, now, "lease-ended");
    released++;
  }
  return released;
}

/**
 * F5 in the middle of a reload: the desk tab still holds the card's lease, so its open case on that lease
 * comes back as it was, with any load the card finished meanwhile recorded.
 */
export async function resumeReloadCase(actor: ProviderActor, leaseId: string, now = new Date()): Promise<ReloadCaseView | null> {
  if (!isUuid(leaseId)) return null;
  const row = await db().spReloadCase.findFirst({
    where: { providerCompanyId: actor.providerCompanyId, operatorUserId: actor.id, leaseId, outcome: "in_progress" },
    orderBy: { startedAt: "desc" },
    select: { id: true },
  });
  if (!row) return null;
  await recordReceiptsOfLease(actor, row.id, leaseId, now);
  return syncReloadCase(actor, row.id, now);
}
