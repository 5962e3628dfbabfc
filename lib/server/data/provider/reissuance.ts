import "server-only";
import { checkBatchPairs, outcome, type BatchPairRefusal, type MessageOf, type ReissuePair } from "@/lib/core/messages";
import type { HandlerOutcome } from "@/lib/server/exchange/types";
import type { ProviderTx as Tx } from "./db";
import type { ProviderActor } from "../../auth/session";
import { db } from "./db";
import { keysetOrder, keysetPage, keysetWhere } from "../../db/keyset";
import type { SortState } from "@/lib/core/table/list-query";
import type { ReissueNoticeSortKey } from "@/lib/validation/provider-lists";

/**
 * Fig. 6 (steps 601/602): a provider stores the smart card reissuance information it received as
 * Fig. 13 data, one row per old ↔ reissued pair. A pair already known (a retried notification, or
 * a pull that raced a push) is kept as first received.
 */
export async function storeReissuePairs(
  tx: Tx,
  providerCompanyId: string,
  pairs: readonly ReissuePair[],
  source: { messageId: string; via: "push" | "pull"; now: Date },
): Promise<HandlerOutcome> {
  const created = await tx.spReissueNotice.createMany({
    data: pairs.map((pair) => ({
      providerCompanyId,
      platformType: 100,
      oldCardId: pair.oldCardId,
      reissuedCardId: pair.reissuedCardId,
      reissuedAt: new Date(pair.reissuedAt),
      receivedAt: source.now,
      sourceMessageId: source.messageId,
      via: source.via,
    })),
    skipDuplicates: true,
  });
  return {
    outcome: outcome("pairs-stored", { pairs: pairs.length, stored: created.count }),
    data: { pairs: pairs.length, stored: created.count },
  };
}

/**
 * storeReissuePairs for a run of notifications at once (a batch delivery, issue 16): every pair of every
 * message in one INSERT … ON CONFLICT DO NOTHING, in the messages' order, so a pair named twice is new
 * for the first message only, as one after another. One outcome per message, in order.
 */
export async function storeReissuePairsOfMessages(
  tx: Tx,
  providerCompanyId: string,
  messages: readonly { messageId: string; pairs: readonly ReissuePair[] }[],
  source: { via: "push" | "pull"; now: Date },
): Promise<HandlerOutcome[]> {
  const created = await tx.spReissueNotice.createManyAndReturn({
    data: messages.flatMap((m) =>
      m.pairs.map((pair) => ({
        providerCompanyId,
        platformType: 100,
        oldCardId: pair.oldCardId,
        reissuedCardId: pair.reissuedCardId,
        reissuedAt: new Date(pair.reissuedAt),
        receivedAt: source.now,
        sourceMessageId: m.messageId,
        via: source.via,
      })),
    ),
    skipDuplicates: true,
    select: { sourceMessageId: true },
  });
  const stored = new Map<string, number>();
  for (const row of created) stored.set(row.sourceMessageId, (stored.get(row.sourceMessageId) ?? 0) + 1);
  return messages.map((m) => {
    const count = stored.get(m.messageId) ?? 0;
    return {
      outcome: outcome("pairs-stored", { pairs: m.pairs.length, stored: count }),
      data: { pairs: m.pairs.length, stored: count },
    };
  });
}

/**
 * Issue 16: a batched reissuance notification (many reissues' pairs in one signed message). Each pair
 * stands alone: a pair already stored (a redelivered batch, a pull that raced the push) changes
 * nothing; a pair that is malformed against the others or conflicts with a pair we hold (the old card
 * or the reissued card already paired with another) is refused alone with its reason code, and the
 * rest are stored as Fig. 13 rows. Two statements whatever the number of pairs: one read of the pairs
 * we hold for these cards, one insert.
 */
