import "server-only";
import { createHash, randomInt } from "node:crypto";
import { decodeCardImage, type CardImage } from "@/lib/core/card";
import type { CardholderActor, ProviderActor } from "../auth/session";
import { db, type Prisma } from "../db";

/**
 * The cardholder's wallet: the simulated plastic (a card image) and one-time presentation codes that
 * stand in for handing the card over at a desk. A desk gets the image for one visit, runs it in its
 * in-browser reader, and returns it; the returned image must be the same card, changed only the
 * way a card can change itself (validateReturnedImage).
 */

export const PRESENTATION_MINUTES = 30;
const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"; // no 0/O, 1/I/L: read aloud at a desk

export type WalletRefusal = { code: "not-found" | "not-in-hand" | "expired" | "already-claimed" | "not-claimed" | "image-mismatch" | "stale"; message: string };
type WalletResult<T> = { ok: true; value: T } | { ok: false; error: WalletRefusal };

const hashCode = (code: string) => createHash("sha256").update(code.replace(/[\s-]/g, "").toUpperCase()).digest("hex");

/** "K7Q2-M9XD" */
function newCode(): string {
  let out = "";
  for (let i = 0; i < 8; i++) out += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `${out.slice(0, 4)}-${out.slice(4)}`;
}

/** The cardholder's cards in the wallet (state and surface number; the image stays server-side). */
export async function listWalletCards(actor: CardholderActor) {
  return db().walletCard.findMany({
    where: { cardholderId: actor.cardholderId },
    select: { id: true, surfaceNumber: true, state: true, updatedAt: true },
    orderBy: { updatedAt: "desc" },
  });
}

/** Issues a one-time code for presenting one of the signed-in cardholder's cards at a desk. */
export async function createPresentation(actor: CardholderActor, surfaceNumber: string, now = new Date()): Promise<WalletResult<{ code: string; expiresAt: Date }>> {
  const card = await db().walletCard.findFirst({ where: { cardholderId: actor.cardholderId, surfaceNumber } });
  if (!card) return { ok: false, error: { code: "not-found", message: "You have no card with that number." } };
  if (card.state !== "in_hand") return { ok: false, error: { code: "not-in-hand", message: "This card is no longer in your hands (reported lost or stolen, or replaced)." } };
  const code = newCode();
  const expiresAt = new Date(now.getTime() + PRESENTATION_MINUTES * 60_000);
  await db().cardPresentation.create({ data: { walletCardId: card.id, codeHash: hashCode(code), createdAt: now, expiresAt } });
  return { ok: true, value: { code, expiresAt } };
}

export type PresentedCard = { presentationId: string; image: CardImage; surfaceNumberLast4: string; version: number };

/** A desk takes the card for this visit with the code the cardholder shows. One desk, once. */
export async function claimPresentation(actor: ProviderActor, code: string, now = new Date()): Promise<WalletResult<PresentedCard>> {
  return db().$transaction(async (tx) => {
    const presentation = await tx.cardPresentation.findUnique({ where: { codeHash: hashCode(code) }, include: { walletCard: true } });
    if (!presentation) return { ok: false, error: { code: "not-found", message: "No card is presented with this code. Check it with the cardholder." } };
    if (presentation.expiresAt <= now) return { ok: false, error: { code: "expired", message: "This code has expired. Ask the cardholder for a new one." } };
    if (presentation.claimedAt) return { ok: false, error: { code: "already-claimed", message: "This code was already used at a desk." } };
    if (presentation.walletCard.state !== "in_hand") return { ok: false, error: { code: "not-in-hand", message: "This card is no longer in the cardholder's hands." } };
    const claimed = await tx.cardPresentation.updateMany({
      where: { id: presentation.id, claimedAt: null },
      data: { claimedAt: now, claimedByCompany: actor.providerCompanyId },
    });
    if (claimed.count !== 1) return { ok: false, error: { code: "already-claimed", message: "This code was already used at a desk." } };
    const image = decodeCardImage(presentation.walletCard.image);
    if (!image.ok) throw new Error(`wallet card ${presentation.walletCard.id}: stored image invalid: ${image.error}`);
    return {
      ok: true,
      value: { presentationId: presentation.id, image: image.value, surfaceNumberLast4: presentation.walletCard.surfaceNumber.slice(-4), version: presentation.walletCard.version },
    };
  });
}

/**
 * Checks that `after` is `before` as the card itself could have changed it: same identity and keys,
 * a confirmation counter that only went up, used tokens only added, life cycle only forward.
 */
