import "server-only";
import { Prisma } from "../generated/prisma/client";
import type { SortState } from "@/lib/core/table/list-query";
import type { MessageKind, MessageListParams, MessageSortKey } from "@/lib/validation/message-lists";
import {
  OUTCOME_VERSION,
  StoredRefusalSchema,
  readDeliveryError,
  readDeliveryReceipt,
  readInboxResult,
  type DeliveryError,
  type DeliveryReceipt,
  type BatchPairRefusal,
  type InboxResult,
  type MessageOf,
  type Shown,
} from "@/lib/core/messages";
import type { Actor } from "../auth/session";
import { db } from "../db";
import { keysetOrder, keysetPage, keysetWhere } from "../db/keyset";
import { decodeStored } from "../exchange/inbox";
import { boundedCounts, shownTotal, type ListTotal } from "./counts";

/** The company whose messages an actor sees: the issuer or the desk's provider; cardholders none. */
export function companyOf(actor: Actor): string | null {
  switch (actor.role) {
    case "issuer":
      return actor.issuerCompanyId;
    case "provider":
      return actor.providerCompanyId;
    case "cardholder":
      return null;
  }
}

export type SentMessage = {
  id: string;
  messageId: string;
  type: string;
  counterparty: string;
  platformType: number;
  status: "pending" | "delivered" | "dead";
  attempts: number;
  /** Why the last attempt failed: a code to render (components/messages/outcome-text.tsx), or an old row's sentence. */
  lastError: Shown<DeliveryError> | null;
  /** What the receiver answered: its outcome or refusal code, or an old row's sentence. */
  receipt: Shown<DeliveryReceipt> | null;
  /**
   * A batched reissuance notification's pairs that the receiver refused: its receipt names them by their
   * place in the message and the reason code; the card ids are read from the message as it was sent.
   */
  refusedPairs: RefusedPair[];
  createdAt: string;
  deliveredAt: string | null;
  nextAttemptAt: string;
  inReplyTo: string | null;
};

export type RefusedPair = { pair: number; code: BatchPairRefusal; oldCardId: string; reissuedCardId: string };

export type ReceivedMessage = {
  id: string;
  messageId: string;
  type: string;
  counterparty: string;
  platformType: number;
  status: "processed" | "refused";
  via: "online" | "http" | "file";
  /** What the message came to here: the handler's outcome or the refusal, as codes, or an old row's sentence. */
  result: Shown<InboxResult> | null;
  receivedAt: string;
  inReplyTo: string | null;
};

export type RejectedMessage = {
  id: string;
  via: string;
  claimedSender: string | null;
  claimedMessageId: string | null;
  code: string;
  /** The refusal as the inbox keeps one (code and field), or a row's sentence from before the codes. */
  refusal: Shown<InboxResult>;
  receivedAt: string;
};

/** A refused arrival as the page shows it: rendered from its code and field; a row from before the codes as stored. */
function rejectionShown(r: { refusalCode: string; refusalField: string | null; refusalReason: string | null }): Shown<InboxResult> {
  const refusal = StoredRefusalSchema.safeParse(r.refusalField === null ? { code: r.refusalCode } : { code: r.refusalCode, field: r.refusalField });
  if (r.refusalReason !== null || !refusal.success) return { kind: "legacy", text: `${r.refusalCode}: ${r.refusalReason ?? ""}` };
  return { kind: "coded", value: { v: OUTCOME_VERSION, status: "refused", refusal: refusal.data, enqueued: [] } };
}

/**
 * One page of a company's messages (the messages page and its live refresh): the rows of the kind asked
 * for (the other two lists empty), the cursor of the next page, and how many of each kind there are
 * (exact up to 1,000, then the planner's estimate rounded as shown: `isEstimate` words it "about").
 */
export type CompanyMessages = {
  companyId: string;
  kind: MessageKind;
  sent: SentMessage[];
  received: ReceivedMessage[];
  rejected: RejectedMessage[];
  next: { value: string; id: string } | null;
  counts: Record<MessageKind, ListTotal>;
};

type Page<Row> = { rows: Row[]; next: { value: string; id: string } | null };
type KeysetList = { sort: SortState<MessageSortKey>; after: { value: string; id: string } | null; take?: number };

/**
 * The stored column of each sort key (refused messages sort by arrival only: lib/validation/message-lists.ts).
 * A message id is unique (per owner in the inbox, everywhere in the outbox), so that order needs no id
 * after it: `(owner_company_id, message_id)` backs it; the times go with the id, `(owner_company_id, <time>, id)`.
 */
