import "server-only";
import type { IssuerTx } from "./db";
import { randomUUID } from "node:crypto";
import { noticeRecordset } from "../../notices/notices";
import { fromBase64Url, fromHex, toBase64Url, toHex } from "@/lib/core/bytes";
import { cardBinding, ISSUER_KEY_VERSIONS, publicKeyFromJwk, signPermission, verifyReceipt } from "@/lib/core/card";
import { formatMessageId } from "@/lib/core/message-id";
import { outcome, type CarriedReloadPermission, type MessageOf, type PermissionRefusalReason } from "@/lib/core/messages";
import { Prisma } from "./db";
import { allocateSequence, allocateSequenceSql } from "../../exchange/message-ids";
import { enqueueMessage, prepareMessages } from "../../exchange/outbox";
import type { HandlerContext, HandlerOutcome } from "../../exchange/types";
import { compromisedVersions, currentIssuerKey, issuerKeyAt, issuerKeyHistory, keyUpdatesFrom, type IssuerKeyVersion } from "../../issuer/key-history";
import { auditReason, type AuditReason } from "@/lib/core/audit-reason";
import { auditInsertSql, auditRecordset, recordAudit, type AuditInput } from "./audit";
import { earlierCards, MAX_CHAIN_DEPTH } from "./reissue-chain";
import { EXCHANGE_ACTOR, findReferencedCard, openCardReference, readPolicy, referencedCard, type CardReference, type CardRow } from "./shared";

type Tx = IssuerTx;
type Refusal = { reason: PermissionRefusalReason; text: string };

type ProviderRow = {
  id: string;
  companyId: string;
  name: string;
  contractNo: string;
  contractStatus: "active" | "suspended" | "terminated";
  contractEnd: Date | null;
};
type ApplicationRow = { id: string; aid: string; name: string; providerId: string; status: "pending" | "approved" | "revoked"; loadFileHash: string };

const clip = (text: string) => (text.length > 500 ? `${text.slice(0, 497)}...` : text);

/** The provider's contract: the precondition of every loading permission (Figs. 4 and 8). */
async function checkContract(tx: Tx, providerCompanyId: string, now: Date): Promise<ContractExamined> {
  const provider = await tx.serviceProvider.findUnique({
    where: { companyId: providerCompanyId },
    select: { id: true, companyId: true, name: true, contractNo: true, contractStatus: true, contractEnd: true },
  });
  return examineContract(provider, providerCompanyId, now);
}

type ContractExamined = { ok: true; provider: ProviderRow } | { ok: false; refusal: Refusal; provider: ProviderRow | null };

/** checkContract on the provider's row read before (null: no such provider). */
function examineContract(provider: ProviderRow | null, providerCompanyId: string, now: Date): ContractExamined {
  if (!provider) return { ok: false, provider: null, refusal: { reason: "no-contract", text: `${providerCompanyId} has no contract with the card issuer.` } };
  if (provider.contractStatus === "suspended") {
    return {
      ok: false,
      provider,
      refusal: {
        reason: "contract-suspended",
        text: `Contract ${provider.contractNo} with ${provider.name} is suspended: no application may be loaded until it is reinstated.`,
      },
    };
  }
  if (provider.contractStatus === "terminated" || (provider.contractEnd && provider.contractEnd < now)) {
    return { ok: false, provider, refusal: { reason: "no-contract", text: `Contract ${provider.contractNo} with ${provider.name} has ended.` } };
  }
  return { ok: true, provider };
}

/** The application: registered by this provider, approved, and this exact load file. */
async function checkApplication(tx: Tx, provider: ProviderRow, aid: string, loadFileHash: string): Promise<ApplicationExamined> {
  const application = await tx.registeredApplication.findUnique({
    where: { aid },
    select: { id: true, aid: true, name: true, providerId: true, status: true, loadFileHash: true },
  });
  return examineApplication(application, provider, aid, loadFileHash);
}

type ApplicationExamined = { ok: true; application: ApplicationRow } | { ok: false; refusal: Refusal; application: ApplicationRow | null };

/** checkApplication on the application's row read before (null: no application with that AID). */
function examineApplication(application: ApplicationRow | null, provider: ProviderRow, aid: string, loadFileHash: string): ApplicationExamined {
  // Another provider's application looks exactly like an unregistered one: a provider learns nothing
  // about its competitors' registrations.
  if (!application || application.providerId !== provider.id) {
    return {
      ok: false,
      application: null,
      refusal: { reason: "application-not-registered", text: `Application ${aid} is not registered for ${provider.companyId}.` },
    };
  }
  if (application.status === "pending") {
    return {
      ok: false,
      application,
      refusal: { reason: "application-not-approved", text: `Application ${aid} (${application.name}) is registered but its security review is still open.` },
    };
  }
  if (application.status === "revoked") {
    return {
      ok: false,
      application,
      refusal: { reason: "application-not-approved", text: `The approval of application ${aid} (${application.name}) has been revoked.` },
    };
  }
  if (application.loadFileHash !== loadFileHash) {
    return {
      ok: false,
      application,
      refusal: {
        reason: "application-not-approved",
        text: `The load file (SHA-256 ${loadFileHash.slice(0, 16)}…) is not the approved load file of ${aid}; only the registered one may be loaded.`,
      },
    };
  }
  return { ok: true, application };
}

/** Blocked and terminated cards take nothing new (a lost card must stay useless to its finder). */
function checkCardStatus(card: CardRow): Refusal | null {
  if (card.status === "blocked") return { reason: "card-blocked", text: "The card is blocked (reported lost or stolen): nothing may be loaded on it." };
  if (card.status === "terminated")
    return { reason: "card-terminated", text: "The card has been terminated (replaced by a reissued card): nothing may be loaded on it." };
  // Every new card but a temporary one waits for its cardholder: nothing is loaded or reloaded on it before
  // the activation, so a card intercepted on its way carries none of the cardholder's applications.
  if (card.status === "issued")
    return {
      reason: "other",
      text: "The card has not been activated by its cardholder yet: the cardholder activates it in the portal (or at the issuer's desk), then load or reload.",
    };
  return null;
}

/**
 * A card whose key chain passes a version declared compromised has no signed update to the current key
 * (key-history.ts): it must meet the issuer (ISD channel, card-reader.ts) before a token it can check exists.
 */
async function checkCardKeys(tx: Tx, issuerCompanyId: string, card: CardRow): Promise<Refusal | null> {
  return examineCardKeys(await issuerKeyHistory(tx, issuerCompanyId), card);
}

