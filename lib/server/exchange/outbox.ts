import "server-only";
import { buildHeader, parseMessage, signMessage, type HeaderInput, type Message, type MessageOf, type MessageType } from "@/lib/core/messages";
import { SENDER_ROLE } from "@/lib/core/messages";
import { signingKeyOf } from "./companies";
import { allocateSequence } from "./message-ids";
import type { ExchangeTx as Tx } from "../db/parties";
import { Prisma } from "../generated/prisma/client";
import { randomUUID } from "node:crypto";

/** A message without its header: what the business code decides. */
export type MessageBody<T extends MessageType> = Omit<MessageOf<T>, "header">;

/** A message written to the outbox: with its receiver and signed form, so it can be delivered without reading its row back. */
export type Enqueued<T extends MessageType> = { outboxId: string; messageId: string; type: T; message: MessageOf<T>; receiverCompanyId: string; jws: string };

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
  return {
    outboxId: row.id,
    messageId: message.header.messageId,
    type,
    message: message as MessageOf<T>,
    receiverCompanyId: message.header.receiverCompanyId,
    jws,
  };
}

/** One message of `prepareMessages`: its sequence number already taken (allocateSequences) in the same transaction. */
export type MessageToEnqueue<T extends MessageType = MessageType> = {
  type: T;
  parties: { issuerCompanyId: string; providerCompanyId: string; inReplyTo?: string; now?: Date; sequence: number };
  body: MessageBody<T>;
};

/**
 * enqueueMessage for many messages at once, without its statement (issue 16: a batch handler's replies,
 * the issuer's grants): each built, checked by the codec and signed on its own, as enqueueMessage does,
 * their outbox ids chosen here, and the INSERT of their rows (one statement, in the order given) for the
 * caller to send inside one of its own statements (a data-modifying CTE) in the same transaction. The
 * caller takes the sequence numbers first (allocateSequences). `insert` returns one row per message.
 */
export async function prepareMessages<T extends MessageType>(
  messages: readonly MessageToEnqueue<T>[],
): Promise<{ enqueued: Enqueued<T>[]; insert: Prisma.Sql }> {
  const built = await Promise.all(
    messages.map(async ({ type, parties, body }) => {
      const header = buildHeader(type, {
        issuerCompanyId: parties.issuerCompanyId,
        providerCompanyId: parties.providerCompanyId,
        sequence: parties.sequence,
        timestamp: parties.now ?? new Date(),
        inReplyTo: parties.inReplyTo,
      } as HeaderInput<typeof type>);
      const parsed = parseMessage({ header, ...body });
      if (!parsed.ok) throw new Error(`prepareMessages(${type}): ${parsed.error.message}${parsed.error.field ? ` at ${parsed.error.field}` : ""}`);
      const message = parsed.value as Message;
      return { outboxId: randomUUID(), type, message, jws: await signMessage(message, signingKeyOf(message.header.senderCompanyId)) };
    }),
  );
  const now = new Date();
  const col = <V>(f: (b: (typeof built)[number]) => V) => built.map(f);
  const insert = Prisma.sql`
    INSERT INTO xc_outbox (id, owner_company_id, receiver_company_id, message_id, type, platform_type, jws, in_reply_to, status, attempts, next_attempt_at, created_at)
    SELECT m.id, m.owner, m.receiver, m.message_id, m.type, m.platform_type, m.jws, m.in_reply_to, 'pending', 0, ${now}, ${now}
      FROM unnest(${col((b) => b.outboxId)}::uuid[], ${col((b) => b.message.header.senderCompanyId)}::text[], ${col((b) => b.message.header.receiverCompanyId)}::text[],
                  ${col((b) => b.message.header.messageId)}::text[], ${col((b) => b.type)}::text[], ${col((b) => b.message.platformType)}::int[],
                  ${col((b) => b.jws)}::text[], ${col((b) => b.message.header.inReplyTo ?? null)}::text[])
           WITH ORDINALITY AS m(id, owner, receiver, message_id, type, platform_type, jws, in_reply_to, n)
     ORDER BY m.n
    RETURNING id`;
  return {
    insert,
    enqueued: built.map((b) => ({
      outboxId: b.outboxId,
      messageId: b.message.header.messageId,
      type: b.type,
      message: b.message as MessageOf<T>,
      receiverCompanyId: b.message.header.receiverCompanyId,
      jws: b.jws,
    })),
  };
}
