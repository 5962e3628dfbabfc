import "server-only";
import { isUuid } from "@/lib/core/ids";
import { fromBase64Url, toBase64Url } from "@/lib/core/bytes";
import { cardBinding, decodeReceipt, formatStatusWord, type AppletParams } from "@/lib/core/card";
import {
  outcome,
  PERMISSION_REFUSAL_REASONS,
  readDeliveryReceipt,
  type CarriedReloadPermission,
  type DeliveryReceipt,
  type MessageOf,
  type PermissionRefusalReason,
} from "@/lib/core/messages";
import { installedValue, installParamsFor } from "@/lib/core/workflows/first-load";
import { LoadFailureSchema, parseLoadFailure, type LoadFailure, type ReceiptProblem } from "@/lib/core/workflows/load-failure";
import { randomUUID } from "node:crypto";
import { loadValueLines } from "./value-ledger";
import { refusalFromIssuer, reloadRefusal, userChargeFor, type ReloadRefusal } from "@/lib/core/workflows/reload";
import type { ProviderActor } from "../../auth/session";
import { db, Prisma } from "./db";
import { deliverNowWithReceipts } from "../../exchange/delivery";
import { enqueueMessage, type Enqueued } from "../../exchange/outbox";
import { allocateSequenceSql } from "../../exchange/message-ids";
import type { HandlerOutcome } from "../../exchange/types";
import type { ProviderTx as Tx } from "./db";
import { findApplication, loadFileSpecOf, type FeeView, type LoadFileSpec } from "./catalog";

/**
 * The provider's side of a loading or reload permission (DESIGN.md flows 2 and 7): ask the issuer
 * (sp_permissions row + request message in one transaction), take its answer (handlers below,
 * run by the exchange inside the inbox transaction), and record what the card did with it (the
 * load record of Figs. 14/17, the charge of claim 14 and the load confirmation, in one transaction).
 */

/** How long an unanswered request, or an unused grant after its expiry, holds its old load. */
export const STALE_REQUEST_MINUTES = 10;

/** A permission with what its view and its record need: customer number, examination limit, the old load's value, the fee in force. */
export type PermissionRow = Prisma.SpPermissionGetPayload<object> &
  ViewFacts & {
    fee: FeeView | null;
    /** The load record opened under the grant (its message id), with the user's charge once loaded. */
    loadRecord: { id: string; messageId: string; charge: { kind: "normal_load" | "reissue_reload"; amountMinor: number; currency: string } | null } | null;
  };

/** The value a reload carries over: the old load's last known (frozen at the block) value. */
function carriedOf(row: { kind: string; previousLoad: { valueMinor: number | null; valueUnit: string | null } | null }) {
  const prev = row.kind === "reload" ? row.previousLoad : null;
  return prev && prev.valueMinor !== null && prev.valueUnit ? { valueMinor: prev.valueMinor, unit: prev.valueUnit } : null;
}

function installParamsOf(row: PermissionRow, kind: Parameters<typeof installParamsFor>[0], currency: string) {
  return installParamsFor(kind, {
    limitMinor: row.investigation?.limitMinor ?? 0,
    currency,
    holderReference: row.customer.customerNo,
    carried: carriedOf(row),
  });
}

/** A permission the desk's browser can load with: the token the card checks and what to load. */
export type GrantView = {
  permissionId: string;
  applicationAid: string;
  applicationName: string;
  kind: "first_load" | "reload";
  messageId: string;
  originalMessageId: string | null;
  permissionToken: string;
  /** The issuer's signed key updates the card takes first when it has not learned the key that signed the token (base64url). */
  issuerKeyUpdates: string[];
  expiresAt: string;
  loadFile: LoadFileSpec;
  installParams: AppletParams;
};

/** Where a permission stands, for the desk. */
export type PermissionView =
  | { status: "waiting"; permissionId: string; applicationAid: string; requestMessageId: string }
  | { status: "granted"; grant: GrantView; requestMessageId: string }
  | { status: "refused"; permissionId: string; applicationAid: string; requestMessageId: string; replyMessageId: string; refusal: ReloadRefusal }
  | {
      status: "loaded" | "failed" | "abandoned";
      permissionId: string;
      applicationAid: string;
      requestMessageId: string;
      replyMessageId: string | null;
      /** Why it ended without a load (codes; null for a load), or a row's English reason from before the codes. */
      failure: LoadFailure | null;
      legacyFailureReason: string | null;
    };

/** The issuer's refusal code as our handler stored it (validated on receipt); anything else reads as "other". */
export function issuerReasonOf(stored: string | null): PermissionRefusalReason {
  return PERMISSION_REFUSAL_REASONS.find((r) => r === stored) ?? "other";
}

/** The issuer's own words beside its code, shown as the issuer wrote them (they are its message's, not ours). */
function withIssuerText(refusal: ReloadRefusal, text: string | null): ReloadRefusal {
  return text ? { ...refusal, params: { ...refusal.params, issuerText: text.slice(0, 1000) } } : refusal;
}

