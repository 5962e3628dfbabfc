/**
 * The card image: everything the chip keeps in non-volatile memory, as versioned JSON-safe data,
 * so a card can be saved, carried and inserted elsewhere. It holds the card's secrets (its card
 * id and its receipt-signing key), exactly as the chip's EEPROM does: only the cardholder's
 * wallet and the issuer may hold it; desks talk to the card through a reader.
 */
import { parseMessageId } from "../message-id";
import { err, ok, type Result } from "../result";
import { p256 } from "@noble/curves/nist.js";
import { hexField, isUpperHex } from "./codec";
import { APPLET_DATA_BYTES, CARD_LIFE_CYCLES, CARD_MEMORY_BYTES, ISD_AID_HEX, MAX_CONFIRMATION_COUNTER, type CardLifeCycle, type CardPlatformType } from "./gp";
import { isAidHex, isCardholderName, isCardId, isCompanyIdText, isCurrency, isIin, isMessageIdText, isSurfaceNumber } from "./ids";
import { MAX_APPLET_VALUE, MAX_HOLDER_REFERENCE, type AppletState } from "./applets";
import { APPLET_KINDS } from "./load-file";
import type { LoadKind } from "./permission";

/** The image format version this card OS reads and writes. */
export const CARD_IMAGE_VERSION = 1;
/** Most used token numbers an image may remember (one per content-management or life-cycle operation). */
export const MAX_USED_TOKENS = MAX_CONFIRMATION_COUNTER + 1024;

/** An installed application (GP registry entry, life cycle SELECTABLE) and its applet state. */
export type CardApplication = {
  readonly aid: string;
  /** Applet version from the load file header. */
  readonly version: number;
  readonly loadFileHash: string;
  readonly loadFileSize: number;
  /** Message id of the permission that loaded it. */
  readonly messageId: string;
  readonly loadKind: LoadKind;
  /** For a reload: the message id that loaded it on the old card. */
  readonly originalMessageId: string | null;
  /** Card clock at installation, ISO-8601 UTC. */
  readonly installedAt: string;
  readonly applet: AppletState;
  /**
   * The application's own security domain (GP 2.3.1 §7.2, ssd.ts): the provider's SCP03 keys, written
   * after INSTALL by the provider's server. Absent: the application is associated with the ISD. SECRET.
   */
  readonly domain?: { readonly scp03: Scp03KeySet };
};

/** A token number the card has accepted: never accepted again (until it could not be anyway, after expiry). */
export type UsedToken = { readonly messageId: string; readonly expiresAt: string };

/** Keys personalised into the card: issuer public keys and the card's own receipt key (secret). */
export type CardKeys = {
  /** Uncompressed P-256 point, hex: verifies issuer permissions. */
  readonly issuerSigningPublicKey: string;
  /** Uncompressed P-256 point, hex: card attribute data is encrypted to it. */
  readonly issuerEncryptionPublicKey: string;
  /** P-256 scalar, hex: signs receipts. Secret. */
  readonly cardPrivateKey: string;
};

/** An SCP03 static key set (GP 2.3.1 Amendment D §4.1.1): AES keys, upper-case hex, all of one length (16, 24 or 32 bytes). */
export type Scp03KeySet = {
  /** Key version number, '01'..'6F' (GP 2.3.1 §11.1.8; '70'..'7F' are the issuer public keys here). */
  readonly keyVersion: number;
  readonly enc: string;
  readonly mac: string;
  readonly dek: string;
};

/**
 * The issuer security domain's own secrets and counters (GP 2.3.1 §7.4, Amendment D). Absent in
 * images personalised before the card had a secure channel: such a card answers INITIALIZE UPDATE,
 * PUT KEY and GET DATA E0 with 6A88.
 */
export type SecurityDomain = {
  /** The ISD's SCP03 keys, diversified per card by the issuer (lib/server/issuer/keys.ts). SECRET. */
  readonly scp03: Scp03KeySet;
  /** Amendment D §6.2.2.1 sequence counter, incremented by every INITIALIZE UPDATE on platform 100 (3 bytes, never wraps). */
  readonly sequenceCounter: number;
  /** Key version of the issuer public keys in `keys` ('70'..'7F'); PUT KEY moves it forward only. */
  readonly issuerKeyVersion: number;
};

/** First and last key version of the issuer public keys (GP reserves '70' for the token key). */
export const ISSUER_KEY_VERSIONS = { first: 0x70, last: 0x7f } as const;
/** SCP03 key versions the ISD accepts. */
export const SCP03_KEY_VERSIONS = { first: 0x01, last: 0x6f } as const;

