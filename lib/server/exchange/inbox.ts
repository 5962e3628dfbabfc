import "server-only";
import {
  decideReceipt,
  decodeMessage,
  dispatchByPlatformType,
  OUTCOME_VERSION,
  readJwsUnverified,
  refusal,
  replayableResult,
  storedRefusal,
  verifyMessage,
  type InboxResult,
  type Message,
  type MessageType,
  type Refusal,
} from "@/lib/core/messages";
import { db } from "../db";
import { Prisma } from "../generated/prisma/client";
import { hostedRole } from "./companies";
import { deliverNow, type OutboxRef } from "./delivery";
import { batchHandlersFor, handlersFor } from "./registry";
import { RateLimited, recordRejection, senderLimit } from "./limits";
import type { BatchHandler, HandlerOutcome, MessageHandler, ReceiveOutcome, Via } from "./types";

/** Clock skew tolerated between companies, and how old a message may be when it arrives. */
export const MAX_SKEW_SECONDS = 300;
export const MAX_AGE_ONLINE_SECONDS = 3 * 24 * 3600; // retries with backoff may take a while
export const MAX_AGE_FILE_SECONDS = 90 * 24 * 3600; // a floppy disk by post (the patent's offline path)

function refused(messageId: string | null, type: MessageType | null, r: Refusal): ReceiveOutcome {
  return { v: OUTCOME_VERSION, status: "refused", messageId, type, refusal: r };
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
  const [settled] = await receiveMessages([jws], via, now, options);
  if (settled!.status === "rejected") throw settled!.reason;
  return settled!.value;
}

/**
 * Receives a batch of signed messages (issue 16: a backlog drains in batches). Each message is
 * verified on its own, as receiveMessage does, against one read of the receiver's trust store per
 * batch; the verified messages of one receiver are claimed with one multi-row INSERT … ON CONFLICT DO
 * NOTHING, handled one after another in that one transaction, and their results written with one
 * UPDATE. A message id seen before is still answered with its first result, a reused one refused. When
 * the batch's transaction fails (a handler threw, a deadlock with a concurrent batch), each message is
 * received again on its own, so one bad message never holds back or fails the others; a message whose
 * own transaction fails is "rejected" in the answer (its sender retries it), the others are not.
 */
export async function receiveMessages(
  jwsList: readonly string[],
  via: Via,
  now = new Date(),
  options: { limitSender?: boolean } = {},
): Promise<PromiseSettledResult<ReceiveOutcome>[]> {
  const answers: PromiseSettledResult<ReceiveOutcome>[] = new Array(jwsList.length);
  const byReceiver = new Map<string, number[]>();
  jwsList.forEach((jws, i) => {
    const claimed = claimedHeader(jws);
    const receiver = claimed.receiver && /^[A-Z0-9]{4,12}$/.test(claimed.receiver) ? claimed.receiver : null;
    if (!receiver) {
      answers[i] = fulfilled(refused(claimed.messageId ?? null, null, refusal("wrong-receiver", "the message names no receiver that can be read")));
      return;
    }
    byReceiver.set(receiver, [...(byReceiver.get(receiver) ?? []), i]);
  });
  for (const [receiver, indexes] of byReceiver) {
    const outcomes = await receiveFor(
      receiver,
      indexes.map((i) => jwsList[i]!),
      via,
      now,
      options,
    );
    indexes.forEach((index, k) => (answers[index] = outcomes[k]!));
  }
  return answers;
}

const fulfilled = (value: ReceiveOutcome): PromiseFulfilledResult<ReceiveOutcome> => ({ status: "fulfilled", value });
const rejected = (reason: unknown): PromiseRejectedResult => ({ status: "rejected", reason });

type Verified = { index: number; jws: string; message: Message; fingerprint: string };