/** A permission row as the desk sees it. */
export function toView(row: PermissionRow): PermissionView {
  const base = { permissionId: row.id, applicationAid: row.applicationAid, requestMessageId: row.requestMessageId };
  switch (row.status) {
    case "requested":
      return { status: "waiting", ...base };
    case "refused":
      return {
        status: "refused",
        ...base,
        replyMessageId: row.replyMessageId!,
        refusal: withIssuerText(refusalFromIssuer(row.applicationAid, issuerReasonOf(row.refusalReason)), row.refusalText),
      };
    case "granted": {
      const app = findApplication(row.providerCompanyId, row.applicationAid);
      const fee = row.fee;
      if (!app) throw new Error(`permission ${row.id}: ${row.applicationAid} is not in the catalog`);
      return {
        status: "granted",
        requestMessageId: row.requestMessageId,
        grant: {
          permissionId: row.id,
          applicationAid: row.applicationAid,
          applicationName: app.name,
          kind: row.kind,
          messageId: row.replyMessageId!,
          originalMessageId: row.originalMessageId,
          permissionToken: toBase64Url(row.token!),
          issuerKeyUpdates: row.issuerKeyUpdates,
          expiresAt: row.expiresAt!.toISOString(),
          loadFile: loadFileSpecOf(app),
          installParams: installParamsOf(row, app.kind, fee?.currency ?? "JPY"),
        },
      };
    }
    case "loaded":
    case "failed":
    case "abandoned":
      return {
        status: row.status,
        ...base,
        replyMessageId: row.replyMessageId,
        failure: parseLoadFailure(row.failure),
        legacyFailureReason: row.legacyFailureReason,
      };
  }
}

/** What a permission's view reads besides its own columns (the shape `permissionRows` gives). */
type ViewFacts = {
  customer: { customerNo: string };
  investigation: { limitMinor: number } | null;
  previousLoad: { valueMinor: number | null; valueUnit: string | null } | null;
};

/**
 * Permissions by id with their view's facts, in one statement (issue 16: Prisma's includes and the fee
 * lookup were four more): the customer number, the examination's limit, the old load's value, the fee
 * in force at `now`. `forUpdate` locks the permission rows for the caller's transaction.
 */
export async function permissionRows(
  client: Pick<Tx, "$queryRaw">,
  providerCompanyId: string,
  ids: readonly string[],
  now: Date,
  forUpdate = false,
): Promise<PermissionRow[]> {
  if (ids.length === 0) return [];
  const rows = await client.$queryRaw<PermissionSqlRow[]>`
    ${permissionSelect(Prisma.sql`sp_permissions p`, now)}
     WHERE p.provider_company_id = ${providerCompanyId} AND p.id = ANY(${[...ids]}::uuid[])
     ${forUpdate ? Prisma.sql`FOR UPDATE OF p` : Prisma.empty}`;
  return rows.map(toPermissionRow);
}

/** A row of `permissionSelect` as the database gives it. */
type PermissionSqlRow = Omit<PermissionRow, "customer" | "investigation" | "previousLoad"> & {
  customerNo: string;
  limitMinor: number | null;
  prevValueMinor: number | null;
  prevValueUnit: string | null;
  prevId: string | null;
};

/**
 * The SELECT of a permission with its view's facts, over `source` (a table or a CTE with every column of
 * sp_permissions, aliased p). `openedLoad` names a CTE holding a load record this very statement inserted
 * (id, message_id): the statement's snapshot does not show it in sp_load_records.
 */
function permissionSelect(source: Prisma.Sql, now: Date, openedLoad?: Prisma.Sql): Prisma.Sql {
  const existingLoad = Prisma.sql`(SELECT json_build_object('id', r.id, 'messageId', r.message_id, 'charge',
                     (SELECT json_build_object('kind', ch.kind, 'amountMinor', ch.amount_minor, 'currency', ch.currency) FROM sp_user_charges ch
                       WHERE ch.provider_company_id = r.provider_company_id AND ch.load_record_id = r.id))
              FROM sp_load_records r WHERE r.provider_company_id = p.provider_company_id AND r.message_id = p.reply_message_id)`;
  const loadRecord = openedLoad
    ? Prisma.sql`coalesce((SELECT json_build_object('id', o.id, 'messageId', o.message_id, 'charge', NULL) FROM ${openedLoad} o WHERE o.message_id = p.reply_message_id), ${existingLoad})`
    : existingLoad;
  return Prisma.sql`
    SELECT p.id::text AS id, p.provider_company_id AS "providerCompanyId", p.kind::text AS kind, p.request_message_id AS "requestMessageId", p.platform_type AS "platformType",
           p.application_aid AS "applicationAid", p.load_file_hash AS "loadFileHash", p.card_id AS "cardId", p.surface_number_last4 AS "surfaceNumberLast4",
           p.customer_id::text AS "customerId", p.credit_investigation_id::text AS "creditInvestigationId", p.previous_load_id::text AS "previousLoadId",
           p.original_message_id AS "originalMessageId", p.reload_case_id::text AS "reloadCaseId", p.operator_user_id::text AS "operatorUserId", p.status::text AS status,
           p.reply_message_id AS "replyMessageId", p.token, p.issuer_key_updates AS "issuerKeyUpdates", p.expires_at AS "expiresAt", p.refusal_reason AS "refusalReason",
           p.refusal_text AS "refusalText", p.failure, p.legacy_failure_reason AS "legacyFailureReason", p.requested_at AS "requestedAt", p.answered_at AS "answeredAt", p.finished_at AS "finishedAt",
           c.customer_no AS "customerNo", i.limit_minor AS "limitMinor", prev.id::text AS "prevId", prev.value_minor AS "prevValueMinor", prev.value_unit AS "prevValueUnit",
           (SELECT json_build_object('normalFeeMinor', f.normal_fee_minor, 'reissueFeeMinor', f.reissue_fee_minor, 'currency', f.currency) FROM sp_fee_schedules f
             WHERE f.provider_company_id = p.provider_company_id AND f.application_aid = p.application_aid AND f.valid_from <= ${now}
             ORDER BY f.valid_from DESC LIMIT 1) AS fee,
           ${loadRecord} AS "loadRecord"
      FROM ${source}
      JOIN sp_customers c ON c.provider_company_id = p.provider_company_id AND c.id = p.customer_id
      LEFT JOIN sp_credit_investigations i ON i.provider_company_id = p.provider_company_id AND i.id = p.credit_investigation_id
      LEFT JOIN sp_load_records prev ON prev.provider_company_id = p.provider_company_id AND prev.id = p.previous_load_id`;
}

