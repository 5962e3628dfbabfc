import "server-only";
import { createHash, randomInt } from "node:crypto";
import type { CardImage } from "@/lib/core/card";
import type { CardholderActor, ProviderActor } from "../auth/session";
import { db, type Prisma } from "../db";
import { acquireLeaseTx, type LeaseRefusal } from "./card-lease";

/**
 * The cardholder's wallet: the simulated plastic (a card image, which stands for the chip in the
 * cardholder's hand and never leaves the server) and one-time presentation codes that stand in for
 * handing the card over at a desk. A desk that takes the card gets a lease and reaches the card only
 * through APDUs relayed to it (card-lease.ts).
 */

export const PRESENTATION_MINUTES = 30;
const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"; // no 0/O, 1/I/L: read aloud at a desk

export type WalletRefusal = {
  code: "not-found" | "not-in-hand" | "expired" | "already-claimed" | "card-at-desk";
  /** The data layer's English; the pages render the code and params in the reader's language. */
  message: string;
  params?: { providerName?: string };
};
type WalletResult<T> = { ok: true; value: T } | { ok: false; error: WalletRefusal };

const hashCode = (code: string) => createHash("sha256").update(code.replace(/[\s-]/g, "").toUpperCase()).digest("hex");

/** "K7Q2-M9XD" */
function newCode(): string {
  let out = "";
  for (let i = 0; i < 8; i++) out += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `${out.slice(0, 4)}-${out.slice(4)}`;
}

/** Issues a one-time code for presenting one of the signed-in cardholder's cards at a desk. */
export async function createPresentation(
  actor: CardholderActor,
  surfaceNumber: string,
  now = new Date(),
): Promise<WalletResult<{ code: string; expiresAt: Date }>> {
  const card = await db().walletCard.findFirst({ where: { cardholderId: actor.cardholderId, surfaceNumber } });
  if (!card) return { ok: false, error: { code: "not-found", message: "You have no card with that number." } };
  if (card.state !== "in_hand")
    return { ok: false, error: { code: "not-in-hand", message: "This card is no longer in your hands (reported lost or stolen, or replaced)." } };
  const code = newCode();
  const expiresAt = new Date(now.getTime() + PRESENTATION_MINUTES * 60_000);
  await db().cardPresentation.create({ data: { walletCardId: card.id, codeHash: hashCode(code), createdAt: now, expiresAt } });
  return { ok: true, value: { code, expiresAt } };
}

export type PresentedCard = { presentationId: string; leaseId: string; surfaceNumberLast4: string; resumed: boolean };

/**
 * A desk takes the card for this visit with the code the cardholder shows: it gets a lease on the card
 * (card-lease.ts), never the card's image. One code, one desk; while another desk holds the card, the
 * refusal names that desk. The same desk tab giving a code again gets its own live lease back.
 */
export async function claimPresentation(actor: ProviderActor, code: string, deskTab: string, now = new Date()): Promise<WalletResult<PresentedCard>> {
  return db().$transaction(async (tx) => {
    const presentation = await tx.cardPresentation.findUnique({
      where: { codeHash: hashCode(code) },
      include: { walletCard: { select: { surfaceNumber: true } } },
    });
    if (!presentation) return { ok: false, error: { code: "not-found", message: "No card is presented with this code. Check it with the cardholder." } };
    if (presentation.expiresAt <= now) return { ok: false, error: { code: "expired", message: "This code has expired. Ask the cardholder for a new one." } };
    await tx.$queryRaw`SELECT id FROM wallet_cards WHERE id = ${presentation.walletCardId}::uuid FOR UPDATE`;
    const card = await tx.walletCard.findUniqueOrThrow({ where: { id: presentation.walletCardId }, select: { state: true, surfaceNumber: true } });
    if (card.state !== "in_hand") return { ok: false, error: { code: "not-in-hand", message: "This card is no longer in the cardholder's hands." } };
    if (presentation.claimedAt) {
      // The same code again: this desk tab resumes its lease; anyone else learns where the card is.
      const lease = await tx.walletCardLease.findFirst({ where: { presentationId: presentation.id, endedAt: null, expiresAt: { gt: now } } });
      if (!lease) return { ok: false, error: { code: "already-claimed", message: "This code was already used at a desk." } };
    }
    const lease = await acquireLeaseTx(tx, actor, { walletCardId: presentation.walletCardId, presentationId: presentation.id, deskTab }, now);
    if (!lease.ok) {
      const refusal = lease.error;
      return {
        ok: false,
        error: {
          code: "card-at-desk",
          message: cardAtDeskMessage(refusal),
          params: refusal.code === "card-at-desk" ? { providerName: refusal.params.providerName } : {},
        },
      };
    }
    if (!presentation.claimedAt) {
      const claimed = await tx.cardPresentation.updateMany({
        where: { id: presentation.id, claimedAt: null },
        data: { claimedAt: now, claimedByCompany: actor.providerCompanyId },
      });
      if (claimed.count !== 1) return { ok: false, error: { code: "already-claimed", message: "This code was already used at a desk." } };
    }
    return {
      ok: true,
      value: { presentationId: presentation.id, leaseId: lease.leaseId, surfaceNumberLast4: card.surfaceNumber.slice(-4), resumed: lease.resumed },
    };
  });
}

/** "This card is at Metro Transit's desk." — rendered from the lease's code and company name (no stored sentence). */
function cardAtDeskMessage(refusal: LeaseRefusal): string {
  const at = refusal.code === "card-at-desk" ? `This card is at ${refusal.params.providerName}'s desk.` : "This card is at another desk.";
  return `${at} It can be taken here once that desk returns it, or when the cardholder ends that visit.`;
}

type WalletTx = Pick<Prisma.TransactionClient, "walletCard" | "$executeRaw">;

/** The issuer delivers a newly personalised card into the cardholder's hands. */
export async function deliverCard(tx: WalletTx, input: { cardholderId: string; surfaceNumber: string; image: CardImage }): Promise<void> {
  await tx.walletCard.create({
    data: { cardholderId: input.cardholderId, surfaceNumber: input.surfaceNumber, image: input.image as unknown as Prisma.InputJsonValue },
  });
}

/** Many new cards into their holders' wallets in one statement (a bulk approval, a renewal batch). */
export async function deliverCards(tx: WalletTx, cards: readonly { cardholderId: string; surfaceNumber: string; image: CardImage }[]): Promise<void> {
  if (cards.length === 0) return;
  const rows = cards.map((c) => ({ cardholder_id: c.cardholderId, surface_number: c.surfaceNumber, image: c.image }));
  await tx.$executeRaw`
    INSERT INTO wallet_cards (id, cardholder_id, surface_number, image)
    SELECT gen_random_uuid(), x.cardholder_id, x.surface_number, x.image
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(cardholder_id uuid, surface_number text, image jsonb)`;
}

/** A card leaves the cardholder's hands: lost or stolen (gone), or handed back when replaced (surrendered). */
export async function retireCard(tx: WalletTx, surfaceNumber: string, state: "gone" | "surrendered"): Promise<void> {
  await tx.walletCard.updateMany({ where: { surfaceNumber }, data: { state } });
}

/** A reported card was found and the report withdrawn: the plastic is back in the cardholder's hand. */
export async function reinstateCard(tx: WalletTx, surfaceNumber: string): Promise<void> {
  await tx.walletCard.updateMany({ where: { surfaceNumber, state: "gone" }, data: { state: "in_hand" } });
}
