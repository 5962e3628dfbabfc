import "server-only";
import { isUuid } from "@/lib/core/ids";
import {
  cardBinding,
  decodeCardImage,
  describeStatusWord,
  formatStatusWord,
  signPermission,
  SimulatedCard,
  systemCardEnv,
  terminal,
  type CardImage,
} from "@/lib/core/card";
import type { IssuerActor } from "../../auth/session";
import { db, type Prisma } from "./db";
import { allocateMessageId } from "../../exchange/message-ids";
import { issuerKeyHistory } from "../../issuer/key-history";
import { auditReason } from "@/lib/core/audit-reason";
import { recordAudit } from "./audit";
import { operator } from "./shared";

/** How long the life-cycle token is valid: it is used at once, at the issuer's own reader. */
const LIFE_CYCLE_TOKEN_MINUTES = 5;

export type ChipTerminated = { messageId: string; surfaceNumber: string; alreadyTerminated: boolean };
export type ChipRefusal = { code: "not-found" | "not-in-hand" | "card-refused"; message: string; params?: { sw: string } };

/**
 * Issue 12: a chip the issuer holds (a damaged card handed in when it was replaced, wallet state
 * `surrendered`) is terminated through the reader: the issuer signs a card-bound life-cycle token
 * (SET STATUS to TERMINATED, GP 2.3.1 §11.10, ReCard's delegated form: docs/card.md) under its own
 * message id, with the key version the card knows, and sends SELECT ISD + SET STATUS to the chip.
 * The card then refuses every command with 6A81 (GP 2.3.1 §5.1.1: nothing leaves TERMINATED). The chip's
 * new state is saved with it (the wallet row, under its row lock) and audited with the status word.
 * A chip still in the cardholder's hands (or lost) cannot be reached, so it is refused.
 */
export async function terminateChipInHand(
  actor: IssuerActor,
  cardUuid: string,
  now = new Date(),
): Promise<{ ok: true; value: ChipTerminated } | { ok: false; error: ChipRefusal }> {
  if (!isUuid(cardUuid)) return { ok: false, error: { code: "not-found", message: "No such card." } };
  return db().$transaction(async (tx) => {
    const card = await tx.card.findUnique({
      where: { id: cardUuid },
      select: { id: true, cardId: true, surfaceNumber: true, status: true, issuerKeyVersion: true },
    });
    if (!card) return { ok: false as const, error: { code: "not-found" as const, message: "No such card." } };
    await tx.$queryRaw`SELECT id FROM wallet_cards WHERE surface_number = ${card.surfaceNumber} FOR UPDATE`;
    const chip = await tx.walletCard.findUnique({ where: { surfaceNumber: card.surfaceNumber }, select: { id: true, state: true, image: true } });
    if (!chip || chip.state !== "surrendered") {
      return {
        ok: false as const,
        error: {
          code: "not-in-hand" as const,
          message: "The issuer does not hold this card: only a card handed in (a damaged card replaced) can be terminated at the issuer's reader.",
        },
      };
    }
    const image = decodeCardImage(chip.image);
    if (!image.ok) throw new Error(`wallet card ${chip.id}: stored image invalid: ${image.error}`);
    if (image.value.lifeCycle === "TERMINATED")
      return { ok: true as const, value: { messageId: "", surfaceNumber: card.surfaceNumber, alreadyTerminated: true } };

    // The key version this card knows signs its token (a surrendered card learns no new key).
    const key = (await issuerKeyHistory(tx, actor.issuerCompanyId)).find((k) => k.version === card.issuerKeyVersion);
    if (!key) throw new Error(`card ${card.id}: issuer key version ${card.issuerKeyVersion} not in the key history`);
    const messageId = await allocateMessageId(tx, { issuerCompanyId: actor.issuerCompanyId, providerCompanyId: actor.issuerCompanyId, direction: "I" });
    const token = await signPermission(key.privateKeys().signing.privateKeyJwk, {
      operation: "set-status",
      messageId,
      cardBinding: cardBinding(card.cardId, messageId),
      target: "TERMINATED",
      expiresAt: new Date(now.getTime() + LIFE_CYCLE_TOKEN_MINUTES * 60_000),
    });
    const reader = new SimulatedCard(image.value, { ...systemCardEnv(), now: () => now });
    const transmit = (apdu: Uint8Array) => reader.transmit(apdu);
    reader.powerOn();
    const selected = await terminal.selectIsd(transmit);
    const done = selected.ok ? await terminal.setCardLifeCycle(transmit, { target: "TERMINATED", token }) : selected;
    if (!done.ok) {
      const sw = done.error.sw ?? 0x6f00;
      await recordAudit(tx, {
        actor: operator(actor),
        action: "card.chip-terminate-refused",
        subjectType: "card",
        subjectId: card.id,
        reason: auditReason("chip-terminate-refused", { sw: formatStatusWord(sw) }),
        data: { messageId, sw: formatStatusWord(sw) },
      });
      return {
        ok: false as const,
        error: {
          code: "card-refused" as const,
          message: `The chip refused: status word ${formatStatusWord(sw)} (${describeStatusWord(sw)}).`,
          params: { sw: formatStatusWord(sw) },
        },
      };
    }
    const terminated: CardImage = reader.image();
    await tx.walletCard.update({ where: { id: chip.id }, data: { image: terminated as unknown as Prisma.InputJsonValue, version: { increment: 1 } } });
    await recordAudit(tx, {
      actor: operator(actor),
      action: "card.chip-terminate",
      subjectType: "card",
      subjectId: card.id,
      reason: auditReason("chip-terminated", { messageId }),
      data: { messageId, surfaceNumber: card.surfaceNumber, sw: "9000" },
    });
    return { ok: true as const, value: { messageId, surfaceNumber: card.surfaceNumber, alreadyTerminated: false } };
  });
}

/** Whether the chip of a card the issuer holds is still live (offered for termination on the card page). */
export async function chipInHandState(cardUuid: string): Promise<"live" | "terminated" | null> {
  if (!isUuid(cardUuid)) return null;
  const card = await db().card.findUnique({ where: { id: cardUuid }, select: { surfaceNumber: true } });
  const chip = card ? await db().walletCard.findUnique({ where: { surfaceNumber: card.surfaceNumber }, select: { state: true, image: true } }) : null;
  if (!chip || chip.state !== "surrendered") return null;
  const image = decodeCardImage(chip.image);
  return image.ok && image.value.lifeCycle === "TERMINATED" ? "terminated" : "live";
}
