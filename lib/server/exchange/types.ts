import "server-only";
import type { MessageOf, MessageOutcome, MessageType, OUTCOME_VERSION, Refusal } from "@/lib/core/messages";
import type { Prisma } from "../db";

/** The inbox's transaction; a party's handlers see it through their own narrowed type (lib/server/db/parties.ts). */
export type Tx = Prisma.TransactionClient;
export type Via = "online" | "http" | "file";

/**
 * What a handler tells the inbox: what the message came to, as a code with parameters (the messages
 * page renders it in the reader's language: lib/core/messages/outcome-words.ts), and what it produced.
 */
export type HandlerOutcome = {
  outcome: MessageOutcome;
  /** Messages the handler enqueued in the same transaction (replies, notifications). */
  enqueued?: { outboxId: string; messageId: string; type: MessageType; receiverCompanyId?: string; jws?: string }[];
  data?: Prisma.InputJsonValue;
  /** The handler sent its inbox rows' results itself (HandlerContext.inboxResults), inside its own write. */
  resultWritten?: boolean;
};

/** Fig. 18: which method the platform type selected (step 1803 or 1804). */
export type HandlerContext<X = Tx> = {
  tx: X;
  receiverCompanyId: string;
  now: Date;
  via: Via;
  method: 1 | 2;
  /**
   * Issue 16: the UPDATE that writes the inbox results of the messages this handler was given (their
   * outcomes in the same order), for the handler to send inside its own last write (a data-modifying
   * CTE) instead of the inbox sending it after. A handler that does returns exactly those outcomes, with
   * `resultWritten`; the inbox checks that they match.
   */
  inboxResults?: (outcomes: readonly HandlerOutcome[]) => Prisma.Sql;
};

export type MessageHandler<T extends MessageType, X = Tx> = (message: MessageOf<T>, ctx: HandlerContext<X>) => Promise<HandlerOutcome>;

/** The handlers of one role (issuer or provider): a type the role does not receive has none. */
export type RoleHandlers<X = Tx> = { readonly [T in MessageType]?: MessageHandler<T, X> };

/**
 * A handler for a run of messages of one type (issue 16: a backlog delivered in batches), given them in
 * the order they were sent, all new to the receiver and under the same Fig. 18 method; one outcome per
 * message, in order. It must come to what the single handler would, one message after another, in one
 * transaction (e.g. a pair named by two messages is new for the first only).
 */
export type BatchHandler<T extends MessageType, X = Tx> = (messages: readonly MessageOf<T>[], ctx: HandlerContext<X>) => Promise<HandlerOutcome[]>;

/** The batch handlers of one role, for the types where handling many at once saves statements. */
export type RoleBatchHandlers<X = Tx> = { readonly [T in MessageType]?: BatchHandler<T, X> };

/**
 * What receiving a message came to: the receiver's answer, in process or as the body of
 * `POST /api/exchange` (the delivery receipt, version `v`: docs/exchange.md). A refusal's `message`
 * is a technical sentence for logs; only its code and field are kept.
 */
export type ReceiveOutcome =
  | { v: typeof OUTCOME_VERSION; status: "processed" | "replayed"; messageId: string; type: MessageType; outcome: MessageOutcome; enqueued: string[] }
  | { v: typeof OUTCOME_VERSION; status: "refused"; messageId: string | null; type: MessageType | null; refusal: Refusal };