function toPermissionRow({ customerNo, limitMinor, prevId, prevValueMinor, prevValueUnit, ...p }: PermissionSqlRow): PermissionRow {
  return {
    ...p,
    token: p.token ? new Uint8Array(p.token) : null,
    customer: { customerNo },
    investigation: p.creditInvestigationId && limitMinor !== null ? { limitMinor } : null,
    previousLoad: prevId ? { valueMinor: prevValueMinor, valueUnit: prevValueUnit } : null,
  };
}

/** The signed-in desk's permissions by id (another provider's ids are simply absent). */
export async function getPermissionViews(actor: ProviderActor, ids: readonly string[], now = new Date()): Promise<PermissionView[]> {
  const valid = ids.filter((id) => isUuid(id));
  if (valid.length === 0) return [];
  const rows = await permissionRows(db(), actor.providerCompanyId, valid, now);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return valid.flatMap((id) => (byId.has(id) ? [toView(byId.get(id)!)] : []));
}

/** The card reference a permission request carries: card id on platform 100, attribute data on 200. */
export type CardReference = { platformType: 100 | 200; cardId: string | null; cardAttributeData: string | null; surfaceNumberLast4: string | null };

function cardFields(card: CardReference) {
  return card.platformType === 100
    ? { cardId: card.cardId!, ...(card.surfaceNumberLast4 ? { surfaceNumberLast4: card.surfaceNumberLast4 } : {}) }
    : { cardAttributeData: card.cardAttributeData!, ...(card.surfaceNumberLast4 ? { surfaceNumberLast4: card.surfaceNumberLast4 } : {}) };
}

export type PermissionRequest = {
  card: CardReference;
  applicationAid: string;
  loadFileHash: string;
  customerId: string;
  creditInvestigationId: string | null;
  operatorUserId: string;
} & ({ kind: "first_load" } | { kind: "reload"; previousLoadId: string; originalMessageId: string; reloadCaseId: string | null });

/**
 * Inside the caller's transaction: records the request and enqueues the loading-permission-request
 * or reload-permission-request. A reload claims its old load here (partial unique index
 * sp_permissions_one_live_reload), so the transaction fails with P2002 when another desk holds it.
 */
export async function enqueuePermissionRequest(tx: Tx, providerCompanyId: string, issuerCompanyId: string, request: PermissionRequest, now: Date) {
  const card = request.card;
  const sent =
    request.kind === "first_load"
      ? await enqueueMessage(
          tx,
          "loading-permission-request",
          { issuerCompanyId, providerCompanyId, now },
          {
            platformType: card.platformType,
            kind: "first-load",
            applicationId: request.applicationAid,
            ...cardFields(card),
            loadFileHash: request.loadFileHash,
          },
        )
      : await enqueueMessage(
          tx,
          "reload-permission-request",
          { issuerCompanyId, providerCompanyId, now },
          {
            platformType: card.platformType,
            kind: "reload",
            applicationId: request.applicationAid,
            originalMessageId: request.originalMessageId,
            ...cardFields(card),
            loadFileHash: request.loadFileHash,
          },
        );
  const row = await tx.spPermission.create({
    data: {
      providerCompanyId,
      kind: request.kind,
      requestMessageId: sent.messageId,
      platformType: card.platformType,
      applicationAid: request.applicationAid,
      loadFileHash: request.loadFileHash,
      cardId: card.platformType === 100 ? card.cardId : null,
      surfaceNumberLast4: card.surfaceNumberLast4,
      customerId: request.customerId,
      creditInvestigationId: request.creditInvestigationId,
      previousLoadId: request.kind === "reload" ? request.previousLoadId : null,
      originalMessageId: request.kind === "reload" ? request.originalMessageId : null,
      reloadCaseId: request.kind === "reload" ? request.reloadCaseId : null,
      operatorUserId: request.operatorUserId,
      status: "requested",
      requestedAt: now,
    },
    select: { id: true },
  });
  return { permissionId: row.id, outboxId: sent.outboxId, requestMessageId: sent.messageId, outbox: sent };
}

/**
 * Frees an old load held by a request the issuer never answered, or by a grant that expired unused
 * (the desk walked away): the permission is abandoned and its pending load record marked failed.
 * A live grant still within its validity is left alone: another desk may be loading with it.
 */