/** checkCardKeys on the key history read before (every version, newest first). */
function examineCardKeys(history: readonly KeyVersionFacts[], card: { issuerKeyVersion: number }): Refusal | null {
  const current = history.find((k) => k.state === "current")?.version ?? card.issuerKeyVersion;
  if (card.issuerKeyVersion >= current) return null;
  const stuck = [...compromisedVersions(history)].find((v) => v >= card.issuerKeyVersion);
  if (stuck === undefined) return null;
  const hex = (v: number) => v.toString(16).toUpperCase();
  return {
    reason: "other",
    text: `The card still trusts issuer key version ${hex(card.issuerKeyVersion)}; version ${hex(stuck)} was declared compromised, so the card takes key ${hex(current)} only at the issuer (its secure channel): load after that.`,
  };
}

type KeyVersionFacts = Pick<IssuerKeyVersion, "version" | "state" | "keyUpdate">;

type GrantInput = {
  issuerCompanyId: string;
  provider: ProviderRow;
  application: ApplicationRow;
  card: CardRow;
  requestMessageId: string;
  platformType: 100 | 200;
  loadFileHash: string;
  originalMessageId: string | null;
  signing: GrantSigning;
  now: Date;
};

/**
 * What a grant is signed and sent with: the grant's sequence number (the token names its message id), the
 * key version that signs, the signed key updates a card that has not learned it takes first (at the desk),
 * the provider's establishment key (tag 87) and the permission lifetime.
 */
type GrantSigning = { sequence: number; key: IssuerKeyVersion; keyUpdates: string[]; establishmentKey: string | undefined; ttlMinutes: number };

/** GrantSigning read one statement at a time (a first load; a reload reads it with its facts, `readReloadFacts`). */
async function readGrantSigning(tx: Tx, issuerCompanyId: string, providerCompanyId: string, card: CardRow): Promise<GrantSigning> {
  const sequence = await allocateSequence(tx, { issuerCompanyId, providerCompanyId, direction: "I" });
  const policy = await readPolicy(tx);
  // Signed with the current key version; a card that has not learned it takes the signed updates first (at the desk).
  const key = await currentIssuerKey(tx, issuerCompanyId);
  const keyUpdates = card.issuerKeyVersion < key.version ? await keyUpdatesFrom(tx, issuerCompanyId, card.issuerKeyVersion) : [];
  const establishmentKey = await establishmentKeyOf(tx, issuerCompanyId, providerCompanyId);
  return { sequence, key, keyUpdates, establishmentKey, ttlMinutes: policy.permissionTtlMinutes };
}

/** A grant as enqueued: delivered after commit without reading its outbox row back. */
type GrantSent = { outboxId: string; messageId: string; type: "loading-permission-grant" | "reload-permission-grant"; receiverCompanyId: string; jws: string };

/**
 * Grants a card-bound permission. The grant's own message id is the permission's message id
 * (step 807), and the token names it, so the id is allocated first and the grant enqueued under it.
 * Issue 16: the grant's outbox row, the permission and its audit row (their ids chosen here), and the
 * inbox row's result (`ctx.inboxResults`) are one statement; `outcomeOf` says what the message came to.
 */
async function grantPermission(
  tx: Tx,
  input: GrantInput,
  ctx: Pick<HandlerContext<IssuerTx>, "inboxResults">,
  outcomeOf: (grant: GrantSent) => HandlerOutcome,
): Promise<HandlerOutcome> {
  const { issuerCompanyId, provider, application, card, now } = input;
  const { sequence, key, keyUpdates: issuerKeyUpdates, establishmentKey } = input.signing;
  const messageId = formatMessageId({ issuerCompanyId, providerCompanyId: provider.companyId, direction: "I", sequence });
  const expiresAt = new Date(now.getTime() + input.signing.ttlMinutes * 60_000);
  const reload = input.originalMessageId !== null;
  const token = await signLoadToken(key.privateKeys().signing.privateKeyJwk, {
    messageId,
    cardId: card.cardId,
    expiresAt,
    aid: application.aid,
    loadFileHash: input.loadFileHash,
    originalMessageId: input.originalMessageId,
    establishmentKey,
  });
  const parties = { issuerCompanyId, providerCompanyId: provider.companyId, inReplyTo: input.requestMessageId, now, sequence };
  const common = {
    platformType: input.platformType,
    applicationId: application.aid,
    loadFileHash: input.loadFileHash,
    permissionToken: toBase64Url(token),
    ...(issuerKeyUpdates.length ? { issuerKeyUpdates } : {}),
    expiresAt: expiresAt.toISOString(),
  };
  const prepared = reload
    ? await prepareMessages([
        { type: "reload-permission-grant" as const, parties, body: { ...common, kind: "reload" as const, originalMessageId: input.originalMessageId! } },
      ])
    : await prepareMessages([{ type: "loading-permission-grant" as const, parties, body: { ...common, kind: "first-load" as const } }]);
  const sent = prepared.enqueued[0]!;
  if (sent.messageId !== messageId) throw new Error(`grant enqueued as ${sent.messageId}, token names ${messageId}`);
  const permissionId = randomUUID();
  const audit = auditInsertSql([
    {
      actor: EXCHANGE_ACTOR,
      action: reload ? "permission.reload-grant" : "permission.grant",
      subjectType: "loading-permission",
      subjectId: permissionId,
      reason: reload ? auditReason("reload-granted", { originalMessageId: input.originalMessageId! }) : auditReason("permission-granted", {}),
      data: {
        messageId,
        provider: provider.companyId,
        aid: application.aid,
        cardId: card.cardId,
        requestMessageId: input.requestMessageId,
        expiresAt: expiresAt.toISOString(),
      },
    },
  ]);
  const grant: GrantSent = { outboxId: sent.outboxId, messageId, type: sent.type, receiverCompanyId: sent.receiverCompanyId, jws: sent.jws };
  const result = outcomeOf(grant);
  const inboxResult = ctx.inboxResults?.([result]) ?? null;
  const [written] = await tx.$queryRaw<{ outbox: number; permission: number }[]>`
    WITH o AS (${prepared.insert}),
    p AS (
      INSERT INTO iss_loading_permissions (id, message_id, request_message_id, provider_id, application_id, card_id, kind, original_message_id,
                                           status, token, issuer_key_version, load_file_hash, expires_at, decided_at)
      VALUES (${permissionId}::uuid, ${messageId}, ${input.requestMessageId}, ${provider.id}::uuid, ${application.id}::uuid, ${card.id}::uuid,
              ${reload ? "reload" : "first_load"}::"PermissionKind", ${input.originalMessageId}::text, 'granted', ${Buffer.from(token)},
              ${key.version}::int, ${input.loadFileHash}, ${expiresAt}, ${now})
      RETURNING id),
    a AS (${audit})
    ${inboxResult ? Prisma.sql`, i AS (${inboxResult})` : Prisma.empty}
    SELECT (SELECT count(*)::int FROM o) AS outbox, (SELECT count(*)::int FROM p) AS permission`;
  if (written?.outbox !== 1 || written.permission !== 1) throw new Error(`grant ${messageId}: not written`);
  return inboxResult ? { ...result, resultWritten: true } : result;
}

