import "server-only";
import type { CardInformationNgReason, MessageOf, ReissuePair } from "@/lib/core/messages";
import type { Prisma } from "../../db";
import { enqueueMessage } from "../../exchange/outbox";
import type { HandlerContext, HandlerOutcome } from "../../exchange/types";
import { recordAudit } from "./audit";
import { EXCHANGE_ACTOR, findReferencedCard } from "./shared";

type Tx = Prisma.TransactionClient;

/** Whether `providerId` ever had an application confirmed loaded on `cardId` (a verified receipt). */
async function providerLoadedOn(tx: Tx, providerId: string, cardId: string): Promise<boolean> {
  return (await tx.loadingPermission.count({ where: { providerId, cardId, status: "confirmed" } })) > 0;
}

/** Providers that had an application loaded on a card: the only ones told about its reissue (step 505). */
export async function providersWithApplicationsOn(tx: Tx, cardId: string): Promise<{ id: string; companyId: string; name: string; reissueInfoDelivery: "push" | "pull" }[]> {
  return tx.serviceProvider.findMany({
    where: { permissions: { some: { cardId, status: "confirmed" } } },
    select: { id: true, companyId: true, name: true, reissueInfoDelivery: true },
    orderBy: { companyId: "asc" },
  });
}

/**
 * Fig. 19, step 409 (the pull variant of step 403): the Fig. 12 pairs for a reissued card id a
 * provider read at its desk, only if that provider had an application on the old card. A card
 * reissued more than once gives the chain back to the newest old card the provider loaded on.
 */
export async function answerReissuanceInformationRequest(message: MessageOf<"reissuance-information-request">, ctx: HandlerContext): Promise<HandlerOutcome> {
  const { tx, now } = ctx;
  const providerCompanyId = message.header.senderCompanyId;
  const provider = await tx.serviceProvider.findUnique({ where: { companyId: providerCompanyId }, select: { id: true } });
  const pairs: ReissuePair[] = [];
  let reason: "not-a-reissued-card" | "no-application-of-yours-on-old-card" = "not-a-reissued-card";
  let found = false;
  type Step = { id: string; cardId: string; platformType: number };
  const start: Step | null = await tx.card.findUnique({ where: { cardId: message.reissuedCardId }, select: { id: true, cardId: true, platformType: true } });
  // A platform-200 card's id is never confirmed to anyone: it reads as not reissued.
  if (start && start.platformType === 100) {
    let current: Step = start;
    for (let depth = 0; depth < 20 && !found; depth++) {
      const link: { reissuedAt: Date; oldCard: Step } | null = await tx.reissueLink.findUnique({
        where: { reissuedCardId: current.id },
        select: { reissuedAt: true, oldCard: { select: { id: true, cardId: true, platformType: true } } },
      });
      if (!link) break;
      reason = "no-application-of-yours-on-old-card";
      pairs.push({ oldCardId: link.oldCard.cardId, reissuedCardId: current.cardId, reissuedAt: link.reissuedAt.toISOString() });
      found = provider !== null && (await providerLoadedOn(tx, provider.id, link.oldCard.id));
      current = link.oldCard;
    }
  }
  // Pairs are newest first while walking; Fig. 12 reads oldest first.
  const result = found ? { status: "found" as const, pairs: pairs.reverse() } : { status: "not-found" as const, reason };
  const sent = await enqueueMessage(tx, "reissuance-information-reply", { issuerCompanyId: ctx.receiverCompanyId, providerCompanyId, inReplyTo: message.header.messageId, now }, { platformType: 100, result });
  await recordAudit(tx, {
    actor: EXCHANGE_ACTOR,
    action: "reissue-info.answer",
    subjectType: "card",
    subjectId: message.reissuedCardId,
    reason: found ? `Pairs given to ${providerCompanyId}, which had an application on the old card (Fig. 19, step 409).` : `Nothing given to ${providerCompanyId}: ${reason}.`,
    data: { provider: providerCompanyId, requestMessageId: message.header.messageId, replyMessageId: sent.messageId, found, pairs: found ? pairs.length : 0 },
  });
  return {
    summary: found ? `Reissuance information for ${message.reissuedCardId} given to ${providerCompanyId} (${pairs.length} pair${pairs.length === 1 ? "" : "s"})` : `No reissuance information for ${providerCompanyId}: ${reason}`,
    enqueued: [{ outboxId: sent.outboxId, messageId: sent.messageId, type: sent.type }],
    data: { found, reason: found ? null : reason },
  };
}

