/**
 * Rules that relate fields to each other, checked after the shape (schemas.ts) is known to be right.
 * Each returns the first violation as a Refusal naming the field, or null.
 */
import { assertNever } from "../result";
import { parseMessageId, type MessageIdParts } from "../message-id";
import { PLATFORM_TYPES } from "./platform-type";
import { PLATFORM_SCOPE, SENDER_ROLE } from "./message-types";
import { refusal, type Refusal } from "./refusal";
import {
  RELOAD_ONLY_REFUSAL_REASONS,
  matchMessage,
  type CardBlocked,
  type CardUnblocked,
  type CarriedReloadPermission,
  type ChargeStatement,
  type LoadingPermissionGrant,
  type LoadingPermissionRefusal,
  type LoadingPermissionRequest,
  type Message,
  type ReissuePair,
  type ReloadPermissionGrant,
  type ReloadPermissionRefusal,
  type ReloadPermissionRequest,
} from "./schemas";

/** Field names that hold a card id: never on a platform-200 message (Fig. 15 carries none). */
const CARD_ID_FIELDS = new Set(["cardId", "oldCardId", "reissuedCardId"]);
/** Field names that hold card attribute data: never on a platform-100 message. */
const ATTRIBUTE_DATA_FIELDS = new Set(["cardAttributeData"]);

/** The issuer and provider of the exchange a message belongs to, whichever way it travels. */
function exchangeParties(message: Message): { issuer: string; provider: string } {
  const { header } = message;
  return SENDER_ROLE[header.type] === "issuer"
    ? { issuer: header.senderCompanyId, provider: header.receiverCompanyId }
    : { issuer: header.receiverCompanyId, provider: header.senderCompanyId };
}

function describe(parts: MessageIdParts): string {
  return `${parts.issuerCompanyId}-${parts.providerCompanyId}-${parts.direction}`;
}

/**
 * Checks that a message id referenced in `field` belongs to this issuer/provider pair and was sent in
 * `direction`. The id was already shape-checked by the schema.
 */
function checkReferencedId(id: string, field: string, parties: { issuer: string; provider: string }, direction: "I" | "P", what: string): Refusal | null {
  const parsed = parseMessageId(id);
  if (!parsed.ok) return refusal("invalid-message-id", `${field}: ${parsed.error}`, field);
  const p = parsed.value;
  const expected = `${parties.issuer}-${parties.provider}-${direction}`;
  if (p.issuerCompanyId !== parties.issuer || p.providerCompanyId !== parties.provider || p.direction !== direction) {
    return refusal("message-id-mismatch", `${field} "${id}" must be ${what}, so it must start with ${expected} (it starts with ${describe(p)})`, field);
  }
  return null;
}

/** Message id and reply rules of the header (message-id.ts: direction I = issuer sent it). */
export function checkHeader(message: Message): Refusal | null {
  const { header } = message;
  if (header.senderCompanyId === header.receiverCompanyId) {
    return refusal("message-id-mismatch", "header.receiverCompanyId must differ from header.senderCompanyId", "header.receiverCompanyId");
  }
  const role = SENDER_ROLE[header.type];
  const parties = exchangeParties(message);
  const own = checkReferencedId(
    header.messageId,
    "header.messageId",
    parties,
    role === "issuer" ? "I" : "P",
    `issued by the ${role} ${header.senderCompanyId} (a ${header.type} is sent by the ${role})`,
  );
  if (own) return own;
  if (header.inReplyTo !== undefined) {
    const counterpart = role === "issuer" ? "provider" : "issuer";
    return checkReferencedId(
      header.inReplyTo,
      "header.inReplyTo",
      parties,
      role === "issuer" ? "P" : "I",
      `a message the ${counterpart} ${header.receiverCompanyId} sent to ${header.senderCompanyId}`,
    );
  }
  return null;
}

/**
 * Finds card-id fields on a platform-200 message and attribute data on a platform-100 one, at any
 * depth. Works on raw input too, so a stray card id is reported as the platform mismatch it is
 * rather than as an unknown field.
 */