/**
 * The key that may give the provider's application its own keys on the card (docs/card.md "A provider
 * application's own keys"): the provider's newest message-signing key in the issuer's trust store, the
 * key its requests are signed with. Named in the load token (tag 87), it makes the key agreement after
 * INSTALL authenticated; undefined (the application can be installed, never keyed) if none is trusted.
 */
async function establishmentKeyOf(tx: Pick<Tx, "trustedKey">, issuerCompanyId: string, providerCompanyId: string): Promise<string | undefined> {
  const row = await tx.trustedKey.findFirst({
    where: { ownerCompanyId: issuerCompanyId, companyId: providerCompanyId },
    orderBy: [{ addedAt: "desc" }, { kid: "desc" }],
    select: { publicJwk: true },
  });
  return establishmentKeyFrom(row ? (row.publicJwk as JsonWebKey) : null, providerCompanyId);
}

/** The establishment key (hex) from the trusted key's JWK read before. */
function establishmentKeyFrom(jwk: JsonWebKey | null, providerCompanyId: string): string | undefined {
  return jwk ? toHex(publicKeyFromJwk(jwk, `trusted key of ${providerCompanyId}`)) : undefined;
}

/** The card-bound load token the card checks (GP delegated management token, docs/card.md). */
function signLoadToken(
  signingKey: JsonWebKey,
  input: {
    messageId: string;
    cardId: string;
    expiresAt: Date;
    aid: string;
    loadFileHash: string;
    originalMessageId: string | null;
    establishmentKey: string | undefined;
  },
) {
  return signPermission(signingKey, {
    ...(input.establishmentKey !== undefined ? { establishmentKey: input.establishmentKey } : {}),
    operation: "load",
    messageId: input.messageId,
    cardBinding: cardBinding(input.cardId, input.messageId),
    expiresAt: input.expiresAt,
    aid: input.aid,
    loadFileHash: input.loadFileHash,
    kind: input.originalMessageId !== null ? "reload" : "first-load",
    originalMessageId: input.originalMessageId,
  });
}

/** Days a reload permission pushed with a reissuance notification stays valid (the cardholder comes when they can). */
export const PUSHED_RELOAD_PERMISSION_DAYS = 30;

/**
 * Issue 12, fewer round trips: reload permissions handed over inside an answer (a pushed notification,
 * a pull answer, a Fig. 15 "reissue OK"), one per load still to reload, bound to `card`, each under its
 * own message id. The same checks as a reload-permission-request (contract, application approved, the
 * card active, the original this provider's, confirmed, on an earlier card of the chain, not reloaded);
 * a load that fails one simply gets no permission, and the desk asks as before. Filed as granted
 * permissions whose request is the permission itself (the provider asked nothing).
 */
export async function grantCarriedReloads(
  tx: Tx,
  input: {
    issuerCompanyId: string;
    providerCompanyId: string;
    card: { id: string; cardId: string; status: string; issuerKeyVersion: number };
    originalMessageIds: readonly string[];
    expiresAt: Date;
    carrier: string;
    now: Date;
  },
): Promise<CarriedReloadPermission[]> {
  const { now } = input;
  if (input.card.status !== "active" || input.originalMessageIds.length === 0) return [];
  // A card that has not learned the current issuer key needs the signed key updates a requested grant
  // carries: its desk asks as before.
  const key = await currentIssuerKey(tx, input.issuerCompanyId);
  if (input.card.issuerKeyVersion < key.version) return [];
  const contract = await checkContract(tx, input.providerCompanyId, now);
  if (!contract.ok) return [];
  const provider = contract.provider;
  const links = await earlierCards(tx, input.card);
  const earlier = new Set(links.map((l) => l.oldCard.id));
  const originals = await tx.loadingPermission.findMany({
    where: {
      messageId: { in: [...input.originalMessageIds] },
      providerId: provider.id,
      status: "confirmed",
      reloads: { none: { kind: "reload", status: "confirmed" } },
    },
    select: { messageId: true, cardId: true, application: { select: { id: true, aid: true, name: true, providerId: true, status: true, loadFileHash: true } } },
    orderBy: { messageId: "asc" },
  });
  const carried: CarriedReloadPermission[] = [];
  const establishmentKey = originals.length ? await establishmentKeyOf(tx, input.issuerCompanyId, provider.companyId) : undefined;
  for (const original of originals) {
    const application = original.application;
    if (!application || application.providerId !== provider.id || application.status !== "approved" || !original.cardId || !earlier.has(original.cardId))
      continue;
    const already = await tx.cardApplication.findFirst({
      where: { cardId: input.card.id, applicationId: application.id, status: "loaded" },
      select: { id: true },
    });
    if (already) continue;
    const sequence = await allocateSequence(tx, { issuerCompanyId: input.issuerCompanyId, providerCompanyId: provider.companyId, direction: "I" });
    const messageId = formatMessageId({ issuerCompanyId: input.issuerCompanyId, providerCompanyId: provider.companyId, direction: "I", sequence });
    const token = await signLoadToken(key.privateKeys().signing.privateKeyJwk, {
      messageId,
      cardId: input.card.cardId,
      expiresAt: input.expiresAt,
      aid: application.aid,
      loadFileHash: application.loadFileHash,
      originalMessageId: original.messageId,
      establishmentKey,
    });
    const row = await tx.loadingPermission.create({
      data: {
        messageId,
        requestMessageId: messageId,
        providerId: provider.id,
        applicationId: application.id,
        cardId: input.card.id,
        kind: "reload",
        originalMessageId: original.messageId,
        status: "granted",
        token: new Uint8Array(token),
        issuerKeyVersion: key.version,
        loadFileHash: application.loadFileHash,
        expiresAt: input.expiresAt,
        decidedAt: now,
      },
      select: { id: true },
    });
    await recordAudit(tx, {
      actor: EXCHANGE_ACTOR,
      action: "permission.reload-grant",
      subjectType: "loading-permission",
      subjectId: row.id,
      reason: auditReason("reload-granted", { originalMessageId: original.messageId, carrier: input.carrier }),
      data: {
        messageId,
        provider: provider.companyId,
        aid: application.aid,
        cardId: input.card.cardId,
        carrier: input.carrier,
        expiresAt: input.expiresAt.toISOString(),
      },
    });
    carried.push({
      messageId,
      applicationId: application.aid,
      originalMessageId: original.messageId,
      loadFileHash: application.loadFileHash,
      permissionToken: toBase64Url(token),
      expiresAt: input.expiresAt.toISOString(),
    });
  }
  return carried;
}

type RefuseInput = {
  issuerCompanyId: string;
  providerCompanyId: string;
  provider: ProviderRow | null;
  applicationId: string | null;
  aid: string;
  card: CardRow | null;
  requestMessageId: string;
  platformType: 100 | 200;
  originalMessageId: string | null;
  /** A reload's original is a permission on file (any provider's): the refused reload's row may refer to it. */
  originalExists: boolean;
  /** The refusal's sequence number when taken already (a reload's, with its facts). */
  sequence?: number;
  refusal: Refusal;
  now: Date;
};