/** The messages of one receiver: verify each, then claim, handle and record the verified ones together. */
async function receiveFor(
  receiver: string,
  jwsList: readonly string[],
  via: Via,
  now: Date,
  options: { limitSender?: boolean },
  trustRetries = 0,
): Promise<PromiseSettledResult<ReceiveOutcome>[]> {
  const answers: PromiseSettledResult<ReceiveOutcome>[] = new Array(jwsList.length);
  const role = await hostedRole(receiver);
  if (!role) {
    const r = refusal("wrong-receiver", `company ${receiver} is not hosted by this deployment`);
    return jwsList.map((jws) => fulfilled(refused(claimedHeader(jws).messageId ?? null, null, r)));
  }
  // The receiver's trust store as this process last read it; the claim below checks in the same statement
  // that it is still current (docs/exchange.md, "Trust store"). A message the kept keys refuse is checked
  // again against a fresh read, so a key just added is accepted at once.
  let store = trustStores.get(receiver) ?? (await readTrustStore(receiver));
  const verifyAll = (keys: Map<string, JsonWebKey>) =>
    Promise.all(
      jwsList.map((jws) =>
        verifyMessage(jws, {
          resolveSenderKey: async (companyId, kid) => keys.get(`${companyId} ${kid}`) ?? null,
          expectedReceiverCompanyId: receiver,
          receiverRole: role,
          now,
          maxSkewSeconds: MAX_SKEW_SECONDS,
          maxAgeSeconds: via === "file" ? MAX_AGE_FILE_SECONDS : MAX_AGE_ONLINE_SECONDS,
        }),
      ),
    );
  let checks = await verifyAll(store.keys);
  if (store.kept && checks.some((c) => !c.ok)) {
    store = await readTrustStore(receiver);
    checks = await verifyAll(store.keys);
  }
  const verified: Verified[] = [];
  const seen = new Set<string>();
  const later: number[] = [];
  for (let index = 0; index < jwsList.length; index++) {
    const jws = jwsList[index]!;
    const check = checks[index]!;
    if (!check.ok) {
      const claimed = claimedHeader(jws);
      await recordRejection(receiver, via, jws, claimed, check.error, now);
      answers[index] = fulfilled(refused(claimed.messageId ?? null, null, check.error));
      continue;
    }
    const message = check.value;
    if (options.limitSender) {
      // Counted once the sender is proven: nobody can spend a partner's allowance by naming it.
      const limit = await senderLimit(message.header.senderCompanyId, now);
      if (!limit.ok) throw new RateLimited(limit.retryAfterSeconds);
    }
    // The same message id twice in one batch: the repeat is received after the batch (as a replay).
    if (seen.has(message.header.messageId)) {
      later.push(index);
      continue;
    }
    seen.add(message.header.messageId);
    const decision = decideReceipt(message, null);
    verified.push({ index, jws, message, fingerprint: decision.action === "process" ? decision.fingerprint : "" });
  }

  if (verified.length > 0) {
    let outcomes: PromiseSettledResult<ReceiveOutcome>[];
    try {
      outcomes = await claimAndHandle(receiver, role, verified, via, now, store.digest);
    } catch (error) {
      if (error instanceof TrustStoreChanged) {
        // Verified under keys that changed meanwhile: nothing was kept (the transaction rolled back);
        // verified again under the store as it is now.
        trustStores.delete(receiver);
        if (trustRetries >= 3) return jwsList.map(() => rejected(error));
        return receiveFor(receiver, jwsList, via, now, options, trustRetries + 1);
      }
      if (verified.length === 1) outcomes = [rejected(error)];
      else {
        // One transaction per message, so the failure stays with the message that caused it.
        outcomes = [];
        for (const one of verified) outcomes.push(await claimAndHandle(receiver, role, [one], via, now, store.digest).then(([o]) => o!, rejected));
      }
    }
    verified.forEach((v, k) => (answers[v.index] = outcomes[k]!));
  }
  for (const index of later) answers[index] = (await receiveFor(receiver, [jwsList[index]!], via, now, options))[0]!;
  return answers;
}

/**
 * A receiver's trust store (the only keys it accepts messages under, by "<company> <kid>") with the digest
 * of the rows it was read from; `kept` when it comes from this process's memory rather than a read just now.
 */
type TrustStore = { keys: Map<string, JsonWebKey>; digest: string; kept: boolean };

/**
 * Trust stores per process (issue 16: the read was one statement per received batch). Never trusted
 * blindly: the claim of every batch compares the digest of the store as it is in the database, in the
 * claim's own statement, so a key removed or replaced by anyone (another process, psql) refuses the very
 * next batch, as a read per batch did.
 */
const trustStores = new Map<string, TrustStore>();

