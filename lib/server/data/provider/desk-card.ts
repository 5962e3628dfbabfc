import "server-only";
import type { CardAtDesk, GuideApplication } from "@/lib/core/workflows/desk-guide";
import type { ProviderActor } from "../../auth/session";
import { db } from "./db";
import { applicationsOf, currentFee } from "./catalog";
import { oldCardChain } from "./reload";

/**
 * The guided desk's facts about the card read (issue 15), from this provider's own tables only: the
 * customer our load records name, the card it replaces by the Fig. 13 pairs we hold (method 1), our
 * applications on it, and which of our loads on the old card can be reloaded and at what fee. Nothing
 * is sent: on a platform-200 card, or a card id not in our data, only the issuer can say more (the
 * reload asks it).
 */
export async function describeCardAtDesk(
  actor: ProviderActor,
  card: { platformType: 100 | 200; cardId: string | null; applications: readonly string[] },
  now = new Date(),
): Promise<CardAtDesk> {
  const providerCompanyId = actor.providerCompanyId;
  const catalog = applicationsOf(providerCompanyId);
  const fees = await Promise.all(catalog.map((a) => currentFee(providerCompanyId, a.aid, now)));
  const ours = new Set(catalog.map((a) => a.aid));
  const othersOnCard = card.applications.filter((aid) => !ours.has(aid)).length;
  // Our loads on this very card (platform 100, by card id; newest first): they name each application's own keys.
  const loadsOnCard =
    card.platformType === 100 && card.cardId
      ? await db().spLoadRecord.findMany({
          where: { providerCompanyId, cardId: card.cardId, status: "loaded" },
          orderBy: { createdAt: "desc" },
          select: { applicationAid: true, messageId: true },
        })
      : [];
  const base = (i: number): GuideApplication => {
    const aid = catalog[i]!.aid;
    const isOnCard = card.applications.includes(aid);
    const onCard = isOnCard ? loadsOnCard.find((l) => l.applicationAid === aid) : undefined;
    return { aid, name: catalog[i]!.name, fee: fees[i] ?? null, isOnCard, oldLoad: null, loadOnCard: onCard ? { messageId: onCard.messageId } : null };
  };
  if (card.platformType === 200 || !card.cardId) {
    return { platformType: 200, customer: null, reissue: { status: "issuer-only" }, applications: catalog.map((_, i) => base(i)), othersOnCard };
  }
  const cardId = card.cardId;
  const [onThisCard, notice] = await Promise.all([
    db().spLoadRecord.findFirst({
      where: { providerCompanyId, cardId, status: "loaded" },
      orderBy: { createdAt: "desc" },
      select: { customer: { select: { customerNo: true, fullName: true, fullNameKana: true } } },
    }),
    db().spReissueNotice.findUnique({
      where: { providerCompanyId_reissuedCardId: { providerCompanyId, reissuedCardId: cardId } },
      select: { oldCardId: true },
    }),
  ]);
  if (!notice) {
    return {
      platformType: 100,
      customer: onThisCard?.customer ?? null,
      reissue: { status: "not-in-our-data" },
      applications: catalog.map((_, i) => base(i)),
      othersOnCard,
    };
  }
  // Any generation: the old card, then the cards it replaced, nearest first (as the reload's step 706).
  const chain = await oldCardChain(db(), providerCompanyId, notice.oldCardId);
  const loads = await db().spLoadRecord.findMany({
    where: { providerCompanyId, cardId: { in: chain } },
    orderBy: { createdAt: "asc" },
    select: {
      cardId: true,
      messageId: true,
      applicationAid: true,
      status: true,
      surfaceNumberLast4: true,
      customer: { select: { customerNo: true, fullName: true, fullNameKana: true } },
      reloads: { where: { status: "loaded" }, select: { id: true }, take: 1 },
    },
  });
  loads.sort((a, b) => chain.indexOf(a.cardId ?? "") - chain.indexOf(b.cardId ?? ""));
  const oldCardLast4 = loads.find((l) => l.cardId === notice.oldCardId && l.surfaceNumberLast4)?.surfaceNumberLast4 ?? null;
  return {
    platformType: 100,
    customer: onThisCard?.customer ?? loads[0]?.customer ?? null,
    reissue: { status: "replaces", oldCardId: notice.oldCardId, oldCardLast4 },
    applications: catalog.map((_, i) => {
      const app = base(i);
      // The nearest load of it that was loaded: reloadable unless reloaded already (one reload per old load).
      const load = loads.find((l) => l.applicationAid === app.aid && l.status === "loaded");
      return load ? { ...app, oldLoad: { messageId: load.messageId, isReloadable: load.reloads.length === 0 } } : app;
    }),
    othersOnCard,
  };
}