/** Refuses with the reason code and a sentence for the provider's operator, and keeps the refusal on file. */
async function refusePermission(tx: Tx, input: RefuseInput) {
  const parties = {
    issuerCompanyId: input.issuerCompanyId,
    providerCompanyId: input.providerCompanyId,
    inReplyTo: input.requestMessageId,
    now: input.now,
    sequence: input.sequence,
  };
  const text = clip(input.refusal.text);
  const sent =
    input.originalMessageId !== null
      ? await enqueueMessage(tx, "reload-permission-refusal", parties, {
          platformType: input.platformType,
          kind: "reload",
          applicationId: input.aid,
          originalMessageId: input.originalMessageId,
          reason: input.refusal.reason,
          text,
        })
      : await enqueueMessage(tx, "loading-permission-refusal", parties, {
          platformType: input.platformType,
          kind: "first-load",
          applicationId: input.aid,
          reason: input.refusal.reason,
          text,
        });
  let subjectId = sent.messageId;
  // A refused reload is kept as a permission row only when the permission it names exists (the row
  // refers to it); a reference to nothing stays in the audit trail.
  const reload = input.originalMessageId !== null;
  if (input.provider && (!reload || input.originalExists)) {
    // The refusal's message id files it, like a grant's (Fig. 17 keeps refusals too).
    const row = await tx.loadingPermission.create({
      data: {
        messageId: sent.messageId,
        requestMessageId: input.requestMessageId,
        providerId: input.provider.id,
        applicationId: input.applicationId,
        cardId: input.card?.id ?? null,
        kind: reload ? "reload" : "first_load",
        originalMessageId: input.originalMessageId,
        status: "refused",
        refusalCode: input.refusal.reason,
        refusalReason: text,
        decidedAt: input.now,
      },
      select: { id: true },
    });
    subjectId = row.id;
  }
  await recordAudit(tx, {
    actor: EXCHANGE_ACTOR,
    action: input.originalMessageId !== null ? "permission.reload-refuse" : "permission.refuse",
    subjectType: "loading-permission",
    subjectId,
    reason: auditReason("permission-refused", { refusal: input.refusal.reason }),
    data: {
      messageId: sent.messageId,
      provider: input.providerCompanyId,
      aid: input.aid,
      requestMessageId: input.requestMessageId,
      originalMessageId: input.originalMessageId,
    },
  });
  return { outboxId: sent.outboxId, messageId: sent.messageId, type: sent.type };
}

const asPlatform = (p: number): 100 | 200 => (p === 200 ? 200 : 100);

/**
 * The AP loading permission (DESIGN.md flow 2): contract, registration and approval of the
 * application, the exact load file, and a card that can take it. Grant a card-bound permission
 * under a new message id, or refuse with the reason.
 */
export async function decideLoadingPermission(message: MessageOf<"loading-permission-request">, ctx: HandlerContext<IssuerTx>): Promise<HandlerOutcome> {
  const { tx, now } = ctx;
  const providerCompanyId = message.header.senderCompanyId;
  const platformType = asPlatform(message.platformType);
  const base = {
    issuerCompanyId: ctx.receiverCompanyId,
    providerCompanyId,
    aid: message.applicationId,
    requestMessageId: message.header.messageId,
    platformType,
    originalMessageId: null,
    originalExists: false,
    now,
  };

  const contract = await checkContract(tx, providerCompanyId, now);
  if (!contract.ok)
    return refused(
      message.applicationId,
      await refusePermission(tx, { ...base, provider: contract.provider, applicationId: null, card: null, refusal: contract.refusal }),
      contract.refusal,
    );
  const provider = contract.provider;
  const app = await checkApplication(tx, provider, message.applicationId, message.loadFileHash);
  if (!app.ok)
    return refused(
      message.applicationId,
      await refusePermission(tx, { ...base, provider, applicationId: app.application?.id ?? null, card: null, refusal: app.refusal }),
      app.refusal,
    );
  const found = await findReferencedCard(tx, message, ctx.receiverCompanyId);
  if (!found.ok) {
    const refusal = { reason: found.reason, text: found.text };
    return refused(message.applicationId, await refusePermission(tx, { ...base, provider, applicationId: app.application.id, card: null, refusal }), refusal);
  }
  const card = found.card;
  const cardRefusal = checkCardStatus(card) ?? (await checkCardKeys(tx, ctx.receiverCompanyId, card));
  if (cardRefusal)
    return refused(
      message.applicationId,
      await refusePermission(tx, { ...base, provider, applicationId: app.application.id, card, refusal: cardRefusal }),
      cardRefusal,
    );
  const already = await tx.cardApplication.findFirst({ where: { cardId: card.id, applicationId: app.application.id, status: "loaded" }, select: { id: true } });
  if (already) {
    const refusal: Refusal = { reason: "other", text: `${app.application.name} is already on this card: there is nothing to load.` };
    return refused(message.applicationId, await refusePermission(tx, { ...base, provider, applicationId: app.application.id, card, refusal }), refusal);
  }

  return grantPermission(
    tx,
    {
      issuerCompanyId: ctx.receiverCompanyId,
      provider,
      application: app.application,
      card,
      requestMessageId: message.header.messageId,
      platformType,
      loadFileHash: message.loadFileHash,
      originalMessageId: null,
      signing: await readGrantSigning(tx, ctx.receiverCompanyId, provider.companyId, card),
      now,
    },
    ctx,
    (grant) => ({
      outcome: outcome("permission-granted", { kind: "first-load", aid: message.applicationId, messageId: grant.messageId, originalMessageId: null }),
      enqueued: [grant],
      data: { decision: "granted", messageId: grant.messageId },
    }),
  );
}

function refused(
  aid: string,
  sent: { outboxId: string; messageId: string; type: "loading-permission-refusal" | "reload-permission-refusal" },
  refusal: Refusal,
): HandlerOutcome {
  // The refusal's text travels in the signed refusal message (its content on the messages page); the outcome keeps the code.
  return {
    outcome: outcome("permission-refused", {
      kind: sent.type === "reload-permission-refusal" ? "reload" : "first-load",
      aid,
      reason: refusal.reason,
      messageId: sent.messageId,
    }),
    enqueued: [sent],
    data: { decision: "refused", reason: refusal.reason, messageId: sent.messageId },
  };
}

