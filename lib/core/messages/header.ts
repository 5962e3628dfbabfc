/**
 * Building headers: the sender's role (message-types.ts) decides the direction letter of the message
 * id and which company is the sender, so callers only say which issuer, which provider and which
 * sequence number (step 807: "company identification data of the card issuer and the service
 * provider and a sequence number").
 */
import { formatMessageId } from "../message-id";
import { SENDER_ROLE, type MessageType, type REPLY_TO } from "./message-types";
import { MESSAGE_VERSION, toMessageTimestamp, type MessageHeader } from "./schemas";

/** What the caller knows when it writes a message; the rest of the header follows from the type. */
export type HeaderInput<T extends MessageType = MessageType> = {
  readonly issuerCompanyId: string;
  readonly providerCompanyId: string;
  /** The sender's next sequence number for this pair and direction (from the outbox's counter). */
  readonly sequence: number;
  readonly timestamp: Date;
} & (T extends keyof typeof REPLY_TO ? { readonly inReplyTo: string } : { readonly inReplyTo?: string });

/** A complete header for a `type` message; throws on malformed company ids or sequence. */
export function buildHeader<T extends MessageType>(type: T, input: HeaderInput<T>): MessageHeader<T> {
  const fromIssuer = SENDER_ROLE[type] === "issuer";
  const header = {
    type,
    version: MESSAGE_VERSION,
    senderCompanyId: fromIssuer ? input.issuerCompanyId : input.providerCompanyId,
    receiverCompanyId: fromIssuer ? input.providerCompanyId : input.issuerCompanyId,
    messageId: formatMessageId({
      issuerCompanyId: input.issuerCompanyId,
      providerCompanyId: input.providerCompanyId,
      direction: fromIssuer ? "I" : "P",
      sequence: input.sequence,
    }),
    timestamp: toMessageTimestamp(input.timestamp),
  };
  const inReplyTo: string | undefined = input.inReplyTo;
  return (inReplyTo === undefined ? header : { ...header, inReplyTo }) as MessageHeader<T>;
}
