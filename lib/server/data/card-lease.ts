import "server-only";
import { concatBytes, fromHex, toBase64Url, toHex } from "@/lib/core/bytes";
import {
  decodeCardImage,
  decodeCardSession,
  encodeCardSession,
  INITIAL_SESSION,
  processApdu,
  SW,
  systemCardEnv,
  type CardEnv,
  type CardImage,
} from "@/lib/core/card";
import type { CardholderActor, ProviderActor } from "../auth/session";
import { db, type Prisma } from "../db";
import { env } from "../env";

/**
 * The presented card stays in the cardholder's wallet (the chip in the cardholder's hand); a desk that
 * took it with a presentation code holds a lease on it and reaches it only with APDUs, relayed here to
 * the card OS running on the wallet's image (docs/provider.md, "The card at the desk"). One live lease
 * per card; it ends when the desk returns the card, after the idle timeout, or by the cardholder.
 *
 * Every APDU runs in one transaction holding the wallet card's row lock (SELECT … FOR UPDATE): the
 * card's image is saved when the command changed it and the card's volatile session (selection,
 * command chaining, LOAD buffer) with it, so a crash loses at most the command in flight. The image
 * changes only when a command completes (an application appears whole with INSTALL [for install]),
 * so there is never half an application to record.
 */

export type LeaseEndReason = "returned" | "idle" | "cardholder" | "surrendered";

/** Refusals as codes with parameters: the pages render the words (lib/core/lease-words.ts). */
export type LeaseRefusal =
  | { code: "card-at-desk"; params: { providerName: string; since: string } }
  | { code: "lease-ended"; params: { reason: LeaseEndReason | "unknown" } }
  | { code: "no-lease"; params: Record<string, never> }
  | { code: "not-in-hand"; params: Record<string, never> };

export type LeaseView = {
  leaseId: string;
  presentationId: string;
  surfaceNumberLast4: string;
  providerName: string;
  acquiredAt: Date;
  expiresAt: Date;
};

type Tx = Prisma.TransactionClient;

/** How long a lease lives without an APDU (RECARD_CARD_LEASE_IDLE_SECONDS, five minutes by default). */
export function leaseIdleMs(): number {
  return env().RECARD_CARD_LEASE_IDLE_SECONDS * 1000;
}

async function lockWalletCard(tx: Tx, walletCardId: string) {
  await tx.$queryRaw`SELECT id FROM wallet_cards WHERE id = ${walletCardId}::uuid FOR UPDATE`;
  return tx.walletCard.findUniqueOrThrow({ where: { id: walletCardId } });
}

/** Ends the card's live lease when its idle time has passed (call with the card's row lock held). */
async function expireLeases(tx: Tx, walletCardId: string, now: Date): Promise<void> {
  await tx.walletCardLease.updateMany({ where: { walletCardId, endedAt: null, expiresAt: { lte: now } }, data: { endedAt: now, endReason: "idle" } });
}

/**
 * The desk takes the card of a claimed presentation (wallet.ts claimPresentation, inside its transaction,
 * with the card's row lock): a new lease, or this desk's own live lease again (the same tab after F5), or
 * a refusal naming the desk that holds it.
 */
export async function acquireLeaseTx(
  tx: Tx,
  actor: ProviderActor & { companyName: string },
  input: { walletCardId: string; presentationId: string; deskTab: string },
  now: Date,
): Promise<{ ok: true; leaseId: string; resumed: boolean } | { ok: false; error: LeaseRefusal }> {
  await expireLeases(tx, input.walletCardId, now);
  const live = await tx.walletCardLease.findFirst({ where: { walletCardId: input.walletCardId, endedAt: null } });
  if (live) {
    if (live.providerCompanyId === actor.providerCompanyId && live.deskUserId === actor.id && live.deskTab === input.deskTab)
      return { ok: true, leaseId: live.id, resumed: true };
    return { ok: false, error: { code: "card-at-desk", params: { providerName: live.providerName, since: live.acquiredAt.toISOString() } } };
  }
  const lease = await tx.walletCardLease.create({
    data: {
      walletCardId: input.walletCardId,
      presentationId: input.presentationId,
      providerCompanyId: actor.providerCompanyId,
      providerName: actor.companyName,
      deskUserId: actor.id,
      deskTab: input.deskTab,
      acquiredAt: now,
      lastUsedAt: now,
      expiresAt: new Date(now.getTime() + leaseIdleMs()),
      cardSession: encodeCardSession(INITIAL_SESSION) as Prisma.InputJsonValue,
    },
  });
  return { ok: true, leaseId: lease.id, resumed: false };
}

