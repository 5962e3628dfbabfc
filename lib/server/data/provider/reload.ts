import "server-only";
import { isUuid } from "@/lib/core/ids";
import { formatMoney } from "@/lib/core/format";
import type { CarriedReloadPermission, MessageOf, PermissionRefusalReason } from "@/lib/core/messages";
import {
  caseOutcome,
  checkCardNotLocked,
  checkNotOnHotList,
  checkLoadByMessageId,
  checkOldCardApplication,
  concludeCardInformationReply,
  concludeReissueLookup,
  dispatchPlatformType,
  refusalFromIssuer,
  reloadRefusal,
  type OldLoad,
  type ReloadRefusal,
} from "@/lib/core/workflows/reload";
import type { ProviderActor } from "../../auth/session";
import { db, type Prisma } from "../../db";
import { deliverNow } from "../../exchange/delivery";
import { decodeStored } from "../../exchange/inbox";
import { enqueueMessage } from "../../exchange/outbox";
import type { Tx } from "../../exchange/types";
import { isLeaseLive, leaseReceipts } from "../card-lease";
import { currentFee, findApplication, loadFileHashOf, type FeeView } from "./catalog";
import { findBlockedCard } from "./hot-list";
import { enqueuePermissionRequest, getPermissionViews, issuerOf, recordCardLoad, releaseStaleClaims, takeCarriedPermission, type CardLoadOutcome, type PermissionView } from "./permissions";

/**
 * The reload desk (Figs. 7, 11, 18, 19; claims 12 and 14). One visit is one sp_reload_cases row whose
 * `steps` document records every step with its patent number, the messages exchanged, and each
 * requested application's state. Advancing a case is idempotent: a request already sent is never
 * sent again, so "check again" after an issuer outage just looks for the answer.
 */

export type CaseStep = {
  step: string;
  title: string;
  detail: string;
  outcome: "ok" | "refused" | "waiting" | "info";
  at: string;
  messages?: { type: string; messageId: string; direction: "sent" | "received" }[];
};

export type OldLoadView = {
  id: string;
  messageId: string;
  loadedAt: string | null;
  cardId: string | null;
  surfaceNumberLast4: string | null;
  customer: { id: string; customerNo: string; fullName: string };
  /** Claim 12: the examination made when the application was loaded on the old card, reused as it is. */
  examination: { id: string; outcome: string; limitMinor: number; declaredIncomeMinor: number; investigatedAt: string; investigatedBy: string; policyVersion: string } | null;
  /** The accounting of the old load (the charge made then). */
  accounting: { kind: string; amountMinor: number; currency: string; chargedAt: string } | null;
};

export type CaseAppState = "checking" | "waiting-issuer" | "reloadable" | "refused" | "requested" | "granted" | "reloaded" | "failed";

export type CaseApp = {
  aid: string;
  name: string | null;
  state: CaseAppState;
  inquiry?: { requestMessageId: string; outboxId: string };
  old?: OldLoadView;
  refusal?: ReloadRefusal;
  permissionId?: string;
  fee?: FeeView | null;
};

type CaseDoc = {
  v: 1;
  method: 1 | 2 | null;
  card: { platformType: number; cardId: string | null; cardAttributeData: string | null; surfaceNumberLast4: string | null; isCardLocked: boolean };
  steps: CaseStep[];
  pull?: { requestMessageId: string; outboxId: string };
  reissue?: { oldCardId: string; via: "push" | "pull"; sourceMessageId: string };
  applications: CaseApp[];
  continuedAsFirstLoad?: { at: string; customerNo: string; applications: string[] };
  /** Method 1: whose old card it was in our records (to carry over to a first load after a 710). */
  oldCardCustomer?: { id: string; customerNo: string; fullName: string };
};

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


const step = (s: Omit<CaseStep, "at">, now: Date): CaseStep => ({ ...s, at: now.toISOString() });

function isUniqueViolation(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { code?: string }).code === "P2002";
}

async function lockCase(tx: Tx, providerCompanyId: string, id: string) {
  await tx.$queryRaw`SELECT id FROM sp_reload_cases WHERE id = ${id}::uuid AND provider_company_id = ${providerCompanyId} FOR UPDATE`;
  return tx.spReloadCase.findFirst({ where: { id, providerCompanyId } });
}

