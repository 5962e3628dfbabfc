import "server-only";
import type { IssuerTx } from "./db";
import { fromBase64Url, toBase64Url, toHex } from "@/lib/core/bytes";
import { cardBinding, ISSUER_KEY_VERSIONS, publicKeyFromJwk, signPermission } from "@/lib/core/card";
import { formatMessageId } from "@/lib/core/message-id";
import { outcome, type CardInformationNgReason, type CarriedReloadPermission, type MessageOf } from "@/lib/core/messages";
import { auditReason } from "@/lib/core/audit-reason";
import { allocateSequences } from "../../exchange/message-ids";
import { prepareMessages, type MessageToEnqueue } from "../../exchange/outbox";
import type { HandlerContext, HandlerOutcome } from "../../exchange/types";
import { issuerKeyAt, openAttributeData } from "../../issuer/key-history";
import { auditInsertSql, type AuditInput } from "./audit";
import { Prisma } from "./db";
import { randomUUID } from "node:crypto";
import { MAX_CHAIN_DEPTH } from "./reissue-chain";
import { EXCHANGE_ACTOR } from "./shared";

type Tx = IssuerTx;
type Inquiry = MessageOf<"card-information-inquiry">;
type InquiryAnswer = { reissue: "OK"; originalMessageId: string } | { reissue: "NG"; reason: CardInformationNgReason };

/** A permission of the asking provider for the asked application on an earlier card of the chain, nearest card first. */
type EarlierLoad = {
  messageId: string;
  status: "granted" | "confirmed" | "failed";
  /** A confirmed reload refers to it: it was reloaded already. */
  reloaded: boolean;
  application: { id: string; aid: string; providerId: string; status: string; loadFileHash: string };
  /** The application is loaded on the card presented already. */
  loadedOnCard: boolean;
};

/** What one inquiry needs, read for every inquiry of a batch in one statement (`readFacts`). */
type Facts = {
  card: { id: string; cardId: string; platformType: number; status: string; issuerKeyVersion: number } | null;
  reissued: boolean;
  provider: { id: string; contractStatus: string; contractEnd: Date | null } | null;
  loads: EarlierLoad[];
  /** The provider's newest message-signing key in the issuer's trust store (the load token's tag 87). */
  establishmentJwk: JsonWebKey | null;
  permissionTtlMinutes: number;
  currentKey: { version: number; fingerprint: string } | null;
};

type FactRow = {
  n: number;
  card_uuid: string | null;
  card_id: string | null;
  platform_type: number | null;
  status: string | null;
  issuer_key_version: number | null;
  reissued: boolean;
  provider_id: string | null;
  contract_status: string | null;
  contract_end: Date | null;
  loads: EarlierLoad[] | null;
  establishment_jwk: JsonWebKey | null;
  ttl: number | null;
  current_key: { version: number; fingerprint: string } | null;
};

/**
 * Every fact the answers need, for all the inquiries at once, in one statement: the card each names (by
 * the card id its attribute data opened to), the chain back from it (a recursive query, as far as
 * `earlierCards` walks), the asking provider's contract, its permissions for the asked application on
 * the earlier cards (nearest first, then the latest decided: as `findOriginalLoad` chose), whether each
 * was reloaded and whether the application is on the card presented, the provider's newest trusted key,
 * the permission lifetime and the issuer key version that signs.
 */
