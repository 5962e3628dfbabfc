import "server-only";
import type { IssuerTx } from "./db";
import { isUuid } from "@/lib/core/ids";
import { toHex } from "@/lib/core/bytes";
import { drawUnused, personaliseCard, randomSurfaceNumber, SURFACE_NUMBER_DRAWS, systemCardEnv } from "@/lib/core/card";
import type { IssuerActor } from "../../auth/session";
import { db, type Prisma } from "./db";
import { currentIssuerKey } from "../../issuer/key-history";
import { isdKeysForCard } from "../../issuer/keys";
import { noticesCommitted, recordNotice } from "../../notices/notices";
import { deliverCard } from "../wallet";
import { recordAudit } from "./audit";
import { operator } from "./shared";

type Tx = IssuerTx;

/** How long a card is valid from issuance. */
export const CARD_VALIDITY_YEARS = 5;

export type PersonalisedCardRow = {
  id: string;
  cardId: string;
  surfaceNumber: string;
  platformType: 100 | 200;
  issuerKeyVersion: number;
  noticeId: string | null;
};

/** Why a card is made: it decides the words of the cardholder's "card shipped" notice. */
export type IssueKind = "first" | "reissue" | "renewal" | "temporary";

/**
 * A surface number no card has. Under an 8-digit IIN only 7 digits are random (10^7 numbers), so a
 * bulk renewal of thousands of cards draws a taken one now and then (the birthday bound): draw again.
 * The transaction-scoped lock on the number makes a second transaction that drew the same number wait
 * until the first ends, then see its row (READ COMMITTED: a new statement, a new snapshot).
 */
export async function unusedSurfaceNumber(tx: Tx, draw: () => string): Promise<string> {
  const found = await drawUnused(draw, async (candidate) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`iss_cards/surface_number/${candidate}`}))`;
    return (await tx.card.count({ where: { surfaceNumber: candidate } })) > 0;
  });
  if (!found) throw new Error(`no unused surface number after ${SURFACE_NUMBER_DRAWS} draws: the IIN's number space is nearly full`);
  return found.value;
}

/**
 * Personalises a new card image (DESIGN.md flow 1): a fresh random card id and surface number, the
 * platform type, the issuer's public keys; records the card with the receipt key it generated, and
 * delivers the plastic into the cardholder's wallet. Inside the caller's transaction.
 */
export async function personaliseAndDeliver(
  tx: Tx,
  input: {
    issuerCompanyId: string;
    cardholder: { id: string; fullName: string };
    platformType: 100 | 200;
    previousCardId: string | null;
    generation: number;
    now: Date;
    kind?: IssueKind;
    /** `issued`: waits for the cardholder's activation (renewals). */
    status?: "active" | "issued";
    temporary?: boolean;
    /** Default: CARD_VALIDITY_YEARS from now. */
    expiresAt?: Date;
  },
): Promise<PersonalisedCardRow> {
  const issuer = await tx.issuerCompany.findUniqueOrThrow({ where: { companyId: input.issuerCompanyId }, select: { iin: true } });
  const env = systemCardEnv();
  // New cards hold the current issuer key version from the start.
  const key = await currentIssuerKey(tx, input.issuerCompanyId);
  const cardId = toHex(env.random(8));
  const surfaceNumber = await unusedSurfaceNumber(tx, () => randomSurfaceNumber(issuer.iin, env));
  const { image, cardPublicKeyJwk } = await personaliseCard(
    {
      cardId,
      surfaceNumber,
      platformType: input.platformType,
      issuerCompanyId: input.issuerCompanyId,
      iin: issuer.iin,
      issuerSigningPublicKeyJwk: key.signingPublicKeyJwk,
      issuerEncryptionPublicKeyJwk: key.encryptionPublicKeyJwk,
      issuerKeyVersion: key.version,
      cardholderName: input.cardholder.fullName.slice(0, 64),
      issuedAt: input.now,
      isdKeys: isdKeysForCard(cardId),
    },
    env,
  );
  const expiresAt = input.expiresAt ?? new Date(input.now);
  if (!input.expiresAt) expiresAt.setUTCFullYear(expiresAt.getUTCFullYear() + CARD_VALIDITY_YEARS);
  const row = await tx.card.create({
    data: {
      cardId,
      surfaceNumber,
      platformType: input.platformType,
      status: input.status ?? "active",
      temporary: input.temporary ?? false,
      cardholderId: input.cardholder.id,
      issuedAt: input.now,
      expiresAt,
      previousCardId: input.previousCardId,
      generation: input.generation,
      cardPublicKeyJwk: cardPublicKeyJwk as Prisma.InputJsonValue,
      issuerKeyVersion: key.version,
    },
    select: { id: true },
  });
  await deliverCard(tx, { cardholderId: input.cardholder.id, surfaceNumber, image });
  const noticeId = await recordNotice(tx, {
    cardholderId: input.cardholder.id,
    notice: {
      code: "card-shipped",
      params: { last4: surfaceNumber.slice(-4), platformType: input.platformType, kind: input.kind ?? (input.previousCardId ? "reissue" : "first") },
    },
    key: `card-shipped:${row.id}`,
    now: input.now,
  });
  return { id: row.id, cardId, surfaceNumber, platformType: input.platformType, issuerKeyVersion: key.version, noticeId };
}

export type IssueCardResult = { ok: true; value: PersonalisedCardRow } | { ok: false; error: { code: "not-found"; message: string } };

/** Issues a first card (not a reissue) to a cardholder, with an audit row. */
export async function issueNewCard(actor: IssuerActor, cardholderId: string, platformType: 100 | 200, now = new Date()): Promise<IssueCardResult> {
  if (!isUuid(cardholderId)) return { ok: false, error: { code: "not-found", message: "No such cardholder." } };
  const result = await db().$transaction(async (tx) => {
    const cardholder = await tx.cardholder.findUnique({ where: { id: cardholderId }, select: { id: true, fullName: true, holderNo: true } });
    if (!cardholder) return { ok: false as const, error: { code: "not-found" as const, message: "No such cardholder." } };
    const card = await personaliseAndDeliver(tx, {
      issuerCompanyId: actor.issuerCompanyId,
      cardholder,
      platformType,
      previousCardId: null,
      generation: 1,
      now,
    });
    await recordAudit(tx, {
      actor: operator(actor),
      action: "card.issue",
      subjectType: "card",
      subjectId: card.id,
      reason: `New platform-${platformType} card for ${cardholder.fullName} (${cardholder.holderNo}).`,
      data: { cardId: card.cardId, surfaceNumberLast4: card.surfaceNumber.slice(-4), platformType },
    });
    return { ok: true as const, value: card };
  });
  if (result.ok) noticesCommitted([result.value.noticeId]);
  return result;
}
