import "server-only";
import type { IssuerTx } from "./db";
import { createHash, randomBytes } from "node:crypto";
import { isUuid } from "@/lib/core/ids";
import type { CreateCardholderInput } from "@/lib/validation/cardholder";
import type { IssuerActor } from "../../auth/session";
import { hashPassword } from "../../auth/password";
import { db } from "./db";
import { noticesCommitted } from "../../notices/notices";
import { auditReason } from "@/lib/core/audit-reason";
import { recordAudit } from "./audit";
import { personaliseAndDeliver } from "./issuance";
import { operator } from "./shared";

type Tx = IssuerTx;

/** How long an invitation link works. */
export const INVITATION_DAYS = 7;

export type CardholderRefusal = {
  code: "not-found" | "email-taken" | "has-account" | "invitation-invalid" | "invitation-used" | "invitation-expired";
  message: string;
};
type Result<T> = { ok: true; value: T } | { ok: false; error: CardholderRefusal };

const refuse = (code: CardholderRefusal["code"], message: string) => ({ ok: false as const, error: { code, message } });

function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  return err?.code === "P2002" || /unique constraint|duplicate key/i.test(err?.message ?? "");
}

/** The next holder number, CH-000025…, allocated under a transaction-scoped advisory lock. */
async function nextHolderNo(tx: Tx): Promise<string> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(72707370)`;
  const rows = await tx.$queryRaw<
    { n: number | null }[]
  >`SELECT max(substring(holder_no from 4)::int) AS n FROM iss_cardholders WHERE holder_no ~ '^CH-[0-9]+$'`;
  return `CH-${String((rows[0]?.n ?? 0) + 1).padStart(6, "0")}`;
}

/**
 * A new cardholder and their first card (DESIGN.md flow 1), in one transaction with the audit rows.
 * The identity is verified by the operator who enters it (they saw the documents).
 */
export async function createCardholder(
  actor: IssuerActor,
  input: CreateCardholderInput,
  now = new Date(),
): Promise<Result<{ cardholderId: string; holderNo: string; cardUuid: string; last4: string }>> {
  const result = await db().$transaction(async (tx) => {
    const holderNo = await nextHolderNo(tx);
    const holder = await tx.cardholder.create({
      data: {
        holderNo,
        fullName: input.fullName,
        fullNameKana: input.fullNameKana ?? null,
        sex: input.sex,
        birthDate: new Date(`${input.birthDate}T00:00:00Z`),
        occupation: input.occupation,
        annualIncomeMinor: input.annualIncomeMinor,
        postalCode: input.postalCode,
        address: input.address,
        email: input.email,
        phone: input.phone,
        locale: input.locale,
        identityVerifiedAt: now,
        createdAt: now,
      },
      select: { id: true, fullName: true },
    });
    const card = await personaliseAndDeliver(tx, {
      issuerCompanyId: actor.issuerCompanyId,
      cardholder: holder,
      platformType: input.platformType,
      previousCardId: null,
      generation: 1,
      now,
      kind: "first",
    });
    await recordAudit(tx, {
      actor: operator(actor),
      action: "cardholder.create",
      subjectType: "cardholder",
      subjectId: holder.id,
      reason: auditReason("cardholder-created", { holderNo }),
    });
    await recordAudit(tx, {
      actor: operator(actor),
      action: "card.issue",
      subjectType: "card",
      subjectId: card.id,
      reason: auditReason("card-issued", { platformType: input.platformType, holderNo, first: true }),
      data: { cardId: card.cardId, surfaceNumberLast4: card.surfaceNumber.slice(-4), platformType: input.platformType },
    });
    return { ok: true as const, value: { cardholderId: holder.id, holderNo, cardUuid: card.id, last4: card.surfaceNumber.slice(-4), noticeId: card.noticeId } };
  });
  noticesCommitted([result.value.noticeId]);
  return result;
}

const hashToken = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

/**
 * An invitation to the self-service portal: a one-time token (256 random bits) for the link, of which
 * only the SHA-256 is stored; valid INVITATION_DAYS; a newer invitation replaces an unused older one.
 * The token is returned once, for the operator to send (the link is a credential: not logged, not audited).
 */
export async function inviteCardholder(
  actor: IssuerActor,
  cardholderId: string,
  now = new Date(),
): Promise<Result<{ token: string; expiresAt: Date; email: string }>> {
  if (!isUuid(cardholderId)) return refuse("not-found", "No such cardholder.");
  return db().$transaction(async (tx) => {
    const holder = await tx.cardholder.findUnique({ where: { id: cardholderId }, select: { id: true, email: true, holderNo: true } });
    if (!holder) return refuse("not-found", "No such cardholder.");
    if ((await tx.user.count({ where: { cardholderId } })) > 0) return refuse("has-account", "This cardholder already has a portal account.");
    await tx.cardholderInvitation.updateMany({ where: { cardholderId, usedAt: null, revokedAt: null }, data: { revokedAt: now } });
    const token = randomBytes(32).toString("base64url");
    const expiresAt = new Date(now.getTime() + INVITATION_DAYS * 24 * 60 * 60 * 1000);
    const invitation = await tx.cardholderInvitation.create({
      data: { cardholderId, tokenHash: hashToken(token), email: holder.email, createdByUserId: actor.id, createdAt: now, expiresAt },
      select: { id: true },
    });
    await recordAudit(tx, {
      actor: operator(actor),
      action: "cardholder.invite",
      subjectType: "cardholder",
      subjectId: holder.id,
      reason: auditReason("cardholder-invited", { holderNo: holder.holderNo, until: expiresAt.toISOString().slice(0, 10) }),
      data: { invitationId: invitation.id },
    });
    return { ok: true as const, value: { token, expiresAt, email: holder.email } };
  });
}

/** What the public invitation page shows before the password is set (nothing if the token is not valid now). */
export async function readInvitation(token: string, now = new Date()): Promise<Result<{ name: string; email: string; expiresAt: Date }>> {
  const row = await db().cardholderInvitation.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { email: true, expiresAt: true, usedAt: true, revokedAt: true, cardholder: { select: { fullName: true } } },
  });
  const checked = checkInvitation(row, now);
  if (!checked.ok) return checked;
  return { ok: true, value: { name: row!.cardholder.fullName, email: row!.email, expiresAt: row!.expiresAt } };
}

function checkInvitation(row: { usedAt: Date | null; revokedAt: Date | null; expiresAt: Date } | null, now: Date): Result<null> {
  if (!row || row.revokedAt) return refuse("invitation-invalid", "This invitation link is not valid. Ask the issuer for a new one.");
  if (row.usedAt) return refuse("invitation-used", "This invitation was already used. Sign in with the password you chose.");
  if (row.expiresAt <= now) return refuse("invitation-expired", "This invitation has expired. Ask the issuer for a new one.");
  return { ok: true, value: null };
}

/**
 * The cardholder accepts: sets a password, gets a cardholder account. The token is spent by a
 * conditional update (used_at IS NULL), so two tabs submitting the same link create one account.
 */
export async function acceptInvitation(token: string, password: string, now = new Date()): Promise<Result<{ email: string }>> {
  const passwordHash = await hashPassword(password);
  try {
    return await db().$transaction(async (tx) => {
      const row = await tx.cardholderInvitation.findUnique({
        where: { tokenHash: hashToken(token) },
        select: { id: true, cardholderId: true, email: true, expiresAt: true, usedAt: true, revokedAt: true, cardholder: { select: { fullName: true } } },
      });
      const checked = checkInvitation(row, now);
      if (!checked.ok) return checked;
      const spent = await tx.cardholderInvitation.updateMany({ where: { id: row!.id, usedAt: null, revokedAt: null }, data: { usedAt: now } });
      if (spent.count !== 1) return refuse("invitation-used", "This invitation was already used. Sign in with the password you chose.");
      if ((await tx.user.count({ where: { cardholderId: row!.cardholderId } })) > 0) return refuse("has-account", "You already have an account. Sign in.");
      const user = await tx.user.create({
        data: { email: row!.email, name: row!.cardholder.fullName, passwordHash, role: "cardholder", cardholderId: row!.cardholderId },
        select: { id: true },
      });
      await recordAudit(tx, {
        actor: { id: user.id, label: `${row!.cardholder.fullName} (cardholder)` },
        action: "cardholder.account",
        subjectType: "cardholder",
        subjectId: row!.cardholderId,
        reason: auditReason("cardholder-account", {}),
      });
      return { ok: true as const, value: { email: row!.email } };
    });
  } catch (e) {
    if (isUniqueViolation(e)) return refuse("email-taken", "Another account already uses this e-mail address. Ask the issuer to correct it.");
    throw e;
  }
}