/** The persistent state of a card, format version 1. */
export type CardImage = {
  readonly version: typeof CARD_IMAGE_VERSION;
  readonly cardId: string;
  readonly surfaceNumber: string;
  readonly platformType: CardPlatformType;
  readonly issuerCompanyId: string;
  readonly iin: string;
  readonly cardholderName: string | null;
  readonly issuedAt: string;
  readonly lifeCycle: CardLifeCycle;
  readonly keys: CardKeys;
  readonly confirmationCounter: number;
  readonly usedTokens: readonly UsedToken[];
  readonly applications: readonly CardApplication[];
  /** Optional for images made before secure channels (see SecurityDomain). */
  readonly securityDomain?: SecurityDomain;
};

/** Memory an image's applications occupy. */
export function usedMemory(applications: readonly CardApplication[]): number {
  return applications.reduce((sum, app) => sum + app.loadFileSize + APPLET_DATA_BYTES, 0);
}

/** True for the ISO-8601 UTC form `Date#toISOString()` writes. */
export function isIsoInstant(text: unknown): text is string {
  if (typeof text !== "string" || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(text)) return false;
  const d = new Date(text);
  return !Number.isNaN(d.getTime()) && d.toISOString() === text;
}

class ImageError extends Error {}

function object(value: unknown, path: string, keys: readonly string[]): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ImageError(`${path}: must be an object`);
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) if (!keys.includes(key)) throw new ImageError(`${path}.${key}: unknown field`);
  for (const key of keys) if (!(key in record)) throw new ImageError(`${path}.${key}: missing`);
  return record;
}

function check<T>(value: unknown, isValid: (v: unknown) => v is T, path: string, what: string): T {
  if (!isValid(value)) throw new ImageError(`${path}: must be ${what}`);
  return value;
}

function integer(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max)
    throw new ImageError(`${path}: must be an integer in ${min}..${max}`);
  return value;
}

const isString = (v: unknown): v is string => typeof v === "string";

function decodeApplet(value: unknown, path: string): AppletState {
  if (typeof value !== "object" || value === null) throw new ImageError(`${path}: must be an object`);
  const kind = (value as { kind?: unknown }).kind;
  switch (kind) {
    case "transit": {
      const r = object(value, path, ["kind", "balance", "currency"]);
      return {
        kind,
        balance: integer(r.balance, `${path}.balance`, 0, MAX_APPLET_VALUE),
        currency: check(r.currency, isCurrency, `${path}.currency`, "an ISO 4217 code"),
      };
    }
    case "loyalty": {
      const r = object(value, path, ["kind", "points"]);
      return { kind, points: integer(r.points, `${path}.points`, 0, MAX_APPLET_VALUE) };
    }
    case "credit": {
      const r = object(value, path, ["kind", "limit", "currency", "holderReference"]);
      const holderReference = check(r.holderReference, isString, `${path}.holderReference`, "a string");
      if (!/^[\x20-\x7E]*$/.test(holderReference) || holderReference.length > MAX_HOLDER_REFERENCE) {
        throw new ImageError(`${path}.holderReference: must be at most ${MAX_HOLDER_REFERENCE} printable ASCII characters`);
      }
      return {
        kind,
        limit: integer(r.limit, `${path}.limit`, 0, MAX_APPLET_VALUE),
        currency: check(r.currency, isCurrency, `${path}.currency`, "an ISO 4217 code"),
        holderReference,
      };
    }
    default:
      throw new ImageError(`${path}.kind: must be one of ${APPLET_KINDS.join(", ")}`);
  }
}

