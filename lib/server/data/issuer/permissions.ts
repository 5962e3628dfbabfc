import "server-only";
import type { IssuerTx } from "./db";
import { randomUUID } from "node:crypto";
import { noticeRecordset } from "../../notices/notices";
import { fromBase64Url, toBase64Url, toHex } from "@/lib/core/bytes";
import { cardBinding, publicKeyFromJwk, signPermission, verifyReceipt } from "@/lib/core/card";
import { formatMessageId } from "@/lib/core/message-id";
import { outcome, type CarriedReloadPermission, type MessageOf, type PermissionRefusalReason } from "@/lib/core/messages";
import { Prisma } from "./db";
import { allocateSequence } from "../../exchange/message-ids";
import { enqueueMessage, prepareMessages } from "../../exchange/outbox";
import type { HandlerContext, HandlerOutcome } from "../../exchange/types";
import { compromisedVersions, currentIssuerKey, issuerKeyHistory, keyUpdatesFrom } from "../../issuer/key-history";
import { auditReason, type AuditReason } from "@/lib/core/audit-reason";
import { auditInsertSql, auditRecordset, recordAudit, type AuditInput } from "./audit";
import { earlierCards } from "./reissue-chain";
import { EXCHANGE_ACTOR, findReferencedCard, readPolicy, type CardRow } from "./shared";

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
async function checkContract(
  tx: Tx,
  providerCompanyId: string,
  now: Date,
): Promise<{ ok: true; provider: ProviderRow } | { ok: false; refusal: Refusal; provider: ProviderRow | null }> {
  const provider = await tx.serviceProvider.findUnique({
    where: { companyId: providerCompanyId },
    select: { id: true, companyId: true, name: true, contractNo: true, contractStatus: true, contractEnd: true },
  });
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
async function checkApplication(
  tx: Tx,
  provider: ProviderRow,
  aid: string,
  loadFileHash: string,
): Promise<{ ok: true; application: ApplicationRow } | { ok: false; refusal: Refusal; application: ApplicationRow | null }> {
  const application = await tx.registeredApplication.findUnique({
    where: { aid },
    select: { id: true, aid: true, name: true, providerId: true, status: true, loadFileHash: true },
  });
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
  const history = await issuerKeyHistory(tx, issuerCompanyId);
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

type GrantInput = {
  issuerCompanyId: string;
  provider: ProviderRow;
  application: ApplicationRow;
  card: CardRow;
  requestMessageId: string;
  platformType: 100 | 200;
  loadFileHash: string;
  originalMessageId: string | null;
  now: Date;
};

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
  const sequence = await allocateSequence(tx, { issuerCompanyId, providerCompanyId: provider.companyId, direction: "I" });
  const messageId = formatMessageId({ issuerCompanyId, providerCompanyId: provider.companyId, direction: "I", sequence });
  const policy = await readPolicy(tx);
  const expiresAt = new Date(now.getTime() + policy.permissionTtlMinutes * 60_000);
  const reload = input.originalMessageId !== null;
  // Signed with the current key version; a card that has not learned it takes the signed updates first (at the desk).
  const key = await currentIssuerKey(tx, issuerCompanyId);
  const issuerKeyUpdates = card.issuerKeyVersion < key.version ? await keyUpdatesFrom(tx, issuerCompanyId, card.issuerKeyVersion) : [];
  const establishmentKey = await establishmentKeyOf(tx, issuerCompanyId, provider.companyId);
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
  if (!row) return undefined;
  return toHex(publicKeyFromJwk(row.publicJwk as JsonWebKey, `trusted key of ${providerCompanyId}`));
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
  refusal: Refusal;
  now: Date;
};

/** Refuses with the reason code and a sentence for the provider's operator, and keeps the refusal on file. */
async function refusePermission(tx: Tx, input: RefuseInput) {
  const parties = { issuerCompanyId: input.issuerCompanyId, providerCompanyId: input.providerCompanyId, inReplyTo: input.requestMessageId, now: input.now };
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
  const originalExists = reload && (await tx.loadingPermission.count({ where: { messageId: input.originalMessageId! } })) > 0;
  if (input.provider && (!reload || originalExists)) {
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

/**
 * DESIGN.md flow 7: a reload on the reissued card, referring to the permission that loaded the
 * application on the old card. No new examination: the reissue link proves the original grant. But
 * every link of that proof is checked: the original is this provider's, for this application,
 * confirmed loaded, on the card the reissue link names as the old card of the card presented.
 */
export async function decideReloadPermission(message: MessageOf<"reload-permission-request">, ctx: HandlerContext<IssuerTx>): Promise<HandlerOutcome> {
  const { tx, now } = ctx;
  const providerCompanyId = message.header.senderCompanyId;
  const platformType = asPlatform(message.platformType);
  const originalMessageId = message.originalMessageId;
  const base = {
    issuerCompanyId: ctx.receiverCompanyId,
    providerCompanyId,
    aid: message.applicationId,
    requestMessageId: message.header.messageId,
    platformType,
    originalMessageId,
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
  const application = app.application;
  const found = await findReferencedCard(tx, message, ctx.receiverCompanyId);
  if (!found.ok) {
    const refusal = { reason: found.reason, text: found.text };
    return refused(message.applicationId, await refusePermission(tx, { ...base, provider, applicationId: application.id, card: null, refusal }), refusal);
  }
  const card = found.card;
  const refuse = async (refusal: Refusal) =>
    refused(message.applicationId, await refusePermission(tx, { ...base, provider, applicationId: application.id, card, refusal }), refusal);
  const cardRefusal = checkCardStatus(card) ?? (await checkCardKeys(tx, ctx.receiverCompanyId, card));
  if (cardRefusal) return refuse(cardRefusal);

  const links = await earlierCards(tx, card);
  if (links.length === 0)
    return refuse({ reason: "not-a-reissued-card", text: "The card presented is not a reissued card: load the application as a first load instead." });
  const original = await tx.loadingPermission.findUnique({
    where: { messageId: originalMessageId },
    select: { id: true, providerId: true, cardId: true, status: true, application: { select: { aid: true } } },
  });
  // Another provider's permission, another application's, or another card's all read as "not found":
  // the answer never tells a provider about anything that is not its own.
  // Any generation: the original may be on any earlier card of the presented card's reissue chain.
  if (
    !original ||
    original.providerId !== provider.id ||
    original.application?.aid !== application.aid ||
    !links.some((l) => l.oldCard.id === original.cardId)
  ) {
    return refuse({
      reason: "original-not-found",
      text: `${originalMessageId} is not a permission of yours for ${application.aid} on a card this card replaced.`,
    });
  }
  if (original.status !== "confirmed") {
    return refuse({ reason: "original-not-loaded", text: `The permission ${originalMessageId} was granted but the card never confirmed the load.` });
  }
  const reloaded = await tx.loadingPermission.findFirst({ where: { originalMessageId, kind: "reload", status: "confirmed" }, select: { messageId: true } });
  if (reloaded)
    return refuse({ reason: "other", text: `The load ${originalMessageId} was already reloaded under ${reloaded.messageId}; an old load is reloaded once.` });
  const already = await tx.cardApplication.findFirst({ where: { cardId: card.id, applicationId: application.id, status: "loaded" }, select: { id: true } });
  if (already) return refuse({ reason: "other", text: `${application.name} is already on this card: there is nothing to reload.` });

  return grantPermission(
    tx,
    {
      issuerCompanyId: ctx.receiverCompanyId,
      provider,
      application,
      card,
      requestMessageId: message.header.messageId,
      platformType,
      loadFileHash: message.loadFileHash,
      originalMessageId,
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
