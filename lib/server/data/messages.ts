import "server-only";
import type { Actor } from "../auth/session";
import { db } from "../db";
import { decodeStored } from "../exchange/inbox";

/** The company whose messages an actor sees: the issuer or the desk's provider; cardholders none. */
export function companyOf(actor: Actor): string | null {
  switch (actor.role) {
    case "issuer":
      return actor.issuerCompanyId;
    case "provider":
      return actor.providerCompanyId;
    case "cardholder":
      return null;
  }
}

export type SentMessage = {
  id: string;
  messageId: string;
  type: string;
  counterparty: string;
  platformType: number;
  status: "pending" | "delivered" | "dead";
  attempts: number;
  lastError: string | null;
  receipt: string | null;
  createdAt: string;
  deliveredAt: string | null;
  nextAttemptAt: string;
  inReplyTo: string | null;
};

export type ReceivedMessage = {
  id: string;
  messageId: string;
  type: string;
  counterparty: string;
  platformType: number;
  status: "processed" | "refused";
  via: "online" | "http" | "file";
  summary: string | null;
  refusal: string | null;
  receivedAt: string;
  inReplyTo: string | null;
};

export type RejectedMessage = {
  id: string;
  via: string;
  claimedSender: string | null;
  claimedMessageId: string | null;
  code: string;
  reason: string;
  receivedAt: string;
};

export type CompanyMessages = { companyId: string; sent: SentMessage[]; received: ReceivedMessage[]; rejected: RejectedMessage[] };

/** Sent, received and refused messages of one company, newest first (the messages page). */
export async function listCompanyMessages(companyId: string, take = 100): Promise<CompanyMessages> {
  const [sent, received, rejected] = await Promise.all([
    db().outboxMessage.findMany({ where: { ownerCompanyId: companyId }, orderBy: { createdAt: "desc" }, take }),
    db().inboxMessage.findMany({ where: { ownerCompanyId: companyId }, orderBy: { receivedAt: "desc" }, take }),
    db().messageRejection.findMany({ where: { ownerCompanyId: companyId }, orderBy: { receivedAt: "desc" }, take: 20 }),
  ]);
  return {
    companyId,
    sent: sent.map((m) => {
      const receipt = m.receipt as { status?: string; summary?: string; message?: string } | null;
      return {
        id: m.id,
        messageId: m.messageId,
        type: m.type,
        counterparty: m.receiverCompanyId,
        platformType: m.platformType,
        status: m.status,
        attempts: m.attempts,
        lastError: m.lastError,
        receipt: receipt ? [receipt.status, receipt.summary ?? receipt.message].filter(Boolean).join(": ") : null,
        createdAt: m.createdAt.toISOString(),
        deliveredAt: m.deliveredAt?.toISOString() ?? null,
        nextAttemptAt: m.nextAttemptAt.toISOString(),
        inReplyTo: m.inReplyTo,
      };
    }),
    received: received.map((m) => {
      const result = m.result as { summary?: string } | null;
      return {
        id: m.id,
        messageId: m.messageId,
        type: m.type,
        counterparty: m.senderCompanyId,
        platformType: m.platformType,
        status: m.status,
        via: m.via,
        summary: result?.summary ?? null,
        refusal: m.refusalCode ? `${m.refusalCode}: ${m.refusalReason ?? ""}` : null,
        receivedAt: m.receivedAt.toISOString(),
        inReplyTo: m.inReplyTo,
      };
    }),
    rejected: rejected.map((r) => ({
      id: r.id,
      via: r.via,
      claimedSender: r.claimedSender,
      claimedMessageId: r.claimedMessageId,
      code: r.refusalCode,
      reason: r.refusalReason,
      receivedAt: r.receivedAt.toISOString(),
    })),
  };
}

/** One message of the company, decoded for reading (it was verified when it was received or sent). */
export async function getCompanyMessage(companyId: string, messageId: string): Promise<{ direction: "sent" | "received"; json: string } | null> {
  const sent = await db().outboxMessage.findFirst({ where: { ownerCompanyId: companyId, messageId }, select: { jws: true } });
  const row = sent ?? (await db().inboxMessage.findFirst({ where: { ownerCompanyId: companyId, messageId }, select: { jws: true } }));
  if (!row) return null;
  const message = decodeStored(row.jws);
  return { direction: sent ? "sent" : "received", json: JSON.stringify(message, null, 2) };
}

/** Sends a dead message again (after the operator fixed the cause). Only the sender's own. */
export async function retryCompanyMessage(companyId: string, outboxId: string): Promise<boolean> {
  const updated = await db().outboxMessage.updateMany({
    where: { id: outboxId, ownerCompanyId: companyId, status: "dead" },
    data: { status: "pending", nextAttemptAt: new Date(), lastError: null },
  });
  return updated.count === 1;
}
