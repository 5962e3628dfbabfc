/**
 * "Store codes, render words" for the exchange: every inbox result, delivery receipt and delivery error
 * of the given companies is a version-2 code with parameters (lib/core/messages/outcome.ts), no column
 * holds a sentence, and no stored string reads like one.
 */
import { DeliveryErrorSchema, DeliveryReceiptSchema, InboxResultSchema } from "@/lib/core/messages";
import { db } from "@/lib/server/db";

/** Three lower-case words in a row: how a stored English sentence shows ("answers no request of ours"). */
export const looksLikeSentence = (s: string) => /\b[a-z]{2,}[ ,]+[a-z]{2,}[ ,]+[a-z]{2,}\b/.test(s);

function stringsIn(value: unknown, into: string[] = []): string[] {
  if (typeof value === "string") into.push(value);
  else if (Array.isArray(value)) value.forEach((v) => stringsIn(v, into));
  else if (value && typeof value === "object") Object.values(value).forEach((v) => stringsIn(v, into));
  return into;
}

/** What is not coded in the exchange rows of `owners`, and how many rows were looked at. */
export async function uncodedExchangeRows(owners: string[]): Promise<{ inbox: number; outbox: number; problems: string[] }> {
  const [inbox, outbox] = await Promise.all([
    db().inboxMessage.findMany({ where: { ownerCompanyId: { in: owners } }, select: { messageId: true, result: true, refusalReason: true } }),
    db().outboxMessage.findMany({
      where: { ownerCompanyId: { in: owners } },
      select: { messageId: true, receipt: true, lastError: true, deliveryError: true },
    }),
  ]);
  const problems: string[] = [];
  const sentences = (where: string, value: unknown) => {
    for (const s of stringsIn(value)) if (looksLikeSentence(s)) problems.push(`${where}: "${s}" reads like a sentence`);
  };
  for (const r of inbox) {
    if (!InboxResultSchema.safeParse(r.result).success) problems.push(`${r.messageId}: inbox result ${JSON.stringify(r.result)} is not a version-2 code`);
    if (r.refusalReason !== null) problems.push(`${r.messageId}: refusal_reason "${r.refusalReason}"`);
    sentences(`${r.messageId} result`, r.result);
  }
  for (const r of outbox) {
    if (r.receipt !== null && !DeliveryReceiptSchema.safeParse(r.receipt).success)
      problems.push(`${r.messageId}: receipt ${JSON.stringify(r.receipt)} is not a version-2 code`);
    if (r.deliveryError !== null && !DeliveryErrorSchema.safeParse(r.deliveryError).success)
      problems.push(`${r.messageId}: delivery error ${JSON.stringify(r.deliveryError)} is not a version-2 code`);
    if (r.lastError !== null) problems.push(`${r.messageId}: last_error "${r.lastError}"`);
    sentences(`${r.messageId} receipt`, r.receipt);
    sentences(`${r.messageId} delivery error`, r.deliveryError);
  }
  return { inbox: inbox.length, outbox: outbox.length, problems };
}