async function readFacts(tx: Tx, issuerCompanyId: string, asks: readonly { cardId: string | null; provider: string; aid: string }[]): Promise<Facts[]> {
  const rows = await tx.$queryRaw<FactRow[]>`
    WITH RECURSIVE
      req AS (
        SELECT r.card_id, r.provider, r.aid, r.n
          FROM unnest(${asks.map((a) => a.cardId)}::text[], ${asks.map((a) => a.provider)}::text[], ${asks.map((a) => a.aid)}::text[])
               WITH ORDINALITY AS r(card_id, provider, aid, n)
      ),
      card AS (
        SELECT c.id, c.card_id, c.platform_type, c.status::text AS status, c.issuer_key_version
          FROM iss_cards c WHERE c.card_id IN (SELECT card_id FROM req WHERE card_id IS NOT NULL)
      ),
      chain AS (
        SELECT c.id AS start_id, l.old_card_id AS old_id, 1 AS depth, ARRAY[c.id, l.old_card_id] AS path
          FROM card c JOIN iss_reissue_links l ON l.reissued_card_id = c.id
        UNION ALL
        SELECT ch.start_id, l.old_card_id, ch.depth + 1, ch.path || l.old_card_id
          FROM chain ch JOIN iss_reissue_links l ON l.reissued_card_id = ch.old_id
         WHERE ch.depth < ${MAX_CHAIN_DEPTH} AND NOT l.old_card_id = ANY(ch.path)
      )
    SELECT req.n::int AS n, card.id AS card_uuid, card.card_id, card.platform_type, card.status, card.issuer_key_version,
           EXISTS (SELECT 1 FROM chain WHERE chain.start_id = card.id) AS reissued,
           sp.id AS provider_id, sp.contract_status::text AS contract_status, sp.contract_end,
           (SELECT jsonb_agg(jsonb_build_object(
                     'messageId', p.message_id, 'status', p.status::text,
                     'reloaded', EXISTS (SELECT 1 FROM iss_loading_permissions r
                                          WHERE r.original_message_id = p.message_id AND r.kind = 'reload' AND r.status = 'confirmed'),
                     'application', jsonb_build_object('id', a.id, 'aid', a.aid, 'providerId', a.provider_id, 'status', a.status::text, 'loadFileHash', a.load_file_hash),
                     'loadedOnCard', EXISTS (SELECT 1 FROM iss_card_applications ca
                                              WHERE ca.card_id = card.id AND ca.application_id = a.id AND ca.status = 'loaded'))
                   ORDER BY ch.depth, p.decided_at DESC)
              FROM chain ch
              JOIN iss_loading_permissions p ON p.card_id = ch.old_id
              JOIN iss_applications a ON a.id = p.application_id
             WHERE ch.start_id = card.id AND p.provider_id = sp.id AND a.aid = req.aid AND p.status <> 'refused') AS loads,
           (SELECT t.public_jwk FROM xc_trusted_keys t WHERE t.owner_company_id = ${issuerCompanyId} AND t.company_id = req.provider
             ORDER BY t.added_at DESC, t.kid DESC LIMIT 1) AS establishment_jwk,
           (SELECT permission_ttl_minutes FROM iss_policy WHERE id = 1) AS ttl,
           (SELECT jsonb_build_object('version', k.version, 'fingerprint', k.fingerprint) FROM iss_card_keys k
             WHERE k.issuer_company_id = ${issuerCompanyId} AND k.state = 'current' LIMIT 1) AS current_key
      FROM req
      LEFT JOIN card ON card.card_id = req.card_id
      LEFT JOIN iss_service_providers sp ON sp.company_id = req.provider
     ORDER BY req.n`;
  if (rows.length !== asks.length) throw new Error(`card inquiries: ${rows.length} facts for ${asks.length} inquiries`);
  return rows.map((r) => ({
    card:
      r.card_uuid !== null
        ? { id: r.card_uuid, cardId: r.card_id!, platformType: r.platform_type!, status: r.status!, issuerKeyVersion: r.issuer_key_version! }
        : null,
    reissued: r.reissued,
    provider: r.provider_id !== null ? { id: r.provider_id, contractStatus: r.contract_status!, contractEnd: r.contract_end } : null,
    loads: r.loads ?? [],
    establishmentJwk: r.establishment_jwk,
    // A database without a policy row uses the strictest default (readPolicy).
    permissionTtlMinutes: r.ttl ?? 30,
    currentKey: r.current_key,
  }));
}