function decodeApplication(value: unknown, path: string): CardApplication {
  const hasDomain = typeof value === "object" && value !== null && Object.hasOwn(value, "domain");
  const r = object(value, path, [
    "aid",
    "version",
    "loadFileHash",
    "loadFileSize",
    "messageId",
    "loadKind",
    "originalMessageId",
    "installedAt",
    "applet",
    ...(hasDomain ? ["domain"] : []),
  ]);
  const aid = check(r.aid, isAidHex, `${path}.aid`, "an AID (5..16 bytes, upper-case hex)");
  if (aid === ISD_AID_HEX) throw new ImageError(`${path}.aid: is the ISD's AID`);
  const loadKind = r.loadKind;
  if (loadKind !== "first-load" && loadKind !== "reload") throw new ImageError(`${path}.loadKind: must be "first-load" or "reload"`);
  const originalMessageId =
    r.originalMessageId === null ? null : check(r.originalMessageId, isMessageIdText, `${path}.originalMessageId`, "a message id or null");
  if ((loadKind === "reload") !== (originalMessageId !== null)) throw new ImageError(`${path}.originalMessageId: required exactly for a reload`);
  return {
    aid,
    version: integer(r.version, `${path}.version`, 0, 0xffff),
    loadFileHash: check(r.loadFileHash, (v): v is string => isUpperHex(v, 32, 32), `${path}.loadFileHash`, "a SHA-256 digest (upper-case hex)"),
    loadFileSize: integer(r.loadFileSize, `${path}.loadFileSize`, 1, CARD_MEMORY_BYTES),
    messageId: check(r.messageId, isMessageIdText, `${path}.messageId`, "a message id"),
    loadKind,
    originalMessageId,
    installedAt: check(r.installedAt, isIsoInstant, `${path}.installedAt`, "an ISO-8601 UTC instant"),
    applet: decodeApplet(r.applet, `${path}.applet`),
    ...(hasDomain ? { domain: { scp03: decodeKeySet(object(r.domain, `${path}.domain`, ["scp03"]).scp03, `${path}.domain.scp03`) } } : {}),
  };
}

function decodeKeys(value: unknown, path: string): CardKeys {
  const r = object(value, path, ["issuerSigningPublicKey", "issuerEncryptionPublicKey", "cardPrivateKey"]);
  const point = (v: unknown, p: string): string => {
    const hex = check(v, (x): x is string => isUpperHex(x, 65, 65), p, "an uncompressed P-256 point (65 bytes, upper-case hex)");
    if (!p256.utils.isValidPublicKey(hexField(hex, p, 65, 65), false)) throw new ImageError(`${p}: not a point on P-256`);
    return hex;
  };
  const scalar = check(r.cardPrivateKey, (x): x is string => isUpperHex(x, 32, 32), `${path}.cardPrivateKey`, "a P-256 scalar (32 bytes, upper-case hex)");
  if (!p256.utils.isValidSecretKey(hexField(scalar, "cardPrivateKey", 32, 32))) throw new ImageError(`${path}.cardPrivateKey: out of range`);
  return {
    issuerSigningPublicKey: point(r.issuerSigningPublicKey, `${path}.issuerSigningPublicKey`),
    issuerEncryptionPublicKey: point(r.issuerEncryptionPublicKey, `${path}.issuerEncryptionPublicKey`),
    cardPrivateKey: scalar,
  };
}

const isAesKeyHex = (v: unknown): v is string => isUpperHex(v, 16, 32) && [32, 48, 64].includes((v as string).length);

function decodeKeySet(value: unknown, path: string): Scp03KeySet {
  const k = object(value, path, ["keyVersion", "enc", "mac", "dek"]);
  const key = (name: "enc" | "mac" | "dek") => check(k[name], isAesKeyHex, `${path}.${name}`, "an AES key (16, 24 or 32 bytes, upper-case hex)");
  const scp03: Scp03KeySet = {
    keyVersion: integer(k.keyVersion, `${path}.keyVersion`, SCP03_KEY_VERSIONS.first, SCP03_KEY_VERSIONS.last),
    enc: key("enc"),
    mac: key("mac"),
    dek: key("dek"),
  };
  if (scp03.mac.length !== scp03.enc.length || scp03.dek.length !== scp03.enc.length) throw new ImageError(`${path}: keys of different lengths`);
  return scp03;
}

function decodeSecurityDomain(value: unknown, path: string): SecurityDomain {
  const r = object(value, path, ["scp03", "sequenceCounter", "issuerKeyVersion"]);
  return {
    scp03: decodeKeySet(r.scp03, `${path}.scp03`),
    sequenceCounter: integer(r.sequenceCounter, `${path}.sequenceCounter`, 0, 0xffffff),
    issuerKeyVersion: integer(r.issuerKeyVersion, `${path}.issuerKeyVersion`, ISSUER_KEY_VERSIONS.first, ISSUER_KEY_VERSIONS.last),
  };
}