export async function storeReissuePairBatch(
  tx: Tx,
  providerCompanyId: string,
  message: MessageOf<"reissuance-notification-batch">,
  now: Date,
): Promise<HandlerOutcome> {
  const verdicts: (BatchPairRefusal | "known" | null)[] = checkBatchPairs(message.pairs, message.header.timestamp);
  const open = message.pairs.filter((_, i) => verdicts[i] === null);
  const held = open.length
    ? await tx.$queryRaw<{ old_card_id: string; reissued_card_id: string }[]>`
        SELECT old_card_id, reissued_card_id FROM sp_reissue_notices
         WHERE provider_company_id = ${providerCompanyId}
           AND (reissued_card_id = ANY(${open.map((p) => p.reissuedCardId)}::text[]) OR old_card_id = ANY(${open.map((p) => p.oldCardId)}::text[]))`
    : [];
  const byReissued = new Map(held.map((h) => [h.reissued_card_id, h.old_card_id]));
  const byOld = new Map(held.map((h) => [h.old_card_id, h.reissued_card_id]));
  message.pairs.forEach((pair, i) => {
    if (verdicts[i] !== null) return;
    const oldOfNew = byReissued.get(pair.reissuedCardId);
    const newOfOld = byOld.get(pair.oldCardId);
    if (oldOfNew === pair.oldCardId) verdicts[i] = "known";
    else if (oldOfNew !== undefined || (newOfOld !== undefined && newOfOld !== pair.reissuedCardId)) verdicts[i] = "conflicts-with-known-pair";
  });
  const fresh = message.pairs.filter((_, i) => verdicts[i] === null);
  const created = fresh.length
    ? await tx.spReissueNotice.createMany({
        data: fresh.map((pair) => ({
          providerCompanyId,
          platformType: 100,
          oldCardId: pair.oldCardId,
          reissuedCardId: pair.reissuedCardId,
          reissuedAt: new Date(pair.reissuedAt),
          receivedAt: now,
          sourceMessageId: message.header.messageId,
          via: "push" as const,
        })),
        skipDuplicates: true,
      })
    : { count: 0 };
  const refused = verdicts.flatMap((v, i) => (v !== null && v !== "known" ? [{ pair: i, code: v }] : []));
  const known = verdicts.filter((v) => v === "known").length;
  return {
    outcome: outcome("pairs-batch-stored", {
      pairs: message.pairs.length,
      stored: created.count,
      known: known + (fresh.length - created.count),
      refused: refused.length,
      refusedPairs: refused.slice(0, 20),
    }),
    data: { pairs: message.pairs.length, stored: created.count, known: known + (fresh.length - created.count), refused },
  };
}

/**
 * Fig. 19, step 409: the issuer's answer to a pull. Found pairs are stored like pushed ones (via
 * "pull"); a not-found answer changes no table: the desk reads it from the reply itself.
 */
export async function storeReissuanceInformationReply(
  tx: Tx,
  providerCompanyId: string,
  message: MessageOf<"reissuance-information-reply">,
  now: Date,
): Promise<HandlerOutcome> {
  if (message.result.status === "not-found") {
    return { outcome: outcome("reissue-info-none", { reason: message.result.reason }), data: { status: "not-found", reason: message.result.reason } };
  }
  return storeReissuePairs(tx, providerCompanyId, message.result.pairs, { messageId: message.header.messageId, via: "pull", now });
}

/**
 * Fig. 15 (steps 1105, Fig. 16): the issuer's reissue OK/NG and, when OK, the message id of the
 * permission under which we loaded the application on the old card. Never a card id.
 */
export async function storeCardInformationReply(
  tx: Tx,
  providerCompanyId: string,
  message: MessageOf<"card-information-reply">,
  now: Date,
): Promise<HandlerOutcome> {
  return (await storeCardInformationReplies(tx, providerCompanyId, [message], now))[0]!;
}

/**
 * storeCardInformationReply for a run of answers (issue 16: a backlog of inquiries is answered in
 * batches): their inquiries read and the answered ones written in one statement. Comes to what
 * one after another would: a second answer to the same inquiry in the run is "repeated", naming the first.
 */
export async function storeCardInformationReplies(
  tx: Tx,
  providerCompanyId: string,
  messages: readonly MessageOf<"card-information-reply">[],
  now: Date,
): Promise<HandlerOutcome[]> {
  // Issue 16, one statement: the inquiries the replies answer, and the first reply to each still
  // unanswered stored on it (in the order of the messages, as one after another); the rest is decided here.
  const replies = messages.flatMap((m, n) => (m.header.inReplyTo ? [{ m, n }] : []));
  const rows = replies.length
    ? await tx.$queryRaw<{ requestMessageId: string; priorReply: string | null; applicationAid: string; storedReply: string | null }[]>`
        WITH m AS (
          SELECT * FROM unnest(${replies.map((r) => r.m.header.inReplyTo!)}::text[], ${replies.map((r) => r.m.header.messageId)}::text[],
                               ${replies.map((r) => r.m.result.reissue === "OK")}::boolean[],
                               ${replies.map((r) => (r.m.result.reissue === "OK" ? r.m.result.originalMessageId : null))}::text[],
                               ${replies.map((r) => (r.m.result.reissue === "NG" ? r.m.result.reason : null))}::text[], ${replies.map((r) => r.n)}::int[])
            AS m(req, reply, ok, original, ng, n)),
        q AS (
          SELECT id, request_message_id, reply_message_id, application_aid FROM sp_card_inquiries
           WHERE provider_company_id = ${providerCompanyId} AND request_message_id IN (SELECT req FROM m)),
        first AS (
          SELECT DISTINCT ON (m.req) q.id, m.req, m.reply, m.ok, m.original, m.ng FROM m JOIN q ON q.request_message_id = m.req
           WHERE q.reply_message_id IS NULL ORDER BY m.req, m.n),
        stored AS (
          UPDATE sp_card_inquiries AS t
             SET reply_message_id = f.reply, reissue_ok = f.ok, original_message_id = f.original, ng_reason = f.ng, answered_at = ${now}
            FROM first f WHERE t.id = f.id
          RETURNING f.req, f.reply)
        SELECT q.request_message_id AS "requestMessageId", q.reply_message_id AS "priorReply", q.application_aid AS "applicationAid",
               (SELECT s.reply FROM stored s WHERE s.req = q.request_message_id) AS "storedReply"
          FROM q`
    : [];
  const inquiries = new Map(rows.map((r) => [r.requestMessageId, r]));
  return messages.map((message): HandlerOutcome => {
    const inquiry = message.header.inReplyTo ? inquiries.get(message.header.inReplyTo) : undefined;
    if (!inquiry) return { outcome: outcome("inquiry-reply-unmatched", { messageId: message.header.messageId }) };
    // Answered before, or by an earlier message of this run.
    const first = inquiry.priorReply ?? (inquiry.storedReply !== message.header.messageId ? inquiry.storedReply : null);
    if (first) return { outcome: outcome("inquiry-reply-repeated", { requestMessageId: inquiry.requestMessageId, replyMessageId: first }) };
    const result = message.result;
    return {
      outcome: outcome("inquiry-reply-stored", {
        aid: inquiry.applicationAid,
        reissue: result.reissue,
        originalMessageId: result.reissue === "OK" ? result.originalMessageId : null,
        reason: result.reissue === "NG" ? result.reason : null,
      }),
    };
  });
}