/** Steps 1002–1005 for one inquiry, on facts read before: the answer, and the permission to carry with an OK. */
function decide(facts: Facts, openFailed: boolean, now: Date): { answer: InquiryAnswer; cardUuid: string | null; carry: EarlierLoad | null } {
  const ng = (reason: CardInformationNgReason, cardUuid: string | null = null) => ({ answer: { reissue: "NG" as const, reason }, cardUuid, carry: null });
  if (openFailed) return ng("attribute-data-invalid");
  const card = facts.card;
  // A card of the other platform type is "not found": we do not confirm that such a card exists.
  if (!card || card.platformType !== 200) return ng("card-not-found");
  if (!facts.reissued) return ng("not-a-reissued-card", card.id);
  if (!facts.provider) return ng("application-not-on-old-card", card.id);
  // Any generation: the nearest earlier card on which this provider's load of the application was
  // confirmed (a load reloaded onto a later card is answered with that reload's message id).
  const confirmed = facts.loads.find((l) => l.status === "confirmed");
  if (!confirmed) return ng(facts.loads.length > 0 ? "old-load-not-successful" : "application-not-on-old-card", card.id);
  const answer = { reissue: "OK" as const, originalMessageId: confirmed.messageId };
  // Method 2 needs one round trip: "reissue OK" carries the reload permission for the card presented,
  // under the same checks as grantCarriedReloads (permissions.ts); failing one, the desk asks as before.
  const provider = facts.provider;
  const contractOk = provider.contractStatus === "active" && !(provider.contractEnd && provider.contractEnd < now);
  const app = confirmed.application;
  const carries =
    card.status === "active" &&
    // A card that has not learned the current issuer key needs the signed key updates a requested grant carries.
    card.issuerKeyVersion >= (facts.currentKey?.version ?? ISSUER_KEY_VERSIONS.first) &&
    contractOk &&
    !confirmed.reloaded &&
    app.providerId === provider.id &&
    app.status === "approved" &&
    !confirmed.loadedOnCard;
  return { answer, cardUuid: card.id, carry: carries ? confirmed : null };
}

/**
 * Fig. 10 (steps 1001–1005) for a run of card information inquiries (issue 16: an issuer answers the
 * inquiries of many desks at once; receiving one is a run of one): each one's attribute data opened
 * (1002) with the key versions this process holds, then every fact of every inquiry read in one
 * statement, each answered on its own (OK with the message id of the permission under which **the
 * asking provider** loaded this application on an earlier card, 1004, with the reload permission for
 * the card presented; or NG with the reason, 1005), the sequence numbers taken in one statement, the
 * grants, the signed answers and the audit rows written with one statement each. Another provider's
 * permission is never considered, so its message id cannot leak, and the reply has no place for a card
 * id (the codec refuses one on a platform-200 message). Comes to what answering the inquiries one after
 * another would: each answer depends on its own inquiry and the tables, not on the others' grants.
 */
