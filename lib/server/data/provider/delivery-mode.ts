import "server-only";
import { outcome, type MessageOf } from "@/lib/core/messages";
import type { ProviderActor } from "../../auth/session";
import type { HandlerOutcome } from "../../exchange/types";
import { db, type ProviderTx } from "./db";

/**
 * How the issuer delivers reissuance information to this provider (push at reissue time, Fig. 12, or
 * pull at reload time, Fig. 19) and since when, as its signed `reissue-delivery-mode` said (issue 15):
 * the provider may not read the issuer's tables. One row per provider (`sp_delivery_modes`).
 */
export type DeliveryModeView = { delivery: "push" | "pull"; effectiveAt: Date; messageId: string; receivedAt: Date };

/**
 * Handler of `reissue-delivery-mode`: keeps the newest mode. A message is applied only if it is later
 * (effectiveAt, then message id) than the one stored, so a replay or an older message arriving late
 * changes nothing (the inbox answers a duplicate before this runs anyway).
 */
export async function storeDeliveryMode(
  tx: ProviderTx,
  providerCompanyId: string,
  message: MessageOf<"reissue-delivery-mode">,
  now: Date,
): Promise<HandlerOutcome> {
  const effectiveAt = new Date(message.effectiveAt);
  const changed = await tx.$executeRaw`
    INSERT INTO sp_delivery_modes (provider_company_id, delivery, effective_at, message_id, received_at)
    VALUES (${providerCompanyId}, ${message.delivery}, ${effectiveAt}, ${message.header.messageId}, ${now})
    ON CONFLICT (provider_company_id) DO UPDATE
      SET delivery = EXCLUDED.delivery, effective_at = EXCLUDED.effective_at, message_id = EXCLUDED.message_id, received_at = EXCLUDED.received_at
      WHERE (sp_delivery_modes.effective_at, sp_delivery_modes.message_id) < (EXCLUDED.effective_at, EXCLUDED.message_id)`;
  return {
    outcome: outcome("delivery-mode-stored", { delivery: message.delivery, effectiveAt: message.effectiveAt, applied: changed > 0 }),
    data: { delivery: message.delivery, effectiveAt: message.effectiveAt, applied: changed > 0 },
  };
}

/** The delivery mode the issuer last told this provider, or null before its first message. */
export async function getDeliveryMode(actor: ProviderActor): Promise<DeliveryModeView | null> {
  const row = await db().spDeliveryMode.findUnique({ where: { providerCompanyId: actor.providerCompanyId } });
  if (!row) return null;
  return { delivery: row.delivery === "pull" ? "pull" : "push", effectiveAt: row.effectiveAt, messageId: row.messageId, receivedAt: row.receivedAt };
}
