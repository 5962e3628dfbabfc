import "server-only";
import { MessageOutcomeSchema, OUTCOME_VERSION, REFUSAL_CODES, refusal, type DeliveryError, type MessageOutcome, type MessageType } from "@/lib/core/messages";
import { hostedRole, peerUrlOf } from "./companies";
import { localReceiver } from "./registry";
import type { ReceiveOutcome } from "./types";

/**
 * A delivery attempt failed in a way worth retrying (network, receiver down or busy). `error` is what
 * the outbox keeps (a code with parameters); the message, with the peer's address and the raw cause,
 * is for the log only.
 */
export class TransientDeliveryError extends Error {
  constructor(
    readonly error: DeliveryError,
    detail: string,
  ) {
    super(detail);
  }
}

export const EXCHANGE_CONTENT_TYPE = "application/jose";

/**
 * Hands a signed message to its receiver: in-process when this deployment hosts the receiver (the
 * default), else over HTTP to the receiver's `/api/exchange` (RECARD_PEERS). Domain code never knows
 * which: an issuer deployment and a provider deployment can run apart without any change to it.
 */
export async function transmit(jws: string, receiverCompanyId: string): Promise<ReceiveOutcome> {
  const [answer] = await transmitMany([jws], receiverCompanyId);
  if (answer!.status === "rejected") throw answer!.reason;
  return answer!.value;
}

/**
 * Hands a batch of signed messages for one receiver over (issue 16): a hosted receiver takes them in
 * one call (its inbox claims and handles them in one transaction), a peer one request each. One answer
 * per message, in order; "rejected" is a failure worth retrying (that message's, not the batch's).
 */
export async function transmitMany(jwsList: string[], receiverCompanyId: string): Promise<PromiseSettledResult<ReceiveOutcome>[]> {
  if (await hostedRole(receiverCompanyId)) {
    // The inbox, registered at start (lib/server/wiring.ts): the inbox delivers replies through this module.
    return localReceiver()(jwsList);
  }
  const answers: PromiseSettledResult<ReceiveOutcome>[] = [];
  for (const jws of jwsList)
    answers.push(
      await transmitToPeer(jws, receiverCompanyId).then(
        (value) => ({ status: "fulfilled" as const, value }),
        (reason: unknown) => ({ status: "rejected" as const, reason }),
      ),
    );
  return answers;
}

async function transmitToPeer(jws: string, receiverCompanyId: string): Promise<ReceiveOutcome> {
  const peer = peerUrlOf(receiverCompanyId);
  if (!peer) {
    return {
      v: OUTCOME_VERSION,
      status: "refused",
      messageId: null,
      type: null,
      refusal: refusal("wrong-receiver", `no route to company ${receiverCompanyId}: not hosted here and not in RECARD_PEERS`),
    };
  }
  let response: Response;
  try {
    response = await fetch(new URL("/api/exchange", peer), {
      method: "POST",
      headers: { "content-type": EXCHANGE_CONTENT_TYPE },
      body: jws,
      signal: AbortSignal.timeout(20_000),
    });
  } catch (error) {
    throw new TransientDeliveryError({ v: OUTCOME_VERSION, code: "transport.unreachable", params: {} }, `${peer}: ${(error as Error).message}`);
  }
  if (response.status >= 500 || response.status === 429)
    throw new TransientDeliveryError(
      { v: OUTCOME_VERSION, code: "transport.http-status", params: { status: response.status } },
      `${peer}: HTTP ${response.status}`,
    );
  const answer = readAnswer(await response.json().catch(() => null));
  if (!answer)
    throw new TransientDeliveryError(
      { v: OUTCOME_VERSION, code: "transport.unreadable-answer", params: { status: response.status } },
      `${peer}: unreadable answer (HTTP ${response.status})`,
    );
  return answer;
}

/**
 * A peer's answer (the delivery receipt, docs/exchange.md): version 2 carries the outcome as a code with
 * parameters; a processed answer of an older receiver (a sentence) is taken as "uncoded-answer", its
 * sentence not kept. A refusal needs a code we know. Anything else is unreadable (and retried).
 */
export function readAnswer(body: unknown): ReceiveOutcome | null {
  if (!body || typeof body !== "object") return null;
  const b = body as { v?: unknown; status?: unknown; messageId?: unknown; type?: unknown; outcome?: unknown; enqueued?: unknown; refusal?: unknown };
  const messageId = typeof b.messageId === "string" ? b.messageId : null;
  const type = (typeof b.type === "string" ? b.type : null) as MessageType | null;
  if (b.status === "refused") {
    const r = (b.refusal ?? {}) as { code?: unknown; message?: unknown; field?: unknown };
    if (!(REFUSAL_CODES as readonly unknown[]).includes(r.code)) return null;
    const code = r.code as (typeof REFUSAL_CODES)[number];
    const message = typeof r.message === "string" ? r.message.slice(0, 2000) : code;
    return { v: OUTCOME_VERSION, status: "refused", messageId, type, refusal: refusal(code, message, typeof r.field === "string" ? r.field : undefined) };
  }
  const status = b.status === "processed" ? "processed" : b.status === "replayed" ? "replayed" : null;
  if (!status || !messageId || !type) return null;
  const parsed = b.v === OUTCOME_VERSION ? MessageOutcomeSchema.safeParse(b.outcome) : null;
  if (parsed && !parsed.success) return null;
  const outcome: MessageOutcome = parsed ? (parsed.data as MessageOutcome) : { code: "uncoded-answer", params: {} };
  const enqueued = Array.isArray(b.enqueued) ? b.enqueued.filter((x): x is string => typeof x === "string") : [];
  return { v: OUTCOME_VERSION, status, messageId, type, outcome, enqueued };
}