const SORT_COLUMN = { sent: { at: "createdAt", messageId: "messageId" }, received: { at: "receivedAt", messageId: "messageId" } } as const;

const afterOf = (field: string, after: KeysetList["after"]) => (after && field !== "messageId" ? { value: new Date(after.value), id: after.id } : after);
const valueOf = (field: string) => (row: Record<string, unknown>) => {
  const value = row[field];
  return value instanceof Date ? value.toISOString() : String(value);
};

/**
 * One keyset page of the messages a company sent, as stored (without the signed message itself), in
 * the order asked for; the messages page maps them for reading, the CSV export walks them all.
 */
export async function pageOfSentMessages(companyId: string, list: KeysetList) {
  const take = list.take ?? 100;
  const field = SORT_COLUMN.sent[list.sort.key];
  const rows = await db().outboxMessage.findMany({
    where: { AND: [{ ownerCompanyId: companyId }, keysetWhere(field, list.sort.dir, afterOf(field, list.after), { unique: field === "messageId" })] },
    orderBy: keysetOrder(field, list.sort.dir, { unique: field === "messageId" }),
    take: take + 1,
    omit: { jws: true },
  });
  return keysetPage(rows, take, valueOf(field));
}

/** One keyset page of the messages a company received, as stored (see pageOfSentMessages). */
export async function pageOfReceivedMessages(companyId: string, list: KeysetList) {
  const take = list.take ?? 100;
  const field = SORT_COLUMN.received[list.sort.key];
  const rows = await db().inboxMessage.findMany({
    where: { AND: [{ ownerCompanyId: companyId }, keysetWhere(field, list.sort.dir, afterOf(field, list.after), { unique: field === "messageId" })] },
    orderBy: keysetOrder(field, list.sort.dir, { unique: field === "messageId" }),
    take: take + 1,
    omit: { jws: true },
  });
  return keysetPage(rows, take, valueOf(field));
}

/** One keyset page of the messages refused on arrival at a company, by arrival time (without the excerpt kept of each). */
export async function pageOfRejectedMessages(companyId: string, list: KeysetList) {
  const take = list.take ?? 100;
  const field = "receivedAt";
  const rows = await db().messageRejection.findMany({
    where: { AND: [{ ownerCompanyId: companyId }, keysetWhere(field, list.sort.dir, afterOf(field, list.after))] },
    orderBy: keysetOrder(field, list.sort.dir),
    take: take + 1,
    omit: { excerpt: true },
  });
  return keysetPage(rows, take, valueOf(field));
}

/** How many messages of each kind a company has: the tabs of the messages page. */
export function countCompanyMessages(companyId: string): Promise<Record<MessageKind, ListTotal>> {
  return boundedCounts({
    received: Prisma.sql`FROM xc_inbox WHERE owner_company_id = ${companyId}`,
    sent: Prisma.sql`FROM xc_outbox WHERE owner_company_id = ${companyId}`,
    rejected: Prisma.sql`FROM xc_rejections WHERE owner_company_id = ${companyId}`,
  });
}

const shown = (total: ListTotal): ListTotal => ({ count: shownTotal(total), isEstimate: total.isEstimate });
const NO_PAGE = Promise.resolve({ rows: [], next: null } satisfies Page<never>);

/**
 * The refused pairs of the batched notifications on a page of sent messages, with their card ids: one more
 * statement, for those rows' signed messages only, when a receipt on the page refused a pair.
 */
async function refusedPairsOf(companyId: string, rows: readonly { id: string; receipt: Shown<DeliveryReceipt> | null }[]): Promise<Map<string, RefusedPair[]>> {
  const refused = new Map<string, readonly { pair: number; code: BatchPairRefusal }[]>();
  for (const { id, receipt } of rows) {
    const outcome = receipt?.kind === "coded" && receipt.value.status !== "refused" ? receipt.value.outcome : null;
    if (outcome?.code === "pairs-batch-stored" && outcome.params.refusedPairs.length > 0) refused.set(id, outcome.params.refusedPairs);
  }
  const named = new Map<string, RefusedPair[]>();
  if (refused.size === 0) return named;
  const sent = await db().outboxMessage.findMany({ where: { ownerCompanyId: companyId, id: { in: [...refused.keys()] } }, select: { id: true, jws: true } });
  for (const { id, jws } of sent) {
    const message = decodeStored(jws);
    if (message?.header.type !== "reissuance-notification-batch") continue;
    const { pairs } = message as MessageOf<"reissuance-notification-batch">;
    named.set(
      id,
      (refused.get(id) ?? []).flatMap((r) => {
        const pair = pairs[r.pair];
        return pair ? [{ pair: r.pair, code: r.code, oldCardId: pair.oldCardId, reissuedCardId: pair.reissuedCardId }] : [];
      }),
    );
  }
  return named;
}

