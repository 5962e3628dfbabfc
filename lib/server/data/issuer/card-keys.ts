import "server-only";
import type { IssuerActor } from "../../auth/session";
import { db } from "./db";
import { issuerKeyHistory, rotateIssuerCardKeys, verifyIssuedToken } from "../../issuer/key-history";
import { verifyReceipt, cardBinding } from "@/lib/core/card";
import { recordAudit } from "./audit";
import { operator } from "./shared";

/** One version of the issuer's card keys as people see it: never a key, only its fingerprint. */
export type IssuerKeyVersionView = {
  version: number;
  /** Two hex digits, as on the card ('70'..'7F'). */
  versionHex: string;
  state: "current" | "retired";
  createdAt: Date | null;
  createdBy: string | null;
  retiredAt: Date | null;
  fingerprint: string;
  /** The first version: its private keys come from the configuration (RECARD_ISSUER_CARD_KEYS). */
  configured: boolean;
  /** Live cards (not terminated) known to hold this version. */
  cards: number;
};

const hex = (v: number) => v.toString(16).toUpperCase();

/** The issuer's card key versions, newest first, with how many cards are known to hold each. */
export async function listIssuerCardKeys(actor: IssuerActor): Promise<IssuerKeyVersionView[]> {
  const history = await issuerKeyHistory(db(), actor.issuerCompanyId);
  const counts = await db().card.groupBy({ by: ["issuerKeyVersion"], where: { status: { not: "terminated" } }, _count: { _all: true } });
  const byVersion = new Map(counts.map((c) => [c.issuerKeyVersion, c._count._all]));
  return history.map((k) => ({
    version: k.version,
    versionHex: hex(k.version),
    state: k.state,
    createdAt: k.createdAt,
    createdBy: k.createdBy,
    retiredAt: k.retiredAt,
    fingerprint: k.fingerprint,
    configured: k.configured,
    cards: byVersion.get(k.version) ?? 0,
  }));
}

export type StartRotationResult =
  | { ok: true; value: { version: number; versionHex: string; previousHex: string; fingerprint: string } }
  | { ok: false; error: { code: "not-found" | "versions-exhausted"; message: string } };

/**
 * Starts a rotation of the permission-signing and attribute-data keys (server side only): the new
 * version signs every permission from now on; cards learn it at their next desk visit (the grant
 * carries the signed update). Audited with version and fingerprint, never a key.
 */
export async function startIssuerKeyRotation(
  actor: IssuerActor,
  reason: string,
  now = new Date(),
  options: { compromised?: boolean } = {},
): Promise<StartRotationResult> {
  return db().$transaction(
    async (tx) => {
      // Tenant: the actor's issuer company must be one this deployment hosts.
      const issuer = await tx.issuerCompany.findUnique({ where: { companyId: actor.issuerCompanyId }, select: { companyId: true } });
      if (!issuer) return { ok: false as const, error: { code: "not-found" as const, message: "This issuer is not hosted here." } };
      const compromised = options.compromised === true;
      const rotated = await rotateIssuerCardKeys(tx, { issuerCompanyId: issuer.companyId, createdBy: operator(actor).label, now, compromised });
      if (!rotated.ok) return rotated;
      const { version, previous, fingerprint } = rotated.value;
      await recordAudit(tx, {
        actor: operator(actor),
        action: "issuer-key.rotate",
        subjectType: "issuer-card-key",
        subjectId: `${issuer.companyId}/${hex(version)}`,
        note: reason,
        data: { version: hex(version), previous: hex(previous), fingerprint, ...(compromised ? { compromised: true } : {}) },
      });
      return { ok: true as const, value: { version, versionHex: hex(version), previousHex: hex(previous), fingerprint } };
    },
    { timeout: 20_000, maxWait: 20_000 },
  );
}

export type RecordedLoadCheck = {
  token: { ok: true; version: number } | { ok: false; error: string };
  receipt: { ok: true; confirmationCounter: number } | { ok: false; error: string };
};

/**
 * Re-checks a confirmed load from the issuer's records: the permission token with the key version
 * that signed it (key history), the card's receipt with the card's own key. What an auditor asks of a
 * load made before a rotation.
 */
export async function checkRecordedLoad(actor: IssuerActor, messageId: string): Promise<RecordedLoadCheck | null> {
  const row = await db().loadingPermission.findUnique({
    where: { messageId },
    select: {
      token: true,
      receipt: true,
      issuerKeyVersion: true,
      loadFileHash: true,
      application: { select: { aid: true } },
      card: { select: { cardId: true, cardPublicKeyJwk: true } },
    },
  });
  if (!row || !row.token || !row.receipt || !row.card || !row.application || !row.loadFileHash || !messageId.startsWith(`${actor.issuerCompanyId}-`))
    return null;
  const token = await verifyIssuedToken(db(), actor.issuerCompanyId, new Uint8Array(row.token), row.issuerKeyVersion);
  const receipt = await verifyReceipt(new Uint8Array(row.receipt), row.card.cardPublicKeyJwk as JsonWebKey, {
    operation: "load",
    messageId,
    cardBinding: cardBinding(row.card.cardId, messageId),
    aid: row.application.aid,
    loadFileHash: row.loadFileHash,
  });
  return {
    token: token.ok ? { ok: true, version: token.value.version } : { ok: false, error: token.error },
    receipt: receipt.ok ? { ok: true, confirmationCounter: receipt.value.confirmationCounter } : { ok: false, error: receipt.error.detail },
  };
}