/** What deciding a reload-permission request reads, in one statement with its reply's sequence number (`readReloadFacts`). */
type ReloadFacts = {
  /** The reply's sequence number (a grant's token names its message id; a refusal is sent under it too). */
  sequence: number;
  provider: ProviderRow | null;
  /** The application registered under the requested AID (any provider's). */
  application: ApplicationRow | null;
  /** The card the request names (null when the reference did not open, or no card has that id). */
  card: CardRow | null;
  /** The earlier cards of the card's reissue chain, nearest first (as `earlierCards` walks it). */
  earlierCardIds: string[];
  /** The permission the request names as the original load, whoever's it is. */
  original: { providerId: string; cardId: string | null; status: string; aid: string | null } | null;
  /** Another reload of the original, confirmed already (its message id). */
  reloadedUnder: string | null;
  /** The application is on the card already (a live iss_card_applications row). */
  isLoaded: boolean;
  /** Every issuer key version, newest first (empty before the first rotation: the configured version). */
  keyVersions: (KeyVersionFacts & { fingerprint: string })[];
  /** The provider's newest message-signing key in the issuer's trust store (the load token's tag 87). */
  establishmentJwk: JsonWebKey | null;
  permissionTtlMinutes: number;
};

type ReloadFactRow = {
  sequence: bigint;
  provider_id: string | null;
  provider_company_id: string | null;
  provider_name: string | null;
  contract_no: string | null;
  contract_status: ProviderRow["contractStatus"] | null;
  contract_end: Date | null;
  application_id: string | null;
  application_name: string | null;
  application_provider_id: string | null;
  application_status: ApplicationRow["status"] | null;
  load_file_hash: string | null;
  card_uuid: string | null;
  card_id: string | null;
  surface_number: string | null;
  platform_type: number | null;
  card_status: CardRow["status"] | null;
  cardholder_id: string | null;
  card_public_key_jwk: CardRow["cardPublicKeyJwk"];
  issuer_key_version: number | null;
  earlier: string[] | null;
  original: ReloadFacts["original"];
  reloaded_under: string | null;
  is_loaded: boolean;
  key_versions: { version: number; state: KeyVersionFacts["state"]; fingerprint: string; keyUpdate: string | null }[] | null;
  establishment_jwk: JsonWebKey | null;
  ttl: number | null;
};

/**
 * Every fact a reload-permission decision needs, in one statement (issue 16: were eleven reads and the
 * sequence number): the reply's sequence number, the provider and its contract, the application
 * registered under the AID, the card named (by the card id its reference opened to), its reissue chain
 * back (recursive, as `earlierCards` walks it), the original permission with its AID, another confirmed
 * reload of it, whether the application is on the card already, the issuer's key versions (the card-key
 * check, the version that signs, the signed key updates), the provider's newest trusted key and the
 * permission lifetime.
 */
async function readReloadFacts(
  tx: Tx,
  ask: { issuerCompanyId: string; providerCompanyId: string; aid: string; cardId: string | null; originalMessageId: string },
): Promise<ReloadFacts> {
  const { issuerCompanyId, providerCompanyId } = ask;
  const [r] = await tx.$queryRaw<ReloadFactRow[]>`
    WITH RECURSIVE
      seq AS (${allocateSequenceSql({ issuerCompanyId, providerCompanyId, direction: "I" }, Prisma.sql`(SELECT 1) AS always`)}),
      card AS (SELECT c.* FROM iss_cards c WHERE c.card_id = ${ask.cardId}::text),
      chain(depth, old_id, path) AS (
        SELECT 0, l.old_card_id, ARRAY[card.id, l.old_card_id]
          FROM card JOIN iss_reissue_links l ON l.reissued_card_id = card.id AND l.old_card_id <> card.id
        UNION ALL
        SELECT ch.depth + 1, l.old_card_id, ch.path || l.old_card_id
          FROM chain ch JOIN iss_reissue_links l ON l.reissued_card_id = ch.old_id
         WHERE ch.depth + 1 < ${MAX_CHAIN_DEPTH} AND NOT l.old_card_id = ANY(ch.path))
    SELECT (SELECT last_value FROM seq) AS sequence,
           sp.id::text AS provider_id, sp.company_id AS provider_company_id, sp.name AS provider_name, sp.contract_no,
           sp.contract_status::text AS contract_status, sp.contract_end,
           a.id::text AS application_id, a.name AS application_name, a.provider_id::text AS application_provider_id,
           a.status::text AS application_status, a.load_file_hash,
           card.id::text AS card_uuid, card.card_id, card.surface_number, card.platform_type, card.status::text AS card_status,
           card.cardholder_id::text AS cardholder_id, card.card_public_key_jwk, card.issuer_key_version,
           (SELECT array_agg(ch.old_id::text ORDER BY ch.depth) FROM chain ch JOIN iss_cards o ON o.id = ch.old_id) AS earlier,
           (SELECT jsonb_build_object('providerId', p.provider_id, 'cardId', p.card_id, 'status', p.status::text, 'aid', oa.aid)
              FROM iss_loading_permissions p LEFT JOIN iss_applications oa ON oa.id = p.application_id
             WHERE p.message_id = ${ask.originalMessageId}) AS original,
           (SELECT r.message_id FROM iss_loading_permissions r
             WHERE r.original_message_id = ${ask.originalMessageId} AND r.kind = 'reload' AND r.status = 'confirmed' LIMIT 1) AS reloaded_under,
           EXISTS (SELECT 1 FROM iss_card_applications ca WHERE ca.card_id = card.id AND ca.application_id = a.id AND ca.status = 'loaded') AS is_loaded,
           (SELECT jsonb_agg(jsonb_build_object('version', k.version, 'state', k.state::text, 'fingerprint', k.fingerprint,
                                                'keyUpdate', encode(k.key_update, 'hex')) ORDER BY k.version DESC)
              FROM iss_card_keys k WHERE k.issuer_company_id = ${issuerCompanyId}) AS key_versions,
           (SELECT t.public_jwk FROM xc_trusted_keys t WHERE t.owner_company_id = ${issuerCompanyId} AND t.company_id = ${providerCompanyId}
             ORDER BY t.added_at DESC, t.kid DESC LIMIT 1) AS establishment_jwk,
           (SELECT permission_ttl_minutes FROM iss_policy WHERE id = 1) AS ttl
      FROM (SELECT 1) AS one
      LEFT JOIN iss_service_providers sp ON sp.company_id = ${providerCompanyId}
      LEFT JOIN iss_applications a ON a.aid = ${ask.aid}
      LEFT JOIN card ON true`;
  if (!r) throw new Error("reload permission: no facts read");
  return {
    sequence: Number(r.sequence),
    provider:
      r.provider_id !== null
        ? {
            id: r.provider_id,
            companyId: r.provider_company_id!,
            name: r.provider_name!,
            contractNo: r.contract_no!,
            contractStatus: r.contract_status!,
            contractEnd: r.contract_end,
          }
        : null,
    application:
      r.application_id !== null
        ? {
            id: r.application_id,
            aid: ask.aid,
            name: r.application_name!,
            providerId: r.application_provider_id!,
            status: r.application_status!,
            loadFileHash: r.load_file_hash!,
          }
        : null,
    card:
      r.card_uuid !== null
        ? {
            id: r.card_uuid,
            cardId: r.card_id!,
            surfaceNumber: r.surface_number!,
            platformType: r.platform_type!,
            status: r.card_status!,
            cardholderId: r.cardholder_id!,
            cardPublicKeyJwk: r.card_public_key_jwk,
            issuerKeyVersion: r.issuer_key_version!,
          }
        : null,
    earlierCardIds: r.earlier ?? [],
    original: r.original,
    reloadedUnder: r.reloaded_under,
    isLoaded: r.is_loaded,
    keyVersions: (r.key_versions ?? []).map((k) => ({ ...k, keyUpdate: k.keyUpdate === null ? null : fromHex(k.keyUpdate) })),
    establishmentJwk: r.establishment_jwk,
    // A database without a policy row uses the strictest default (readPolicy).
    permissionTtlMinutes: r.ttl ?? 30,
  };
}

