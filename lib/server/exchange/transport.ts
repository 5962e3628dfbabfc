import "server-only";
import { refusal } from "@/lib/core/messages";
import { hostedRole, peerUrlOf } from "./companies";
import { localReceiver } from "./registry";
import type { ReceiveOutcome } from "./types";

/** A delivery attempt failed in a way worth retrying (network, receiver down or busy). */
export class TransientDeliveryError extends Error {}

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
    throw new TransientDeliveryError(`${peer}: ${(error as Error).message}`);
  }
  if (response.status >= 500 || response.status === 429) throw new TransientDeliveryError(`${peer}: HTTP ${response.status}`);
  const body = (await response.json().catch(() => null)) as ReceiveOutcome | null;
  if (!body || typeof body !== "object" || !("status" in body)) throw new TransientDeliveryError(`${peer}: unreadable answer (HTTP ${response.status})`);
  return body;
}