export function findCardReferenceMismatch(value: unknown, platformType: unknown): Refusal | null {
  const forbidden = platformType === PLATFORM_TYPES.METHOD_2 ? CARD_ID_FIELDS : platformType === PLATFORM_TYPES.METHOD_1 ? ATTRIBUTE_DATA_FIELDS : null;
  if (forbidden === null) return null;
  const walk = (node: unknown, path: string, depth: number): Refusal | null => {
    if (depth > 16 || node === null || typeof node !== "object") return null;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const found = walk(node[i], `${path}[${i}]`, depth + 1);
        if (found) return found;
      }
      return null;
    }
    for (const [key, child] of Object.entries(node)) {
      const field = path === "" ? key : `${path}.${key}`;
      if (forbidden.has(key)) {
        return platformType === PLATFORM_TYPES.METHOD_2
          ? refusal(
              "platform-type-mismatch",
              `${field}: a platform type 200 message never carries a card id (method 2: third parties cannot read it; Fig. 15)`,
              field,
            )
          : refusal("platform-type-mismatch", `${field}: a platform type 100 message carries the card id, not card attribute data (method 1, step 405)`, field);
      }
      const found = walk(child, field, depth + 1);
      if (found) return found;
    }
    return null;
  };
  return walk(value, "", 0);
}

/**
 * Platform type against the message type and its content (Fig. 18: a mismatch is refused, never
 * guessed). 999 passes here on platform-neutral types; dispatch refuses it (step 1802).
 */
export function checkPlatformRules(message: Message): Refusal | null {
  const pf = message.platformType;
  const type = message.header.type;
  // Content first, as the codec does on raw input: the offending field is the better pointer.
  const stray = findCardReferenceMismatch(message, pf);
  if (stray) return stray;
  const scope = PLATFORM_SCOPE[type];
  switch (scope) {
    case "method-1":
      if (pf !== PLATFORM_TYPES.METHOD_1) {
        return refusal(
          "platform-type-mismatch",
          `platformType: a ${type} carries card ids (method 1, Fig. 12), so its platform type must be 100, not ${pf}`,
          "platformType",
        );
      }
      break;
    case "method-2":
      if (pf !== PLATFORM_TYPES.METHOD_2) {
        return refusal(
          "platform-type-mismatch",
          `platformType: a ${type} belongs to method 2 (card id not readable, Fig. 15), so its platform type must be 200, not ${pf}`,
          "platformType",
        );
      }
      break;
    case "neutral":
      break;
    default:
      return assertNever(scope, "platform scope");
  }

  return matchMessage<Refusal | null>(message, {
    "loading-permission-request": checkCardReference,
    "reload-permission-request": checkCardReference,
    "loading-permission-refusal": checkRefusalReasonPlatform,
    "reload-permission-refusal": checkRefusalReasonPlatform,
    // A statement is issued per platform type (the provider books method-1 loads by card id,
    // Fig. 14, and method-2 loads by message id, Fig. 17); the issuer always knows it.
    "charge-statement": (m) =>
      m.platformType === PLATFORM_TYPES.UNKNOWN
        ? refusal("platform-type-mismatch", "platformType: a charge statement covers loads on cards of one known platform type, 100 or 200", "platformType")
        : null,
    "card-blocked": checkHotListReference,
    "card-unblocked": checkHotListReference,
    "reissue-delivery-mode": none,
    "loading-permission-grant": none,
    "reload-permission-grant": none,
    "load-confirmation": none,
    "reissuance-notification": none,
    "reissuance-notification-batch": none,
    "reissuance-information-request": none,
    "reissuance-information-reply": none,
    "card-information-inquiry": none,
    "card-information-reply": none,
  });
}

const none = (): null => null;

/**
 * The hot list names the card the way the platform allows: platform 100 by its card id, platform 200
 * by the receiving provider's own load message ids (no card id ever leaves the issuer for it).
 */
function checkHotListReference(message: CardBlocked | CardUnblocked): Refusal | null {
  const { platformType: pf, cardId, loadMessageIds } = message;
  switch (pf) {
    case PLATFORM_TYPES.METHOD_1:
      if (loadMessageIds !== undefined) {
        return refusal("platform-type-mismatch", "loadMessageIds: a platform type 100 hot list message names the card by its card id", "loadMessageIds");
      }
      return cardId === undefined ? refusal("missing-field", "cardId is required on platform type 100: the hot list names the card id", "cardId") : null;
    case PLATFORM_TYPES.METHOD_2:
      return loadMessageIds === undefined
        ? refusal("missing-field", "loadMessageIds is required on platform type 200: the provider blocks its own load records by message id", "loadMessageIds")
        : null;
    case PLATFORM_TYPES.UNKNOWN:
      return refusal("platform-type-mismatch", "platformType: the issuer knows the platform type of a card it blocks: 100 or 200", "platformType");
    default:
      return assertNever(pf, "platform type");
  }
}