/** The digest of `owner`'s trusted keys as the database holds them (SQL, for the read and the claim alike). */
function trustDigest(owner: string): Prisma.Sql {
  return Prisma.sql`(SELECT md5(coalesce(string_agg(t.company_id || ' ' || t.kid || ' ' || t.public_jwk::text, E'\n' ORDER BY t.company_id, t.kid), ''))
                       FROM xc_trusted_keys t WHERE t.owner_company_id = ${owner})`;
}

/** Reads `owner`'s trust store with its digest (one statement) and keeps it for the next batch. */
async function readTrustStore(owner: string): Promise<TrustStore> {
  const [row] = await db().$queryRaw<{ digest: string; keys: { company_id: string; kid: string; public_jwk: JsonWebKey }[] | null }[]>`
    SELECT ${trustDigest(owner)} AS digest,
           (SELECT json_agg(json_build_object('company_id', k.company_id, 'kid', k.kid, 'public_jwk', k.public_jwk))
              FROM xc_trusted_keys k WHERE k.owner_company_id = ${owner}) AS keys`;
  const keys = new Map((row?.keys ?? []).map((r) => [`${r.company_id} ${r.kid}`, r.public_jwk]));
  const digest = row?.digest ?? "";
  trustStores.set(owner, { keys, digest, kept: true });
  return { keys, digest, kept: false };
}

/** The trust store changed between the verification of a batch and its claim: verified again (receiveFor). */
class TrustStoreChanged extends Error {}

/**
 * One transaction for verified messages of one receiver: claim their ids (a concurrent duplicate waits
 * on the unique index until we commit; ids in a fixed order so two batches never wait on each other in
 * a circle), answer the ids seen before from their first result, run the handler of each new one, and
 * write the results. Replies the handlers enqueued are delivered after commit.
 */
