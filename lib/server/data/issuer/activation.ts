import "server-only";
import { isUuid } from "@/lib/core/ids";
import type { RequestReason } from "@/lib/core/workflows/reissue";
import { db } from "./db";
import { noticesCommitted, recordNotice } from "../../notices/notices";
import { retireCard } from "../wallet";
import { auditReason } from "@/lib/core/audit-reason";
import { recordAudit } from "./audit";
import { earlierCards } from "./reissue-chain";

/** Days a cardholder has to activate a new card (reissued, renewed or permanent) before the issuer's overview lists it. */
export const ACTIVATION_DEADLINE_DAYS = 30;

export type ActivationRefusal = { code: "not-found" | "not-waiting"; message: string };
export type ActivatedBy = { kind: "cardholder"; userId: string; label: string; cardholderId: string } | { kind: "operator"; userId: string; label: string };

/**
 * Every new card (a reissue for a lost, stolen or damaged card, a renewal, the permanent card after a
 * temporary one; not a temporary card itself) waits `issued` until the cardholder has it in hand and
 * activates it (in the portal, or at the issuer's desk with the card present). Activation makes it
 * `active` and terminates every earlier card of its chain not terminated yet: a damaged or expiring
 * card was still usable until now, so its plastic is handed back (surrendered); a lost or stolen one
 * has been blocked since its report and stays gone. It is also the moment providers may reload: the
 * loading-permission checks refuse an `issued` card (permissions.ts). A card already replaced by a
 * later one can no longer be activated. One transaction, with the audit rows and the cardholder's notice.
 */
export async function activateCard(
  by: ActivatedBy,
  cardUuid: string,
  now = new Date(),
): Promise<{ ok: true; value: { last4: string } } | { ok: false; error: ActivationRefusal }> {
  if (!isUuid(cardUuid)) return { ok: false, error: { code: "not-found", message: "No such card." } };
  let noticeId: string | null = null;
  const result = await db().$transaction(async (tx) => {
    const [locked] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM iss_cards WHERE id = ${cardUuid}::uuid FOR UPDATE`;
    if (!locked) return { ok: false as const, error: { code: "not-found" as const, message: "No such card." } };
    const card = await tx.card.findUniqueOrThrow({
      where: { id: cardUuid },
      select: { id: true, cardId: true, status: true, cardholderId: true, surfaceNumber: true, linkAsOld: { select: { id: true } } },
    });
    if (by.kind === "cardholder" && card.cardholderId !== by.cardholderId)
      return { ok: false as const, error: { code: "not-found" as const, message: "No such card." } };
    if (card.status !== "issued")
      return {
        ok: false as const,
        error: {
          code: "not-waiting" as const,
          message:
            card.status === "active"
              ? "This card is already active."
              : card.status === "blocked"
                ? "This card was reported lost or stolen: it cannot be activated."
                : "This card cannot be activated.",
        },
      };
    if (card.linkAsOld)
      return {
        ok: false as const,
        error: { code: "not-waiting" as const, message: "This card has already been replaced by a later card: activate that one." },
      };
    await tx.card.update({ where: { id: card.id }, data: { status: "active", activatedAt: now } });
    const actor = { id: by.userId, label: by.label };
    await recordAudit(tx, {
      actor,
      action: "card.activate",
      subjectType: "card",
      subjectId: card.id,
      reason: auditReason("card-activated", { by: by.kind === "cardholder" ? "cardholder" : "desk" }),
    });
    // The card it replaced, and any earlier one still not ended (a card replaced again before its activation).
    const links = await earlierCards(tx, card);
    const earlier = links.length
      ? await tx.card.findMany({
          where: { id: { in: links.map((l) => l.oldCard.id) }, status: { not: "terminated" } },
          select: { id: true, status: true, surfaceNumber: true },
        })
      : [];
    for (const previous of earlier) {
      await tx.card.update({ where: { id: previous.id }, data: { status: "terminated", terminatedAt: now } });
      // A blocked (lost or stolen) card is already gone from the wallet; a usable one is handed back.
      if (previous.status !== "blocked") await retireCard(tx, previous.surfaceNumber, "surrendered");
      await recordAudit(tx, {
        actor,
        action: "card.terminate",
        subjectType: "card",
        subjectId: previous.id,
        reason: auditReason("card-replaced", { last4: card.surfaceNumber.slice(-4), activated: true, wasBlocked: previous.status === "blocked" }),
      });
    }
    noticeId = await recordNotice(tx, {
      cardholderId: card.cardholderId,
      notice: { code: "card-activated", params: { last4: card.surfaceNumber.slice(-4) } },
      key: `card-activated:${card.id}`,
      now,
    });
    return { ok: true as const, value: { last4: card.surfaceNumber.slice(-4) } };
  });
  if (result.ok) noticesCommitted([noticeId]);
  return result;
}

/** New cards of any kind (reissued for a lost, stolen or damaged card, renewed, permanent) still waiting for activation past the deadline (the issuer's overview). */
export async function listOverdueActivations(now = new Date(), take = 20) {
  const before = new Date(now.getTime() - ACTIVATION_DEADLINE_DAYS * 24 * 60 * 60 * 1000);
  const where = { status: "issued" as const, issuedAt: { lt: before } };
  const [total, cards] = await Promise.all([
    db().card.count({ where }),
    db().card.findMany({
      where,
      orderBy: { issuedAt: "asc" },
      take,
      select: {
        id: true,
        surfaceNumber: true,
        issuedAt: true,
        cardholder: { select: { id: true, fullName: true, holderNo: true } },
        reissuedBy: { select: { reason: true } },
      },
    }),
  ]);
  return { total, cards: cards.map(({ reissuedBy, ...c }) => ({ ...c, reason: (reissuedBy?.reason ?? null) as RequestReason | null })) };
}