export async function releaseStaleClaims(tx: Tx, providerCompanyId: string, previousLoadId: string, now: Date): Promise<number> {
  const staleBefore = new Date(now.getTime() - STALE_REQUEST_MINUTES * 60_000);
  const stale = await tx.spPermission.findMany({
    where: {
      providerCompanyId,
      previousLoadId,
      kind: "reload",
      OR: [
        { status: "requested", requestedAt: { lt: staleBefore } },
        { status: "granted", expiresAt: { lte: now } },
      ],
    },
    select: { id: true, replyMessageId: true },
  });
  for (const p of stale) await abandonPermissionTx(tx, providerCompanyId, p.id, p.replyMessageId, { code: "expired" }, now);
  return stale.length;
}

async function abandonPermissionTx(tx: Tx, providerCompanyId: string, id: string, replyMessageId: string | null, why: LoadFailure, now: Date) {
  const failure = LoadFailureSchema.parse(why);
  const changed = await tx.spPermission.updateMany({
    where: { id, providerCompanyId, status: { in: ["requested", "granted"] } },
    data: { status: "abandoned", failure, finishedAt: now },
  });
  if (changed.count === 1 && replyMessageId) {
    await tx.spLoadRecord.updateMany({
      where: { providerCompanyId, messageId: replyMessageId, status: "pending" },
      data: { status: "failed", failure },
    });
  }
}

/** The desk gives up permissions it will not use (the operator cancelled or left). */
export async function abandonPermissions(actor: ProviderActor, ids: readonly string[], why: LoadFailure, now = new Date()): Promise<void> {
  await db().$transaction(async (tx) => {
    const rows = await tx.spPermission.findMany({
      where: { providerCompanyId: actor.providerCompanyId, id: { in: [...ids] } },
      select: { id: true, replyMessageId: true },
    });
    for (const r of rows) await abandonPermissionTx(tx, actor.providerCompanyId, r.id, r.replyMessageId, why, now);
  });
}

// ─────────────────────────── handlers: the issuer's answers ───────────────────────────

type GrantMessage = MessageOf<"loading-permission-grant"> | MessageOf<"reload-permission-grant">;
type RefusalMessage = MessageOf<"loading-permission-refusal"> | MessageOf<"reload-permission-refusal">;

async function requestOf(tx: Tx, providerCompanyId: string, message: GrantMessage | RefusalMessage) {
  const requestMessageId = message.header.inReplyTo;
  if (!requestMessageId) return null;
  return tx.spPermission.findUnique({ where: { providerCompanyId_requestMessageId: { providerCompanyId, requestMessageId } } });
}

/**
 * A grant (step 807: its header message id is the permission's message id). Stored with its token,
 * and the load record of Figs. 14/17 is opened as pending under that message id. A grant that does
 * not answer what we asked (another application, file or original) is not used.
 */
export async function storePermissionGrant(tx: Tx, providerCompanyId: string, message: GrantMessage, now: Date): Promise<HandlerOutcome> {
  const messageId = message.header.messageId;
  const request = await requestOf(tx, providerCompanyId, message);
  if (!request) return { outcome: outcome("grant-unmatched", { messageId }) };
  if (request.status !== "requested")
    return { outcome: outcome("grant-late", { messageId, requestMessageId: request.requestMessageId, status: request.status }) };
  const kind = message.kind === "reload" ? "reload" : "first_load";
  const original = message.kind === "reload" ? message.originalMessageId : null;
  const mismatch =
    request.applicationAid !== message.applicationId
      ? "application"
      : request.loadFileHash !== message.loadFileHash
        ? "load-file"
        : request.kind !== kind
          ? "kind"
          : request.originalMessageId !== original
            ? "original"
            : null;
  if (mismatch) {
    await tx.spPermission.update({
      where: { id: request.id },
      data: {
        status: "abandoned",
        replyMessageId: messageId,
        failure: LoadFailureSchema.parse({ code: "grant-mismatch", mismatch }),
        answeredAt: now,
        finishedAt: now,
      },
    });
    return { outcome: outcome("grant-mismatch", { messageId, requestMessageId: request.requestMessageId, mismatch }) };
  }
  // Issue 16, one statement: the permission granted, and the load record of Figs. 14/17 opened as pending
  // under the grant's message id (ON CONFLICT DO NOTHING: a reload already recorded for the old load keeps
  // it, partial unique index).
  const [written] = await tx.$queryRaw<{ opened: number }[]>`
    WITH granted AS (
      UPDATE sp_permissions
         SET status = 'granted', reply_message_id = ${messageId}, token = ${Buffer.from(fromBase64Url(message.permissionToken))},
             issuer_key_updates = ${message.issuerKeyUpdates ?? []}::text[], expires_at = ${new Date(message.expiresAt)}, answered_at = ${now}
       WHERE id = ${request.id}::uuid AND provider_company_id = ${providerCompanyId}
      RETURNING id),
    opened AS (
      INSERT INTO sp_load_records (id, provider_company_id, message_id, card_id, surface_number_last4, platform_type, application_aid, customer_id,
                                   credit_investigation_id, kind, status, previous_load_id, created_at)
      SELECT ${randomUUID()}::uuid, ${providerCompanyId}, ${messageId}, ${request.cardId}::text, ${request.surfaceNumberLast4}::text, ${request.platformType}::int,
             ${request.applicationAid}, ${request.customerId}::uuid, ${request.creditInvestigationId}::uuid, ${request.kind}::text::"LoadKind", 'pending',
             ${request.previousLoadId}::uuid, ${now}
        FROM granted
      ON CONFLICT DO NOTHING
      RETURNING id)
    SELECT (SELECT count(*)::int FROM opened) AS opened`;
  const loadRecordOpened = written?.opened === 1;
  return {
    outcome: outcome("grant-stored", {
      messageId,
      kind: kind === "reload" ? "reload" : "first-load",
      aid: message.applicationId,
      loadRecordOpened,
    }),
    data: { permissionId: request.id, loadRecordOpened },
  };
}

