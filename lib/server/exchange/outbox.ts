import "server-only";
import { buildHeader, parseMessage, signMessage, type HeaderInput, type Message, type MessageOf, type MessageType } from "@/lib/core/messages";
import { SENDER_ROLE } from "@/lib/core/messages";
import { signingKeyOf } from "./companies";
import { allocateSequence } from "./message-ids";
import type { ExchangeTx as Tx } from "../db/parties";

/** A message without its header: what the business code decides. */
export type MessageBody<T extends MessageType> = Omit<MessageOf<T>, "header">;

export type Enqueued<T extends MessageType> = { outboxId: string; messageId: string; type: T; message: MessageOf<T> };

/**
 * Writes a signed message to the sender's outbox inside the caller's transaction, so the message
 * exists exactly when the business change does (transactional outbox). The message id is allocated
 * from the sender's sequence in the same transaction. Delivery happens after commit
 * (delivery.ts); call `deliverSoon` with the returned outbox id once the transaction has committed.
 */
export async function enqueueMessage<T extends MessageType>(
  tx: Tx,
  type: T,
  parties: {
    issuerCompanyId: string;
    providerCompanyId: string;
    inReplyTo?: string;
    now?: Date;
    /**
     * A sequence number the caller already took with allocateSequence in this transaction, for a
     * body that must name its own message id (a permission token is bound to the grant's id).
     */
    sequence?: number;
  },
  body: MessageBody<T>,
): Promise<Enqueued<T>> {
  const fromIssuer = SENDER_ROLE[type] === "issuer";
  const sequence =
    parties.sequence ??
    (await allocateSequence(tx, {
      issuerCompanyId: parties.issuerCompanyId,
      providerCompanyId: parties.providerCompanyId,
      direction: fromIssuer ? "I" : "P",
    }));
  const header = buildHeader(type, {
    issuerCompanyId: parties.issuerCompanyId,
    providerCompanyId: parties.providerCompanyId,
    sequence,
    timestamp: parties.now ?? new Date(),
    inReplyTo: parties.inReplyTo,
  } as HeaderInput<T>);
  // The codec is the contract: a message the receiver would refuse is a bug here, not there.
  const parsed = parseMessage({ header, ...body });
  if (!parsed.ok) throw new Error(`enqueueMessage(${type}): ${parsed.error.message}${parsed.error.field ? ` at ${parsed.error.field}` : ""}`);
  const message = parsed.value as Message;
  const sender = message.header.senderCompanyId;
  const jws = await signMessage(message, signingKeyOf(sender));
  const row = await tx.outboxMessage.create({
    data: {
      ownerCompanyId: sender,
      receiverCompanyId: message.header.receiverCompanyId,
      messageId: message.header.messageId,
      type,
      platformType: message.platformType,
      jws,
      inReplyTo: message.header.inReplyTo ?? null,
    },
    select: { id: true },
  });
  return { outboxId: row.id, messageId: message.header.messageId, type, message: message as MessageOf<T> };
}