type ReloadExamined =
  | { ok: true; provider: ProviderRow; application: ApplicationRow; card: CardRow }
  | { ok: false; refusal: Refusal; provider: ProviderRow | null; applicationId: string | null; card: CardRow | null };

/**
 * The checks of a reload-permission request in their order, on facts read before; the first that fails
 * is the refusal, with what the refusal is filed under. `reference` is the card reference opened (or why not).
 */
function examineReload(
  facts: ReloadFacts,
  request: { providerCompanyId: string; aid: string; loadFileHash: string; originalMessageId: string; card: CardReference },
  reference: { ok: true } | { ok: false; reason: "attribute-data-invalid" | "card-not-found"; text: string },
  now: Date,
): ReloadExamined {
  const contract = examineContract(facts.provider, request.providerCompanyId, now);
  if (!contract.ok) return { ok: false, refusal: contract.refusal, provider: contract.provider, applicationId: null, card: null };
  const provider = contract.provider;
  const app = examineApplication(facts.application, provider, request.aid, request.loadFileHash);
  if (!app.ok) return { ok: false, refusal: app.refusal, provider, applicationId: app.application?.id ?? null, card: null };
  const application = app.application;
  const found = reference.ok ? referencedCard(facts.card, request.card) : reference;
  if (!found.ok) return { ok: false, refusal: { reason: found.reason, text: found.text }, provider, applicationId: application.id, card: null };
  const card = found.card;
  const refuse = (refusal: Refusal): ReloadExamined => ({ ok: false, refusal, provider, applicationId: application.id, card });
  // Before the first rotation the history is the configured version alone, current (issuerKeyHistory).
  const history = facts.keyVersions.length ? facts.keyVersions : [{ version: ISSUER_KEY_VERSIONS.first, state: "current" as const, keyUpdate: null }];
  const cardRefusal = checkCardStatus(card) ?? examineCardKeys(history, card);
  if (cardRefusal) return refuse(cardRefusal);

  if (facts.earlierCardIds.length === 0)
    return refuse({ reason: "not-a-reissued-card", text: "The card presented is not a reissued card: load the application as a first load instead." });
  const original = facts.original;
  const { originalMessageId } = request;
  // Another provider's permission, another application's, or another card's all read as "not found":
  // the answer never tells a provider about anything that is not its own.
  // Any generation: the original may be on any earlier card of the presented card's reissue chain.
  if (
    !original ||
    original.providerId !== provider.id ||
    original.aid !== application.aid ||
    original.cardId === null ||
    !facts.earlierCardIds.includes(original.cardId)
  ) {
    return refuse({
      reason: "original-not-found",
      text: `${originalMessageId} is not a permission of yours for ${application.aid} on a card this card replaced.`,
    });
  }
  if (original.status !== "confirmed") {
    return refuse({ reason: "original-not-loaded", text: `The permission ${originalMessageId} was granted but the card never confirmed the load.` });
  }
  if (facts.reloadedUnder)
    return refuse({ reason: "other", text: `The load ${originalMessageId} was already reloaded under ${facts.reloadedUnder}; an old load is reloaded once.` });
  if (facts.isLoaded) return refuse({ reason: "other", text: `${application.name} is already on this card: there is nothing to reload.` });
  return { ok: true, provider, application, card };
}

/**
 * DESIGN.md flow 7: a reload on the reissued card, referring to the permission that loaded the
 * application on the old card. No new examination: the reissue link proves the original grant. But
 * every link of that proof is checked: the original is this provider's, for this application,
 * confirmed loaded, on the card the reissue link names as the old card of the card presented.
 *
 * Issue 16: the card reference opened (no statement once the process holds the issuer's key history),
 * then every fact read with the reply's sequence number in one statement (`readReloadFacts`), the
 * checks run on them (`examineReload`), and the grant written in one more (`grantPermission`).
 */
export async function decideReloadPermission(message: MessageOf<"reload-permission-request">, ctx: HandlerContext<IssuerTx>): Promise<HandlerOutcome> {
  const { tx, now } = ctx;
  const issuerCompanyId = ctx.receiverCompanyId;
  const providerCompanyId = message.header.senderCompanyId;
  const platformType = asPlatform(message.platformType);
  const originalMessageId = message.originalMessageId;

  const reference = await openCardReference(tx, message, issuerCompanyId);
  const facts = await readReloadFacts(tx, {
    issuerCompanyId,
    providerCompanyId,
    aid: message.applicationId,
    cardId: reference.ok ? reference.cardId : null,
    originalMessageId,
  });
  const examined = examineReload(
    facts,
    { providerCompanyId, aid: message.applicationId, loadFileHash: message.loadFileHash, originalMessageId, card: message },
    reference,
    now,
  );
  if (!examined.ok) {
    const sent = await refusePermission(tx, {
      issuerCompanyId,
      providerCompanyId,
      aid: message.applicationId,
      requestMessageId: message.header.messageId,
      platformType,
      originalMessageId,
      originalExists: facts.original !== null,
      sequence: facts.sequence,
      provider: examined.provider,
      applicationId: examined.applicationId,
      card: examined.card,
      refusal: examined.refusal,
      now,
    });
    return refused(message.applicationId, sent, examined.refusal);
  }
  const { provider, application, card } = examined;
  const current = facts.keyVersions.find((k) => k.state === "current") ?? null;
  // The version that signs, from the history this process holds (read again only for a version made since).
  const key = await issuerKeyAt(tx, issuerCompanyId, current && { version: current.version, fingerprint: current.fingerprint });
  // A card that has not learned it takes the signed updates first (at the desk), in order.
  const keyUpdates =
    card.issuerKeyVersion < key.version
      ? facts.keyVersions
          .filter((k) => k.version > card.issuerKeyVersion && k.keyUpdate !== null)
          .sort((a, b) => a.version - b.version)
          .map((k) => toBase64Url(k.keyUpdate!))
      : [];

  return grantPermission(
    tx,
    {
      issuerCompanyId,
      provider,
      application,
      card,
      requestMessageId: message.header.messageId,
      platformType,
      loadFileHash: message.loadFileHash,
      originalMessageId,
      signing: {
        sequence: facts.sequence,
        key,
        keyUpdates,
        establishmentKey: establishmentKeyFrom(facts.establishmentJwk, providerCompanyId),
        ttlMinutes: facts.permissionTtlMinutes,
      },
      now,
    },
    ctx,
    (grant) => ({
      outcome: outcome("permission-granted", { kind: "reload", aid: message.applicationId, messageId: grant.messageId, originalMessageId }),
      enqueued: [grant],
      data: { decision: "granted", messageId: grant.messageId },
    }),
  );
}