/**
 * Issue 12, fewer round trips: a reload permission the issuer handed over inside its answer (pushed
 * notification, pull answer, Fig. 15 "reissue OK") is taken as granted, without asking again. Its request is
 * the permission itself. Like enqueuePermissionRequest, it claims the old load (P2002 when another desk holds it).
 */
export async function takeCarriedPermission(
  tx: Tx,
  providerCompanyId: string,
  request: Extract<PermissionRequest, { kind: "reload" }>,
  carried: CarriedReloadPermission,
  now: Date,
  options: { id?: string; along?: Prisma.Sql | null } = {},
): Promise<{ permission: PermissionRow; along: unknown[] } | null> {
  const card = request.card;
  const cardId = card.platformType === 100 ? card.cardId : null;
  // Issue 16, one statement: the permission (unless an earlier visit took it: then null, and the caller
  // asks instead) and its pending load record (ON CONFLICT DO NOTHING, as storePermissionGrant), returned with
  // its view's facts, so the desk's view after the confirm does not read it again.
  // `along`: the caller's write sent in this statement too (the case saved, only if the permission was taken).
  const along = options.along ?? null;
  const rows = await tx.$queryRaw<(PermissionSqlRow & { along: unknown[] | null })[]>`
    WITH taken AS (
      INSERT INTO sp_permissions (id, provider_company_id, kind, request_message_id, platform_type, application_aid, load_file_hash, card_id, surface_number_last4,
                                  customer_id, credit_investigation_id, previous_load_id, original_message_id, reload_case_id, operator_user_id, status,
                                  reply_message_id, token, expires_at, requested_at, answered_at)
      SELECT ${options.id ?? randomUUID()}::uuid, ${providerCompanyId}, 'reload', ${carried.messageId}, ${card.platformType}::int, ${request.applicationAid}, ${request.loadFileHash},
             ${cardId}::text, ${card.surfaceNumberLast4}::text, ${request.customerId}::uuid, ${request.creditInvestigationId}::uuid, ${request.previousLoadId}::uuid,
             ${request.originalMessageId}, ${request.reloadCaseId}::uuid, ${request.operatorUserId}::uuid, 'granted', ${carried.messageId},
             ${Buffer.from(fromBase64Url(carried.permissionToken))}, ${new Date(carried.expiresAt)}, ${now}, ${now}
       WHERE NOT EXISTS (SELECT 1 FROM sp_permissions u WHERE u.provider_company_id = ${providerCompanyId} AND u.reply_message_id = ${carried.messageId})
      RETURNING *),
    opened AS (
      INSERT INTO sp_load_records (id, provider_company_id, message_id, card_id, surface_number_last4, platform_type, application_aid, customer_id,
                                   credit_investigation_id, kind, status, previous_load_id, created_at)
      SELECT ${randomUUID()}::uuid, ${providerCompanyId}, ${carried.messageId}, ${cardId}::text, ${card.surfaceNumberLast4}::text, ${card.platformType}::int,
             ${request.applicationAid}, ${request.customerId}::uuid, ${request.creditInvestigationId}::uuid, 'reload', 'pending', ${request.previousLoadId}::uuid, ${now}
        FROM taken
      ON CONFLICT DO NOTHING
      RETURNING id, message_id)
    ${along ? Prisma.sql`, along AS (${along})` : Prisma.empty}
    SELECT sel.*, ${along ? Prisma.sql`(SELECT json_agg(to_jsonb(a)) FROM along a)` : Prisma.sql`NULL::json`} AS along
      FROM (${permissionSelect(Prisma.sql`taken p`, now, Prisma.sql`opened`)}) sel`;
  const row = rows[0];
  if (!row) return null;
  const { along: alongRows, ...permission } = row;
  return { permission: toPermissionRow(permission), along: alongRows ?? [] };
}

/** A refusal: stored with its reason, for the desk to show. */
export async function storePermissionRefusal(tx: Tx, providerCompanyId: string, message: RefusalMessage, now: Date): Promise<HandlerOutcome> {
  const request = await requestOf(tx, providerCompanyId, message);
  if (!request) return { outcome: outcome("refusal-unmatched", { messageId: message.header.messageId }) };
  if (request.status !== "requested")
    return { outcome: outcome("refusal-late", { messageId: message.header.messageId, requestMessageId: request.requestMessageId, status: request.status }) };
  await tx.spPermission.update({
    where: { id: request.id },
    data: {
      status: "refused",
      replyMessageId: message.header.messageId,
      refusalReason: message.reason,
      refusalText: message.text,
      answeredAt: now,
      finishedAt: now,
    },
  });
  return {
    outcome: outcome("refusal-stored", { kind: message.kind === "reload" ? "reload" : "first-load", aid: message.applicationId, reason: message.reason }),
  };
}

// ─────────────────────────── what the card did ───────────────────────────

/** What the desk's browser reports from the card: its receipt, or the status word that refused the load. */
export type CardLoadOutcome = { status: "loaded"; receipt: string } | { status: "failed"; statusWord: number; step: string };