export async function answerCardInformationInquiries(messages: readonly Inquiry[], ctx: HandlerContext<IssuerTx>): Promise<HandlerOutcome[]> {
  const { tx, now } = ctx;
  const issuerCompanyId = ctx.receiverCompanyId;
  const opened = await Promise.all(
    messages.map(async (message) => {
      let bytes: Uint8Array;
      try {
        bytes = fromBase64Url(message.cardAttributeData);
      } catch {
        return null;
      }
      // Every key version the issuer ever had: a card that has not learned the current one uses an older one.
      const result = await openAttributeData(tx, issuerCompanyId, bytes);
      return result.ok ? result.value.cardId : null;
    }),
  );
  const asks = messages.map((m, i) => ({ cardId: opened[i] ?? null, provider: m.header.senderCompanyId, aid: m.applicationId }));
  const facts = await readFacts(tx, issuerCompanyId, asks);
  const decided = messages.map((_, i) => decide(facts[i]!, opened[i] === null, now));

  // The sequence numbers of every grant and answer, in the order one after another would take them.
  const firsts = await allocateSequences(
    tx,
    messages.map((m, i) => ({
      key: { issuerCompanyId, providerCompanyId: m.header.senderCompanyId, direction: "I" as const },
      count: decided[i]!.carry ? 2 : 1,
    })),
  );
  const signing = decided.some((d) => d.carry) ? await issuerKeyAt(tx, issuerCompanyId, facts[0]!.currentKey) : null;

  const grants: GrantRow[] = [];
  const audits: AuditInput[] = [];
  const replies: MessageToEnqueue<"card-information-reply">[] = [];
  await Promise.all(
    messages.map(async (message, i) => {
      const { answer, carry } = decided[i]!;
      const f = facts[i]!;
      const providerCompanyId = message.header.senderCompanyId;
      let sequence = firsts[i]!;
      let reloadPermission: CarriedReloadPermission | undefined;
      if (carry && signing && f.card && f.provider) {
        const messageId = formatMessageId({ issuerCompanyId, providerCompanyId, direction: "I", sequence });
        sequence += 1;
        const expiresAt = new Date(now.getTime() + f.permissionTtlMinutes * 60_000);
        const carrier = `the answer to ${message.header.messageId}`;
        const establishmentKey = f.establishmentJwk ? toHex(publicKeyFromJwk(f.establishmentJwk, `trusted key of ${providerCompanyId}`)) : undefined;
        const token = await signPermission(signing.privateKeys().signing.privateKeyJwk, {
          ...(establishmentKey !== undefined ? { establishmentKey } : {}),
          operation: "load",
          messageId,
          cardBinding: cardBinding(f.card.cardId, messageId),
          expiresAt,
          aid: carry.application.aid,
          loadFileHash: carry.application.loadFileHash,
          kind: "reload",
          originalMessageId: carry.messageId,
        });
        grants.push({
          n: i,
          message_id: messageId,
          provider_id: f.provider.id,
          application_id: carry.application.id,
          card_id: f.card.id,
          original_message_id: carry.messageId,
          token: toHex(token),
          issuer_key_version: signing.version,
          load_file_hash: carry.application.loadFileHash,
          expires_at: expiresAt.toISOString(),
          audit: {
            actor: EXCHANGE_ACTOR,
            action: "permission.reload-grant",
            subjectType: "loading-permission",
            subjectId: "",
            reason: auditReason("reload-granted", { originalMessageId: carry.messageId, carrier }),
            data: { messageId, provider: providerCompanyId, aid: carry.application.aid, cardId: f.card.cardId, carrier, expiresAt: expiresAt.toISOString() },
          },
        });
        reloadPermission = {
          messageId,
          applicationId: carry.application.aid,
          originalMessageId: carry.messageId,
          loadFileHash: carry.application.loadFileHash,
          permissionToken: toBase64Url(token),
          expiresAt: expiresAt.toISOString(),
        };
      }
      replies[i] = {
        type: "card-information-reply",
        parties: { issuerCompanyId, providerCompanyId, inReplyTo: message.header.messageId, now, sequence },
        body: { platformType: 200, result: reloadPermission && answer.reissue === "OK" ? { ...answer, reloadPermission } : answer },
      };
    }),
  );
  grants.sort((a, b) => a.n - b.n);
  const grantIds = new Map(grants.map((g) => [g.message_id, randomUUID()]));
  const prepared = await prepareMessages(replies);
  const sent = prepared.enqueued;
  // The audit rows in the order one after another writes them: each inquiry's grant, then its answer.
  messages.forEach((message, i) => {
    const grant = grants.find((g) => g.n === i);
    if (grant) audits.push({ ...grant.audit, subjectId: grantIds.get(grant.message_id)! });
    const { answer, cardUuid } = decided[i]!;
    const providerCompanyId = message.header.senderCompanyId;
    audits.push({
      actor: EXCHANGE_ACTOR,
      action: "card-inquiry.answer",
      subjectType: "card",
      subjectId: cardUuid ?? "unknown",
      reason:
        answer.reissue === "OK"
          ? auditReason("card-inquiry-ok", { provider: providerCompanyId, originalMessageId: answer.originalMessageId })
          : auditReason("card-inquiry-ng", { provider: providerCompanyId, ngReason: answer.reason }),
      data: { provider: providerCompanyId, aid: message.applicationId, requestMessageId: message.header.messageId, replyMessageId: sent[i]!.messageId },
    });
  });
  const outcomes = messages.map((message, i): HandlerOutcome => {
    const { answer } = decided[i]!;
    const reply = sent[i]!;
    return {
      outcome:
        answer.reissue === "OK"
          ? outcome("inquiry-ok", { aid: message.applicationId, originalMessageId: answer.originalMessageId })
          : outcome("inquiry-ng", { aid: message.applicationId, reason: answer.reason }),
      // With its signed form, so the inbox hands it over without reading its outbox row back.
      enqueued: [{ outboxId: reply.outboxId, messageId: reply.messageId, type: reply.type, receiverCompanyId: reply.receiverCompanyId, jws: reply.jws }],
      data: answer,
    };
  });
  // Issue 16, one statement for every write: the grants, the signed answers' outbox rows, the audit rows,
  // and the inbox rows' results.
  const inboxResults = ctx.inboxResults?.(outcomes) ?? null;
  const [written] = await tx.$queryRaw<{ grants: number; outbox: number }[]>`
    WITH g AS (${grantsInsertSql(grants, grantIds, now)}), o AS (${prepared.insert}), a AS (${auditInsertSql(audits)})
    ${inboxResults ? Prisma.sql`, i AS (${inboxResults})` : Prisma.empty}
    SELECT (SELECT count(*)::int FROM g) AS grants, (SELECT count(*)::int FROM o) AS outbox`;
  if (written?.grants !== grants.length || written.outbox !== sent.length) throw new Error("card inquiry: not every grant or answer was written");
  return inboxResults ? outcomes.map((o) => ({ ...o, resultWritten: true })) : outcomes;
}