/** Load message ids are the receiving provider's permissions, each listed once; the block is not dated after sending. */
function checkHotListBody(message: CardBlocked | CardUnblocked, parties: { issuer: string; provider: string }): Refusal | null {
  const seen = new Map<string, number>();
  for (const [i, id] of (message.loadMessageIds ?? []).entries()) {
    const field = `loadMessageIds[${i}]`;
    const ref = checkReferencedId(id, field, parties, "I", `a loading permission ${parties.issuer} granted to ${parties.provider}`);
    if (ref) return ref;
    const previous = seen.get(id);
    if (previous !== undefined) return refusal("duplicate-entry", `${field} ${id} already appears in loadMessageIds[${previous}]`, field);
    seen.set(id, i);
  }
  if (Date.parse(message.blockedAt) > Date.parse(message.header.timestamp)) {
    return refusal("invalid-field", "blockedAt is after the message was sent (header.timestamp)", "blockedAt");
  }
  if (message.header.type === "card-unblocked") {
    const m = message as CardUnblocked;
    const ref = checkReferencedId(m.blockMessageId, "blockMessageId", parties, "I", `a card-blocked message ${parties.issuer} sent to ${parties.provider}`);
    if (ref) return ref;
    if (Date.parse(m.unblockedAt) < Date.parse(m.blockedAt)) return refusal("invalid-field", "unblockedAt is before blockedAt", "unblockedAt");
    if (Date.parse(m.unblockedAt) > Date.parse(m.header.timestamp)) {
      return refusal("invalid-field", "unblockedAt is after the message was sent (header.timestamp)", "unblockedAt");
    }
  }
  return null;
}

/** The card reference a provider read must fit the platform type (steps 405 and 804). */
function checkCardReference(message: LoadingPermissionRequest | ReloadPermissionRequest): Refusal | null {
  const { platformType: pf, cardId, cardAttributeData } = message;
  if (pf === PLATFORM_TYPES.METHOD_1 && cardId === undefined) {
    return refusal("missing-field", "cardId is required on platform type 100: the provider reads it from the card (step 405)", "cardId");
  }
  if (pf === PLATFORM_TYPES.METHOD_2 && cardAttributeData === undefined) {
    return refusal("missing-field", "cardAttributeData is required on platform type 200: the provider reads it from tag DF7A (step 804)", "cardAttributeData");
  }
  if (cardId !== undefined && cardAttributeData !== undefined) {
    // Only reachable with platform type 999 (100 and 200 refuse the other reference earlier).
    return refusal("platform-type-mismatch", "cardAttributeData: a request carries the card id or the card attribute data, never both", "cardAttributeData");
  }
  if (cardId === undefined && cardAttributeData === undefined) {
    return refusal("missing-field", "cardId or cardAttributeData is required: the card reference the provider read", "cardId");
  }
  return null;
}

function checkRefusalReasonPlatform(message: LoadingPermissionRefusal | ReloadPermissionRefusal): Refusal | null {
  if (message.reason === "attribute-data-invalid" && message.platformType === PLATFORM_TYPES.METHOD_1) {
    return refusal("platform-type-mismatch", "reason: attribute-data-invalid cannot apply to platform type 100, whose requests carry a card id", "reason");
  }
  return null;
}

function checkPairs(pairs: readonly ReissuePair[], path: string, timestamp: string): Refusal | null {
  const olds = new Map<string, number>();
  const reissued = new Map<string, number>();
  const sentAt = Date.parse(timestamp);
  for (const [i, pair] of pairs.entries()) {
    const at = `${path}[${i}]`;
    if (pair.oldCardId === pair.reissuedCardId) {
      return refusal("invalid-field", `${at}.reissuedCardId must differ from oldCardId (${pair.oldCardId})`, `${at}.reissuedCardId`);
    }
    const seenOld = olds.get(pair.oldCardId);
    if (seenOld !== undefined) {
      return refusal("duplicate-entry", `${at}.oldCardId ${pair.oldCardId} already appears in ${path}[${seenOld}]`, `${at}.oldCardId`);
    }
    const seenNew = reissued.get(pair.reissuedCardId);
    if (seenNew !== undefined) {
      return refusal(
        "duplicate-entry",
        `${at}.reissuedCardId ${pair.reissuedCardId} already appears in ${path}[${seenNew}]: a card is reissued from one old card`,
        `${at}.reissuedCardId`,
      );
    }
    if (Date.parse(pair.reissuedAt) > sentAt) {
      return refusal("invalid-field", `${at}.reissuedAt is after the message was sent (header.timestamp)`, `${at}.reissuedAt`);
    }
    olds.set(pair.oldCardId, i);
    reissued.set(pair.reissuedCardId, i);
  }
  return null;
}