export type LoadRecorded =
  | {
      ok: true;
      value: {
        status: "loaded";
        loadRecordId: string;
        messageId: string;
        charge: { kind: "normal_load" | "reissue_reload"; amountMinor: number; currency: string };
        /** What the issuer answered to the load confirmation (codes), or that it has not taken it yet. */
        issuer: DeliveryReceipt | "not-taken-yet" | null;
      };
    }
  | { ok: false; error: ReloadRefusal & { loadRecordId: string | null } };

/** Checks that `receipt` is the card's receipt for exactly this permission (the issuer then checks its signature). */
export function checkReceipt(
  receiptB64: string,
  permission: {
    replyMessageId: string;
    applicationAid: string;
    loadFileHash: string;
    kind: "first_load" | "reload";
    platformType: number;
    cardId: string | null;
  },
): ReceiptProblem | null {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(receiptB64);
  } catch {
    return "not-base64url";
  }
  const decoded = decodeReceipt(bytes);
  if (!decoded.ok) return "malformed";
  const info = decoded.value.info;
  if (info.operation !== "load") return "delete-receipt";
  if (info.messageId !== permission.replyMessageId) return "message-id";
  if (info.aid !== permission.applicationAid) return "application";
  if (info.loadFileHash !== permission.loadFileHash) return "load-file";
  if (info.kind !== (permission.kind === "reload" ? "reload" : "first-load")) return "kind";
  // On platform 100 the provider knows the card id and can check the binding itself; on 200 only the issuer can.
  if (permission.platformType === 100 && permission.cardId && info.cardBinding !== cardBinding(permission.cardId, permission.replyMessageId))
    return "card-binding";
  return null;
}

/**
 * Records what the card did under a granted permission, once: the receipt is checked against the
 * permission; on success the load record becomes loaded, the user is charged (normal or reissue fee,
 * claim 14) and the load confirmation goes to the issuer, all in one transaction. A refusal by the
 * card (or a receipt that is not for this permission) marks it failed, charges nothing, and tells
 * the issuer the status word. A second call for the same permission answers the first result.
 */
