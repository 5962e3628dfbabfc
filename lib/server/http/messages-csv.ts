import "server-only";
import { pageOfReceivedMessages, pageOfRejectedMessages, pageOfSentMessages } from "../data/messages";
import type { MessageListParams } from "@/lib/validation/message-lists";
import { csvResponse, everyRow } from "./csv";

/** Rows fetched per statement while streaming (keyset pages, as the messages page). */
const BATCH = 500;

type Cursor = { value: string; id: string } | null;

/**
 * One company's messages of one kind as CSV, in the page's order, every page of it, streamed. The
 * caller is a portal's export route that has checked the role and takes `companyId` from the session.
 * Columns are the stored ones as stored (docs/messages.md "The messages pages"): codes, the receiver's
 * answer and the handler's result as their stored JSON, times in ISO 8601 UTC; never the signed message.
 */
export function companyMessagesCsv(companyId: string, list: MessageListParams): Response {
  const page = { sort: list.sort, take: BATCH };
  switch (list.kind) {
    case "sent":
      return csvResponse(
        "messages-sent.csv",
        [
          "created_at",
          "message_id",
          "type",
          "receiver",
          "platform_type",
          "status",
          "attempts",
          "next_attempt_at",
          "delivered_at",
          "in_reply_to",
          "last_error",
          "delivery_error",
          "receipt",
        ],
        everyRow((after: Cursor) => pageOfSentMessages(companyId, { ...page, after })),
        (m) => [
          m.createdAt,
          m.messageId,
          m.type,
          m.receiverCompanyId,
          m.platformType,
          m.status,
          m.attempts,
          m.nextAttemptAt,
          m.deliveredAt,
          m.inReplyTo,
          m.lastError,
          m.deliveryError,
          m.receipt,
        ],
      );
    case "received":
      return csvResponse(
        "messages-received.csv",
        ["received_at", "message_id", "type", "sender", "platform_type", "via", "status", "in_reply_to", "refusal_code", "refusal_reason", "result"],
        everyRow((after: Cursor) => pageOfReceivedMessages(companyId, { ...page, after })),
        (m) => [m.receivedAt, m.messageId, m.type, m.senderCompanyId, m.platformType, m.via, m.status, m.inReplyTo, m.refusalCode, m.refusalReason, m.result],
      );
    case "rejected":
      return csvResponse(
        "messages-refused.csv",
        ["received_at", "via", "claimed_sender", "claimed_message_id", "refusal_code", "refusal_field", "refusal_reason"],
        everyRow((after: Cursor) => pageOfRejectedMessages(companyId, { ...page, after })),
        (r) => [r.receivedAt, r.via, r.claimedSender, r.claimedMessageId, r.refusalCode, r.refusalField, r.refusalReason],
      );
  }
}
