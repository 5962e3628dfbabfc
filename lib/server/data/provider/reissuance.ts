import "server-only";
import type { ReissuePair } from "@/lib/core/messages";
import type { HandlerOutcome, Tx } from "@/lib/server/exchange/types";

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
    summary: `${pairs.length} old ↔ reissued card pair${pairs.length === 1 ? "" : "s"} received, ${created.count} new`,
    data: { pairs: pairs.length, stored: created.count },
  };
}