export async function recordCardLoad(
  actor: ProviderActor,
  permissionId: string,
  outcome: CardLoadOutcome,
  now = new Date(),
  within?: RecordHooks,
): Promise<LoadRecorded> {
  const providerCompanyId = actor.providerCompanyId;
  // The caller's row locked first, in the permission's own statement (issue 16: one round trip). That
  // statement reads the permission as it was when it started: if it waited for the lock while another
  // step of the case changed the permission, a guarded write finds it changed (PermissionChanged), and the
  // record runs again with the lock taken first and the permission read after it, as it is now.
  const run = (merged: boolean) =>
    db().$transaction(async (tx) => {
      const read = !isUuid(permissionId)
        ? { rows: [], locked: within ? await lockOnly(tx, within.lock) : null }
        : merged
          ? await permissionRowsAfterLock(tx, providerCompanyId, [permissionId], now, within?.lock ?? null)
          : { locked: within ? await lockOnly(tx, within.lock) : null, rows: await permissionRows(tx, providerCompanyId, [permissionId], now) };
      const locked = read.locked ?? [];
      const r = await recordTx(tx, read.rows[0], within ? (settled) => within.write(tx, locked, settled) : null);
      if (within) {
        if (r.written) within.written(r.written);
        else if (r.written === undefined) {
          // No write statement of the record's own to ride along (nothing recorded, or the card refused the load).
          const write = await within.write(tx, locked, r.settled ?? null);
          if (write) {
            const [row] = await tx.$queryRaw<{ rows: unknown[] | null }[]>`WITH w AS (${write}) SELECT (SELECT json_agg(to_jsonb(w)) FROM w) AS rows`;
            within.written(row?.rows ?? []);
          }
        }
      }
      return r;
    });
  let result: Awaited<ReturnType<typeof run>>;
  try {
    result = await run(true);
  } catch (e) {
    if (!(e instanceof PermissionChanged) || !within) throw e;
    result = await run(false);
  }
  async function recordTx(
    tx: Tx,
    p: PermissionRow | undefined,
    alongside: ((settled: PermissionRow) => Promise<Prisma.Sql | null>) | null,
  ): Promise<{ recorded: LoadRecorded; outbox: Enqueued<"load-confirmation"> | null; settled?: PermissionRow; written?: unknown[] | null }> {
    if (!p || !p.replyMessageId) {
      return { recorded: { ok: false, error: { ...reloadRefusal("no-such-permission", "load"), loadRecordId: null } }, outbox: null };
    }
    const record = p.loadRecord;
    if (p.status === "loaded" && record?.charge) {
      return {
        recorded: {
          ok: true,
          value: {
            status: "loaded",
            loadRecordId: record.id,
            messageId: record.messageId,
            charge: { kind: record.charge.kind, amountMinor: record.charge.amountMinor, currency: record.charge.currency },
            issuer: null,
          },
        },
        outbox: null,
      };
    }
    if (p.status !== "granted" || !record) {
      const failure = parseLoadFailure(p.failure);
      const params = failure ? { loadFailure: failure } : p.legacyFailureReason ? { failure: p.legacyFailureReason } : {};
      return {
        recorded: { ok: false, error: { ...reloadRefusal("card-refused-load", "load", params, p.applicationAid), loadRecordId: record?.id ?? null } },
        outbox: null,
      };
    }
    const problem = outcome.status === "loaded" ? checkReceipt(outcome.receipt, { ...p, replyMessageId: p.replyMessageId }) : null;
    if (outcome.status === "loaded" && !problem) {
      const fee = p.fee;
      const charge = userChargeFor(p.kind, fee ?? { normalFeeMinor: 0, reissueFeeMinor: 0, currency: "JPY" });
      // The value ledger: what the application was installed with (a reload: carried over from the old load).
      const app = findApplication(providerCompanyId, p.applicationAid);
      const installed = app ? installedValue(installParamsOf(p, app.kind, fee?.currency ?? "JPY")) : null;
      const carried = carriedOf(p);
      const ledger = installed ? loadValueLines(record.id, installed, carried && p.previousLoadId ? p.previousLoadId : null) : [];
      // Issue 16, one statement: the permission used (only while still granted: a second record finds it
      // taken and the transaction fails), the load record loaded with its value, the user's charge, the ledger.
      // The load confirmation's sequence number is taken in the same statement (only when the permission was
      // claimed), and the caller's write (the case brought up to date) rides along; a second record fails the
      // transaction, and both roll back with it.
      const issuerCompanyId = await issuerOf(tx, providerCompanyId);
      const settled: PermissionRow = { ...p, status: "loaded", finishedAt: now, loadRecord: { ...record, charge } };
      const along = alongside ? await alongside(settled) : null;
      const [written] = await tx.$queryRaw<{ claimed: number; sequence: bigint | null; along: unknown[] | null }[]>`
        WITH claimed AS (
          UPDATE sp_permissions SET status = 'loaded', finished_at = ${now}
           WHERE id = ${p.id}::uuid AND provider_company_id = ${providerCompanyId} AND status = 'granted'
          RETURNING id),
        loaded AS (
          UPDATE sp_load_records
             SET status = 'loaded', receipt = ${Buffer.from(fromBase64Url(outcome.receipt))}, loaded_at = ${now},
                 value_minor = coalesce(${installed?.valueMinor ?? null}::int, value_minor), value_unit = coalesce(${installed?.unit ?? null}::text, value_unit)
           WHERE id = ${record.id}::uuid AND provider_company_id = ${providerCompanyId} AND EXISTS (SELECT 1 FROM claimed)
          RETURNING id),
        charged AS (
          INSERT INTO sp_user_charges (id, provider_company_id, customer_id, load_record_id, kind, amount_minor, currency, charged_at)
          SELECT ${randomUUID()}::uuid, ${providerCompanyId}, ${p.customerId}::uuid, loaded.id, ${charge.kind}::"ChargeKind", ${charge.amountMinor}::int, ${charge.currency}, ${now}
            FROM loaded),
        ledger AS (
          INSERT INTO sp_value_ledger (id, provider_company_id, load_record_id, event, value_minor, value_unit, counterpart_load_id, at)
          SELECT x.id, ${providerCompanyId}, x.load_record_id, x.event::"SpValueEvent", x.value_minor, x.value_unit, x.counterpart_load_id, ${now}
            FROM jsonb_to_recordset(${JSON.stringify(ledger)}::jsonb)
              AS x(id uuid, load_record_id uuid, event text, value_minor int, value_unit text, counterpart_load_id uuid)
           WHERE EXISTS (SELECT 1 FROM loaded)),
        sequence AS (${allocateSequenceSql({ issuerCompanyId, providerCompanyId, direction: "P" }, Prisma.sql`claimed`)})
        ${along ? Prisma.sql`, along AS (${along})` : Prisma.empty}
        SELECT (SELECT count(*)::int FROM claimed) AS claimed, (SELECT last_value FROM sequence) AS sequence,
               ${along ? Prisma.sql`(SELECT json_agg(to_jsonb(a)) FROM along a)` : Prisma.sql`NULL::json`} AS along`;
      if (written?.claimed !== 1 || written.sequence === null) throw new PermissionChanged();
      const sent = await enqueueMessage(
        tx,
        "load-confirmation",
        { issuerCompanyId, providerCompanyId, inReplyTo: undefined, now, sequence: Number(written.sequence) },
        {
          platformType: p.platformType as 100 | 200,
          permissionMessageId: p.replyMessageId,
          applicationId: p.applicationAid,
          outcome: { status: "loaded", receipt: outcome.receipt },
          ...(carried && installed ? { carriedOver: installed } : {}),
          userCharge: { kind: charge.kind === "reissue_reload" ? "reissue-reload" : "normal-load", amountMinor: charge.amountMinor, currency: charge.currency },
        },
      );
      return {
        recorded: { ok: true, value: { status: "loaded", loadRecordId: record.id, messageId: record.messageId, charge, issuer: null } },
        outbox: sent,
        settled,
        // Asked for the caller's write (and sent it, if there was one): not asked again.
        ...(alongside ? { written: along ? (written.along ?? []) : null } : {}),
      };
    }
    const sw = outcome.status === "failed" ? outcome.statusWord : null;
    // The card's status word is stored as it came ("6A84"); its meaning is rendered where it is shown.
    const failure = LoadFailureSchema.parse(
      sw !== null
        ? { code: "card-refused", step: (outcome.status === "failed" ? outcome.step : "LOAD").slice(0, 60), sw: formatStatusWord(sw) }
        : { code: "receipt-mismatch", problem: problem ?? "malformed" },
    );
    // Only while still granted, as the load's write: a permission another step changed meanwhile is not overwritten.
    const changed = await tx.spPermission.updateMany({
      where: { id: p.id, providerCompanyId, status: "granted" },
      data: { status: "failed", failure, finishedAt: now },
    });
    if (changed.count !== 1) throw new PermissionChanged();
    await tx.spLoadRecord.update({ where: { id: record.id }, data: { status: "failed", failure } });
    let outbox: Enqueued<"load-confirmation"> | null = null;
    if (sw !== null && sw !== 0x9000) {
      const sent = await enqueueMessage(
        tx,
        "load-confirmation",
        { issuerCompanyId: await issuerOf(tx, providerCompanyId), providerCompanyId, now },
        {
          platformType: p.platformType as 100 | 200,
          permissionMessageId: p.replyMessageId,
          applicationId: p.applicationAid,
          outcome: { status: "failed", statusWord: formatStatusWord(sw) },
        },
      );
      outbox = sent;
    }
    const refusal = reloadRefusal(sw !== null ? "card-refused-load" : "receipt-mismatch", "load", { loadFailure: failure }, p.applicationAid);
    return { recorded: { ok: false, error: { ...refusal, loadRecordId: record.id } }, outbox, settled: { ...p, status: "failed", failure, finishedAt: now } };
  }
  if (result.outbox) {
    const [delivered] = await deliverNowWithReceipts([result.outbox]);
    if (result.recorded.ok) {
      // The delivery says what the issuer answered; a message another worker delivered meanwhile is read back.
      const receipt = delivered?.receipt
        ? { status: "delivered", receipt: delivered.receipt }
        : await db().outboxMessage.findUnique({ where: { id: result.outbox.outboxId }, select: { status: true, receipt: true } });
      const answer = readDeliveryReceipt(receipt?.receipt ?? null);
      result.recorded.value.issuer = receipt?.status === "pending" ? "not-taken-yet" : answer?.kind === "coded" ? answer.value : null;
    }
  }
  return result.recorded;
}