/** Why the receiver of a `reissuance-notification-batch` refuses one of its pairs (the others are stored). */
export const BATCH_PAIR_REFUSALS = ["same-card", "duplicate-in-batch", "reissued-after-sent", "conflicts-with-known-pair"] as const;
export type BatchPairRefusal = (typeof BATCH_PAIR_REFUSALS)[number];

/**
 * The checks of `checkPairs`, pair by pair, for a batch: the refusal code of each pair (null: fine).
 * A pair naming an old or reissued card id an earlier pair of the batch named is the duplicate; the
 * first stays. `conflicts-with-known-pair` is the receiver's, against what it stored before.
 */
export function checkBatchPairs(pairs: readonly ReissuePair[], timestamp: string): (BatchPairRefusal | null)[] {
  const olds = new Set<string>();
  const reissued = new Set<string>();
  const sentAt = Date.parse(timestamp);
  return pairs.map((pair) => {
    if (pair.oldCardId === pair.reissuedCardId) return "same-card";
    if (olds.has(pair.oldCardId) || reissued.has(pair.reissuedCardId)) return "duplicate-in-batch";
    olds.add(pair.oldCardId);
    reissued.add(pair.reissuedCardId);
    return Date.parse(pair.reissuedAt) > sentAt ? "reissued-after-sent" : null;
  });
}

/**
 * Reload permissions handed over inside an answer: each its own issuer message id (not the carrier's,
 * no two alike) of this pair, referring to a permission of this pair, one per original, not born expired.
 */
function checkCarried(
  permissions: readonly CarriedReloadPermission[],
  path: string,
  header: { messageId: string; timestamp: string },
  parties: { issuer: string; provider: string },
): Refusal | null {
  const ids = new Map<string, number>([[header.messageId, -1]]);
  const originals = new Map<string, number>();
  for (const [i, p] of permissions.entries()) {
    const at = permissions.length === 1 && !path.endsWith("s") ? path : `${path}[${i}]`;
    const ref =
      checkReferencedId(p.messageId, `${at}.messageId`, parties, "I", `a reload permission ${parties.issuer} grants to ${parties.provider}`) ??
      checkReferencedId(p.originalMessageId, `${at}.originalMessageId`, parties, "I", `a loading permission ${parties.issuer} granted to ${parties.provider}`);
    if (ref) return ref;
    if (ids.has(p.messageId))
      return refusal(
        "duplicate-entry",
        `${at}.messageId ${p.messageId} is already used by this message: each permission has its own message id`,
        `${at}.messageId`,
      );
    if (originals.has(p.originalMessageId))
      return refusal(
        "duplicate-entry",
        `${at}.originalMessageId ${p.originalMessageId} already has a permission in this message: a load is reloaded once`,
        `${at}.originalMessageId`,
      );
    if (Date.parse(p.expiresAt) <= Date.parse(header.timestamp))
      return refusal("invalid-field", `${at}.expiresAt must be after header.timestamp: the permission would be born expired`, `${at}.expiresAt`);
    ids.set(p.messageId, i);
    originals.set(p.originalMessageId, i);
  }
  return null;
}

function checkChargeStatement(message: ChargeStatement, parties: { issuer: string; provider: string }): Refusal | null {
  const sums = { "normal-load": 0, "reissue-reload": 0 };
  const seen = new Map<string, number>();
  for (const [i, line] of message.lines.entries()) {
    const at = `lines[${i}]`;
    const ref = checkReferencedId(
      line.permissionMessageId,
      `${at}.permissionMessageId`,
      parties,
      "I",
      `a loading or reload permission ${parties.issuer} granted to ${parties.provider}`,
    );
    if (ref) return ref;
    const previous = seen.get(line.permissionMessageId);
    if (previous !== undefined) {
      return refusal(
        "duplicate-entry",
        `${at}.permissionMessageId ${line.permissionMessageId} is already charged in lines[${previous}]: each permission is charged once`,
        `${at}.permissionMessageId`,
      );
    }
    seen.set(line.permissionMessageId, i);
    if (line.chargedAt.slice(0, 7) !== message.period) {
      return refusal("invalid-field", `${at}.chargedAt ${line.chargedAt} is outside the period ${message.period}`, `${at}.chargedAt`);
    }
    sums[line.kind] += line.amountMinor;
    if (!Number.isSafeInteger(sums[line.kind])) {
      return refusal("invalid-field", `${at}.amountMinor makes the ${line.kind} total exceed the largest exact integer`, `${at}.amountMinor`);
    }
  }
  const { totals } = message;
  if (totals.normalLoad !== sums["normal-load"]) {
    return refusal(
      "totals-mismatch",
      `totals.normalLoad is ${totals.normalLoad} but the normal-load lines add up to ${sums["normal-load"]}`,
      "totals.normalLoad",
    );
  }
  if (totals.reissueReload !== sums["reissue-reload"]) {
    return refusal(
      "totals-mismatch",
      `totals.reissueReload is ${totals.reissueReload} but the reissue-reload lines add up to ${sums["reissue-reload"]}`,
      "totals.reissueReload",
    );
  }
  const grand = totals.normalLoad + totals.reissueReload;
  if (totals.grand !== grand) {
    return refusal("totals-mismatch", `totals.grand is ${totals.grand} but normalLoad + reissueReload is ${grand}`, "totals.grand");
  }
  return null;
}