async function claimAndHandle(
  receiver: string,
  role: "issuer" | "provider",
  batch: readonly Verified[],
  via: Via,
  now: Date,
  trustDigestSeen: string | null,
): Promise<PromiseSettledResult<ReceiveOutcome>[]> {
  const sorted = [...batch].sort((a, b) => (a.message.header.messageId < b.message.header.messageId ? -1 : 1));
  const col = <T>(f: (v: Verified) => T) => sorted.map(f);
  const enqueuedRefs = new Map<string, OutboxRef>();
  const results = await db().$transaction(
    async (tx) => {
      // The trust store's digest in the claim's statement: keys changed since they verified this batch
      // roll it back (TrustStoreChanged), and it is verified again (no statement of its own per batch).
      const claimedRows = await tx.$queryRaw<{ id: string | null; message_id: string | null; digest: string | null }[]>`
        WITH claimed AS (
        INSERT INTO xc_inbox (id, owner_company_id, sender_company_id, message_id, type, platform_type, jws, fingerprint, in_reply_to, status, via, received_at)
        SELECT gen_random_uuid(), ${receiver}, m.sender, m.message_id, m.type, m.platform_type, m.jws, m.fingerprint, m.in_reply_to, 'processed', ${via}::"InboxVia", ${now}
          FROM unnest(${col((v) => v.message.header.senderCompanyId)}::text[], ${col((v) => v.message.header.messageId)}::text[],
                      ${col((v) => v.message.header.type)}::text[], ${col((v) => v.message.platformType)}::int[], ${col((v) => v.jws)}::text[],
                      ${col((v) => v.fingerprint)}::text[], ${col((v) => v.message.header.inReplyTo ?? null)}::text[])
               WITH ORDINALITY AS m(sender, message_id, type, platform_type, jws, fingerprint, in_reply_to, n)
         ORDER BY m.n
        ON CONFLICT (owner_company_id, message_id) DO NOTHING
        RETURNING id, message_id)
        SELECT id::text AS id, message_id, NULL::text AS digest FROM claimed
        UNION ALL SELECT NULL, NULL, ${trustDigest(receiver)}`;
      const digest = claimedRows.find((r) => r.id === null)?.digest ?? "";
      if (trustDigestSeen !== null && digest !== trustDigestSeen) throw new TrustStoreChanged();
      const inboxIds = new Map(claimedRows.flatMap((r) => (r.id !== null && r.message_id !== null ? [[r.message_id, r.id] as const] : [])));
      const seenBefore = batch.filter((v) => !inboxIds.has(v.message.header.messageId)).map((v) => v.message.header.messageId);
      const priors = new Map<string, { fingerprint: string; result: InboxResult }>();
      if (seenBefore.length > 0) {
        const rows = await tx.$queryRaw<{ message_id: string; fingerprint: string; result: unknown }[]>`
          SELECT message_id, fingerprint, result FROM xc_inbox WHERE owner_company_id = ${receiver} AND message_id = ANY(${seenBefore}::text[])`;
        for (const r of rows) priors.set(r.message_id, { fingerprint: r.fingerprint, result: replayableResult(r.result) });
      }
      const answers = new Map<Verified, Claimed>();
      const written: InboxWrite[] = [];
      // Results a handler sent inside its own write (HandlerContext.inboxResults), by inbox row id.
      const writtenByHandler = new Map<string, string>();
      const record = (v: Verified, inboxId: string, handled: Handled) => {
        // Codes and parameters only (store codes, render words); a refusal's sentence goes to the log.
        if (!handled.ok) console.info(`[exchange] ${receiver} refused ${v.message.header.messageId}: ${handled.error.code}: ${handled.error.message}`);
        const stored: InboxResult = handled.ok
          ? processedResult(handled.value)
          : { v: OUTCOME_VERSION, status: "refused", refusal: storedRefusal(handled.error), enqueued: [] };
        if (handled.ok && handled.value.resultWritten) {
          if (writtenByHandler.get(inboxId) !== JSON.stringify(stored))
            throw new Error(`the ${v.message.header.type} handler wrote another result than it returned`);
        } else written.push({ id: inboxId, stored, code: handled.ok ? null : handled.error.code });
        // A reply enqueued with its signed form is delivered without reading its outbox row back.
        if (handled.ok)
          for (const e of handled.value.enqueued ?? [])
            if (e.jws && e.receiverCompanyId) enqueuedRefs.set(e.outboxId, { ...e, jws: e.jws, receiverCompanyId: e.receiverCompanyId });
        answers.set(v, { kind: "new", result: stored, refusal: handled.ok ? null : handled.error });
      };
      const context = (method: 1 | 2, inboxIdsOfRun: readonly string[]) => ({
        tx,
        receiverCompanyId: receiver,
        now,
        via,
        method,
        inboxResults: (outcomes: readonly HandlerOutcome[]) => {
          if (outcomes.length !== inboxIdsOfRun.length) throw new Error(`inbox results: ${outcomes.length} outcomes for ${inboxIdsOfRun.length} messages`);
          const rows = outcomes.map((o, i): InboxWrite => ({ id: inboxIdsOfRun[i]!, stored: processedResult(o), code: null }));
          for (const r of rows) writtenByHandler.set(r.id, JSON.stringify(r.stored));
          return inboxResultsSql(rows);
        },
      });
      // Handlers run in message-id order: a sender's messages in the order it sent them.
      for (let k = 0; k < sorted.length;) {
        const v = sorted[k]!;
        const { messageId, type } = v.message.header;
        const inboxId = inboxIds.get(messageId);
        if (!inboxId) {
          const prior = priors.get(messageId);
          if (!prior) throw new Error(`inbox row of ${messageId} neither claimed nor found`);
          const decision = decideReceipt<InboxResult>(v.message, prior);
          answers.set(
            v,
            decision.action === "refuse"
              ? { kind: "reused", refusal: decision.refusal }
              : { kind: "replayed", result: decision.action === "replay" ? decision.result : prior.result, refusal: null },
          );
          k += 1;
          continue;
        }
        const route = routeOf(v.message, role);
        if (!route.ok) {
          record(v, inboxId, route);
          k += 1;
          continue;
        }
        // A run of new messages of this type and method goes to the type's batch handler, if it has one.
        const batchHandler = batchHandlersFor(role)[type] as BatchHandler<MessageType> | undefined;
        let end = k + 1;
        if (batchHandler) {
          while (end < sorted.length) {
            const next = sorted[end]!;
            const nextRoute = inboxIds.has(next.message.header.messageId) && next.message.header.type === type ? routeOf(next.message, role) : null;
            if (!nextRoute?.ok || nextRoute.method !== route.method) break;
            end += 1;
          }
        }
        if (batchHandler && end - k > 1) {
          const run = sorted.slice(k, end);
          const outcomes = await batchHandler(
            run.map((r) => r.message as never),
            context(
              route.method,
              run.map((r) => inboxIds.get(r.message.header.messageId)!),
            ),
          );
          if (outcomes.length !== run.length) throw new Error(`the ${type} batch handler answered ${outcomes.length} of ${run.length} messages`);
          run.forEach((r, i) => record(r, inboxIds.get(r.message.header.messageId)!, { ok: true, value: outcomes[i]! }));
        } else {
          record(v, inboxId, { ok: true, value: await route.handler(v.message as never, context(route.method, [inboxId])) });
        }
        k = end;
      }
      if (written.length > 0) await tx.$executeRaw`${inboxResultsSql(written)}`;
      return answers;
    },
    { timeout: 30_000, maxWait: 30_000 },
  );

  const answers: PromiseSettledResult<ReceiveOutcome>[] = [];
  const replies: OutboxRef[] = [];
  for (const v of batch) {
    const outcome = results.get(v)!;
    const { messageId, type } = v.message.header;
    if (outcome.kind === "reused") {
      await recordRejection(receiver, via, v.jws, claimedHeader(v.jws), outcome.refusal, now);
      answers.push(fulfilled(refused(messageId, type, outcome.refusal)));
      continue;
    }
    const r = outcome.result;
    if (r.status === "refused") {
      // A replayed refusal has only its code and field: its sentence was logged the first time.
      const answer = outcome.refusal ?? { ...r.refusal, message: `${r.refusal.code} (answered from the inbox)` };
      answers.push(fulfilled(refused(messageId, type, answer)));
      continue;
    }
    if (outcome.kind === "new") replies.push(...r.enqueued.map((id) => enqueuedRefs.get(id) ?? id));
    answers.push(
      fulfilled({ v: OUTCOME_VERSION, status: outcome.kind === "new" ? "processed" : "replayed", messageId, type, outcome: r.outcome, enqueued: r.enqueued }),
    );
  }
  if (replies.length > 0) {
    // Answer within the sender's request when we can (a desk waits for its permission); the queue
    // takes over whatever does not go through now.
    await deliverNow(replies).catch((e: Error) => console.warn(`[exchange] reply delivery deferred: ${e.message}`));
  }
  return answers;
}