/** One page of a company's messages of one kind, in the order asked for (the messages page). */
export async function listCompanyMessages(companyId: string, list: MessageListParams, take = 100): Promise<CompanyMessages> {
  const page = { sort: list.sort, after: list.after, take };
  const [sentPage, receivedPage, rejectedPage, counts] = await Promise.all([
    list.kind === "sent" ? pageOfSentMessages(companyId, page) : NO_PAGE,
    list.kind === "received" ? pageOfReceivedMessages(companyId, page) : NO_PAGE,
    list.kind === "rejected" ? pageOfRejectedMessages(companyId, page) : NO_PAGE,
    countCompanyMessages(companyId),
  ]);
  const [sent, received, rejected] = [sentPage.rows, receivedPage.rows, rejectedPage.rows];
  // Each receipt is read once: for the page, and for the refused pairs it names.
  const receipts = sent.map((m) => ({ id: m.id, receipt: readDeliveryReceipt(m.receipt) }));
  const refusedPairs = await refusedPairsOf(companyId, receipts);
  return {
    companyId,
    kind: list.kind,
    next: sentPage.next ?? receivedPage.next ?? rejectedPage.next,
    counts: { received: shown(counts.received), sent: shown(counts.sent), rejected: shown(counts.rejected) },
    sent: sent.map((m, i) => {
      return {
        id: m.id,
        messageId: m.messageId,
        type: m.type,
        counterparty: m.receiverCompanyId,
        platformType: m.platformType,
        status: m.status,
        attempts: m.attempts,
        lastError: readDeliveryError(m.deliveryError, m.lastError),
        receipt: receipts[i]!.receipt,
        refusedPairs: refusedPairs.get(m.id) ?? [],
        createdAt: m.createdAt.toISOString(),
        deliveredAt: m.deliveredAt?.toISOString() ?? null,
        nextAttemptAt: m.nextAttemptAt.toISOString(),
        inReplyTo: m.inReplyTo,
      };
    }),
    received: received.map((m) => {
      return {
        id: m.id,
        messageId: m.messageId,
        type: m.type,
        counterparty: m.senderCompanyId,
        platformType: m.platformType,
        status: m.status,
        via: m.via,
        result: readInboxResult(m.result) ?? (m.refusalCode ? { kind: "legacy", text: `${m.refusalCode}: ${m.refusalReason ?? ""}` } : null),
        receivedAt: m.receivedAt.toISOString(),
        inReplyTo: m.inReplyTo,
      };
    }),
    rejected: rejected.map((r) => ({
      id: r.id,
      via: r.via,
      claimedSender: r.claimedSender,
      claimedMessageId: r.claimedMessageId,
      code: r.refusalCode,
      refusal: rejectionShown(r),
      receivedAt: r.receivedAt.toISOString(),
    })),
  };
}

/** One message of the company, decoded for reading (it was verified when it was received or sent). */
export async function getCompanyMessage(companyId: string, messageId: string): Promise<{ direction: "sent" | "received"; json: string } | null> {
  const sent = await db().outboxMessage.findFirst({ where: { ownerCompanyId: companyId, messageId }, select: { jws: true } });
  const row = sent ?? (await db().inboxMessage.findFirst({ where: { ownerCompanyId: companyId, messageId }, select: { jws: true } }));
  if (!row) return null;
  const message = decodeStored(row.jws);
  return { direction: sent ? "sent" : "received", json: JSON.stringify(message, null, 2) };
}

/** Sends a dead message again (after the operator fixed the cause). Only the sender's own. */
export async function retryCompanyMessage(companyId: string, outboxId: string): Promise<boolean> {
  const updated = await db().$executeRaw`
    UPDATE xc_outbox SET status = 'pending', next_attempt_at = ${new Date()}, last_error = NULL, delivery_error = NULL
     WHERE id = ${outboxId}::uuid AND owner_company_id = ${companyId} AND status = 'dead'`;
  return updated === 1;
}