type ConfirmedPermission = {
  id: string;
  messageId: string;
  kind: "first_load" | "reload";
  status: "granted" | "refused" | "confirmed" | "failed";
  originalMessageId: string | null;
  loadFileHash: string | null;
  providerId: string;
  issuerKeyVersion: number | null;
  provider: { companyId: string; name: string };
  application: { id: string; aid: string; name: string } | null;
  card: { id: string; cardId: string; cardPublicKeyJwk: unknown; cardholderId: string; surfaceNumber: string; issuerKeyVersion: number } | null;
  /** Another reload of the same original already confirmed (its message id): an old load is reloaded once. */
  reloadedUnder: string | null;
  /** The application is on the card already (a live iss_card_applications row). */
  isLive: boolean;
  /** The fee schedule in force for the application, else the provider's default (claim 13). */
  fee: { normalLoadFeeMinor: number; reissueReloadFeeMinor: number; currency: string } | null;
};

/**
 * A provider's load confirmation: the card's receipt is checked with the card's own public key
 * recorded at personalisation against exactly this permission (card binding, message id, AID, load
 * file). Only then is the application on the card in the issuer's records, and charged: a normal
 * load, or a reissue reload at the distinct reissue fee (claim 13). Idempotent.
 *
 * Issue 16, two statements on the usual path: one read (the permission locked, with its provider,
 * application and card, another confirmed reload of the same original, the application already live on
 * the card, the fee in force), the receipt checked, then one write (the permission confirmed, the card's
 * key version, the application on the card, the charge, the cardholder's notice, the audit rows).
 */
