import "server-only";
import { isUuid } from "@/lib/core/ids";
import { CARD_INFORMATION_NG_REASONS, type CardInformationNgReason, type CarriedReloadPermission, type MessageOf } from "@/lib/core/messages";
import type { OldLoad, ReloadRefusal } from "@/lib/core/workflows/reload";
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
import { db, type Prisma } from "./db";
import { deliverNow } from "../../exchange/delivery";
import { decodeStored } from "../../exchange/inbox";
import { enqueueMessage } from "../../exchange/outbox";
import type { ProviderTx as Tx } from "./db";
import { isLeaseLive, leaseReceipts } from "../card-lease";
import { currentFee, findApplication, loadFileHashOf } from "./catalog";
import { findBlockedCard } from "./hot-list";
import { enqueuePermissionRequest, getPermissionViews, issuerOf, issuerReasonOf, recordCardLoad, releaseStaleClaims, takeCarriedPermission, type CardLoadOutcome, type PermissionView } from "./permissions";

/**
 * The reload desk's persistence and messaging (Figs. 7, 11, 18, 19; claims 12 and 14). The case
 * itself is the pure machine of lib/core/workflows/reload-case.ts: this module loads its document
 * (sp_reload_cases.steps, validated, version 1 migrated on read), looks up the facts the machine
 * asks for (`caseNeeds`), sends the messages it decides on, and saves the next document. Advancing a
 * case is idempotent: a request already sent is never sent again, so "check again" after an issuer
 * outage just looks for the answer.
 */

export type { CaseApp, CaseAppState, CaseStep, OldLoadView } from "@/lib/core/workflows/reload-case";

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

function isUniqueViolation(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { code?: string }).code === "P2002";
}

/** The case row, locked for this transaction, with its document read and validated. */
async function lockCase(tx: Tx, providerCompanyId: string, id: string) {
  await tx.$queryRaw`SELECT id FROM sp_reload_cases WHERE id = ${id}::uuid AND provider_company_id = ${providerCompanyId} FOR UPDATE`;
  const row = await tx.spReloadCase.findFirst({ where: { id, providerCompanyId } });
  return row ? { ...row, doc: parseCaseDoc(row.steps) } : null;
}

/** The document as JSON for its column (it is plain data: strings, numbers, booleans, arrays, objects). */
function toJson(doc: CaseDoc): Prisma.InputJsonValue {
  return doc;
}

/** Saves the document, and ends the row when the machine says the case is over. */
async function saveDoc(tx: Tx, id: string, doc: CaseDoc, now: Date, extra: Prisma.SpReloadCaseUpdateInput = {}) {
  const verdict = caseVerdict(doc);
  const end: Prisma.SpReloadCaseUpdateInput =
    verdict.outcome === "in_progress"
      ? {}
      : verdict.outcome === "refused"
        ? { outcome: "refused", finishedAt: now, refusalCode: verdict.refusal.code, refusalStep: verdict.refusal.step, refusalReason: null }
        : { outcome: verdict.outcome, finishedAt: now };
  await tx.spReloadCase.update({ where: { id }, data: { steps: toJson(doc), ...end, ...extra } });
}

const oldLoadInclude = {
  customer: { select: { id: true, customerNo: true, fullName: true } },
  investigation: { select: { id: true, outcome: true, limitMinor: true, declaredIncomeMinor: true, investigatedAt: true, investigatedBy: true, policyVersion: true } },
  charge: { select: { kind: true, amountMinor: true, currency: true, chargedAt: true } },
  reloads: { where: { status: "loaded" as const }, select: { messageId: true, loadedAt: true }, take: 1 },
} as const;

type OldLoadRow = Prisma.SpLoadRecordGetPayload<{ include: typeof oldLoadInclude }>;

function toOldLoad(row: OldLoadRow): OldLoad {
  const r = row.reloads[0];
  return { id: row.id, messageId: row.messageId, applicationAid: row.applicationAid, status: row.status, loadedAt: row.loadedAt, reloadedBy: r ? { messageId: r.messageId, loadedAt: r.loadedAt } : null };
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
    examination: inv ? { ...inv, investigatedAt: inv.investigatedAt.toISOString() } : null,
    accounting: row.charge ? { ...row.charge, chargedAt: row.charge.chargedAt.toISOString() } : null,
  };
}

