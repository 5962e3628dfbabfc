import "server-only";
import { isUuid } from "@/lib/core/ids";
import type { CardholderActor } from "../../auth/session";
import { db } from "../../db";

export type MyReissueRequest = {
  id: string;
  requestNo: number;
  reason: "lost" | "stolen" | "damaged" | "renewal" | "permanent";
  statement: string | null;
  status: "pending" | "approved" | "rejected" | "withdrawn";
  createdAt: Date;
  decidedAt: Date | null;
  rejectionReason: string | null;
};

export type MyCard = {
  id: string;
  surfaceNumber: string;
  platformType: number;
  status: "issued" | "active" | "blocked" | "terminated";
  issuedAt: Date;
  expiresAt: Date;
  blockedReason: string | null;
  generation: number;
  /** A temporary card for a lost one (short expiry): a permanent card follows. */
  temporary: boolean;
  replacedCardSurfaceNumber: string | null;
  /** The replaced card's status: `blocked` (reported lost or stolen) or still `active` until this card is activated. */
  replacedCardStatus: "issued" | "active" | "blocked" | "terminated" | null;
  /** The plastic: in the cardholder's hands, gone (lost/stolen), or handed back. */
  walletState: "in_hand" | "gone" | "surrendered" | null;
  applications: {
    name: string;
    providerName: string;
    kind: string;
    loadedAt: Date;
    status: "loaded" | "deleted";
    carriedOver: { valueMinor: number; unit: string; fromCardLast4: string | null } | null;
    /** What the provider charged for this load (its normal or its reissue fee), when its confirmation said. */
    charge: { kind: "normal_load" | "reissue_reload"; amountMinor: number; currency: string } | null;
  }[];
  /** Newest first. */
  requests: MyReissueRequest[];
  /**
   * On a reissued card: the applications that were on the card it replaced, and where to have
   * them reloaded (each provider's desk), with whether that has happened yet.
   */
  reloadGuide: { oldCardLast4: string; applications: { name: string; providerName: string; kind: string; reloaded: boolean; fromCardLast4: string }[] } | null;
};

/** The signed-in cardholder's name as the issuer records it, with its reading in kana. */
export async function getMyName(actor: CardholderActor): Promise<{ fullName: string; fullNameKana: string | null }> {
  const row = await db().cardholder.findUnique({ where: { id: actor.cardholderId }, select: { fullName: true, fullNameKana: true } });
  return row ?? { fullName: actor.name, fullNameKana: null };
}