/** The card's refusal of a lease that is no longer this desk's, with the reason it ended. */
async function whyNoLease(leaseId: string): Promise<LeaseRefusal> {
  const row = await db().walletCardLease.findUnique({ where: { id: leaseId }, select: { endReason: true } });
  return row ? { code: "lease-ended", params: { reason: (row.endReason as LeaseEndReason | null) ?? "unknown" } } : { code: "no-lease", params: {} };
}

/**
 * One APDU from the desk to the card: the desk must hold a live lease (its provider, its account, its
 * tab); the card answers as the in-process simulator would, byte for byte.
 */
export async function relayApdu(
  actor: ProviderActor,
  input: { leaseId: string; deskTab: string; apdu: Uint8Array },
  now = new Date(),
  random: CardEnv["random"] = systemCardEnv().random,
): Promise<{ ok: true; response: Uint8Array } | { ok: false; error: LeaseRefusal }> {
  const owned = await db().walletCardLease.findFirst({
    where: { id: input.leaseId, providerCompanyId: actor.providerCompanyId, deskUserId: actor.id, deskTab: input.deskTab },
    select: { walletCardId: true },
  });
  if (!owned) return { ok: false, error: { code: "no-lease", params: {} } };
  const result = await db().$transaction(async (tx) => {
    const card = await lockWalletCard(tx, owned.walletCardId);
    await expireLeases(tx, owned.walletCardId, now);
    const lease = await tx.walletCardLease.findUniqueOrThrow({ where: { id: input.leaseId } });
    if (lease.endedAt) return null;
    // A card reported lost or stolen while a desk holds it is still on that desk's counter ("gone" from
    // the holder's hands): the desk goes on talking to it and meets the hot list. A card handed back to
    // the issuer (surrendered) is at no desk any more: the lease ends.
    if (card.state === "surrendered") {
      await tx.walletCardLease.update({ where: { id: lease.id }, data: { endedAt: now, endReason: "surrendered" } });
      return null;
    }
    const image = decodeCardImage(card.image);
    if (!image.ok) throw new Error(`wallet card ${card.id}: stored image invalid: ${image.error}`);
    const session = decodeCardSession(lease.cardSession);
    const cardEnv: CardEnv = { now: () => now, random };
    let step: { image: CardImage; session: typeof session; response: Uint8Array };
    try {
      step = processApdu(image.value, session, input.apdu, cardEnv);
    } catch {
      // As SimulatedCard: a broken invariant ends as a status word and drops the volatile sequences.
      step = {
        image: image.value,
        session: { ...session, load: null, pending: null, chain: null },
        response: Uint8Array.of(SW.NO_PRECISE_DIAGNOSIS >> 8, SW.NO_PRECISE_DIAGNOSIS & 0xff),
      };
    }
    const receipts = { ...(lease.receipts as Record<string, string>) };
    const before = new Set(image.value.applications.map((a) => `${a.aid}/${a.messageId}`));
    for (const app of step.image.applications) {
      if (before.has(`${app.aid}/${app.messageId}`)) continue;
      // The receipt of a load: this answer's data, and any rest still waiting for GET RESPONSE.
      receipts[app.messageId] = toHex(concatBytes(step.response.subarray(0, step.response.length - 2), step.session.pending?.data ?? new Uint8Array(0)));
    }
    if (step.image !== image.value && JSON.stringify(step.image) !== JSON.stringify(image.value)) {
      await tx.walletCard.update({ where: { id: card.id }, data: { image: step.image as unknown as Prisma.InputJsonValue, version: { increment: 1 } } });
    }
    await tx.walletCardLease.update({
      where: { id: lease.id },
      data: {
        cardSession: encodeCardSession(step.session) as Prisma.InputJsonValue,
        receipts,
        lastUsedAt: now,
        expiresAt: new Date(now.getTime() + leaseIdleMs()),
        apduCount: { increment: 1 },
      },
    });
    return step.response;
  });
  return result ? { ok: true, response: result } : { ok: false, error: await whyNoLease(input.leaseId) };
}

