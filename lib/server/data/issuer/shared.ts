import "server-only";
import type { IssuerTx } from "./db";
import { fromBase64Url } from "@/lib/core/bytes";
import type { IssuerActor } from "../../auth/session";
import type { Prisma } from "./db";
import { openAttributeData } from "../../issuer/key-history";

type Tx = IssuerTx;

/** Who decided, as the audit log names it. */
export function operator(actor: IssuerActor): { id: string; label: string } {
  return { id: actor.id, label: `${actor.name} (${actor.email})` };
}

/** Decisions the issuer's exchange takes on its own (permissions, inquiries), by its published rules. */
export const EXCHANGE_ACTOR = { id: null, label: "Issuer exchange (automatic)" } as const;

export type IssuerPolicyRow = {
  maxReissuesPerYear: number;
  requireIdentityVerified: boolean;
  rejectOnFraudFlag: boolean;
  permissionTtlMinutes: number;
  reinstateWindowDays: number;
};

/** The policy row; a database without one uses the strictest defaults rather than none (fail closed). */
export async function readPolicy(tx: Pick<Tx, "issuerPolicy">): Promise<IssuerPolicyRow> {
  const row = await tx.issuerPolicy.findUnique({ where: { id: 1 } });
  return row ?? { maxReissuesPerYear: 1, requireIdentityVerified: true, rejectOnFraudFlag: true, permissionTtlMinutes: 30, reinstateWindowDays: 0 };
}

export const CARD_SELECT = {
  id: true,
  cardId: true,
  surfaceNumber: true,
  platformType: true,
  status: true,
  cardholderId: true,
  cardPublicKeyJwk: true,
  issuerKeyVersion: true,
} as const;

export type CardRow = Prisma.CardGetPayload<{ select: typeof CARD_SELECT }>;

/** How a provider names a card: the card id on platform 100, card attribute data on platform 200. */
export type CardReference = { platformType: number; cardId?: string; cardAttributeData?: string };

type CardReferenceRefusal = { ok: false; reason: "attribute-data-invalid" | "card-not-found"; text: string };

/**
 * The card id a message names. Method 2 (step 1002): only the issuer can open card attribute data.
 */
export async function openCardReference(
  tx: Pick<Tx, "issuerCardKey">,
  ref: CardReference,
  issuerCompanyId: string,
): Promise<{ ok: true; cardId: string } | CardReferenceRefusal> {
  if (ref.cardAttributeData !== undefined) {
    let bytes: Uint8Array;
    try {
      bytes = fromBase64Url(ref.cardAttributeData);
    } catch {
      return { ok: false, reason: "attribute-data-invalid", text: "The card attribute data is not valid base64url." };
    }
    // Every key version the issuer ever had: a card that has not learned the current one uses an older one.
    const opened = await openAttributeData(tx, issuerCompanyId, bytes);
    if (!opened.ok)
      return {
        ok: false,
        reason: "attribute-data-invalid",
        text: "The issuer cannot open this card attribute data: it is damaged, altered, or from another issuer's card.",
      };
    return { ok: true, cardId: opened.value.cardId };
  }
  if (ref.cardId !== undefined) return { ok: true, cardId: ref.cardId };
  return { ok: false, reason: "card-not-found", text: "The request names no card." };
}

/**
 * The card read for a reference: a card of the other platform type is "not found": a provider that read
 * DF70 correctly cannot name it that way, and we do not confirm that such a card exists.
 */
export function referencedCard<C extends { platformType: number }>(card: C | null, ref: CardReference): { ok: true; card: C } | CardReferenceRefusal {
  if (!card || card.platformType !== ref.platformType) {
    return { ok: false, reason: "card-not-found", text: "The issuer has no card of this platform type matching the card presented." };
  }
  return { ok: true, card };
}

/** Finds the card a message names (`openCardReference`, then the card, `referencedCard`). */
export async function findReferencedCard(
  tx: Pick<Tx, "card" | "issuerCardKey">,
  ref: CardReference,
  issuerCompanyId: string,
): Promise<{ ok: true; card: CardRow } | CardReferenceRefusal> {
  const opened = await openCardReference(tx, ref, issuerCompanyId);
  if (!opened.ok) return opened;
  return referencedCard(await tx.card.findUnique({ where: { cardId: opened.cardId }, select: CARD_SELECT }), ref);
}
