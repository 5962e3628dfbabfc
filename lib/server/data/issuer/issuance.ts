import "server-only";
import type { IssuerTx } from "./db";
import { isUuid } from "@/lib/core/ids";
import { randomUUID } from "node:crypto";
import { toHex } from "@/lib/core/bytes";
import { drawUnused, personaliseCard, randomSurfaceNumber, SURFACE_NUMBER_DRAWS, systemCardEnv, type PersonaliseCrypto } from "@/lib/core/card";
import { publicKeyFromJwk } from "@/lib/core/card/cryptography";
import type { IssuerActor } from "../../auth/session";
import { db, type Prisma } from "./db";
import { currentIssuerKey } from "../../issuer/key-history";
import { isdKeysForCard } from "../../issuer/keys";
import { noticesCommitted, recordNotice, recordNotices } from "../../notices/notices";
import { nativeP256PublicKeyOf } from "../../issuer/native-crypto";
import { deliverCard, deliverCards } from "../wallet";
import { auditReason } from "@/lib/core/audit-reason";
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
    { publicKeyOf: nativeP256PublicKeyOf },
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

/** One card of a bulk personalisation (a bulk approval, a renewal batch): as personaliseAndDeliver's input. */
export type ManyCardInput = {
  cardholder: { id: string; fullName: string };
  platformType: 100 | 200;
  previousCardId: string | null;
  generation: number;
  kind: IssueKind;
  status: "active" | "issued";
};

/**
 * personaliseAndDeliver for many cards, with set-based statements (issue 16): the surface numbers are
 * drawn for all cards at once (their advisory locks taken in one statement, in sorted order so two
 * batches cannot deadlock, the taken ones found in one query and drawn again), the card keys made with
 * native crypto, the issuer's public keys parsed once; cards, wallet cards and "card shipped" notices
 * are one INSERT each. Inside the caller's transaction; the result is in the order of `inputs`.
 */
export async function personaliseAndDeliverMany(
  tx: Tx,
  issuerCompanyId: string,
  inputs: readonly ManyCardInput[],
  now: Date,
): Promise<{ cards: PersonalisedCardRow[]; noticeIds: string[] }> {
  if (inputs.length === 0) return { cards: [], noticeIds: [] };
  const issuer = await tx.issuerCompany.findUniqueOrThrow({ where: { companyId: issuerCompanyId }, select: { iin: true } });
  const env = systemCardEnv();
  const key = await currentIssuerKey(tx, issuerCompanyId);
  const numbers = await unusedSurfaceNumbers(tx, inputs.length, () => randomSurfaceNumber(issuer.iin, env));
  const parsed = new Map<string, ReturnType<typeof publicKeyFromJwk>>();
  const crypto: PersonaliseCrypto = {
    publicKeyOf: nativeP256PublicKeyOf,
    publicKeyFromJwk: (jwk, field) => {
      const id = `${jwk.x}.${jwk.y}`;
      const known = parsed.get(id);
      if (known) return known;
      const raw = publicKeyFromJwk(jwk, field);
      parsed.set(id, raw);
      return raw;
    },
  };
  const expiresAt = new Date(now);
  expiresAt.setUTCFullYear(expiresAt.getUTCFullYear() + CARD_VALIDITY_YEARS);
  const made = [];
  for (const [i, input] of inputs.entries()) {
    const cardId = toHex(env.random(8));
    const surfaceNumber = numbers[i]!;
    const { image, cardPublicKeyJwk } = await personaliseCard(
      {
        cardId,
        surfaceNumber,
        platformType: input.platformType,
        issuerCompanyId,
        iin: issuer.iin,
        issuerSigningPublicKeyJwk: key.signingPublicKeyJwk,
        issuerEncryptionPublicKeyJwk: key.encryptionPublicKeyJwk,
        issuerKeyVersion: key.version,
        cardholderName: input.cardholder.fullName.slice(0, 64),
        issuedAt: now,
        isdKeys: isdKeysForCard(cardId),
      },
      env,
      crypto,
    );
    made.push({ id: randomUUID(), cardId, surfaceNumber, image, cardPublicKeyJwk, input });
  }
  // One statement, the rows as one JSON parameter (Prisma's createMany builds a parameter per field: slower for hundreds of rows).
  const rows = made.map((m) => ({
    id: m.id,
    card_id: m.cardId,
    surface_number: m.surfaceNumber,
    platform_type: m.input.platformType,
    status: m.input.status,
    cardholder_id: m.input.cardholder.id,
    previous_card_id: m.input.previousCardId,
    generation: m.input.generation,
    card_public_key_jwk: m.cardPublicKeyJwk,
  }));
  await tx.$executeRaw`
    INSERT INTO iss_cards (id, card_id, surface_number, platform_type, status, temporary, cardholder_id, issued_at, expires_at, previous_card_id, generation, card_public_key_jwk, issuer_key_version)
    SELECT x.id, x.card_id, x.surface_number, x.platform_type, x.status::"CardStatus", false, x.cardholder_id, ${now}, ${expiresAt}, x.previous_card_id, x.generation,
           x.card_public_key_jwk, ${key.version}::int
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        AS x(id uuid, card_id text, surface_number text, platform_type int, status text, cardholder_id uuid, previous_card_id uuid, generation int, card_public_key_jwk jsonb)`;
  await deliverCards(
    tx,
    made.map((m) => ({ cardholderId: m.input.cardholder.id, surfaceNumber: m.surfaceNumber, image: m.image })),
  );
  const noticeIds = await recordNotices(
    tx,
    made.map((m) => ({
      cardholderId: m.input.cardholder.id,
      notice: { code: "card-shipped" as const, params: { last4: m.surfaceNumber.slice(-4), platformType: m.input.platformType, kind: m.input.kind } },
      key: `card-shipped:${m.id}`,
      now,
    })),
  );
  return {
    cards: made.map((m) => ({
      id: m.id,
      cardId: m.cardId,
      surfaceNumber: m.surfaceNumber,
      platformType: m.input.platformType,
      issuerKeyVersion: key.version,
      noticeId: null,
    })),
    noticeIds,
  };
}

