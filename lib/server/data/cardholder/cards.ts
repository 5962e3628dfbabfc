import "server-only";
import type { CardholderActor } from "../../auth/session";
import { db } from "../../db";

export type MyCard = {
  id: string;
  surfaceNumber: string;
  platformType: number;
  status: "active" | "blocked" | "terminated";
  issuedAt: Date;
  expiresAt: Date;
  blockedReason: string | null;
  generation: number;
  replacedCardSurfaceNumber: string | null;
  applications: { name: string; providerName: string; kind: string; loadedAt: Date; status: "loaded" | "deleted" }[];
};

/** The signed-in cardholder's cards (current ones first, then earlier ones), with what is on each. */
export async function listMyCards(actor: CardholderActor): Promise<{ current: MyCard[]; earlier: MyCard[] }> {
  const cards = await db().card.findMany({
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
      previousCard: { select: { surfaceNumber: true } },
      applications: {
        orderBy: { loadedAt: "asc" },
        select: {
          status: true,
          loadedAt: true,
          application: { select: { name: true, kind: true, provider: { select: { name: true } } } },
        },
      },
    },
  });
  const mapped: MyCard[] = cards.map((c) => ({
    id: c.id,
    surfaceNumber: c.surfaceNumber,
    platformType: c.platformType,
    status: c.status,
    issuedAt: c.issuedAt,
    expiresAt: c.expiresAt,
    blockedReason: c.blockedReason,
    generation: c.generation,
    replacedCardSurfaceNumber: c.previousCard?.surfaceNumber ?? null,
    applications: c.applications.map((a) => ({
      name: a.application.name,
      providerName: a.application.provider.name,
      kind: a.application.kind,
      loadedAt: a.loadedAt,
      status: a.status,
    })),
  }));
  return { current: mapped.filter((c) => c.status !== "terminated"), earlier: mapped.filter((c) => c.status === "terminated") };
}
