import "server-only";
import {
  decideReceipt,
  decodeMessage,
  dispatchByPlatformType,
  readJwsUnverified,
  refusal,
  verifyMessage,
  type Message,
  type MessageType,
  type Refusal,
} from "@/lib/core/messages";
import { db, type Prisma } from "../db";
import { hostedRole, trustedKey } from "./companies";
import { deliverNow } from "./delivery";
import { handlersFor } from "./registry";
import { RateLimited, recordRejection, senderLimit } from "./limits";
import type { HandlerOutcome, MessageHandler, ReceiveOutcome, Via } from "./types";

/** Clock skew tolerated between companies, and how old a message may be when it arrives. */
export const MAX_SKEW_SECONDS = 300;
export const MAX_AGE_ONLINE_SECONDS = 3 * 24 * 3600; // retries with backoff may take a while
export const MAX_AGE_FILE_SECONDS = 90 * 24 * 3600; // a floppy disk by post (the patent's offline path)

type StoredResult = { status: "processed" | "refused"; summary: string; enqueued: string[]; refusal?: Refusal };

function refused(messageId: string | null, type: MessageType | null, r: Refusal): ReceiveOutcome {
  return { status: "refused", messageId, type, refusal: r };
}

/** Reads the header without trusting it: only to know who the message claims to be for. */
function claimedHeader(jws: string): { receiver?: string; sender?: string; messageId?: string } {
  const read = readJwsUnverified(jws);
  if (!read.ok) return {};
  try {
    const json = JSON.parse(new TextDecoder().decode(read.value.payload)) as { header?: Record<string, unknown> };
    const h = json.header ?? {};
    const s = (v: unknown) => (typeof v === "string" ? v : undefined);
    return { receiver: s(h.receiverCompanyId), sender: s(h.senderCompanyId), messageId: s(h.messageId) };
  } catch {
    return {};
  }
}

/**
 * Receives one signed message for a company hosted here: verifies it against the receiver's trust
 * store, records it in the receiver's inbox and runs its handler in one transaction, after Fig. 18
 * dispatch on the platform type. A message id seen before is answered with the first result and
 * not processed again; unverifiable messages are refused, counted and sampled (limits.ts).
 * `limitSender` (the HTTP door): a verified sender over its rate limit makes it throw RateLimited.
 */