/**
 * `count` distinct surface numbers no card has, under the same transaction-scoped advisory locks as
 * unusedSurfaceNumber: all candidates' locks in one statement (sorted), the taken ones in one query,
 * and only those drawn again. Each number gets at most SURFACE_NUMBER_DRAWS draws.
 */
export async function unusedSurfaceNumbers(tx: Tx, count: number, draw: () => string): Promise<string[]> {
  const chosen: (string | null)[] = Array.from({ length: count }, () => null);
  const inBatch = new Set<string>();
  for (let round = 0; round < SURFACE_NUMBER_DRAWS; round++) {
    const open = chosen.flatMap((c, i) => (c === null ? [i] : []));
    if (open.length === 0) return chosen as string[];
    const candidates = new Map<number, string>();
    for (const i of open) {
      let candidate = draw();
      // A number drawn twice in this batch is drawn again at once (no database needed to see it).
      for (let again = 0; inBatch.has(candidate) && again < SURFACE_NUMBER_DRAWS; again++) candidate = draw();
      if (inBatch.has(candidate)) continue;
      inBatch.add(candidate);
      candidates.set(i, candidate);
    }
    const sorted = [...candidates.values()].sort();
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('iss_cards/surface_number/' || n)) FROM unnest(${sorted}::text[]) AS t(n)`;
    const taken = new Set(
      (await tx.$queryRaw<{ surface_number: string }[]>`SELECT surface_number FROM iss_cards WHERE surface_number = ANY(${sorted}::text[])`).map(
        (r) => r.surface_number,
      ),
    );
    for (const [i, candidate] of candidates) if (!taken.has(candidate)) chosen[i] = candidate;
  }
  if (chosen.some((c) => c === null)) throw new Error(`no unused surface number after ${SURFACE_NUMBER_DRAWS} draws: the IIN's number space is nearly full`);
  return chosen as string[];
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
      reason: auditReason("card-issued", { platformType, holderNo: cardholder.holderNo, first: false }),
      data: { cardId: card.cardId, surfaceNumberLast4: card.surfaceNumber.slice(-4), platformType },
    });
    return { ok: true as const, value: card };
  });
  if (result.ok) noticesCommitted([result.value.noticeId]);
  return result;
}