function decodeImage(value: unknown): CardImage {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ImageError("must be a JSON object");
  const version = (value as { version?: unknown }).version;
  if (version !== CARD_IMAGE_VERSION)
    throw new ImageError(`unsupported version ${JSON.stringify(version) ?? "undefined"} (this card OS reads version ${CARD_IMAGE_VERSION})`);
  const hasSecurityDomain = Object.hasOwn(value, "securityDomain");
  const r = object(value, "image", [
    ...(hasSecurityDomain ? ["securityDomain"] : []),
    "version",
    "cardId",
    "surfaceNumber",
    "platformType",
    "issuerCompanyId",
    "iin",
    "cardholderName",
    "issuedAt",
    "lifeCycle",
    "keys",
    "confirmationCounter",
    "usedTokens",
    "applications",
  ]);
  const platformType = r.platformType;
  if (platformType !== 100 && platformType !== 200) throw new ImageError("image.platformType: must be 100 or 200");
  const lifeCycle = r.lifeCycle;
  if (typeof lifeCycle !== "string" || !(CARD_LIFE_CYCLES as readonly string[]).includes(lifeCycle)) {
    throw new ImageError(`image.lifeCycle: must be one of ${CARD_LIFE_CYCLES.join(", ")}`);
  }
  const issuerCompanyId = check(r.issuerCompanyId, isCompanyIdText, "image.issuerCompanyId", "a company id");
  if (!Array.isArray(r.usedTokens) || r.usedTokens.length > MAX_USED_TOKENS)
    throw new ImageError(`image.usedTokens: must be an array of at most ${MAX_USED_TOKENS}`);
  const seenTokens = new Set<string>();
  const usedTokens = r.usedTokens.map((t: unknown, i: number): UsedToken => {
    const path = `image.usedTokens[${i}]`;
    const tr = object(t, path, ["messageId", "expiresAt"]);
    const messageId = check(tr.messageId, isMessageIdText, `${path}.messageId`, "a message id");
    if (seenTokens.has(messageId)) throw new ImageError(`${path}.messageId: listed twice`);
    seenTokens.add(messageId);
    return { messageId, expiresAt: check(tr.expiresAt, isIsoInstant, `${path}.expiresAt`, "an ISO-8601 UTC instant") };
  });
  if (!Array.isArray(r.applications)) throw new ImageError("image.applications: must be an array");
  const applications = r.applications.map((a: unknown, i: number) => decodeApplication(a, `image.applications[${i}]`));
  const aids = new Set<string>();
  for (const [i, app] of applications.entries()) {
    if (aids.has(app.aid)) throw new ImageError(`image.applications[${i}].aid: installed twice`);
    aids.add(app.aid);
    const parts = parseMessageId(app.messageId);
    if (parts.ok && parts.value.issuerCompanyId !== issuerCompanyId) throw new ImageError(`image.applications[${i}].messageId: issued by another issuer`);
  }
  if (usedMemory(applications) > CARD_MEMORY_BYTES) throw new ImageError(`image.applications: use more than the card's ${CARD_MEMORY_BYTES} bytes`);
  const cardholderName =
    r.cardholderName === null ? null : check(r.cardholderName, isCardholderName, "image.cardholderName", "a name (1..64 characters) or null");
  return {
    version: CARD_IMAGE_VERSION,
    cardId: check(r.cardId, isCardId, "image.cardId", "16 upper-case hex digits"),
    surfaceNumber: check(r.surfaceNumber, isSurfaceNumber, "image.surfaceNumber", "16 digits with a Luhn check digit"),
    platformType,
    issuerCompanyId,
    iin: check(r.iin, isIin, "image.iin", "6 or 8 digits"),
    cardholderName,
    issuedAt: check(r.issuedAt, isIsoInstant, "image.issuedAt", "an ISO-8601 UTC instant"),
    lifeCycle: lifeCycle as CardLifeCycle,
    keys: decodeKeys(r.keys, "image.keys"),
    confirmationCounter: integer(r.confirmationCounter, "image.confirmationCounter", 0, MAX_CONFIRMATION_COUNTER),
    usedTokens,
    applications,
    ...(hasSecurityDomain ? { securityDomain: decodeSecurityDomain(r.securityDomain, "image.securityDomain") } : {}),
  };
}

/** Strictly decodes a card image from JSON text or a parsed JSON value; refuses unknown versions and malformed data. */
export function decodeCardImage(input: unknown): Result<CardImage, string> {
  let value = input;
  if (typeof input === "string") {
    try {
      value = JSON.parse(input);
    } catch {
      return err("card image: not valid JSON");
    }
  }
  try {
    return ok(decodeImage(value));
  } catch (e) {
    if (e instanceof ImageError) return err(`card image: ${e.message}`);
    throw e;
  }
}

/** Encodes a card image as JSON text; throws RangeError if the image is malformed (a broken invariant). */
export function encodeCardImage(image: CardImage): string {
  const checked = decodeCardImage(image);
  if (!checked.ok) throw new RangeError(checked.error);
  return JSON.stringify(checked.value);
}
