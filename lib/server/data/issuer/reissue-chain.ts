import "server-only";
import type { IssuerTx } from "./db";
import type { ReissuePair } from "@/lib/core/messages";
import { toMessageTimestamp } from "@/lib/core/messages";

type Tx = IssuerTx;

/** Most links walked back from a card (a guard against a corrupt chain, not a business limit). */
export const MAX_CHAIN_DEPTH = 20;

/** One link of a reissue chain, seen from the newer card: the card it replaced and when. */
export type ChainLink = {
  /** The earlier card (the "old card" of this link). */
  oldCard: { id: string; cardId: string; platformType: number };
  /** The card that replaced it (the newer end of the link). */
  reissuedCard: { id: string; cardId: string };
  reissuedAt: Date;
};

/**
 * Any generation (issue 12): the reissue links from `card` back to the first card of its chain,
 * nearest first. A card reissued twice before its holder reaches a desk gives two links, so every
 * answer of the issuer (push, pull, Fig. 15) can reach a load made two or more cards back. One
 * recursive statement (issue 16: it was two per link), stopping at a card seen before.
 */
export async function earlierCards(tx: Pick<Tx, "$queryRaw">, card: { id: string; cardId: string }): Promise<ChainLink[]> {
  const rows = await tx.$queryRaw<{ id: string; cardId: string; platformType: number; reissuedAt: Date }[]>`
    WITH RECURSIVE chain(depth, old_id, reissued_at, path) AS (
      SELECT 0, l.old_card_id, l.reissued_at, ARRAY[${card.id}::uuid, l.old_card_id]
        FROM iss_reissue_links l WHERE l.reissued_card_id = ${card.id}::uuid AND l.old_card_id <> ${card.id}::uuid
      UNION ALL
      SELECT c.depth + 1, l.old_card_id, l.reissued_at, c.path || l.old_card_id
        FROM chain c JOIN iss_reissue_links l ON l.reissued_card_id = c.old_id
       WHERE c.depth + 1 < ${MAX_CHAIN_DEPTH} AND NOT l.old_card_id = ANY(c.path))
    SELECT o.id::text AS id, o.card_id AS "cardId", o.platform_type AS "platformType", chain.reissued_at AS "reissuedAt"
      FROM chain JOIN iss_cards o ON o.id = chain.old_id
     ORDER BY chain.depth`;
  const links: ChainLink[] = [];
  let current = card;
  for (const row of rows) {
    const oldCard = { id: row.id, cardId: row.cardId, platformType: row.platformType };
    links.push({ oldCard, reissuedCard: current, reissuedAt: row.reissuedAt });
    current = oldCard;
  }
  return links;
}

/** Fig. 12 pairs for the first `count` links of a chain (nearest first), oldest first as Fig. 12 reads. */
export function pairsOf(links: readonly ChainLink[], count = links.length): ReissuePair[] {
  return links
    .slice(0, count)
    .map((l) => ({ oldCardId: l.oldCard.cardId, reissuedCardId: l.reissuedCard.cardId, reissuedAt: toMessageTimestamp(l.reissuedAt) }))
    .reverse();
}

/** A load confirmed on an earlier card of the chain and not reloaded since: what a provider may still reload. */
export type OutstandingLoad = {
  permissionId: string;
  messageId: string;
  cardUuid: string;
  provider: { id: string; companyId: string; name: string; reissueInfoDelivery: "push" | "pull" };
  application: { id: string; aid: string } | null;
};

/**
 * The loads confirmed on `cardUuids` that no confirmed reload refers to yet (one reload per load), optionally
 * for one provider only. A load reloaded onto a later card is represented by that reload's own permission.
 */
export async function outstandingLoads(tx: Pick<Tx, "loadingPermission">, cardUuids: readonly string[], providerId?: string): Promise<OutstandingLoad[]> {
  if (cardUuids.length === 0) return [];
  const rows = await tx.loadingPermission.findMany({
    where: {
      cardId: { in: [...cardUuids] },
      status: "confirmed",
      ...(providerId ? { providerId } : {}),
      reloads: { none: { kind: "reload", status: "confirmed" } },
    },
    select: {
      id: true,
      messageId: true,
      cardId: true,
      provider: { select: { id: true, companyId: true, name: true, reissueInfoDelivery: true } },
      application: { select: { id: true, aid: true } },
    },
    orderBy: { messageId: "asc" },
  });
  return rows.map((r) => ({ permissionId: r.id, messageId: r.messageId, cardUuid: r.cardId!, provider: r.provider, application: r.application }));
}