/**
 * Work the caller does in recordCardLoad's transaction (issue 16: in the record's own statements): `lock`
 * before anything is read (its locks first), `write` with the permission as the record leaves it (null when
 * it changed nothing).
 */
/** A guarded write of recordCardLoad found the permission no longer granted (changed by another step meanwhile). */
class PermissionChanged extends Error {
  constructor() {
    super("permission changed under us");
  }
}

export type RecordHooks = {
  /** A SELECT … FOR UPDATE of the caller's rows, run before anything else is read (its rows handed to `write` as JSON). */
  lock: Prisma.Sql;
  /**
   * The caller's write once the permission's new state is known (null: none), an UPDATE … RETURNING: sent
   * inside the record's own write statement when it has one (a load recorded), else on its own.
   */
  write: (tx: Tx, locked: unknown[], settled: PermissionRow | null) => Promise<Prisma.Sql | null>;
  /** The rows `write` returned, as JSON. */
  written: (rows: unknown[]) => void;
};

/**
 * permissionRows after `lock` (a SELECT … FOR UPDATE), in one statement: the locked rows come first (the
 * materialized CTE is read before the lateral join runs), as JSON objects; then the permissions.
 */
async function permissionRowsAfterLock(
  tx: Tx,
  providerCompanyId: string,
  ids: readonly string[],
  now: Date,
  lock: Prisma.Sql | null,
): Promise<{ rows: PermissionRow[]; locked: unknown[] | null }> {
  if (!lock) return { rows: await permissionRows(tx, providerCompanyId, ids, now), locked: null };
  const rows = await tx.$queryRaw<(PermissionSqlRow & { locked: unknown[] | null })[]>`
    WITH locked AS MATERIALIZED (${lock})
    SELECT l.locked, p.*
      FROM (SELECT (SELECT json_agg(to_jsonb(x)) FROM locked x) AS locked) l
      LEFT JOIN LATERAL (
        ${permissionSelect(Prisma.sql`sp_permissions p`, now)}
         WHERE p.provider_company_id = ${providerCompanyId} AND p.id = ANY(${[...ids]}::uuid[])) p ON true`;
  return {
    locked: rows[0]?.locked ?? [],
    rows: rows.filter((r) => r.id !== null).map(({ locked: _locked, ...r }) => toPermissionRow(r)),
  };
}

async function lockOnly(tx: Tx, lock: Prisma.Sql): Promise<unknown[]> {
  const [row] = await tx.$queryRaw<{ locked: unknown[] | null }[]>`
    WITH locked AS MATERIALIZED (${lock}) SELECT (SELECT json_agg(to_jsonb(x)) FROM locked x) AS locked`;
  return row?.locked ?? [];
}

/**
 * Providers' issuers, per process (issue 16: read on every open, confirm and record). A provider company
 * is created with its issuer by the seed and never moved to another, so the answer never changes.
 */
const issuerOfProvider = new Map<string, string>();

/** The issuer this provider works with (sp_companies.issuer_company_id). */
export async function issuerOf(tx: Pick<Tx, "spCompany">, providerCompanyId: string): Promise<string> {
  const known = issuerOfProvider.get(providerCompanyId);
  if (known) return known;
  const company = await tx.spCompany.findUniqueOrThrow({ where: { providerCompanyId }, select: { issuerCompanyId: true } });
  issuerOfProvider.set(providerCompanyId, company.issuerCompanyId);
  return company.issuerCompanyId;
}