/** The signed-in cardholder's cards (current ones first, then earlier ones), with what is on each. */
export async function listMyCards(actor: CardholderActor): Promise<{ current: MyCard[]; earlier: MyCard[] }> {
  const appSelect = {
    where: { status: "loaded" as const },
    orderBy: { loadedAt: "asc" as const },
    select: { applicationId: true, status: true, loadedAt: true, application: { select: { name: true, kind: true, provider: { select: { name: true } } } } },
  };
  const [cards, wallet] = await Promise.all([
    db().card.findMany({
      where: { cardholderId: actor.cardholderId },
      orderBy: [{ issuedAt: "desc" }],
      select: {
        id: true,
        surfaceNumber: true,
        platformType: true,
        status: true,
        issuedAt: true,
        expiresAt: true,
        blockedReason: true,
        generation: true,
        temporary: true,
        previousCardId: true,
        previousCard: { select: { surfaceNumber: true, status: true, applications: appSelect } },
        applications: {
          orderBy: { loadedAt: "asc" },
          select: {
            applicationId: true,
            status: true,
            loadedAt: true,
            carriedOverMinor: true,
            carriedOverUnit: true,
            permission: {
              select: {
                userChargeKind: true,
                userChargeMinor: true,
                userChargeCurrency: true,
                original: { select: { card: { select: { surfaceNumber: true } } } },
              },
            },
            application: { select: { name: true, kind: true, provider: { select: { name: true } } } },
          },
        },
        reissueRequests: {
          orderBy: { createdAt: "desc" },
          select: { id: true, requestNo: true, reason: true, statement: true, status: true, createdAt: true, decidedAt: true, rejectionReason: true },
        },
      },
    }),
    db().walletCard.findMany({ where: { cardholderId: actor.cardholderId }, select: { surfaceNumber: true, state: true } }),
  ]);
  const walletState = new Map(wallet.map((w) => [w.surfaceNumber, w.state]));
  const byId = new Map(cards.map((c) => [c.id, c]));
  /**
   * Any generation: every application loaded on an earlier card of the chain (the nearest one that
   * had it), so a card reissued twice before a desk visit keeps every pending reload until it is done.
   */
  const chainApplications = (card: (typeof cards)[number]) => {
    const seen = new Map<string, { name: string; providerName: string; kind: string; fromCardLast4: string }>();
    let previous = card.previousCardId ? byId.get(card.previousCardId) : undefined;
    for (let depth = 0; previous && depth < 20; depth++) {
      for (const a of previous.applications) {
        if (a.status !== "loaded" || seen.has(a.applicationId)) continue;
        seen.set(a.applicationId, {
          name: a.application.name,
          providerName: a.application.provider.name,
          kind: a.application.kind,
          fromCardLast4: previous.surfaceNumber.slice(-4),
        });
      }
      previous = previous.previousCardId ? byId.get(previous.previousCardId) : undefined;
    }
    return seen;
  };
  const mapped: MyCard[] = cards.map((c) => {
    const onThisCard = new Set(c.applications.filter((a) => a.status === "loaded").map((a) => a.applicationId));
    return {
      id: c.id,
      surfaceNumber: c.surfaceNumber,
      platformType: c.platformType,
      status: c.status,
      issuedAt: c.issuedAt,
      expiresAt: c.expiresAt,
      blockedReason: c.blockedReason,
      generation: c.generation,
      temporary: c.temporary,
      replacedCardSurfaceNumber: c.previousCard?.surfaceNumber ?? null,
      replacedCardStatus: c.previousCard?.status ?? null,
      walletState: walletState.get(c.surfaceNumber) ?? null,
      applications: c.applications.map((a) => ({
        name: a.application.name,
        providerName: a.application.provider.name,
        kind: a.application.kind,
        loadedAt: a.loadedAt,
        status: a.status,
        carriedOver:
          a.carriedOverMinor !== null && a.carriedOverUnit
            ? { valueMinor: a.carriedOverMinor, unit: a.carriedOverUnit, fromCardLast4: a.permission.original?.card?.surfaceNumber.slice(-4) ?? null }
            : null,
        charge:
          a.permission.userChargeKind && a.permission.userChargeMinor !== null && a.permission.userChargeCurrency
            ? { kind: a.permission.userChargeKind, amountMinor: a.permission.userChargeMinor, currency: a.permission.userChargeCurrency }
            : null,
      })),
      requests: c.reissueRequests,
      reloadGuide: c.previousCard
        ? {
            oldCardLast4: c.previousCard.surfaceNumber.slice(-4),
            applications: [...chainApplications(c).entries()].map(([applicationId, a]) => ({ ...a, reloaded: onThisCard.has(applicationId) })),
          }
        : null,
    };
  });
  return { current: mapped.filter((c) => c.status !== "terminated"), earlier: mapped.filter((c) => c.status === "terminated") };
}

/** One of the signed-in cardholder's cards, or null (another cardholder's card reads as missing). */
export async function getMyCard(actor: CardholderActor, cardUuid: string) {
  if (!isUuid(cardUuid)) return null;
  return db().card.findFirst({
    where: { id: cardUuid, cardholderId: actor.cardholderId },
    select: {
      id: true,
      surfaceNumber: true,
      platformType: true,
      status: true,
      expiresAt: true,
      _count: { select: { reissueRequests: { where: { status: "pending" } } } },
    },
  });
}
