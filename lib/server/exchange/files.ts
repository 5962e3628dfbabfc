import "server-only";
import { decodeMessageFile, encodeMessageFile, messageFileName, OUTCOME_VERSION, refusal } from "@/lib/core/messages";
import { db } from "../db";
import { receiveMessage } from "./inbox";
import type { ReceiveOutcome } from "./types";

/**
 * The patent's offline path ("a floppy disk by mail"): any message a company sent or received can be
 * exported as a signed file, and a file addressed to the company can be imported through exactly the
 * same checks as online delivery (signature, trust store, receiver, replay).
 */
export async function exportMessageFile(companyId: string, messageId: string, now = new Date()): Promise<{ fileName: string; text: string } | null> {
  const sent = await db().outboxMessage.findFirst({ where: { ownerCompanyId: companyId, messageId }, select: { jws: true } });
  const received = sent ? null : await db().inboxMessage.findFirst({ where: { ownerCompanyId: companyId, messageId }, select: { jws: true } });
  const jws = sent?.jws ?? received?.jws;
  if (!jws) return null;
  return { fileName: messageFileName(messageId), text: encodeMessageFile(jws, { exportedAt: now, note: `exported by ${companyId}` }) };
}

/** Imports a message file for `companyId`; a file addressed to another company is refused unopened. */
export async function importMessageFile(companyId: string, text: string, now = new Date()): Promise<ReceiveOutcome> {
  const decoded = decodeMessageFile(text);
  if (!decoded.ok) return { v: OUTCOME_VERSION, status: "refused", messageId: null, type: null, refusal: decoded.error };
  const { labels, jws } = decoded.value;
  if (labels.receiver !== companyId) {
    return {
      v: OUTCOME_VERSION,
      status: "refused",
      messageId: labels.messageId ?? null,
      type: null,
      refusal: refusal("wrong-receiver", `this file is addressed to ${labels.receiver}, not to ${companyId}`),
    };
  }
  return receiveMessage(jws, "file", now);
}