export function validateReturnedImage(before: CardImage, after: CardImage): string | null {
  if (after.cardId !== before.cardId || after.surfaceNumber !== before.surfaceNumber) return "it is another card";
  if (after.platformType !== before.platformType || after.issuerCompanyId !== before.issuerCompanyId || after.iin !== before.iin) return "its identity changed";
  if (JSON.stringify(after.keys) !== JSON.stringify(before.keys)) return "its keys changed";
  if (after.confirmationCounter < before.confirmationCounter) return "its confirmation counter went back";
  const usedAfter = new Set(after.usedTokens.map((t) => t.messageId));
  if (before.usedTokens.some((t) => !usedAfter.has(t.messageId))) return "it forgot tokens it had used";
  const order = ["SECURED", "CARD_LOCKED", "TERMINATED"] as const;
  if (before.lifeCycle === "TERMINATED" && after.lifeCycle !== "TERMINATED") return "a terminated card came back to life";
  if (order.indexOf(after.lifeCycle as (typeof order)[number]) < 0) return "its life cycle is not one a card in use can have";
  // Applications change by themselves (a balance, points), but a new one needs an issuer token.
  const known = new Set(before.applications.map((a) => `${a.aid}/${a.messageId}`));
  const installed = after.applications.filter((a) => !known.has(`${a.aid}/${a.messageId}`));
  if (installed.some((a) => !usedAfter.has(a.messageId))) return "an application appeared without an issuer token";
  return null;
}

/** The desk gives the card back at the end of the visit; the wallet keeps the card's new state. */
export async function returnPresentedCard(actor: ProviderActor, presentationId: string, imageJson: unknown, now = new Date()): Promise<WalletResult<{ version: number }>> {
  const after = decodeCardImage(imageJson);
  if (!after.ok) return { ok: false, error: { code: "image-mismatch", message: `The card image is not valid: ${after.error}` } };
  return db().$transaction(async (tx) => {
    const presentation = await tx.cardPresentation.findUnique({ where: { id: presentationId }, include: { walletCard: true } });
    // Another desk's visit looks exactly like a missing one.
    if (!presentation || presentation.claimedByCompany !== actor.providerCompanyId) return { ok: false, error: { code: "not-claimed", message: "This desk has no card from that visit." } };
    if (presentation.returnedAt) return { ok: false, error: { code: "not-claimed", message: "The card of that visit was already returned." } };
    const before = decodeCardImage(presentation.walletCard.image);
    if (!before.ok) throw new Error(`wallet card ${presentation.walletCardId}: stored image invalid`);
    const problem = validateReturnedImage(before.value, after.value);
    if (problem) return { ok: false, error: { code: "image-mismatch", message: `The returned card was refused: ${problem}.` } };
    const saved = await tx.walletCard.updateMany({
      where: { id: presentation.walletCardId, version: presentation.walletCard.version },
      data: { image: after.value as unknown as Prisma.InputJsonValue, version: { increment: 1 } },
    });
    if (saved.count !== 1) return { ok: false, error: { code: "stale", message: "The card changed elsewhere during this visit." } };
    await tx.cardPresentation.update({ where: { id: presentationId }, data: { returnedAt: now } });
    return { ok: true, value: { version: presentation.walletCard.version + 1 } };
  });
}

type WalletTx = Pick<Prisma.TransactionClient, "walletCard">;

/** The issuer delivers a newly personalised card into the cardholder's hands. */
export async function deliverCard(tx: WalletTx, input: { cardholderId: string; surfaceNumber: string; image: CardImage }): Promise<void> {
  await tx.walletCard.create({ data: { cardholderId: input.cardholderId, surfaceNumber: input.surfaceNumber, image: input.image as unknown as Prisma.InputJsonValue } });
}

/** A card leaves the cardholder's hands: lost or stolen (gone), or handed back when replaced (surrendered). */
export async function retireCard(tx: WalletTx, surfaceNumber: string, state: "gone" | "surrendered"): Promise<void> {
  await tx.walletCard.updateMany({ where: { surfaceNumber }, data: { state } });
}

/** A reported card was found and the report withdrawn: the plastic is back in the cardholder's hand. */
export async function reinstateCard(tx: WalletTx, surfaceNumber: string): Promise<void> {
  await tx.walletCard.updateMany({ where: { surfaceNumber, state: "gone" }, data: { state: "in_hand" } });
}