/** One inquiry: the run of one. */
export async function answerCardInformationInquiry(message: Inquiry, ctx: HandlerContext<IssuerTx>): Promise<HandlerOutcome> {
  return (await answerCardInformationInquiries([message], ctx))[0]!;
}

type GrantRow = {
  n: number;
  message_id: string;
  provider_id: string;
  application_id: string;
  card_id: string;
  original_message_id: string;
  token: string;
  issuer_key_version: number;
  load_file_hash: string;
  expires_at: string;
  audit: AuditInput;
};

/** The INSERT of the carried reload permissions (their ids chosen here), filed as granted permissions whose request is the permission itself. */
function grantsInsertSql(grants: readonly GrantRow[], ids: ReadonlyMap<string, string>, now: Date): Prisma.Sql {
  const rows = grants.map(({ audit: _audit, n: _n, ...g }) => ({ ...g, id: ids.get(g.message_id)! }));
  return Prisma.sql`
    INSERT INTO iss_loading_permissions (id, message_id, request_message_id, provider_id, application_id, card_id, kind, original_message_id,
                                         status, token, issuer_key_version, load_file_hash, expires_at, decided_at)
    SELECT x.id, x.message_id, x.message_id, x.provider_id, x.application_id, x.card_id, 'reload', x.original_message_id,
           'granted', decode(x.token, 'hex'), x.issuer_key_version, x.load_file_hash, x.expires_at, ${now}
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        AS x(id uuid, message_id text, provider_id uuid, application_id uuid, card_id uuid, original_message_id text, token text,
             issuer_key_version int, load_file_hash text, expires_at timestamptz)
    RETURNING id`;
}