type InquiryAnswer = { reissue: "OK"; originalMessageId: string } | { reissue: "NG"; reason: CardInformationNgReason };

/**
 * Fig. 10 (steps 1001–1005): decrypt the card attribute data (1002), find the card, check that it
 * is a reissued card, and find the message id of the permission under which **the asking provider**
 * loaded this application on the old card. OK with that message id (1004) or NG with the reason
 * (1005). Another provider's permission is never considered, so its message id cannot leak, and the
 * reply has no place for a card id (the codec refuses one on a platform-200 message).
 */
export async function answerCardInformationInquiry(message: MessageOf<"card-information-inquiry">, ctx: HandlerContext): Promise<HandlerOutcome> {
  const { tx, now } = ctx;
  const providerCompanyId = message.header.senderCompanyId;
  const answer = await findOriginalLoad(tx, providerCompanyId, message);
  const sent = await enqueueMessage(
    tx,
    "card-information-reply",
    { issuerCompanyId: ctx.receiverCompanyId, providerCompanyId, inReplyTo: message.header.messageId, now },
    { platformType: 200, result: answer.result },
  );
  await recordAudit(tx, {
    actor: EXCHANGE_ACTOR,
    action: "card-inquiry.answer",
    subjectType: "card",
    subjectId: answer.cardUuid ?? "unknown",
    reason: answer.result.reissue === "OK" ? `Reissue OK for ${providerCompanyId}: original load ${answer.result.originalMessageId} (step 1004).` : `Reissue NG for ${providerCompanyId}: ${answer.result.reason} (step 1005).`,
    data: { provider: providerCompanyId, aid: message.applicationId, requestMessageId: message.header.messageId, replyMessageId: sent.messageId },
  });
  return {
    summary: answer.result.reissue === "OK" ? `Reissue OK for ${message.applicationId}: ${answer.result.originalMessageId}` : `Reissue NG for ${message.applicationId}: ${answer.result.reason}`,
    enqueued: [{ outboxId: sent.outboxId, messageId: sent.messageId, type: sent.type }],
    data: answer.result,
  };
}

async function findOriginalLoad(tx: Tx, providerCompanyId: string, message: MessageOf<"card-information-inquiry">): Promise<{ result: InquiryAnswer; cardUuid: string | null }> {
  const ng = (reason: CardInformationNgReason, cardUuid: string | null = null) => ({ result: { reissue: "NG" as const, reason }, cardUuid });
  const found = await findReferencedCard(tx, { platformType: 200, cardAttributeData: message.cardAttributeData }, message.header.receiverCompanyId);
  if (!found.ok) return ng(found.reason);
  const card = found.card;
  const link = await tx.reissueLink.findUnique({ where: { reissuedCardId: card.id }, select: { oldCardId: true } });
  if (!link) return ng("not-a-reissued-card", card.id);
  const provider = await tx.serviceProvider.findUnique({ where: { companyId: providerCompanyId }, select: { id: true } });
  if (!provider) return ng("application-not-on-old-card", card.id);
  const permissions = await tx.loadingPermission.findMany({
    where: { providerId: provider.id, cardId: link.oldCardId, application: { aid: message.applicationId }, status: { not: "refused" } },
    select: { messageId: true, status: true },
    orderBy: { decidedAt: "desc" },
  });
  const confirmed = permissions.find((p) => p.status === "confirmed");
  if (confirmed) return { result: { reissue: "OK", originalMessageId: confirmed.messageId }, cardUuid: card.id };
  if (permissions.length > 0) return ng("old-load-not-successful", card.id);
  return ng("application-not-on-old-card", card.id);
}
