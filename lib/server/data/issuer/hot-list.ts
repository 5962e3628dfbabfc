import "server-only";
import type { IssuerTx } from "./db";
import { toMessageTimestamp, type HotListReason } from "@/lib/core/messages";
import { enqueueMessage } from "../../exchange/outbox";

type Tx = IssuerTx;

/** The issuer's company id (one issuer per deployment). */
export async function issuerCompanyIdOf(tx: Pick<Tx, "issuerCompany">): Promise<string> {
  const row = await tx.issuerCompany.findFirstOrThrow({ select: { companyId: true } });
  return row.companyId;
}

export type HotListSent = { providers: string[]; outboxIds: string[] };

/**
 * The hot list at report time: one `card-blocked` to every provider with an application confirmed
 * loaded on the card (or, platform 100, holding a reload permission handed over for it), in the
 * transaction that blocks it. Platform 100 names the card id; platform 200
 * only that provider's own load message ids (it learns no card id). Exactly once per provider and
 * report: `iss_card_blocks` is unique on (request, provider), so a retried report cannot send twice.
 */
export async function sendCardBlocked(
  tx: Tx,
  input: { card: { id: string; cardId: string; platformType: number }; requestId: string; reason: HotListReason; blockedAt: Date; issuerCompanyId: string },
): Promise<HotListSent> {
  const { card } = input;
  const platformType = card.platformType === 200 ? 200 : 100;
  const loads = await tx.loadingPermission.findMany({
    where: { cardId: card.id, status: "confirmed" },
    select: { messageId: true, provider: { select: { id: true, companyId: true } } },
    orderBy: { messageId: "asc" },
  });
  const byProvider = new Map<string, { id: string; companyId: string; messageIds: string[] }>();
  for (const load of loads) {
    const entry = byProvider.get(load.provider.id) ?? { ...load.provider, messageIds: [] };
    entry.messageIds.push(load.messageId);
    byProvider.set(load.provider.id, entry);
  }
  if (platformType === 100) {
    // A provider holding a reload permission handed over for this card (pushed with its reissuance
    // notification) could reload it without asking the issuer again: it is told too, so its desk refuses
    // the card. (Platform 200 hands permissions over only in answers at the desk, valid for minutes.)
    const carried = await tx.loadingPermission.findMany({
      where: { cardId: card.id, kind: "reload", status: "granted", expiresAt: { gt: input.blockedAt } },
      select: { provider: { select: { id: true, companyId: true } } },
    });
    for (const p of carried) if (!byProvider.has(p.provider.id)) byProvider.set(p.provider.id, { ...p.provider, messageIds: [] });
  }
  const sent: HotListSent = { providers: [], outboxIds: [] };
  for (const provider of [...byProvider.values()].sort((a, b) => a.companyId.localeCompare(b.companyId))) {
    const reference = platformType === 100 ? { cardId: card.cardId } : { loadMessageIds: provider.messageIds };
    const message = await enqueueMessage(
      tx,
      "card-blocked",
      { issuerCompanyId: input.issuerCompanyId, providerCompanyId: provider.companyId, now: input.blockedAt },
      { platformType, ...reference, reason: input.reason, blockedAt: toMessageTimestamp(input.blockedAt) },
    );
    await tx.cardBlock.create({
      data: {
        cardId: card.id,
        requestId: input.requestId,
        providerId: provider.id,
        providerCompanyId: provider.companyId,
        platformType,
        loadMessageIds: platformType === 200 ? provider.messageIds : [],
        reason: input.reason,
        blockMessageId: message.messageId,
        blockedAt: input.blockedAt,
      },
    });
    sent.providers.push(provider.companyId);
    sent.outboxIds.push(message.outboxId);
  }
  return sent;
}

/** A withdrawn report: one `card-unblocked` for each `card-blocked` the report sent, naming it. */
export async function sendCardUnblocked(
  tx: Tx,
  input: { requestId: string; cardId: string; unblockedAt: Date; issuerCompanyId: string },
): Promise<HotListSent> {
  const blocks = await tx.cardBlock.findMany({ where: { requestId: input.requestId, unblockMessageId: null }, orderBy: { providerCompanyId: "asc" } });
  const sent: HotListSent = { providers: [], outboxIds: [] };
  for (const block of blocks) {
    const reference = block.platformType === 100 ? { cardId: input.cardId } : { loadMessageIds: block.loadMessageIds };
    const message = await enqueueMessage(
      tx,
      "card-unblocked",
      { issuerCompanyId: input.issuerCompanyId, providerCompanyId: block.providerCompanyId, now: input.unblockedAt },
      {
        platformType: block.platformType === 200 ? 200 : 100,
        ...reference,
        reason: block.reason as HotListReason,
        blockedAt: toMessageTimestamp(block.blockedAt),
        blockMessageId: block.blockMessageId,
        unblockReason: "report-withdrawn",
        unblockedAt: toMessageTimestamp(input.unblockedAt),
      },
    );
    await tx.cardBlock.update({ where: { id: block.id }, data: { unblockMessageId: message.messageId, unblockedAt: input.unblockedAt } });
    sent.providers.push(block.providerCompanyId);
    sent.outboxIds.push(message.outboxId);
  }
  return sent;
}