type InboxWrite = { id: string; stored: InboxResult; code: string | null };

/** The inbox result of a message its handler processed: the outcome's code and parameters, and what it enqueued. */
function processedResult(h: HandlerOutcome): InboxResult {
  return { v: OUTCOME_VERSION, status: "processed", outcome: h.outcome, enqueued: (h.enqueued ?? []).map((e) => e.outboxId) };
}

/** One UPDATE writing inbox rows' results (the claim wrote them as processed, without a result). */
function inboxResultsSql(rows: readonly InboxWrite[]): Prisma.Sql {
  return Prisma.sql`
    UPDATE xc_inbox AS i SET status = w.status::"InboxStatus", result = w.result::jsonb, refusal_code = w.code
      FROM unnest(${rows.map((w) => w.id)}::uuid[], ${rows.map((w) => w.stored.status)}::text[], ${rows.map((w) => JSON.stringify(w.stored))}::text[],
                  ${rows.map((w) => w.code)}::text[]) AS w(id, status, result, code)
     WHERE i.id = w.id`;
}

type Claimed = { kind: "reused"; refusal: Refusal } | { kind: "replayed" | "new"; result: InboxResult; refusal: Refusal | null };

type Handled = { ok: true; value: HandlerOutcome } | { ok: false; error: Refusal };

/** Fig. 18 first (steps 1801–1804), then the receiving role's handler for the type. */
function routeOf(
  message: Message,
  role: "issuer" | "provider",
): { ok: true; method: 1 | 2; handler: MessageHandler<MessageType> } | { ok: false; error: Refusal } {
  const method = dispatchByPlatformType<1 | 2>(message, { method1: () => 1, method2: () => 2 });
  if (!method.ok) return { ok: false, error: method.error };
  const handler = handlersFor(role)[message.header.type] as MessageHandler<MessageType> | undefined;
  if (!handler) return { ok: false, error: refusal("wrong-direction", `a ${role} does not handle ${message.header.type} messages`) };
  return { ok: true, method: method.value, handler };
}

/** Decodes without verifying, for display of stored messages (they were verified when received). */
export function decodeStored(jws: string): Message | null {
  const read = readJwsUnverified(jws);
  if (!read.ok) return null;
  const decoded = decodeMessage(read.value.payload);
  return decoded.ok ? decoded.value : null;
}