export async function receiveMessage(jws: string, via: Via, now = new Date(), options: { limitSender?: boolean } = {}): Promise<ReceiveOutcome> {
  const claimed = claimedHeader(jws);
  const receiver = claimed.receiver && /^[A-Z0-9]{4,12}$/.test(claimed.receiver) ? claimed.receiver : null;
  const role = receiver ? await hostedRole(receiver) : null;
  if (!receiver || !role) {
    const r = refusal("wrong-receiver", receiver ? `company ${receiver} is not hosted by this deployment` : "the message names no receiver that can be read");
    return refused(claimed.messageId ?? null, null, r);
  }
  const verified = await verifyMessage(jws, {
    resolveSenderKey: (companyId, kid) => trustedKey(receiver, companyId, kid),
    expectedReceiverCompanyId: receiver,
    receiverRole: role,
    now,
    maxSkewSeconds: MAX_SKEW_SECONDS,
    maxAgeSeconds: via === "file" ? MAX_AGE_FILE_SECONDS : MAX_AGE_ONLINE_SECONDS,
  });
  if (!verified.ok) {
    await recordRejection(receiver, via, jws, claimed, verified.error, now);
    return refused(claimed.messageId ?? null, null, verified.error);
  }
  const message = verified.value;
  if (options.limitSender) {
    // Counted once the sender is proven: nobody can spend a partner's allowance by naming it.
    const limit = await senderLimit(message.header.senderCompanyId, now);
    if (!limit.ok) throw new RateLimited(limit.retryAfterSeconds);
  }
  const { messageId, type } = message.header;
  const decision0 = decideReceipt(message, null);
  const fingerprint = decision0.action === "process" ? decision0.fingerprint : "";

  const outcome = await db().$transaction(
    async (tx) => {
      // Claim the message id. A concurrent duplicate waits on the unique index until we commit.
      const claimedRows = await tx.$queryRaw<{ id: string }[]>`
        INSERT INTO xc_inbox (id, owner_company_id, sender_company_id, message_id, type, platform_type, jws, fingerprint, in_reply_to, status, via, received_at)
        VALUES (gen_random_uuid(), ${receiver}, ${message.header.senderCompanyId}, ${messageId}, ${type}, ${message.platformType}, ${jws},
                ${fingerprint}, ${message.header.inReplyTo ?? null}, 'processed', ${via}::"InboxVia", ${now})
        ON CONFLICT (owner_company_id, message_id) DO NOTHING
        RETURNING id`;
      const inboxId = claimedRows[0]?.id;
      if (!inboxId) {
        const prior = await tx.inboxMessage.findUniqueOrThrow({ where: { ownerCompanyId_messageId: { ownerCompanyId: receiver, messageId } } });
        const decision = decideReceipt<StoredResult>(message, { fingerprint: prior.fingerprint, result: prior.result as StoredResult });
        if (decision.action === "refuse") return { kind: "reused" as const, refusal: decision.refusal };
        return { kind: "replayed" as const, result: decision.action === "replay" ? decision.result : (prior.result as StoredResult) };
      }
      const handled = await handle(tx, message, { receiver, role, now, via });
      const stored: StoredResult = handled.ok
        ? { status: "processed", summary: handled.value.summary, enqueued: (handled.value.enqueued ?? []).map((e) => e.outboxId) }
        : { status: "refused", summary: handled.error.message, enqueued: [], refusal: handled.error };
      await tx.inboxMessage.update({
        where: { id: inboxId },
        data: {
          status: stored.status,
          result: stored as unknown as Prisma.InputJsonValue,
          refusalCode: handled.ok ? null : handled.error.code,
          refusalReason: handled.ok ? null : handled.error.message.slice(0, 500),
        },
      });
      return { kind: "new" as const, result: stored };
    },
    { timeout: 30_000, maxWait: 30_000 },
  );

  if (outcome.kind === "reused") {
    await recordRejection(receiver, via, jws, claimed, outcome.refusal, now);
    return refused(messageId, type, outcome.refusal);
  }
  const r = outcome.result;
  if (r.status === "refused") return refused(messageId, type, r.refusal ?? refusal("invalid-field", r.summary));
  if (outcome.kind === "new" && r.enqueued.length > 0) {
    // Answer within the sender's request when we can (a desk waits for its permission); the queue
    // takes over whatever does not go through now.
    await deliverNow(r.enqueued).catch((e: Error) => console.warn(`[exchange] reply delivery deferred: ${e.message}`));
  }
  return { status: outcome.kind === "new" ? "processed" : "replayed", messageId, type, summary: r.summary, enqueued: r.enqueued };
}

type Handled = { ok: true; value: HandlerOutcome } | { ok: false; error: Refusal };

/** Fig. 18 first (steps 1801–1804), then the receiving role's handler for the type. */
async function handle(
  tx: Prisma.TransactionClient,
  message: Message,
  ctx: { receiver: string; role: "issuer" | "provider"; now: Date; via: Via },
): Promise<Handled> {
  const method = dispatchByPlatformType<1 | 2>(message, { method1: () => 1, method2: () => 2 });
  if (!method.ok) return { ok: false, error: method.error };
  const handler = handlersFor(ctx.role)[message.header.type] as MessageHandler<MessageType> | undefined;
  if (!handler) {
    return { ok: false, error: refusal("wrong-direction", `a ${ctx.role} does not handle ${message.header.type} messages`) };
  }
  const value = await handler(message as never, { tx, receiverCompanyId: ctx.receiver, now: ctx.now, via: ctx.via, method: method.value });
  return { ok: true, value };
}

/** Decodes without verifying, for display of stored messages (they were verified when received). */
export function decodeStored(jws: string): Message | null {
  const read = readJwsUnverified(jws);
  if (!read.ok) return null;
  const decoded = decodeMessage(read.value.payload);
  return decoded.ok ? decoded.value : null;
}