export type ReissueNoticeRow = {
  id: string;
  oldCardId: string;
  reissuedCardId: string;
  reissuedAt: Date;
  receivedAt: Date;
  sourceMessageId: string;
  via: "push" | "pull";
};

const NOTICE_SORT_FIELD = { received: "receivedAt", reissuedCardId: "reissuedCardId" } as const;

/**
 * Fig. 13 (provider side): one keyset page of the reissuance information received, newest first by
 * default or by reissued card id (unique per provider: no tie-breaker), with the cursor of the next page
 * (the CSV export walks them all). `query` matches part of either card id or of the message id.
 */
export async function pageOfReissueNotices(
  actor: ProviderActor,
  list: { query?: string; sort: SortState<ReissueNoticeSortKey>; after: { value: string; id: string } | null; take?: number },
): Promise<{ rows: ReissueNoticeRow[]; next: { value: string; id: string } | null }> {
  const take = list.take ?? 50;
  const field = NOTICE_SORT_FIELD[list.sort.key];
  const unique = field === "reissuedCardId";
  const after = list.after && field === "receivedAt" ? { value: new Date(list.after.value), id: list.after.id } : list.after;
  const q = list.query?.trim().toUpperCase();
  const rows = await db().spReissueNotice.findMany({
    where: {
      AND: [
        { providerCompanyId: actor.providerCompanyId },
        q ? { OR: [{ oldCardId: { contains: q } }, { reissuedCardId: { contains: q } }, { sourceMessageId: { contains: q } }] } : {},
        keysetWhere(field, list.sort.dir, after, { unique }),
      ],
    },
    orderBy: keysetOrder(field, list.sort.dir, { unique }),
    take: take + 1,
    select: { id: true, oldCardId: true, reissuedCardId: true, reissuedAt: true, receivedAt: true, sourceMessageId: true, via: true },
  });
  return keysetPage(rows, take, (r) => (field === "receivedAt" ? r.receivedAt.toISOString() : r.reissuedCardId));
}

export type CardInquiryRow = {
  id: string;
  applicationAid: string;
  requestMessageId: string;
  replyMessageId: string | null;
  reissueOk: boolean | null;
  originalMessageId: string | null;
  ngReason: string | null;
  askedAt: Date;
  answeredAt: Date | null;
};

/**
 * Fig. 16 (provider side): one keyset page of the card information inquiries and their OK/NG answers,
 * newest first (`(provider_company_id, asked_at, id)`); `query` matches ids or the AID.
 */
export async function pageOfCardInquiries(
  actor: ProviderActor,
  list: { query?: string; after: { value: string; id: string } | null; take?: number },
): Promise<{ rows: CardInquiryRow[]; next: { value: string; id: string } | null }> {
  const take = list.take ?? 50;
  const q = list.query?.trim().toUpperCase();
  const after = list.after ? { value: new Date(list.after.value), id: list.after.id } : null;
  const rows = await db().spCardInquiry.findMany({
    where: {
      AND: [
        { providerCompanyId: actor.providerCompanyId },
        q
          ? {
              OR: [
                { applicationAid: { contains: q } },
                { requestMessageId: { contains: q } },
                { originalMessageId: { contains: q } },
                { replyMessageId: { contains: q } },
              ],
            }
          : {},
        keysetWhere("askedAt", "desc", after),
      ],
    },
    orderBy: keysetOrder("askedAt", "desc"),
    take: take + 1,
    select: {
      id: true,
      applicationAid: true,
      requestMessageId: true,
      replyMessageId: true,
      reissueOk: true,
      originalMessageId: true,
      ngReason: true,
      askedAt: true,
      answeredAt: true,
    },
  });
  return keysetPage(rows, take, (r) => r.askedAt.toISOString());
}
