import "server-only";
import type { ReceiveOutcome, RoleBatchHandlers, RoleHandlers } from "./types";

/**
 * What the parties hand the exchange at start (issue 11: the exchange imports no party). The issuer
 * and the providers register their message handlers, and the composition root (lib/server/wiring.ts)
 * the in-process receiver and the queue's jobs. Kept on globalThis: Next.js may load this module
 * once for instrumentation.ts and again for the routes, in one process.
 */
export type Role = "issuer" | "provider";

/** The work the durable queue (./queue.ts) runs; it lives in the exchange, the notices and the issuer. */
export type QueueJobs = {
  /** Delivers a batch of outbox messages; one result per id, in order. */
  deliverBatch(outboxIds: string[]): Promise<("delivered" | "dead" | "retry" | "skipped")[]>;
  dueOutboxIds(limit: number): Promise<string[]>;
  sendNotice(noticeId: string): Promise<"sent" | "retry" | string>;
  dueNoticeIds(limit: number): Promise<string[]>;
  processRenewalBatch(runId: string, batch: number): Promise<{ remaining: number; status: string }>;
  runningRenewalRunIds(): Promise<string[]>;
};

type Registry = {
  handlers: Partial<Record<Role, RoleHandlers<never>>>;
  batchHandlers: Partial<Record<Role, RoleBatchHandlers<never>>>;
  receiver?: LocalReceiver;
  jobs?: QueueJobs;
};

const state = globalThis as unknown as { recardExchangeRegistry?: Registry };
const registry = (): Registry => (state.recardExchangeRegistry ??= { handlers: {}, batchHandlers: {} });

/**
 * A party's handlers: what the receiving company does with each message type it may receive, and for
 * some types the same for a run of messages at once (a batch delivery uses it; receiving one message
 * uses the single handler).
 */
export function registerHandlers<X>(role: Role, handlers: RoleHandlers<X>, batchHandlers: RoleBatchHandlers<X> = {}): void {
  registry().handlers[role] = handlers as RoleHandlers<never>;
  registry().batchHandlers[role] = batchHandlers as RoleBatchHandlers<never>;
}

/** The batch handlers of the receiving company's role (none registered: every message on its own). */
export function batchHandlersFor(role: Role): RoleBatchHandlers {
  return (registry().batchHandlers[role] ?? {}) as RoleBatchHandlers;
}

/** The handlers of the receiving company's role (the inbox calls them with its transaction). */
export function handlersFor(role: Role): RoleHandlers {
  const handlers = registry().handlers[role];
  if (!handlers) throw new Error(`no message handlers registered for the ${role}: call wireParties() (lib/server/wiring.ts) at start`);
  return handlers as RoleHandlers;
}

/**
 * How messages to a company hosted in this process are received (the inbox): a batch at once, one
 * answer per message in order ("rejected" when that message's transaction failed: the sender retries it).
 */
export type LocalReceiver = (jwsList: string[]) => Promise<PromiseSettledResult<ReceiveOutcome>[]>;

export function registerLocalReceiver(receive: LocalReceiver): void {
  registry().receiver = receive;
}

export function localReceiver(): LocalReceiver {
  const receive = registry().receiver;
  if (!receive) throw new Error("no in-process receiver registered: call wireParties() (lib/server/wiring.ts) at start");
  return receive;
}

export function registerQueueJobs(jobs: QueueJobs): void {
  registry().jobs = jobs;
}

export function queueJobs(): QueueJobs {
  const jobs = registry().jobs;
  if (!jobs) throw new Error("no queue jobs registered: call wireParties() (lib/server/wiring.ts) at start");
  return jobs;
}
