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

/**
 * What is wrong with a card image (issue 15: store codes, render words): a code, the field's path in the
 * image (`image.applications[0].aid`: data, shown as written) and parameters. The desk renders it in the
 * reader's language (lib/reader/card-image-words.ts); tools and logs read `describeCardImageProblem`.
 */
export const CARD_IMAGE_PROBLEM_CODES = [
  "not-json",
  "not-an-image-object",
  "unsupported-version",
  "not-an-object",
  "unknown-field",
  "missing",
  "invalid",
  "integer-range",
  "holder-reference",
  "applet-kind",
  "isd-aid",
  "load-kind",
  "original-for-reload",
  "not-on-curve",
  "key-out-of-range",
  "key-lengths",
  "platform-type",
  "life-cycle",
  "used-tokens",
  "listed-twice",
  "not-a-list",
  "installed-twice",
  "other-issuer",
  "memory",
] as const;
export type CardImageProblemCode = (typeof CARD_IMAGE_PROBLEM_CODES)[number];

/** What an `invalid` field must be: each a code with words (`expected` of the problem's parameters). */
export const CARD_IMAGE_EXPECTED = [
  "currency",
  "text",
  "aid",
  "message-id-or-null",
  "sha256",
  "message-id",
  "instant",
  "p256-point",
  "p256-scalar",
  "aes-key",
  "company-id",
  "card-id",
  "surface-number",
  "iin",
  "name-or-null",
] as const;
export type CardImageExpected = (typeof CARD_IMAGE_EXPECTED)[number];

export type CardImageProblem = {
  readonly code: CardImageProblemCode;
  /** The field, as a path into the image ("" for the whole file). */
  readonly path: string;
  readonly params: Readonly<Record<string, string | number>>;
};

const EXPECTED_ENGLISH: Record<CardImageExpected, string> = {
  currency: "an ISO 4217 code",
  text: "a string",
  aid: "an AID (5..16 bytes, upper-case hex)",
  "message-id-or-null": "a message id or null",
  sha256: "a SHA-256 digest (upper-case hex)",
  "message-id": "a message id",
  instant: "an ISO-8601 UTC instant",
  "p256-point": "an uncompressed P-256 point (65 bytes, upper-case hex)",
  "p256-scalar": "a P-256 scalar (32 bytes, upper-case hex)",
  "aes-key": "an AES key (16, 24 or 32 bytes, upper-case hex)",
  "company-id": "a company id",
  "card-id": "16 upper-case hex digits",
  "surface-number": "16 digits with a Luhn check digit",
  iin: "6 or 8 digits",
  "name-or-null": "a name (1..64 characters) or null",
};

const PROBLEM_ENGLISH: Record<CardImageProblemCode, (p: Readonly<Record<string, string | number>>) => string> = {
  "not-json": () => "not valid JSON",
  "not-an-image-object": () => "must be a JSON object",
  "unsupported-version": (p) => `unsupported version ${p.version} (this card OS reads version ${p.supported})`,
  "not-an-object": () => "must be an object",
  "unknown-field": () => "unknown field",
  missing: () => "missing",
  invalid: (p) => `must be ${EXPECTED_ENGLISH[p.expected as CardImageExpected]}`,
  "integer-range": (p) => `must be an integer in ${p.min}..${p.max}`,
  "holder-reference": (p) => `must be at most ${p.max} printable ASCII characters`,
  "applet-kind": (p) => `must be one of ${p.kinds}`,
  "isd-aid": () => "is the ISD's AID",
  "load-kind": () => 'must be "first-load" or "reload"',
  "original-for-reload": () => "required exactly for a reload",
  "not-on-curve": () => "not a point on P-256",
  "key-out-of-range": () => "out of range",
  "key-lengths": () => "keys of different lengths",
  "platform-type": () => "must be 100 or 200",
  "life-cycle": (p) => `must be one of ${p.states}`,
  "used-tokens": (p) => `must be an array of at most ${p.max}`,
  "listed-twice": () => "listed twice",
  "not-a-list": () => "must be an array",
  "installed-twice": () => "installed twice",
  "other-issuer": () => "issued by another issuer",
  memory: (p) => `use more than the card's ${p.bytes} bytes`,
};

/** A card image problem in English, for tools and logs ("card image: image.pin: unknown field"). */
export function describeCardImageProblem(problem: CardImageProblem): string {
  const text = PROBLEM_ENGLISH[problem.code](problem.params);
  return `card image: ${problem.path ? `${problem.path}: ` : ""}${text}`;
}

class ImageError extends Error {
  readonly problem: CardImageProblem;
  constructor(code: CardImageProblemCode, path: string, params: Record<string, string | number> = {}) {
    const problem = { code, path, params };
    super(describeCardImageProblem(problem));
    this.problem = problem;
  }
}

