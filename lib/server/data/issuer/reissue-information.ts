import "server-only";
import type { IssuerTx } from "./db";
import { outcome, type CarriedReloadPermission, type MessageOf, type ReissuePair } from "@/lib/core/messages";
import { enqueueMessage } from "../../exchange/outbox";
import type { HandlerContext, HandlerOutcome } from "../../exchange/types";
import { auditReason } from "@/lib/core/audit-reason";
import { recordAudit } from "./audit";
import { earlierCards, outstandingLoads, pairsOf, type ChainLink, type OutstandingLoad } from "./reissue-chain";
import { grantCarriedReloads } from "./permissions";
import { EXCHANGE_ACTOR, readPolicy } from "./shared";

type Tx = IssuerTx;

/** A provider to tell about a reissue, with the pairs from its oldest card still to reload up to the new card. */
export type ProviderToTell = { provider: OutstandingLoad["provider"]; pairs: ReissuePair[]; loads: OutstandingLoad[] };

/**
 * Step 505 for a chain (nearest link first, its first link ending at the new card): the providers with a
 * load still to reload on any earlier card, each with only the pairs that lead from that card to the new one.
 */
export async function providersToTell(tx: Tx, links: readonly ChainLink[]): Promise<ProviderToTell[]> {
  const loads = await outstandingLoads(
    tx,
    links.map((l) => l.oldCard.id),
  );
  const byProvider = new Map<string, ProviderToTell & { depth: number }>();
  for (const load of loads) {
    const depth = links.findIndex((l) => l.oldCard.id === load.cardUuid);
    const entry = byProvider.get(load.provider.id) ?? { provider: load.provider, pairs: [], loads: [], depth: -1 };
    entry.loads.push(load);
    entry.depth = Math.max(entry.depth, depth);
    byProvider.set(load.provider.id, entry);
  }
  return [...byProvider.values()]
    .sort((a, b) => a.provider.companyId.localeCompare(b.provider.companyId))
    .map(({ depth, ...entry }) => ({ ...entry, pairs: pairsOf(links, depth + 1) }));
}

/**
 * Fig. 19, step 409 (the pull variant of step 403): the Fig. 12 pairs for a reissued card id a
 * provider read at its desk, only if that provider had an application on an earlier card of its chain.
 * A card reissued more than once gives the chain back to the oldest card holding one of the provider's
 * loads still to reload (any generation), so the desk reloads from there in one step.
 */
export async function answerReissuanceInformationRequest(
  message: MessageOf<"reissuance-information-request">,
  ctx: HandlerContext<IssuerTx>,
): Promise<HandlerOutcome> {
  const { tx, now } = ctx;
  const providerCompanyId = message.header.senderCompanyId;
  const provider = await tx.serviceProvider.findUnique({ where: { companyId: providerCompanyId }, select: { id: true } });
  let pairs: ReissuePair[] = [];
  let reason: "not-a-reissued-card" | "no-application-of-yours-on-old-card" = "not-a-reissued-card";
  const start = await tx.card.findUnique({
    where: { cardId: message.reissuedCardId },
    select: { id: true, cardId: true, platformType: true, status: true, issuerKeyVersion: true },
  });
  let reloadPermissions: CarriedReloadPermission[] = [];
  // A platform-200 card's id is never confirmed to anyone: it reads as not reissued.
  if (start && start.platformType === 100) {
    const links = await earlierCards(tx, start);
    if (links.length > 0) reason = "no-application-of-yours-on-old-card";
    if (provider && links.length > 0) {
      // Back to the oldest card with a load still to reload; if every load was reloaded already, to the
      // nearest card the provider loaded on (its desk then says "already reloaded" from its own records).
      const depthOf = (cardUuid: string | null) => links.findIndex((l) => l.oldCard.id === cardUuid);
      const outstanding = await outstandingLoads(
        tx,
        links.map((l) => l.oldCard.id),
        provider.id,
      );
      let depth = Math.max(-1, ...outstanding.map((l) => depthOf(l.cardUuid)));
      if (depth < 0) {
        const loaded = await tx.loadingPermission.findMany({
          where: { providerId: provider.id, status: "confirmed", cardId: { in: links.map((l) => l.oldCard.id) } },
          select: { cardId: true },
        });
        depth = loaded.length ? Math.min(...loaded.map((p) => depthOf(p.cardId))) : -1;
      }
      if (depth >= 0) pairs = pairsOf(links, depth + 1);
      // Pull keeps its one request: the answer carries the reload permissions for the card read at the desk.
      if (depth >= 0 && outstanding.length > 0) {
        const policy = await readPolicy(tx);
        reloadPermissions = await grantCarriedReloads(tx, {
          issuerCompanyId: ctx.receiverCompanyId,
          providerCompanyId,
          card: start,
          originalMessageIds: outstanding.map((l) => l.messageId),
          expiresAt: new Date(now.getTime() + policy.permissionTtlMinutes * 60_000),
          carrier: `the answer to ${message.header.messageId}`,
          now,
        });
      }
    }
  }
  const found = pairs.length > 0;
  const result = found
    ? { status: "found" as const, pairs, ...(reloadPermissions.length ? { reloadPermissions } : {}) }
    : { status: "not-found" as const, reason };
  const sent = await enqueueMessage(
    tx,
    "reissuance-information-reply",
    { issuerCompanyId: ctx.receiverCompanyId, providerCompanyId, inReplyTo: message.header.messageId, now },
    { platformType: 100, result },
  );
  await recordAudit(tx, {
    actor: EXCHANGE_ACTOR,
    action: "reissue-info.answer",
    subjectType: "card",
    subjectId: message.reissuedCardId,
    reason: found
      ? auditReason("reissue-info-given", { provider: providerCompanyId })
      : auditReason("reissue-info-not-given", { provider: providerCompanyId, why: reason }),
    data: { provider: providerCompanyId, requestMessageId: message.header.messageId, replyMessageId: sent.messageId, found, pairs: found ? pairs.length : 0 },
  });
  return {
    outcome: found ? outcome("reissue-info-given", { cardId: message.reissuedCardId, pairs: pairs.length }) : outcome("reissue-info-withheld", { reason }),
    enqueued: [{ outboxId: sent.outboxId, messageId: sent.messageId, type: sent.type, receiverCompanyId: sent.receiverCompanyId, jws: sent.jws }],
    data: { found, reason: found ? null : reason },
  };
}