/** The desk gives the card back: the lease ends (the card's image is already in the wallet, saved APDU by APDU). */
export async function returnLeasedCard(
  actor: ProviderActor,
  input: { leaseId: string; deskTab?: string | null },
  now = new Date(),
): Promise<{ ok: true } | { ok: false; error: LeaseRefusal }> {
  const lease = await db().walletCardLease.findFirst({ where: { id: input.leaseId, providerCompanyId: actor.providerCompanyId, deskUserId: actor.id } });
  if (!lease) return { ok: false, error: { code: "no-lease", params: {} } };
  return db().$transaction(async (tx) => {
    await lockWalletCard(tx, lease.walletCardId);
    const ended = await tx.walletCardLease.updateMany({ where: { id: lease.id, endedAt: null }, data: { endedAt: now, endReason: "returned" } });
    await tx.cardPresentation.updateMany({ where: { id: lease.presentationId, returnedAt: null }, data: { returnedAt: now } });
    if (ended.count === 1) return { ok: true as const };
    return { ok: false as const, error: { code: "lease-ended" as const, params: { reason: (lease.endReason as LeaseEndReason | null) ?? "unknown" } } };
  });
}

/** The live lease of this desk tab, for a page that was reloaded (F5) in the middle of a visit. */
export async function deskLease(actor: ProviderActor, deskTab: string, now = new Date()): Promise<LeaseView | null> {
  const lease = await db().walletCardLease.findFirst({
    where: { providerCompanyId: actor.providerCompanyId, deskUserId: actor.id, deskTab, endedAt: null, expiresAt: { gt: now } },
    include: { walletCard: { select: { surfaceNumber: true } } },
    orderBy: { acquiredAt: "desc" },
  });
  return lease
    ? {
        leaseId: lease.id,
        presentationId: lease.presentationId,
        surfaceNumberLast4: lease.walletCard.surfaceNumber.slice(-4),
        providerName: lease.providerName,
        acquiredAt: lease.acquiredAt,
        expiresAt: lease.expiresAt,
      }
    : null;
}

/**
 * Whether a lease still holds its card (not ended, not idle past its time). A desk asks about its own
 * leases (the provider's reload cases remember theirs) to release a case whose card went back.
 */
export async function isLeaseLive(providerCompanyId: string, leaseId: string, now = new Date()): Promise<boolean> {
  const lease = await db().walletCardLease.findFirst({ where: { id: leaseId, providerCompanyId }, select: { endedAt: true, expiresAt: true } });
  return !!lease && !lease.endedAt && lease.expiresAt > now;
}

/** Receipts the card signed during one of this provider's leases, by message id (base64url, as a desk reports them). */
export async function leaseReceipts(providerCompanyId: string, leaseId: string): Promise<Map<string, string>> {
  const lease = await db().walletCardLease.findFirst({ where: { id: leaseId, providerCompanyId }, select: { receipts: true } });
  return new Map(
    Object.entries((lease?.receipts as Record<string, string> | undefined) ?? {}).map(([messageId, hex]) => [messageId, toBase64Url(fromHex(hex))]),
  );
}

/** The cardholder's cards that are at a desk now: which desk, since when, until when if left idle. */
export async function cardholderLeases(actor: CardholderActor, now = new Date()): Promise<(LeaseView & { surfaceNumber: string })[]> {
  const leases = await db().walletCardLease.findMany({
    where: { endedAt: null, expiresAt: { gt: now }, walletCard: { cardholderId: actor.cardholderId } },
    include: { walletCard: { select: { surfaceNumber: true } } },
    orderBy: { acquiredAt: "desc" },
  });
  return leases.map((l) => ({
    leaseId: l.id,
    presentationId: l.presentationId,
    surfaceNumber: l.walletCard.surfaceNumber,
    surfaceNumberLast4: l.walletCard.surfaceNumber.slice(-4),
    providerName: l.providerName,
    acquiredAt: l.acquiredAt,
    expiresAt: l.expiresAt,
  }));
}

/** The cardholder takes the card back from a desk: the lease ends at once; the desk's next APDU is refused. */
export async function endLeaseByCardholder(
  actor: CardholderActor,
  leaseId: string,
  now = new Date(),
): Promise<{ ok: true } | { ok: false; error: LeaseRefusal }> {
  // Another cardholder's lease looks exactly like a missing one.
  const lease = await db().walletCardLease.findFirst({
    where: { id: leaseId, walletCard: { cardholderId: actor.cardholderId } },
    select: { id: true, walletCardId: true, presentationId: true },
  });
  if (!lease) return { ok: false, error: { code: "no-lease", params: {} } };
  return db().$transaction(async (tx) => {
    await lockWalletCard(tx, lease.walletCardId);
    const ended = await tx.walletCardLease.updateMany({ where: { id: lease.id, endedAt: null }, data: { endedAt: now, endReason: "cardholder" } });
    await tx.cardPresentation.updateMany({ where: { id: lease.presentationId, returnedAt: null }, data: { returnedAt: now } });
    return ended.count === 1 ? { ok: true as const } : { ok: false as const, error: { code: "lease-ended" as const, params: { reason: "unknown" as const } } };
  });
}