function object(value: unknown, path: string, keys: readonly string[]): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ImageError("not-an-object", path);
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) if (!keys.includes(key)) throw new ImageError("unknown-field", `${path}.${key}`);
  for (const key of keys) if (!(key in record)) throw new ImageError("missing", `${path}.${key}`);
  return record;
}

function check<T>(value: unknown, isValid: (v: unknown) => v is T, path: string, expected: CardImageExpected): T {
  if (!isValid(value)) throw new ImageError("invalid", path, { expected });
  return value;
}

function integer(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) throw new ImageError("integer-range", path, { min, max });
  return value;
}

const isString = (v: unknown): v is string => typeof v === "string";

function decodeApplet(value: unknown, path: string): AppletState {
  if (typeof value !== "object" || value === null) throw new ImageError("not-an-object", path);
  const kind = (value as { kind?: unknown }).kind;
  switch (kind) {
    case "transit": {
      const r = object(value, path, ["kind", "balance", "currency"]);
      return {
        kind,
        balance: integer(r.balance, `${path}.balance`, 0, MAX_APPLET_VALUE),
        currency: check(r.currency, isCurrency, `${path}.currency`, "currency"),
      };
    }
    case "loyalty": {
      const r = object(value, path, ["kind", "points"]);
      return { kind, points: integer(r.points, `${path}.points`, 0, MAX_APPLET_VALUE) };
    }
    case "credit": {
      const r = object(value, path, ["kind", "limit", "currency", "holderReference"]);
      const holderReference = check(r.holderReference, isString, `${path}.holderReference`, "text");
      if (!/^[\x20-\x7E]*$/.test(holderReference) || holderReference.length > MAX_HOLDER_REFERENCE) {
        throw new ImageError("holder-reference", `${path}.holderReference`, { max: MAX_HOLDER_REFERENCE });
      }
      return {
        kind,
        limit: integer(r.limit, `${path}.limit`, 0, MAX_APPLET_VALUE),
        currency: check(r.currency, isCurrency, `${path}.currency`, "currency"),
        holderReference,
      };
    }
    default:
      throw new ImageError("applet-kind", `${path}.kind`, { kinds: APPLET_KINDS.join(", ") });
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
  const aid = check(r.aid, isAidHex, `${path}.aid`, "aid");
  if (aid === ISD_AID_HEX) throw new ImageError("isd-aid", `${path}.aid`);
  const loadKind = r.loadKind;
  if (loadKind !== "first-load" && loadKind !== "reload") throw new ImageError("load-kind", `${path}.loadKind`);
  const originalMessageId =
    r.originalMessageId === null ? null : check(r.originalMessageId, isMessageIdText, `${path}.originalMessageId`, "message-id-or-null");
  if ((loadKind === "reload") !== (originalMessageId !== null)) throw new ImageError("original-for-reload", `${path}.originalMessageId`);
  return {
    aid,
    version: integer(r.version, `${path}.version`, 0, 0xffff),
    loadFileHash: check(r.loadFileHash, (v): v is string => isUpperHex(v, 32, 32), `${path}.loadFileHash`, "sha256"),
    loadFileSize: integer(r.loadFileSize, `${path}.loadFileSize`, 1, CARD_MEMORY_BYTES),
    messageId: check(r.messageId, isMessageIdText, `${path}.messageId`, "message-id"),
    loadKind,
    originalMessageId,
    installedAt: check(r.installedAt, isIsoInstant, `${path}.installedAt`, "instant"),
    applet: decodeApplet(r.applet, `${path}.applet`),
    ...(hasDomain ? { domain: { scp03: decodeKeySet(object(r.domain, `${path}.domain`, ["scp03"]).scp03, `${path}.domain.scp03`) } } : {}),
  };
}

function decodeKeys(value: unknown, path: string): CardKeys {
  const r = object(value, path, ["issuerSigningPublicKey", "issuerEncryptionPublicKey", "cardPrivateKey"]);
  const point = (v: unknown, p: string): string => {
    const hex = check(v, (x): x is string => isUpperHex(x, 65, 65), p, "p256-point");
    if (!p256.utils.isValidPublicKey(hexField(hex, p, 65, 65), false)) throw new ImageError("not-on-curve", p);
    return hex;
  };
  const scalar = check(r.cardPrivateKey, (x): x is string => isUpperHex(x, 32, 32), `${path}.cardPrivateKey`, "p256-scalar");
  if (!p256.utils.isValidSecretKey(hexField(scalar, "cardPrivateKey", 32, 32))) throw new ImageError("key-out-of-range", `${path}.cardPrivateKey`);
  return {
    issuerSigningPublicKey: point(r.issuerSigningPublicKey, `${path}.issuerSigningPublicKey`),
    issuerEncryptionPublicKey: point(r.issuerEncryptionPublicKey, `${path}.issuerEncryptionPublicKey`),
    cardPrivateKey: scalar,
  };
}

const isAesKeyHex = (v: unknown): v is string => isUpperHex(v, 16, 32) && [32, 48, 64].includes((v as string).length);

function decodeKeySet(value: unknown, path: string): Scp03KeySet {
  const k = object(value, path, ["keyVersion", "enc", "mac", "dek"]);
  const key = (name: "enc" | "mac" | "dek") => check(k[name], isAesKeyHex, `${path}.${name}`, "aes-key");
  const scp03: Scp03KeySet = {
    keyVersion: integer(k.keyVersion, `${path}.keyVersion`, SCP03_KEY_VERSIONS.first, SCP03_KEY_VERSIONS.last),
    enc: key("enc"),
    mac: key("mac"),
    dek: key("dek"),
  };
  if (scp03.mac.length !== scp03.enc.length || scp03.dek.length !== scp03.enc.length) throw new ImageError("key-lengths", path);
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
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ImageError("not-an-image-object", "");
  const version = (value as { version?: unknown }).version;
  if (version !== CARD_IMAGE_VERSION)
    throw new ImageError("unsupported-version", "", { version: JSON.stringify(version) ?? "undefined", supported: CARD_IMAGE_VERSION });
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
  if (platformType !== 100 && platformType !== 200) throw new ImageError("platform-type", "image.platformType");
  const lifeCycle = r.lifeCycle;
  if (typeof lifeCycle !== "string" || !(CARD_LIFE_CYCLES as readonly string[]).includes(lifeCycle)) {
    throw new ImageError("life-cycle", "image.lifeCycle", { states: CARD_LIFE_CYCLES.join(", ") });
  }
  const issuerCompanyId = check(r.issuerCompanyId, isCompanyIdText, "image.issuerCompanyId", "company-id");
  if (!Array.isArray(r.usedTokens) || r.usedTokens.length > MAX_USED_TOKENS) throw new ImageError("used-tokens", "image.usedTokens", { max: MAX_USED_TOKENS });
  const seenTokens = new Set<string>();
  const usedTokens = r.usedTokens.map((t: unknown, i: number): UsedToken => {
    const path = `image.usedTokens[${i}]`;
    const tr = object(t, path, ["messageId", "expiresAt"]);
    const messageId = check(tr.messageId, isMessageIdText, `${path}.messageId`, "message-id");
    if (seenTokens.has(messageId)) throw new ImageError("listed-twice", `${path}.messageId`);
    seenTokens.add(messageId);
    return { messageId, expiresAt: check(tr.expiresAt, isIsoInstant, `${path}.expiresAt`, "instant") };
  });
  if (!Array.isArray(r.applications)) throw new ImageError("not-a-list", "image.applications");
  const applications = r.applications.map((a: unknown, i: number) => decodeApplication(a, `image.applications[${i}]`));
  const aids = new Set<string>();
  for (const [i, app] of applications.entries()) {
    if (aids.has(app.aid)) throw new ImageError("installed-twice", `image.applications[${i}].aid`);
    aids.add(app.aid);
    const parts = parseMessageId(app.messageId);
    if (parts.ok && parts.value.issuerCompanyId !== issuerCompanyId) throw new ImageError("other-issuer", `image.applications[${i}].messageId`);
  }
  if (usedMemory(applications) > CARD_MEMORY_BYTES) throw new ImageError("memory", "image.applications", { bytes: CARD_MEMORY_BYTES });
  const cardholderName = r.cardholderName === null ? null : check(r.cardholderName, isCardholderName, "image.cardholderName", "name-or-null");
  return {
    version: CARD_IMAGE_VERSION,
    cardId: check(r.cardId, isCardId, "image.cardId", "card-id"),
    surfaceNumber: check(r.surfaceNumber, isSurfaceNumber, "image.surfaceNumber", "surface-number"),
    platformType,
    issuerCompanyId,
    iin: check(r.iin, isIin, "image.iin", "iin"),
    cardholderName,
    issuedAt: check(r.issuedAt, isIsoInstant, "image.issuedAt", "instant"),
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
  const checked = checkCardImage(input);
  return checked.ok ? checked : err(describeCardImageProblem(checked.error));
}

/** `decodeCardImage` with the problem as a code, its field and parameters (for words in the reader's language). */
export function checkCardImage(input: unknown): Result<CardImage, CardImageProblem> {
  let value = input;
  if (typeof input === "string") {
    try {
      value = JSON.parse(input);
    } catch {
      return err({ code: "not-json", path: "", params: {} });
    }
  }
  try {
    return ok(decodeImage(value));
  } catch (e) {
    if (e instanceof ImageError) return err(e.problem);
    throw e;
  }
}

/** Encodes a card image as JSON text; throws RangeError if the image is malformed (a broken invariant). */
export function encodeCardImage(image: CardImage): string {
  const checked = decodeCardImage(image);
  if (!checked.ok) throw new RangeError(checked.error);
  return JSON.stringify(checked.value);
}