export async function recordLoadConfirmation(message: MessageOf<"load-confirmation">, ctx: HandlerContext<IssuerTx>): Promise<HandlerOutcome> {
  const { tx, now } = ctx;
  const providerCompanyId = message.header.senderCompanyId;
  // Locked: two confirmations of one permission (two message ids) are taken one after the other.
  const [permission] = await tx.$queryRaw<ConfirmedPermission[]>`
    SELECT p.id::text AS id, p.message_id AS "messageId", p.kind::text AS kind, p.status::text AS status, p.original_message_id AS "originalMessageId",
           p.load_file_hash AS "loadFileHash", p.provider_id::text AS "providerId", p.issuer_key_version AS "issuerKeyVersion",
           json_build_object('companyId', sp.company_id, 'name', sp.name) AS provider,
           CASE WHEN a.id IS NULL THEN NULL ELSE json_build_object('id', a.id, 'aid', a.aid, 'name', a.name) END AS application,
           CASE WHEN c.id IS NULL THEN NULL ELSE json_build_object('id', c.id, 'cardId', c.card_id, 'cardPublicKeyJwk', c.card_public_key_jwk, 'cardholderId', c.cardholder_id,
             'surfaceNumber', c.surface_number, 'issuerKeyVersion', c.issuer_key_version) END AS card,
           (SELECT o.message_id FROM iss_loading_permissions o
             WHERE p.kind = 'reload' AND o.original_message_id = p.original_message_id AND o.kind = 'reload' AND o.status = 'confirmed' AND o.id <> p.id
             LIMIT 1) AS "reloadedUnder",
           EXISTS (SELECT 1 FROM iss_card_applications ca WHERE ca.card_id = p.card_id AND ca.application_id = p.application_id AND ca.status = 'loaded') AS "isLive",
           (SELECT json_build_object('normalLoadFeeMinor', f.normal_load_fee_minor, 'reissueReloadFeeMinor', f.reissue_reload_fee_minor, 'currency', f.currency)
              FROM iss_fee_schedules f
             WHERE f.provider_id = p.provider_id AND (f.application_id = p.application_id OR f.application_id IS NULL) AND f.valid_from <= ${now}
             ORDER BY f.application_id IS NULL, f.valid_from DESC LIMIT 1) AS fee
      FROM iss_loading_permissions p
      JOIN iss_service_providers sp ON sp.id = p.provider_id
      LEFT JOIN iss_applications a ON a.id = p.application_id
      LEFT JOIN iss_cards c ON c.id = p.card_id
     WHERE p.message_id = ${message.permissionMessageId}
       FOR UPDATE OF p`;
  if (!permission || permission.provider.companyId !== providerCompanyId || !permission.application || !permission.card) {
    return { outcome: outcome("confirmation-unknown-permission", { messageId: message.permissionMessageId }), data: { result: "unknown-permission" } };
  }
  const { application, card } = permission;
  if (application.aid !== message.applicationId) {
    return {
      outcome: outcome("confirmation-wrong-application", { messageId: permission.messageId, aid: message.applicationId, permittedAid: application.aid }),
      data: { result: "application-mismatch" },
    };
  }
  if (permission.status === "confirmed")
    return { outcome: outcome("confirmation-repeated", { messageId: permission.messageId }), data: { result: "already-confirmed" } };
  if (permission.status === "refused")
    return { outcome: outcome("confirmation-of-refusal", { messageId: permission.messageId }), data: { result: "refused-permission" } };
  const auditOf = (action: string, reason: AuditReason, data: Prisma.InputJsonValue = {}): AuditInput => ({
    actor: EXCHANGE_ACTOR,
    action,
    subjectType: "loading-permission",
    subjectId: permission.id,
    reason,
    data,
  });
  const audit = (action: string, reason: AuditReason, data: Prisma.InputJsonValue = {}) => recordAudit(tx, auditOf(action, reason, data));

  if (message.outcome.status === "failed") {
    if (permission.status === "granted") {
      await tx.loadingPermission.update({ where: { id: permission.id }, data: { status: "failed" } });
      await audit("permission.load-failed", auditReason("load-failed", { sw: message.outcome.statusWord }), {
        statusWord: message.outcome.statusWord,
      });
    }
    return { outcome: outcome("load-failed", { messageId: permission.messageId, statusWord: message.outcome.statusWord }), data: { result: "failed" } };
  }

  const receiptBytes = fromBase64Url(message.outcome.receipt);
  const verified = await verifyReceipt(receiptBytes, card.cardPublicKeyJwk as JsonWebKey, {
    operation: "load",
    messageId: permission.messageId,
    cardBinding: cardBinding(card.cardId, permission.messageId),
    aid: application.aid,
    loadFileHash: permission.loadFileHash!,
  });
  if (!verified.ok) {
    // Why, as the verifier's code (rendered in the reader's language); its technical detail goes to the log only.
    console.warn(`[exchange] receipt for ${permission.messageId} refused (${verified.error.code}): ${verified.error.detail}`);
    await audit("permission.receipt-refused", auditReason("receipt-refused", { problem: verified.error.code }));
    return { outcome: outcome("receipt-refused", { messageId: permission.messageId }), data: { result: "receipt-refused" } };
  }
  if (permission.kind === "reload" && permission.originalMessageId && permission.reloadedUnder) {
    await tx.loadingPermission.update({ where: { id: permission.id }, data: { status: "failed" } });
    await audit(
      "permission.reload-duplicate",
      auditReason("reload-duplicate", { originalMessageId: permission.originalMessageId, reloadedUnder: permission.reloadedUnder }),
    );
    return {
      outcome: outcome("reload-duplicate", { originalMessageId: permission.originalMessageId, otherMessageId: permission.reloadedUnder }),
      data: { result: "duplicate-reload" },
    };
  }
  // What the provider charged the cardholder, kept when it is the kind of fee this permission calls for.
  const kind = permission.kind === "reload" ? "reissue_reload" : "normal_load";
  const userCharge =
    message.userCharge && message.userCharge.kind === (kind === "reissue_reload" ? "reissue-reload" : "normal-load") ? message.userCharge : null;
  // A reload that carried the old card's value over (shown to the cardholder on the new card).
  const carried = permission.kind === "reload" ? (message.carriedOver ?? null) : null;
  const schedule = permission.fee;
  const fee = schedule
    ? { amountMinor: kind === "normal_load" ? schedule.normalLoadFeeMinor : schedule.reissueReloadFeeMinor, currency: schedule.currency }
    : { amountMinor: 0, currency: "JPY" };
  const audits: AuditInput[] = [];
  if (message.userCharge && !userCharge) {
    audits.push(
      auditOf("permission.user-charge-ignored", auditReason("user-charge-ignored", { chargeKind: message.userCharge.kind, permissionKind: permission.kind }), {
        userCharge: message.userCharge,
      }),
    );
  }
  audits.push(
    auditOf("permission.confirm", auditReason("permission-confirmed", { counter: verified.value.confirmationCounter, kind }), {
      messageId: permission.messageId,
      charge: { kind, amountMinor: fee.amountMinor, currency: fee.currency },
    }),
  );
  // The verified receipt is how the issuer learns of a reload: the cardholder hears of it from here
  // (the sweep of the notice queue sends it; the key makes a second run write no second notice).
  const notices =
    permission.kind === "reload"
      ? noticeRecordset([
          {
            cardholderId: card.cardholderId,
            notice: {
              code: "application-reloaded",
              params: {
                last4: card.surfaceNumber.slice(-4),
                application: application.name.slice(0, 80),
                provider: permission.provider.name.slice(0, 80),
                ...(userCharge ? { charge: { amountMinor: userCharge.amountMinor, currency: userCharge.currency } } : {}),
              },
            },
            key: `application-reloaded:${permission.id}`,
            now,
          },
        ])
      : "[]";
  // The card accepted a token signed with this key version: it holds that version (or a later one) now.
  const keyVersion = permission.issuerKeyVersion !== null && permission.issuerKeyVersion > card.issuerKeyVersion ? permission.issuerKeyVersion : null;
  const confirmedOutcome: HandlerOutcome = {
    outcome: outcome("load-confirmed", {
      application: application.name.slice(0, 200),
      messageId: permission.messageId,
      kind,
      amountMinor: fee.amountMinor,
      currency: fee.currency,
    }),
    data: { result: "confirmed", kind },
  };
  // The inbox row's result written with the rest (issue 16: the inbox does not send it after).
  const inboxResult = ctx.inboxResults?.([confirmedOutcome]) ?? null;
  // One statement: every write of the confirmation (each CTE runs whether or not it is read).
  await tx.$executeRaw`
    WITH confirmed AS (
      UPDATE iss_loading_permissions
         SET status = 'confirmed', receipt = ${Buffer.from(receiptBytes)}, confirmation_counter = ${verified.value.confirmationCounter}, confirmed_at = ${now},
             user_charge_kind = coalesce(${userCharge ? kind : null}::"ChargeKind", user_charge_kind),
             user_charge_minor = coalesce(${userCharge?.amountMinor ?? null}::int, user_charge_minor),
             user_charge_currency = coalesce(${userCharge?.currency ?? null}::text, user_charge_currency)
       WHERE id = ${permission.id}::uuid
      RETURNING id),
    key_version AS (
      UPDATE iss_cards SET issuer_key_version = ${keyVersion}::int
       WHERE id = ${card.id}::uuid AND ${keyVersion}::int IS NOT NULL AND issuer_key_version < ${keyVersion}::int),
    on_card AS (
      INSERT INTO iss_card_applications (id, card_id, application_id, permission_id, status, loaded_at, carried_over_minor, carried_over_unit)
      SELECT ${randomUUID()}::uuid, ${card.id}::uuid, ${application.id}::uuid, confirmed.id, 'loaded', ${now}, ${carried?.valueMinor ?? null}::int, ${carried?.unit ?? null}::text
        FROM confirmed WHERE NOT ${permission.isLive}::boolean),
    charge AS (
      INSERT INTO iss_provider_charges (id, provider_id, permission_id, kind, amount_minor, currency, charged_at)
      SELECT ${randomUUID()}::uuid, ${permission.providerId}::uuid, confirmed.id, ${kind}::"ChargeKind", ${fee.amountMinor}::int, ${fee.currency}, ${now}
        FROM confirmed),
    notice AS (
      INSERT INTO iss_cardholder_notices (id, cardholder_id, code, params, idempotency_key, created_at)
      SELECT x.id, x.cardholder_id, x.code, x.params, x.idempotency_key, x.created_at
        FROM jsonb_to_recordset(${notices}::jsonb) AS x(id uuid, cardholder_id uuid, code text, params jsonb, idempotency_key text, created_at timestamptz)
      ON CONFLICT (idempotency_key) DO NOTHING)
    ${inboxResult ? Prisma.sql`, inbox AS (${inboxResult})` : Prisma.empty}
    INSERT INTO iss_audit_log (actor_user_id, actor_label, action, subject_type, subject_id, reason, note, data)
    SELECT x.actor_user_id, x.actor_label, x.action, x.subject_type, x.subject_id, x.reason, x.note, x.data
      FROM jsonb_to_recordset(${auditRecordset(audits)}::jsonb)
        AS x(actor_user_id uuid, actor_label text, action text, subject_type text, subject_id text, reason jsonb, note text, data jsonb)`;
  return inboxResult ? { ...confirmedOutcome, resultWritten: true } : confirmedOutcome;
}