const factOf = (row: OldLoadRow): OldLoadFact => ({ load: toOldLoad(row), view: toOldLoadView(row) });

/** Opens a case for a card at the desk and runs it as far as it goes (to review, a refusal, or waiting). */
export async function openReloadCase(actor: ProviderActor, input: ReloadInput, now = new Date()): Promise<ReloadCaseView> {
  const doc = openCase(
    input,
    input.applicationAids.map((aid) => ({ aid, name: findApplication(actor.providerCompanyId, aid)?.name ?? null })),
    now,
  );
  const leaseId = input.leaseId && (await isLeaseLive(actor.providerCompanyId, input.leaseId, now)) ? input.leaseId : null;
  const row = await db().spReloadCase.create({
    data: {
      providerCompanyId: actor.providerCompanyId,
      operatorUserId: actor.id,
      leaseId,
      platformType: [100, 200, 999].includes(input.platformType) ? input.platformType : null,
      cardId: doc.card.cardId,
      applicationAids: doc.applications.map((a) => a.aid),
      outcome: "in_progress",
      steps: toJson(doc),
      startedAt: now,
    },
    select: { id: true },
  });
  return advanceReloadCase(actor, row.id, now);
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
  const toDeliver: string[] = [];

  const exists = await db().$transaction(async (tx) => {
    const row = await lockCase(tx, providerCompanyId, caseId);
    if (!row) return false;
    if (row.outcome !== "in_progress") return true;
    let doc = row.doc;
    const apply = (event: CaseEvent) => (doc = applyCaseEvent(doc, event, now));
    for (const need of caseNeeds(doc)) {
      if (need.kind !== "start") continue;
      apply({ type: "started", hotList: need.hotListCardId ? await findBlockedCard(tx, providerCompanyId, need.hotListCardId) : null });
    }
    for (const need of caseNeeds(doc)) {
      if (need.kind === "reissue-notice") {
        const notice = await tx.spReissueNotice.findUnique({ where: { providerCompanyId_reissuedCardId: { providerCompanyId, reissuedCardId: need.cardId } } });
        if (notice) {
          apply({ type: "reissue-notice-found", oldCardId: notice.oldCardId, via: notice.via, sourceMessageId: notice.sourceMessageId, reissuedAt: notice.reissuedAt.toISOString() });
        } else {
          // Fig. 19: not in what was pushed to us; ask the issuer before concluding 707.
          const sent = await enqueueMessage(tx, "reissuance-information-request", { issuerCompanyId, providerCompanyId, now }, { platformType: 100, reissuedCardId: need.cardId });
          apply({ type: "pull-sent", requestMessageId: sent.messageId, outboxId: sent.outboxId });
          toDeliver.push(sent.outboxId);
        }
      } else if (need.kind === "send-inquiry") {
        const sent = await enqueueMessage(tx, "card-information-inquiry", { issuerCompanyId, providerCompanyId, now }, {
          platformType: 200,
          cardAttributeData: doc.card.cardAttributeData ?? "",
          applicationId: need.aid,
          ...(doc.card.surfaceNumberLast4 ? { surfaceNumberLast4: doc.card.surfaceNumberLast4 } : {}),
        });
        await tx.spCardInquiry.create({ data: { providerCompanyId, platformType: 200, applicationAid: need.aid, requestMessageId: sent.messageId, askedAt: now } });
        apply({ type: "inquiry-sent", aid: need.aid, requestMessageId: sent.messageId, outboxId: sent.outboxId });
        toDeliver.push(sent.outboxId);
      }
    }
    await saveDoc(tx, caseId, doc, now);
    return true;
  });
  if (!exists) throw new CaseNotFoundError();
  if (toDeliver.length) await deliverNow(toDeliver);

  // Read the answers (our own tables and inbox) and decide.
  await db().$transaction(async (tx) => {
    const row = await lockCase(tx, providerCompanyId, caseId);
    if (!row || row.outcome !== "in_progress") return;
    let doc = row.doc;
    const apply = (event: CaseEvent) => (doc = applyCaseEvent(doc, event, now));
    for (const need of caseNeeds(doc)) {
      if (need.kind === "pull-reply") apply(await pullAnswer(tx, providerCompanyId, need.requestMessageId, need.cardId));
    }
    for (const need of caseNeeds(doc)) {
      if (need.kind === "old-card-loads") {
        // Any generation: the old card, then the cards it replaced in turn, as the Fig. 13 pairs we hold say.
        const chain = await oldCardChain(tx, providerCompanyId, need.oldCardId);
        const found = await tx.spLoadRecord.findMany({ where: { providerCompanyId, cardId: { in: chain } }, include: oldLoadInclude, orderBy: { createdAt: "asc" } });
        // Nearest card first, so a load reloaded onto a later card is found as that reload.
        const rows = found.sort((a, b) => chain.indexOf(a.cardId ?? "") - chain.indexOf(b.cardId ?? ""));
        apply({ type: "old-card-loads", chain, loads: rows.map(factOf), fees: await feesOf(tx, providerCompanyId, need.aids, now) });
      } else if (need.kind === "inquiry-reply") {
        const inquiry = await tx.spCardInquiry.findUnique({ where: { providerCompanyId_requestMessageId: { providerCompanyId, requestMessageId: need.requestMessageId } } });
        if (!inquiry || inquiry.reissueOk === null || !inquiry.replyMessageId) {
          apply({ type: "inquiry-unanswered", aid: need.aid });
          continue;
        }
        if (inquiry.reissueOk && inquiry.originalMessageId) {
          const record = await tx.spLoadRecord.findUnique({ where: { providerCompanyId_messageId: { providerCompanyId, messageId: inquiry.originalMessageId } }, include: oldLoadInclude });
          apply({
            type: "inquiry-answered",
            aid: need.aid,
            replyMessageId: inquiry.replyMessageId,
            result: { reissue: "OK", originalMessageId: inquiry.originalMessageId },
            record: record ? factOf(record) : null,
            fee: record ? await currentFee(providerCompanyId, need.aid, now, tx) : null,
          });
        } else {
          apply({ type: "inquiry-answered", aid: need.aid, replyMessageId: inquiry.replyMessageId, result: { reissue: "NG", reason: ngReasonOf(inquiry.ngReason) }, record: null, fee: null });
        }
      }
    }
    await saveDoc(tx, caseId, doc, now);
  });
  const view = await getReloadCase(actor, caseId, now);
  if (!view) throw new CaseNotFoundError();
  return view;
}