async function saveDoc(tx: Tx, id: string, doc: CaseDoc, extra: Prisma.SpReloadCaseUpdateInput = {}) {
  await tx.spReloadCase.update({ where: { id }, data: { steps: doc as unknown as Prisma.InputJsonValue, ...extra } });
}

/** Ends the case: reloaded when any application was, else refused with the first refusal (707/710/1107…). */
function finishData(doc: CaseDoc, now: Date): Prisma.SpReloadCaseUpdateInput {
  const results = doc.applications.map((a) => (a.state === "reloaded" ? "reloaded" : a.state === "failed" ? "failed" : "refused")) as ("reloaded" | "refused" | "failed")[];
  const outcome = caseOutcome(results);
  if (outcome === "reloaded") return { outcome, finishedAt: now };
  const first = doc.applications.find((a) => a.refusal)?.refusal ?? reloadRefusal("issuer-refused", "reload", "No application could be reloaded.");
  return { outcome, finishedAt: now, refusalCode: first.code, refusalStep: first.step, refusalReason: first.reason.slice(0, 1000) };
}

function isSettled(app: CaseApp): boolean {
  return app.state === "refused" || app.state === "reloaded" || app.state === "failed";
}

function refuseAll(doc: CaseDoc, refusal: ReloadRefusal, now: Date): void {
  for (const app of doc.applications) if (!isSettled(app)) Object.assign(app, { state: "refused", refusal: { ...refusal, applicationAid: app.aid } });
  doc.steps.push(step({ step: refusal.step, title: "Reload cancelled", detail: refusal.reason, outcome: "refused" }, now));
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

/** Opens a case for a card at the desk and runs it as far as it goes (to review, a refusal, or waiting). */
export async function openReloadCase(actor: ProviderActor, input: ReloadInput, now = new Date()): Promise<ReloadCaseView> {
  const aids = [...new Set(input.applicationAids)];
  const doc: CaseDoc = {
    v: 1,
    method: null,
    card: {
      platformType: input.platformType,
      cardId: input.platformType === 100 ? input.cardId : null,
      cardAttributeData: input.platformType === 200 ? input.cardAttributeData : null,
      surfaceNumberLast4: input.surfaceNumberLast4,
      isCardLocked: input.isCardLocked,
    },
    steps: [step({ step: "701", title: "Reload requested", detail: `The customer asks to reload ${aids.map((a) => findApplication(actor.providerCompanyId, a)?.name ?? a).join(", ")}.`, outcome: "info" }, now)],
    applications: aids.map((aid) => ({ aid, name: findApplication(actor.providerCompanyId, aid)?.name ?? null, state: "checking" })),
  };
  const leaseId = input.leaseId && (await isLeaseLive(actor.providerCompanyId, input.leaseId, now)) ? input.leaseId : null;
  const row = await db().spReloadCase.create({
    data: {
      providerCompanyId: actor.providerCompanyId,
      operatorUserId: actor.id,
      leaseId,
      platformType: [100, 200, 999].includes(input.platformType) ? input.platformType : null,
      cardId: doc.card.cardId,
      applicationAids: aids,
      outcome: "in_progress",
      steps: doc as unknown as Prisma.InputJsonValue,
      startedAt: now,
    },
    select: { id: true },
  });
  return advanceReloadCase(actor, row.id, now);
}

/**
 * Runs the case as far as the facts allow: Fig. 18 dispatch, then method 1 (704 → 408/409 pull →
 * 706 → 708/710) or method 2 (1104 → 1105 → 1106), leaving each application reloadable or refused.
 */
export async function advanceReloadCase(actor: ProviderActor, caseId: string, now = new Date()): Promise<ReloadCaseView> {
  if (!isUuid(caseId)) throw new CaseNotFoundError();
  const providerCompanyId = actor.providerCompanyId;
  const issuerCompanyId = await issuerOf(db(), providerCompanyId);
  const toDeliver: string[] = [];

  // Decide and send inside one locked transaction, so two clicks never send a request twice.
  const exists = await db().$transaction(async (tx) => {
    const row = await lockCase(tx, providerCompanyId, caseId);
    if (!row) return false;
    if (row.outcome !== "in_progress") return true;
    const doc = row.steps as unknown as CaseDoc;
    if (doc.method === null) {
      const method = dispatchPlatformType(doc.card.platformType);
      if (!method.ok) {
        refuseAll(doc, method.error, now);
        await saveDoc(tx, caseId, doc, finishData(doc, now));
        return true;
      }
      doc.method = method.value;
      doc.steps.push(
        step(
          {
            step: "1801–1804",
            title: "Platform type dispatched (Fig. 18)",
            detail:
              method.value === 1
                ? "Platform type 100: third parties may read the card id, so this is method 1 (Figs. 6, 7)."
                : "Platform type 200: only the issuer can read the card id; this card gives card attribute data, so this is method 2 (Fig. 11).",
            outcome: "ok",
          },
          now,
        ),
      );
      const unlocked = checkCardNotLocked(doc.card.isCardLocked);
      if (!unlocked.ok) {
        refuseAll(doc, unlocked.error, now);
        await saveDoc(tx, caseId, doc, finishData(doc, now));
        return true;
      }
      // The hot list: a card the issuer told us is blocked is refused before anything is asked.
      const listed = checkNotOnHotList(method.value === 1 && doc.card.cardId ? await findBlockedCard(tx, providerCompanyId, doc.card.cardId) : null);
      if (!listed.ok) {
        refuseAll(doc, listed.error, now);
        await saveDoc(tx, caseId, doc, finishData(doc, now));
        return true;
      }
      doc.steps.push(
        method.value === 1
          ? step({ step: "702–703", title: "Card id read from the card", detail: `GET DATA tag 45 answered card id ${doc.card.cardId}.`, outcome: "ok" }, now)
          : step({ step: "1102–1103", title: "Card attribute data read from the card", detail: `GET DATA tag DF7A answered ${Math.floor(((doc.card.cardAttributeData?.length ?? 0) * 3) / 4)} bytes only the issuer can decrypt.`, outcome: "ok" }, now),
      );
    }

    if (doc.method === 1 && !doc.reissue && !doc.pull) {
      const notice = await tx.spReissueNotice.findUnique({ where: { providerCompanyId_reissuedCardId: { providerCompanyId, reissuedCardId: doc.card.cardId! } } });
      if (notice) {
        doc.reissue = { oldCardId: notice.oldCardId, via: notice.via, sourceMessageId: notice.sourceMessageId };
        doc.steps.push(
          step(
            {
              step: "704",
              title: "Found in the reissuance information received",
              detail: `Card ${doc.card.cardId} replaces old card ${notice.oldCardId} (reissued ${notice.reissuedAt.toISOString().slice(0, 10)}, ${notice.via === "push" ? "notified by the issuer" : "pulled from the issuer"} in message ${notice.sourceMessageId}).`,
              outcome: "ok",
              messages: [{ type: "reissuance-notification", messageId: notice.sourceMessageId, direction: "received" }],
            },
            now,
          ),
        );
      } else {
        // Fig. 19: not in what was pushed to us; ask the issuer before concluding 707.
        const sent = await enqueueMessage(tx, "reissuance-information-request", { issuerCompanyId, providerCompanyId, now }, { platformType: 100, reissuedCardId: doc.card.cardId! });
        doc.pull = { requestMessageId: sent.messageId, outboxId: sent.outboxId };
        toDeliver.push(sent.outboxId);
        doc.steps.push(
          step(
            {
              step: "704 → 408",
              title: "Not in the reissuance information received: asking the issuer (Fig. 19)",
              detail: `Card id ${doc.card.cardId} is not in our Fig. 13 data. Sent reissuance-information-request ${sent.messageId}.`,
              outcome: "info",
              messages: [{ type: "reissuance-information-request", messageId: sent.messageId, direction: "sent" }],
            },
            now,
          ),
        );
      }
    }

    if (doc.method === 2) {
      for (const app of doc.applications) {
        if (app.state !== "checking" || app.inquiry) continue;
        const sent = await enqueueMessage(tx, "card-information-inquiry", { issuerCompanyId, providerCompanyId, now }, {
          platformType: 200,
          cardAttributeData: doc.card.cardAttributeData!,
          applicationId: app.aid,
          ...(doc.card.surfaceNumberLast4 ? { surfaceNumberLast4: doc.card.surfaceNumberLast4 } : {}),
        });
        await tx.spCardInquiry.create({ data: { providerCompanyId, platformType: 200, applicationAid: app.aid, requestMessageId: sent.messageId, askedAt: now } });
        app.inquiry = { requestMessageId: sent.messageId, outboxId: sent.outboxId };
        toDeliver.push(sent.outboxId);
        doc.steps.push(
          step(
            {
              step: "1104",
              title: `Card information inquiry for ${app.name ?? app.aid}`,
              detail: `Sent the card attribute data and application id ${app.aid} to the issuer in card-information-inquiry ${sent.messageId}.`,
              outcome: "info",
              messages: [{ type: "card-information-inquiry", messageId: sent.messageId, direction: "sent" }],
            },
            now,
          ),
        );
      }
    }
    await saveDoc(tx, caseId, doc);
    return true;
  });
  if (!exists) throw new CaseNotFoundError();
  if (toDeliver.length) await deliverNow(toDeliver);

  // Read the answers (our own tables and inbox) and decide.
  await db().$transaction(async (tx) => {
    const row = await lockCase(tx, providerCompanyId, caseId);
    if (!row || row.outcome !== "in_progress") return;
    const doc = row.steps as unknown as CaseDoc;
    if (doc.method === 1) await decideMethod1(tx, providerCompanyId, doc, now);
    if (doc.method === 2) await decideMethod2(tx, providerCompanyId, doc, now);
    const done = doc.applications.every(isSettled);
    await saveDoc(tx, caseId, doc, done ? finishData(doc, now) : {});
  });
  return (await getReloadCase(actor, caseId, now))!;
}

/** Thrown when a case id is not one of the signed-in provider's cases. */
export class CaseNotFoundError extends Error {
  constructor() {
    super("no such reload case at this desk");
  }
}

async function pullReply(tx: Tx, providerCompanyId: string, requestMessageId: string): Promise<MessageOf<"reissuance-information-reply"> | null> {
  const row = await tx.inboxMessage.findFirst({
    where: { ownerCompanyId: providerCompanyId, inReplyTo: requestMessageId, type: "reissuance-information-reply", status: "processed" },
    select: { jws: true },
  });
  const message = row ? decodeStored(row.jws) : null;
  return message?.header.type === "reissuance-information-reply" ? (message as MessageOf<"reissuance-information-reply">) : null;
}

/** The old card id and the ids of the cards before it, by the Fig. 13 pairs we received (nearest first). */
async function oldCardChain(tx: Tx, providerCompanyId: string, oldCardId: string): Promise<string[]> {
  const chain = [oldCardId];
  for (let depth = 0; depth < 20; depth++) {
    const earlier = await tx.spReissueNotice.findUnique({ where: { providerCompanyId_reissuedCardId: { providerCompanyId, reissuedCardId: chain[chain.length - 1]! } }, select: { oldCardId: true } });
    if (!earlier || chain.includes(earlier.oldCardId)) break;
    chain.push(earlier.oldCardId);
  }
  return chain;
}

async function decideMethod1(tx: Tx, providerCompanyId: string, doc: CaseDoc, now: Date): Promise<void> {
  if (!doc.reissue && doc.pull) {
    const reply = await pullReply(tx, providerCompanyId, doc.pull.requestMessageId);
    if (!reply) {
      if (!doc.steps.some((s) => s.step === "408" && s.outcome === "waiting")) {
        doc.steps.push(step({ step: "408", title: "Waiting for the issuer", detail: `The issuer has not answered ${doc.pull.requestMessageId} yet. Check again in a moment.`, outcome: "waiting" }, now));
      }
      for (const app of doc.applications) if (app.state === "checking") app.state = "waiting-issuer";
      return;
    }
    const received = [{ type: "reissuance-information-reply", messageId: reply.header.messageId, direction: "received" as const }];
    if (reply.result.status === "not-found") {
      doc.steps.push(step({ step: "409", title: "The issuer has no reissuance information for us", detail: `Reply ${reply.header.messageId}: ${reply.result.reason}.`, outcome: "refused", messages: received }, now));
      const concluded = concludeReissueLookup({ status: "not-found", reason: reply.result.reason });
      if (!concluded.ok) refuseAll(doc, concluded.error, now);
      return;
    }
    const notice = await tx.spReissueNotice.findUnique({ where: { providerCompanyId_reissuedCardId: { providerCompanyId, reissuedCardId: doc.card.cardId! } } });
    if (!notice) {
      // The pairs the issuer sent do not name this card: treat as not reissued (never guess a pair).
      doc.steps.push(step({ step: "409", title: "The issuer's pairs do not name this card", detail: `Reply ${reply.header.messageId} lists other cards.`, outcome: "refused", messages: received }, now));
      const concluded = concludeReissueLookup({ status: "not-found", reason: "not-a-reissued-card" });
      if (!concluded.ok) refuseAll(doc, concluded.error, now);
      return;
    }
    doc.reissue = { oldCardId: notice.oldCardId, via: "pull", sourceMessageId: reply.header.messageId };
    doc.steps.push(
      step(
        { step: "409", title: "Reissuance information received from the issuer", detail: `Reply ${reply.header.messageId}: card ${doc.card.cardId} replaces old card ${notice.oldCardId}. Stored as Fig. 13 data.`, outcome: "ok", messages: received },
        now,
      ),
    );
    for (const app of doc.applications) if (app.state === "waiting-issuer") app.state = "checking";
  }
  if (!doc.reissue) return;
  const pending = doc.applications.filter((a) => a.state === "checking");
  if (pending.length === 0) return;
  // Any generation: the old card, then the cards it replaced in turn, as the Fig. 13 pairs we hold say.
  const chain = await oldCardChain(tx, providerCompanyId, doc.reissue.oldCardId);
  const found = await tx.spLoadRecord.findMany({ where: { providerCompanyId, cardId: { in: chain } }, include: oldLoadInclude, orderBy: { createdAt: "asc" } });
  // Nearest card first, so a load reloaded onto a later card is found as that reload.
  const rows = found.sort((a, b) => chain.indexOf(a.cardId!) - chain.indexOf(b.cardId!));
  if (rows[0]) doc.oldCardCustomer = rows[0].customer;
  const earlier = chain.length > 1 ? ` and the earlier card${chain.length > 2 ? "s" : ""} it replaced (${chain.slice(1).join(", ")})` : "";
  doc.steps.push(
    step(
      {
        step: "706",
        title: "Old card found in our records (Fig. 14)",
        detail: `${rows.length} load record${rows.length === 1 ? "" : "s"} under old card id ${doc.reissue.oldCardId}${earlier}: ${rows.map((r) => `${findApplication(providerCompanyId, r.applicationAid)?.name ?? r.applicationAid} (${r.status}${r.cardId !== doc.reissue!.oldCardId ? `, card ${r.cardId}` : ""})`).join(", ") || "none"}.`,
        outcome: "ok",
      },
      now,
    ),
  );
  for (const app of pending) {
    const checked = checkOldCardApplication(app.aid, rows.map(toOldLoad));
    await settleCheck(tx, providerCompanyId, doc, app, checked.ok ? rows.find((r) => r.id === checked.value.id)! : null, checked.ok ? null : checked.error, "708", now);
  }
}

async function decideMethod2(tx: Tx, providerCompanyId: string, doc: CaseDoc, now: Date): Promise<void> {
  for (const app of doc.applications) {
    if ((app.state !== "checking" && app.state !== "waiting-issuer") || !app.inquiry) continue;
    const inquiry = await tx.spCardInquiry.findUnique({ where: { providerCompanyId_requestMessageId: { providerCompanyId, requestMessageId: app.inquiry.requestMessageId } } });
    if (!inquiry || inquiry.reissueOk === null) {
      if (app.state !== "waiting-issuer") {
        app.state = "waiting-issuer";
        doc.steps.push(step({ step: "1105", title: "Waiting for the issuer", detail: `The issuer has not answered ${app.inquiry.requestMessageId} yet. Check again in a moment.`, outcome: "waiting" }, now));
      }
      continue;
    }
    const received = [{ type: "card-information-reply", messageId: inquiry.replyMessageId!, direction: "received" as const }];
    const concluded = concludeCardInformationReply(
      app.aid,
      inquiry.reissueOk ? { reissue: "OK", originalMessageId: inquiry.originalMessageId! } : { reissue: "NG", reason: inquiry.ngReason as "card-not-found" },
    );
    doc.steps.push(
      step(
        {
          step: "1105",
          title: `Issuer's answer for ${app.name ?? app.aid} (Fig. 15)`,
          detail: inquiry.reissueOk ? `Reissue OK; the application was loaded on the old card under message id ${inquiry.originalMessageId}.` : `Reissue NG: ${inquiry.ngReason}.`,
          outcome: inquiry.reissueOk ? "ok" : "refused",
          messages: received,
        },
        now,
      ),
    );
    if (!concluded.ok) {
      Object.assign(app, { state: "refused", refusal: concluded.error });
      doc.steps.push(step({ step: concluded.error.step, title: `Reload of ${app.name ?? app.aid} cancelled`, detail: concluded.error.reason, outcome: "refused" }, now));
      continue;
    }
    const record = await tx.spLoadRecord.findUnique({ where: { providerCompanyId_messageId: { providerCompanyId, messageId: concluded.value.originalMessageId } }, include: oldLoadInclude });
    const checked = checkLoadByMessageId(app.aid, concluded.value.originalMessageId, record ? toOldLoad(record) : null);
    await settleCheck(tx, providerCompanyId, doc, app, checked.ok ? record : null, checked.ok ? null : checked.error, "1106", now);
  }
}

async function settleCheck(tx: Tx, providerCompanyId: string, doc: CaseDoc, app: CaseApp, row: OldLoadRow | null, refusal: ReloadRefusal | null, stepNo: string, now: Date) {
  const name = app.name ?? app.aid;
  if (refusal || !row) {
    const r = refusal ?? reloadRefusal("load-record-not-found", stepNo, "No load record found.", app.aid);
    Object.assign(app, { state: "refused", refusal: r });
    doc.steps.push(step({ step: r.step, title: `Reload of ${name} cancelled`, detail: r.reason, outcome: "refused" }, now));
    return;
  }
  const old = toOldLoadView(row);
  const fee = await currentFee(providerCompanyId, app.aid, now, tx);
  Object.assign(app, { state: "reloadable", old, fee });
  const exam = old.examination;
  doc.steps.push(
    step(
      {
        step: stepNo === "708" ? "708" : "1106",
        title: `${name} was loaded on the old card: reloadable`,
        detail: `Load record ${old.messageId} (${old.loadedAt?.slice(0, 10) ?? "?"}) for ${old.customer.fullName}; examination ${exam ? `${exam.outcome} on ${exam.investigatedAt.slice(0, 10)}, reused` : "none on record"}; reissue fee ${fee ? formatMoney(fee.reissueFeeMinor, fee.currency) : "not set"} instead of the normal ${fee ? formatMoney(fee.normalFeeMinor, fee.currency) : "—"}.`,
        outcome: "ok",
      },
      now,
    ),
  );
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
  const aids = (first.steps as unknown as CaseDoc).applications.filter((a) => a.state === "reloadable").map((a) => a.aid);
  const toDeliver: string[] = [];
  for (const aid of aids) {
    try {
      await db().$transaction(async (tx) => {
        const row = await lockCase(tx, providerCompanyId, caseId);
        if (!row || row.outcome !== "in_progress") return;
        const doc = row.steps as unknown as CaseDoc;
        const app = doc.applications.find((a) => a.aid === aid);
        if (!app || app.state !== "reloadable" || !app.old) return;
        const catalog = findApplication(providerCompanyId, aid);
        if (!catalog) {
          Object.assign(app, { state: "refused", refusal: reloadRefusal("not-our-application", "709", `${aid} is not one of our applications.`, aid) });
          await saveDoc(tx, caseId, doc);
          return;
        }
        await releaseStaleClaims(tx, providerCompanyId, app.old.id, now);
        const request = {
          kind: "reload" as const,
          card: { platformType: doc.card.platformType as 100 | 200, cardId: doc.card.cardId, cardAttributeData: doc.card.cardAttributeData, surfaceNumberLast4: doc.card.surfaceNumberLast4 },
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
          Object.assign(app, { state: "granted", permissionId: taken.permissionId });
          doc.steps.push(
            step(
              {
                step: doc.method === 1 ? "709" : "1108",
                title: `Reload permission granted for ${app.name ?? aid} (with the issuer's ${carried.via === "push" ? "notification" : "answer"})`,
                detail: `Permission ${carried.permission.messageId} (refers to ${carried.permission.originalMessageId}), valid until ${carried.permission.expiresAt.slice(0, 16).replace("T", " ")} UTC, came with ${carried.sourceType} ${carried.sourceMessageId}: nothing asked of the issuer; no new examination (claim 12).`,
                outcome: "ok",
                messages: [{ type: carried.sourceType, messageId: carried.sourceMessageId, direction: "received" }],
              },
              now,
            ),
          );
          await saveDoc(tx, caseId, doc);
          return;
        }
        const sent = await enqueuePermissionRequest(tx, providerCompanyId, issuerCompanyId, request, now);
        Object.assign(app, { state: "requested", permissionId: sent.permissionId });
        doc.steps.push(
          step(
            {
              step: doc.method === 1 ? "709" : "1108",
              title: `Reload permission requested for ${app.name ?? aid}`,
              detail: `Sent reload-permission-request ${sent.requestMessageId} referring to the original permission ${app.old.messageId}; no new examination (claim 12).`,
              outcome: "info",
              messages: [{ type: "reload-permission-request", messageId: sent.requestMessageId, direction: "sent" }],
            },
            now,
          ),
        );
        await saveDoc(tx, caseId, doc);
        toDeliver.push(sent.outboxId);
      });
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      // Another desk holds this old load (or reloaded it a moment ago): refuse it here, ask nothing.
      await db().$transaction(async (tx) => {
        const row = await lockCase(tx, providerCompanyId, caseId);
        if (!row) return;
        const doc = row.steps as unknown as CaseDoc;
        const app = doc.applications.find((a) => a.aid === aid);
        if (!app || app.state !== "reloadable" || !app.old) return;
        const loaded = await tx.spPermission.findFirst({ where: { providerCompanyId, previousLoadId: app.old.id, status: "loaded" }, select: { replyMessageId: true } });
        const refusal = loaded
          ? reloadRefusal("already-reloaded", doc.method === 1 ? "709" : "1108", `${app.name ?? aid} of the old card was reloaded a moment ago under message id ${loaded.replyMessageId}; a load on an old card is reloaded once.`, aid)
          : reloadRefusal("reload-in-progress", doc.method === 1 ? "709" : "1108", `${app.name ?? aid} of the old card is being reloaded at another desk right now. Nothing was sent to the issuer.`, aid);
        Object.assign(app, { state: "refused", refusal });
        doc.steps.push(step({ step: refusal.step, title: `Reload of ${app.name ?? aid} cancelled`, detail: refusal.reason, outcome: "refused" }, now));
        await saveDoc(tx, caseId, doc, doc.applications.every(isSettled) ? finishData(doc, now) : {});
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

/** Brings each application's state in line with its permission (granted, refused, loaded, failed) and ends a settled case. */
export async function syncReloadCase(actor: ProviderActor, caseId: string, now = new Date()): Promise<ReloadCaseView> {
  if (!isUuid(caseId)) throw new CaseNotFoundError();
  const providerCompanyId = actor.providerCompanyId;
  await db().$transaction(async (tx) => {
    const row = await lockCase(tx, providerCompanyId, caseId);
    if (!row || row.outcome !== "in_progress") return;
    const doc = row.steps as unknown as CaseDoc;
    const ids = doc.applications.flatMap((a) => (a.permissionId ? [a.permissionId] : []));
    const perms = ids.length ? await tx.spPermission.findMany({ where: { providerCompanyId, id: { in: ids } } }) : [];
    for (const app of doc.applications) {
      const p = perms.find((x) => x.id === app.permissionId);
      if (!p) continue;
      const name = app.name ?? app.aid;
      if (p.status === "granted" && app.state !== "granted") {
        app.state = "granted";
        doc.steps.push(
          step(
            { step: "permission", title: `Reload permission granted for ${name}`, detail: `Permission ${p.replyMessageId} (refers to ${p.originalMessageId}), valid until ${p.expiresAt?.toISOString().slice(11, 16)} UTC.`, outcome: "ok", messages: [{ type: "reload-permission-grant", messageId: p.replyMessageId!, direction: "received" }] },
            now,
          ),
        );
      } else if (p.status === "refused" && app.state !== "refused") {
        const refusal = refusalFromIssuer(app.aid, p.refusalReason as PermissionRefusalReason, p.refusalText ?? "");
        Object.assign(app, { state: "refused", refusal });
        doc.steps.push(step({ step: "permission", title: `Reload of ${name} refused by the issuer`, detail: refusal.reason, outcome: "refused", messages: [{ type: "reload-permission-refusal", messageId: p.replyMessageId!, direction: "received" }] }, now));
      } else if (p.status === "loaded" && app.state !== "reloaded") {
        app.state = "reloaded";
        doc.steps.push(step({ step: doc.method === 1 ? "709" : "1108", title: `${name} reloaded`, detail: `The card accepted the load under ${p.replyMessageId}; load recorded, linked to ${p.originalMessageId}, reissue fee charged.`, outcome: "ok" }, now));
      } else if ((p.status === "failed" || p.status === "abandoned") && app.state !== "failed") {
        const refusal = reloadRefusal("card-refused-load", "load", `Nothing was loaded: ${p.failureReason ?? "the load failed"}.`, app.aid);
        Object.assign(app, { state: "failed", refusal });
        doc.steps.push(step({ step: "load", title: `${name} not loaded`, detail: refusal.reason, outcome: "refused" }, now));
      }
    }
    await saveDoc(tx, caseId, doc, doc.applications.every(isSettled) ? finishData(doc, now) : {});
  });
  const view = await getReloadCase(actor, caseId, now);
  if (!view) throw new CaseNotFoundError();
  return view;
}

/**
 * The operator ends the visit: unused permissions of the case are given up (their old loads freed),
 * and an unfinished case is closed as reloaded, refused or abandoned by what happened.
 */
export async function finishReloadCase(actor: ProviderActor, caseId: string, now = new Date(), why = "the desk ended the visit before loading"): Promise<ReloadCaseView | null> {
  if (!isUuid(caseId)) return null;
  const providerCompanyId = actor.providerCompanyId;
  const found = await db().$transaction(async (tx) => {
    const row = await lockCase(tx, providerCompanyId, caseId);
    if (!row) return false;
    if (row.outcome !== "in_progress") return true;
    const doc = row.steps as unknown as CaseDoc;
    const open = await tx.spPermission.findMany({ where: { providerCompanyId, reloadCaseId: caseId, status: { in: ["requested", "granted"] } }, select: { id: true, replyMessageId: true } });
    for (const p of open) {
      await tx.spPermission.update({ where: { id: p.id }, data: { status: "abandoned", failureReason: why, finishedAt: now } });
      if (p.replyMessageId) await tx.spLoadRecord.updateMany({ where: { providerCompanyId, messageId: p.replyMessageId, status: "pending" }, data: { status: "failed", failureReason: "Permission not used: the desk ended the visit." } });
    }
    const anyReloaded = doc.applications.some((a) => a.state === "reloaded");
    const anyRefused = doc.applications.some((a) => a.refusal);
    doc.steps.push(step({ step: "end", title: "Visit ended at the desk", detail: open.length ? `${open.length} unused permission${open.length === 1 ? "" : "s"} given up: ${why}.` : "The operator ended the visit.", outcome: "info" }, now));
    await saveDoc(tx, caseId, doc, anyReloaded || anyRefused ? finishData(doc, now) : { outcome: "abandoned", finishedAt: now });
    return true;
  });
  return found ? getReloadCase(actor, caseId, now) : null;
}

/** One of the signed-in provider's cases, or null (another provider's id looks like a missing one). */
export async function getReloadCase(actor: ProviderActor, caseId: string, now = new Date()): Promise<ReloadCaseView | null> {
  if (!isUuid(caseId)) return null;
  const row = await db().spReloadCase.findFirst({ where: { id: caseId, providerCompanyId: actor.providerCompanyId } });
  if (!row) return null;
  const doc = row.steps as unknown as CaseDoc;
  const ids = doc.applications.flatMap((a) => (a.permissionId ? [a.permissionId] : []));
  const views = await getPermissionViews(actor, ids, now);
  const viewOf = (id?: string) => (id ? (views.find((v) => (v.status === "granted" ? v.grant.permissionId : v.permissionId) === id) ?? null) : null);
  const refusal =
    row.refusalCode && row.refusalReason
      ? (doc.applications.find((a) => a.refusal?.code === row.refusalCode)?.refusal ?? reloadRefusal(row.refusalCode as ReloadRefusal["code"], row.refusalStep ?? "", row.refusalReason))
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
    applications: doc.applications.map((a) => ({ ...a, permission: viewOf(a.permissionId) })),
    refusal,
    isWaiting: row.outcome === "in_progress" && doc.applications.some((a) => a.state === "waiting-issuer" || (a.state === "requested" && viewOf(a.permissionId)?.status === "waiting")),
    continuedAsFirstLoad: doc.continuedAsFirstLoad ?? null,
    customerNo: doc.applications.find((a) => a.old)?.old?.customer.customerNo ?? doc.oldCardCustomer?.customerNo ?? null,
  };
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
    await finishReloadCase(actor, c.id, now, "the card went back to its holder (lease ended)");
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