/** Type-specific cross-field rules: referenced message ids, pairs, expiry, reasons, totals. */
export function checkBody(message: Message): Refusal | null {
  const parties = exchangeParties(message);
  const permissionOf = `a loading permission ${parties.issuer} granted to ${parties.provider}`;
  const original = (m: { originalMessageId: string }) => checkReferencedId(m.originalMessageId, "originalMessageId", parties, "I", permissionOf);
  const notExpiredAtBirth = (m: LoadingPermissionGrant | ReloadPermissionGrant) =>
    Date.parse(m.expiresAt) <= Date.parse(m.header.timestamp)
      ? refusal("invalid-field", "expiresAt must be after header.timestamp: the permission would be born expired", "expiresAt")
      : null;
  return matchMessage<Refusal | null>(message, {
    "loading-permission-request": none,
    "reissuance-information-request": none,
    "reissue-delivery-mode": (m) =>
      Date.parse(m.effectiveAt) > Date.parse(m.header.timestamp)
        ? refusal("invalid-field", "effectiveAt is after the message was sent (header.timestamp)", "effectiveAt")
        : null,

    "card-information-inquiry": none,
    "loading-permission-grant": notExpiredAtBirth,
    "reload-permission-grant": (m) => original(m) ?? notExpiredAtBirth(m),
    "loading-permission-refusal": (m) =>
      (RELOAD_ONLY_REFUSAL_REASONS as readonly string[]).includes(m.reason)
        ? refusal("invalid-field", `reason: ${m.reason} only applies to a reload-permission-refusal`, "reason")
        : null,
    "reload-permission-refusal": original,
    "load-confirmation": (m) =>
      checkReferencedId(m.permissionMessageId, "permissionMessageId", parties, "I", permissionOf) ??
      (m.carriedOver !== undefined && m.outcome.status !== "loaded"
        ? refusal("invalid-field", "carriedOver: only a load that succeeded carries a value over", "carriedOver")
        : m.userCharge !== undefined && m.outcome.status !== "loaded"
          ? refusal("invalid-field", "userCharge: only a load that succeeded is charged", "userCharge")
          : null),
    "reissuance-notification": (m) =>
      checkPairs(m.pairs, "pairs", m.header.timestamp) ?? checkCarried(m.reloadPermissions ?? [], "reloadPermissions", m.header, parties),
    // Each pair is checked by the receiver on its own (checkBatchPair): one bad pair is refused alone.
    "reissuance-notification-batch": none,
    "reissuance-information-reply": (m) =>
      m.result.status === "found"
        ? (checkPairs(m.result.pairs, "result.pairs", m.header.timestamp) ??
          checkCarried(m.result.reloadPermissions ?? [], "result.reloadPermissions", m.header, parties))
        : null,
    // Step 1004: the id names the permission under which the receiving provider loaded the
    // application on the old card, so its provider part must be the receiver.
    "card-information-reply": (m) => {
      if (m.result.reissue !== "OK") return null;
      const carried = m.result.reloadPermission;
      return (
        checkReferencedId(m.result.originalMessageId, "result.originalMessageId", parties, "I", permissionOf) ??
        (carried ? checkCarried([carried], "result.reloadPermission", m.header, parties) : null) ??
        (carried && carried.originalMessageId !== m.result.originalMessageId
          ? refusal(
              "invalid-field",
              "result.reloadPermission.originalMessageId must be result.originalMessageId: the permission reloads the load the answer names",
              "result.reloadPermission.originalMessageId",
            )
          : null)
      );
    },
    "reload-permission-request": original,
    "charge-statement": (m) => checkChargeStatement(m, parties),
    "card-blocked": (m) => checkHotListBody(m, parties),
    "card-unblocked": (m) => checkHotListBody(m, parties),
  });
}

/** All cross-field rules, in the order a reader would check them: header, platform, body. */
export function checkMessageRules(message: Message): Refusal | null {
  return checkHeader(message) ?? checkPlatformRules(message) ?? checkBody(message);
}