/** Thrown when a case id is not one of the signed-in provider's cases. */
export class CaseNotFoundError extends Error {
  constructor() {
    super("no such reload case at this desk");
  }
}

/** The Fig. 15 NG reason as our inbox handler stored it (a value it validated on receipt); anything else is read as an unknown card. */
function ngReasonOf(stored: string | null): CardInformationNgReason {
  return CARD_INFORMATION_NG_REASONS.find((r) => r === stored) ?? "card-not-found";
}

async function feesOf(tx: Tx, providerCompanyId: string, aids: readonly string[], now: Date): Promise<Record<string, CaseFee | null>> {
  const fees: Record<string, CaseFee | null> = {};
  for (const aid of aids) fees[aid] = await currentFee(providerCompanyId, aid, now, tx);
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
  const notice = await tx.spReissueNotice.findUnique({ where: { providerCompanyId_reissuedCardId: { providerCompanyId, reissuedCardId: cardId } }, select: { oldCardId: true } });
  return { type: "pull-answered", replyMessageId, result: notice ? { status: "found", oldCardId: notice.oldCardId } : { status: "not-named" } };
}

/** The old card id and the ids of the cards before it, by the Fig. 13 pairs we received (nearest first). */
export async function oldCardChain(tx: Pick<Tx, "spReissueNotice">, providerCompanyId: string, oldCardId: string): Promise<string[]> {
  const chain = [oldCardId];
  for (let depth = 0; depth < 20; depth++) {
    const earlier = await tx.spReissueNotice.findUnique({ where: { providerCompanyId_reissuedCardId: { providerCompanyId, reissuedCardId: chain[chain.length - 1]! } }, select: { oldCardId: true } });
    if (!earlier || chain.includes(earlier.oldCardId)) break;
    chain.push(earlier.oldCardId);
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
  const first = await db().spReloadCase.findFirst({ where: { id: caseId, providerCompanyId }, select: { steps: true } });
  if (!first) throw new CaseNotFoundError();
  const aids = parseCaseDoc(first.steps).applications.filter((a) => a.state === "reloadable").map((a) => a.aid);
  const toDeliver: string[] = [];
  for (const aid of aids) {
    try {
      await db().$transaction(async (tx) => {
        const row = await lockCase(tx, providerCompanyId, caseId);
        if (!row || row.outcome !== "in_progress") return;
        const doc = row.doc;
        const app = doc.applications.find((a) => a.aid === aid);
        if (!app || app.state !== "reloadable" || !app.old) return;
        const catalog = findApplication(providerCompanyId, aid);
        if (!catalog) {
          await saveDoc(tx, caseId, applyCaseEvent(doc, { type: "not-our-application", aid }, now), now);
          return;
        }
        await releaseStaleClaims(tx, providerCompanyId, app.old.id, now);
        const platformType = doc.card.platformType === 200 ? 200 : 100;
        const request = {
          kind: "reload" as const,
          card: { platformType: platformType as 100 | 200, cardId: doc.card.cardId, cardAttributeData: doc.card.cardAttributeData, surfaceNumberLast4: doc.card.surfaceNumberLast4 },
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
        const carried = await carriedPermissionFor(tx, providerCompanyId, doc, app, request.loadFileHash, now);
        if (carried) {
          const taken = await takeCarriedPermission(tx, providerCompanyId, request, carried.permission, now);
          const event: CaseEvent = {
            type: "permission-carried",
            aid,
            permissionId: taken.permissionId,
            permission: { messageId: carried.permission.messageId, originalMessageId: carried.permission.originalMessageId, expiresAt: carried.permission.expiresAt },
            via: carried.via,
            sourceType: carried.sourceType,
            sourceMessageId: carried.sourceMessageId,
          };
          await saveDoc(tx, caseId, applyCaseEvent(doc, event, now), now);
          return;
        }
        const sent = await enqueuePermissionRequest(tx, providerCompanyId, issuerCompanyId, request, now);
        await saveDoc(tx, caseId, applyCaseEvent(doc, { type: "permission-requested", aid, permissionId: sent.permissionId, requestMessageId: sent.requestMessageId }, now), now);
        toDeliver.push(sent.outboxId);
      });
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      // Another desk holds this old load (or reloaded it a moment ago): refuse it here, ask nothing.
      await db().$transaction(async (tx) => {
        const row = await lockCase(tx, providerCompanyId, caseId);
        if (!row || row.outcome !== "in_progress") return;
        const app = row.doc.applications.find((a) => a.aid === aid);
        if (!app || app.state !== "reloadable" || !app.old) return;
        const loaded = await tx.spPermission.findFirst({ where: { providerCompanyId, previousLoadId: app.old.id, status: "loaded" }, select: { replyMessageId: true } });
        await saveDoc(tx, caseId, applyCaseEvent(row.doc, { type: "claim-conflict", aid, reloadedUnder: loaded?.replyMessageId ?? null }, now), now);
      });
    }
  }
  if (toDeliver.length) await deliverNow(toDeliver);
  return syncReloadCase(actor, caseId, now);
}

type CarriedFound = { permission: CarriedReloadPermission; sourceMessageId: string; sourceType: "reissuance-notification" | "reissuance-information-reply" | "card-information-reply"; via: "push" | "pull" | "inquiry" };

/**
 * The reload permission the issuer handed over for this application, if any still fits: in the
 * notification or pull answer that named the card presented (method 1), or in the Fig. 15 answer to
 * this application's inquiry (method 2); for this old load, this load file, not used by an earlier
 * visit, and valid for a while yet. Anything else falls back to asking the issuer.
 */
async function carriedPermissionFor(tx: Tx, providerCompanyId: string, doc: CaseDoc, app: CaseApp, loadFileHash: string, now: Date): Promise<CarriedFound | null> {
  const sourceId = doc.method === 1 ? doc.reissue?.sourceMessageId : doc.method === 2 && app.inquiry ? (await tx.spCardInquiry.findUnique({ where: { providerCompanyId_requestMessageId: { providerCompanyId, requestMessageId: app.inquiry.requestMessageId } }, select: { replyMessageId: true } }))?.replyMessageId : null;
  if (!sourceId || !app.old) return null;
  const row = await tx.inboxMessage.findUnique({ where: { ownerCompanyId_messageId: { ownerCompanyId: providerCompanyId, messageId: sourceId } }, select: { jws: true, status: true } });
  const message = row?.status === "processed" ? decodeStored(row.jws) : null;
  let offered: readonly CarriedReloadPermission[] = [];
  let found: Omit<CarriedFound, "permission"> | null = null;
  if (message?.header.type === "reissuance-notification" || message?.header.type === "reissuance-information-reply") {
    const m = message as MessageOf<"reissuance-notification"> | MessageOf<"reissuance-information-reply">;
    const body = "pairs" in m ? { pairs: m.pairs, permissions: m.reloadPermissions } : m.result.status === "found" ? { pairs: m.result.pairs, permissions: m.result.reloadPermissions } : null;
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
  const permission = offered.find((p) => p.applicationId === app.aid && p.originalMessageId === old.messageId && p.loadFileHash === loadFileHash && Date.parse(p.expiresAt) > now.getTime() + margin);
  if (!permission || !found) return null;
  const used = await tx.spPermission.count({ where: { providerCompanyId, replyMessageId: permission.messageId } });
  return used === 0 ? { permission, ...found } : null;
}

/** Where a permission stands, as the machine's fact. */
function permissionFact(p: { status: string; replyMessageId: string | null; originalMessageId: string | null; expiresAt: Date | null; refusalReason: string | null }): PermissionFact {
  switch (p.status) {
    case "granted":
      return p.replyMessageId ? { status: "granted", replyMessageId: p.replyMessageId, originalMessageId: p.originalMessageId ?? "", expiresAt: p.expiresAt?.toISOString() ?? null } : { status: "requested" };
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

/** Brings each application's state in line with its permission (granted, refused, loaded, failed) and ends a settled case. */
export async function syncReloadCase(actor: ProviderActor, caseId: string, now = new Date()): Promise<ReloadCaseView> {
  if (!isUuid(caseId)) throw new CaseNotFoundError();
  const providerCompanyId = actor.providerCompanyId;
  await db().$transaction(async (tx) => {
    const row = await lockCase(tx, providerCompanyId, caseId);
    if (!row || row.outcome !== "in_progress") return;
    let doc = row.doc;
    const ids = doc.applications.flatMap((a) => (a.permissionId ? [a.permissionId] : []));
    const perms = ids.length ? await tx.spPermission.findMany({ where: { providerCompanyId, id: { in: ids } } }) : [];
    for (const app of row.doc.applications) {
      const p = perms.find((x) => x.id === app.permissionId);
      if (p) doc = applyCaseEvent(doc, { type: "permission-changed", aid: app.aid, permission: permissionFact(p) }, now);
    }
    await saveDoc(tx, caseId, doc, now);
  });
  const view = await getReloadCase(actor, caseId, now);
  if (!view) throw new CaseNotFoundError();
  return view;
}

/**
 * The operator ends the visit (or the card lease ended): unused permissions of the case are given up
 * (their old loads freed), and an unfinished case is closed as reloaded, refused or abandoned by what
 * happened.
 */
export async function finishReloadCase(actor: ProviderActor, caseId: string, now = new Date(), why: "desk" | "lease-ended" = "desk"): Promise<ReloadCaseView | null> {
  if (!isUuid(caseId)) return null;
  const providerCompanyId = actor.providerCompanyId;
  const found = await db().$transaction(async (tx) => {
    const row = await lockCase(tx, providerCompanyId, caseId);
    if (!row) return false;
    if (row.outcome !== "in_progress") return true;
    const open = await tx.spPermission.findMany({ where: { providerCompanyId, reloadCaseId: caseId, status: { in: ["requested", "granted"] } }, select: { id: true, replyMessageId: true } });
    const failureReason = why === "lease-ended" ? "the card went back to its holder (lease ended)" : "the desk ended the visit before loading";
    for (const p of open) {
      await tx.spPermission.update({ where: { id: p.id }, data: { status: "abandoned", failureReason, finishedAt: now } });
      if (p.replyMessageId) await tx.spLoadRecord.updateMany({ where: { providerCompanyId, messageId: p.replyMessageId, status: "pending" }, data: { status: "failed", failureReason: "Permission not used: the desk ended the visit." } });
    }
    await saveDoc(tx, caseId, applyCaseEvent(row.doc, { type: "visit-ended", unusedPermissions: open.length, why }, now), now);
    return true;
  });
  return found ? getReloadCase(actor, caseId, now) : null;
}

/** A refusal as the desk shows it: the card's or the issuer's own words added from the permission row (not stored in the case). */
function withPermissionWords(refusal: ReloadRefusal | undefined, permission: PermissionView | null): ReloadRefusal | undefined {
  if (!refusal || !permission) return refusal;
  if (permission.status === "refused" && permission.refusal.params.issuerText) return { ...refusal, params: { ...refusal.params, issuerText: permission.refusal.params.issuerText } };
  if ((permission.status === "failed" || permission.status === "abandoned") && permission.failureReason && refusal.code === "card-refused-load") return { ...refusal, params: { ...refusal.params, failure: permission.failureReason } };
  return refusal;
}

/** One of the signed-in provider's cases, or null (another provider's id looks like a missing one). */
export async function getReloadCase(actor: ProviderActor, caseId: string, now = new Date()): Promise<ReloadCaseView | null> {
  if (!isUuid(caseId)) return null;
  const row = await db().spReloadCase.findFirst({ where: { id: caseId, providerCompanyId: actor.providerCompanyId } });
  if (!row) return null;
  const doc = parseCaseDoc(row.steps);
  const ids = doc.applications.flatMap((a) => (a.permissionId ? [a.permissionId] : []));
  const views = await getPermissionViews(actor, ids, now);
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
    isWaiting: row.outcome === "in_progress" && (isWaitingForIssuer(doc) || applications.some((a) => a.state === "requested" && a.permission?.status === "waiting")),
    continuedAsFirstLoad: doc.continuedAsFirstLoad ?? null,
    customerNo: doc.applications.find((a) => a.old)?.old?.customer.customerNo ?? doc.oldCardCustomer?.customerNo ?? null,
  };
}

/** A refused case the operator continued as a first load: kept with the case for the record. */
export async function markContinuedAsFirstLoad(tx: Tx, providerCompanyId: string, caseId: string, customerNo: string, applications: readonly string[], now: Date): Promise<void> {
  if (!isUuid(caseId)) return;
  const row = await lockCase(tx, providerCompanyId, caseId);
  if (!row) return;
  await tx.spReloadCase.update({ where: { id: row.id }, data: { steps: toJson(applyCaseEvent(row.doc, { type: "continued-as-first-load", customerNo, applications }, now)) } });
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
    select: { id: true, outcome: true, platformType: true, cardId: true, applicationAids: true, refusalCode: true, refusalStep: true, refusalReason: true, startedAt: true, finishedAt: true },
  });
}

/** Records what the card did under one of the case's permissions (permissions.ts), then brings the case up to date. */
export async function recordReloadLoad(actor: ProviderActor, caseId: string, permissionId: string, outcome: CardLoadOutcome, now = new Date()) {
  const recorded = await recordCardLoad(actor, permissionId, outcome, now);
  const view = await syncReloadCase(actor, caseId, now);
  return { recorded, view };
}

/**
 * Loads the card finished under a case's permissions whose record never arrived (the desk crashed or was
 * reloaded between the card's receipt and "record"): the relay kept each receipt the card signed during
 * the lease, so they are recorded now, once (recordCardLoad answers a second record with the first).
 */
async function recordReceiptsOfLease(actor: ProviderActor, caseId: string, leaseId: string, now: Date): Promise<void> {
  const granted = await db().spPermission.findMany({ where: { providerCompanyId: actor.providerCompanyId, reloadCaseId: caseId, status: "granted" }, select: { id: true, replyMessageId: true } });
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
  const open = await db().spReloadCase.findMany({ where: { providerCompanyId: actor.providerCompanyId, outcome: "in_progress", leaseId: { not: null } }, select: { id: true, leaseId: true } });
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
  const row = await db().spReloadCase.findFirst({ where: { providerCompanyId: actor.providerCompanyId, operatorUserId: actor.id, leaseId, outcome: "in_progress" }, orderBy: { startedAt: "desc" }, select: { id: true } });
  if (!row) return null;
  await recordReceiptsOfLease(actor, row.id, leaseId, now);
  return syncReloadCase(actor, row.id, now);
}
