/**
 * Helpers for the provider desk's integration tests: a desk (ProviderActor) on the seeded demo world,
 * the cards run in Node exactly as the desk's browser runs them (SimulatedCard + the terminal
 * functions), and reissues done through the issuer's own data layer with in-process delivery.
 */
import { fromBase64Url, fromHex, toBase64Url } from "@/lib/core/bytes";
import { SECURITY_LEVEL } from "@/lib/core/card/scp03";
import { openSecureChannel } from "@/lib/core/card/scp03-host";
import { isdKeysForCard } from "@/lib/server/issuer/keys";
import { buildLoadFile, decodeCardImage, SimulatedCard, systemCardEnv, terminal, type CardImage } from "@/lib/core/card";
import type { ProviderActor } from "@/lib/server/auth/session";
import { db } from "@/lib/server/db";
import { activateCard } from "@/lib/server/data/issuer/activation";
import { approveReissueRequest, fileReissueRequest } from "@/lib/server/data/issuer/reissue";
import type { GrantView } from "@/lib/server/data/provider/permissions";
import { deliverNow } from "@/lib/server/exchange/delivery";
import { currentCard, issuerActor } from "../issuer/helpers";

export { AIDS, currentCard, freshDemoWorld } from "../issuer/helpers";

export async function providerActor(email: string): Promise<ProviderActor> {
  const u = await db().user.findUniqueOrThrow({ where: { email } });
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: "provider",
    tenantId: u.providerCompanyId!,
    providerCompanyId: u.providerCompanyId!,
    companyName: u.providerCompanyId!,
  };
}

export const desks = {
  metro: () => providerActor("desk@metro.recard.test"),
  hoshi: () => providerActor("desk@hoshi.recard.test"),
  sakura: () => providerActor("desk@sakura.recard.test"),
};

/**
 * The issuer reissues a cardholder's current card (operator report + approval); notifications delivered.
 * Then the cardholder activates the new card in the portal, as a real one does before going to a desk
 * (nothing is reloaded on a card waiting for activation); `activate: false` leaves it waiting.
 */
export async function reissue(fullName: string, reason: "lost" | "stolen" | "damaged" = "damaged", options: { activate?: boolean } = {}) {
  const actor = await issuerActor();
  const old = await currentCard(fullName);
  const pending = await db().reissueRequest.findFirst({ where: { oldCardId: old.id, status: "pending" } });
  let requestId = pending?.id;
  if (!requestId) {
    const filed = await fileReissueRequest({ kind: "operator", userId: actor.id, label: actor.name }, { cardUuid: old.id, reason });
    if (!filed.ok) throw new Error(`report refused: ${filed.error.message}`);
    requestId = filed.value.requestId;
  }
  const approved = await approveReissueRequest(actor, requestId);
  if (!approved.ok) throw new Error(`approval refused: ${approved.error.message}`);
  await deliverNow(approved.value.outboxIds);
  if (options.activate !== false) await activateAsCardholder(approved.value.reissuedCardUuid);
  return { old, approval: approved.value };
}

/** The cardholder activates a card waiting for activation, in the portal (activateCard as the portal's action calls it). */
export async function activateAsCardholder(cardUuid: string) {
  const card = await db().card.findUniqueOrThrow({ where: { id: cardUuid }, select: { cardholderId: true } });
  const user = await db().user.findFirstOrThrow({ where: { cardholderId: card.cardholderId } });
  const activated = await activateCard({ kind: "cardholder", userId: user.id, label: `${user.name} (cardholder)`, cardholderId: card.cardholderId }, cardUuid);
  if (!activated.ok) throw new Error(`activation refused: ${activated.error.message}`);
  return activated.value;
}

/** The plastic in the wallet, as a card image. */
export async function walletImage(surfaceNumber: string): Promise<CardImage> {
  const row = await db().walletCard.findUniqueOrThrow({ where: { surfaceNumber } });
  const image = decodeCardImage(row.image);
  if (!image.ok) throw new Error(image.error);
  return image.value;
}

/** A card in a desk's reader. */
export class DeskCard {
  readonly card: SimulatedCard;
  constructor(image: CardImage) {
    this.card = new SimulatedCard(image, systemCardEnv());
    this.card.powerOn();
  }
  readonly transmit = (apdu: Uint8Array) => this.card.transmit(apdu);

  /** What the desk reads before a flow: platform type, then card id (100) or attribute data (200). */
  async read() {
    const isd = await terminal.selectIsd(this.transmit);
    if (!isd.ok) throw new Error(isd.error.meaning);
    const pt = await terminal.readPlatformType(this.transmit);
    if (!pt.ok) throw new Error(pt.error.meaning);
    const surfaceNumberLast4 = this.card.image().surfaceNumber.slice(-4);
    if (pt.value === 100) {
      const id = await terminal.readCardId(this.transmit);
      if (!id.ok) throw new Error(id.error.meaning);
      return { platformType: 100 as const, cardId: id.value, cardAttributeData: null, surfaceNumberLast4, isCardLocked: isd.value.isCardLocked };
    }
    const data = await terminal.readCardAttributeData(this.transmit);
    if (!data.ok) throw new Error(data.error.meaning);
    return { platformType: 200 as const, cardId: null, cardAttributeData: toBase64Url(data.value), surfaceNumberLast4, isCardLocked: isd.value.isCardLocked };
  }

  /**
   * SELECT an application and hand `read` a transmit that reaches it: on platform 100 the plain one; on
   * platform 200 the issuer's channel with it (the application has no domain of its own here), since a
   * platform-200 card answers its applications only inside a secure channel (docs/card.md "Private reads").
   */
  async inApplication<T>(aid: string, read: (transmit: terminal.Transmit) => Promise<T>): Promise<T> {
    const image = this.card.image();
    const selected = await terminal.selectApplication(this.transmit, aid);
    if (!selected.ok) throw new Error(selected.error.meaning);
    if (image.platformType === 100) return read(this.transmit);
    const isd = isdKeysForCard(image.cardId, image.securityDomain?.scp03.keyVersion);
    const channel = await openSecureChannel(this.transmit, {
      keys: { enc: fromHex(isd.enc), mac: fromHex(isd.mac), dek: fromHex(isd.dek) },
      keyVersion: 0,
      level: SECURITY_LEVEL.C_MAC_C_DEC_R_MAC_R_ENC,
      hostChallenge: crypto.getRandomValues(new Uint8Array(8)),
    });
    if (!channel.ok) throw new Error(channel.error.meaning);
    return read(channel.value.transmit);
  }

  /** Loads under a grant as the desk's browser does; returns the outcome recordCardLoad takes. */
  async load(grant: GrantView, token = grant.permissionToken) {
    await terminal.selectIsd(this.transmit);
    const loaded = await terminal.loadApplication(this.transmit, {
      permission: fromBase64Url(token),
      loadFile: buildLoadFile(grant.loadFile),
      aid: grant.applicationAid,
      installParams: grant.installParams,
    });
    return loaded.ok
      ? ({ status: "loaded", receipt: toBase64Url(loaded.value.receipt) } as const)
      : ({ status: "failed", statusWord: loaded.error.sw ?? 0x6f00, step: loaded.error.step } as const);
  }
}

/** The grants among permission views. */
export function grantsOf(apps: { permission: { status: string; grant?: GrantView } | null }[]): GrantView[] {
  return apps.flatMap((a) => (a.permission?.status === "granted" && a.permission.grant ? [a.permission.grant] : []));
}
