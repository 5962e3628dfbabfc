import "server-only";
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { fromHex, toBase64Url } from "@/lib/core/bytes";
import { openCardAttributeData } from "./attribute-data";
import {
  encodeIssuerKeyUpdate,
  generateIssuerKeys,
  issuerKeyFingerprint,
  ISSUER_KEY_VERSIONS,
  signIssuerKeyUpdate,
  verifyPermission,
  type IssuerKeys,
  type Permission,
} from "@/lib/core/card";
import { DEMO_ISD_MASTER_KEY } from "@/lib/secrets/demo-isd-keys";
import { err, ok, type Result } from "@/lib/core/result";
import type { Prisma } from "../db";
import { env } from "../env";
import { issuerCardKeys } from "./keys";

/**
 * The issuer's card key history (permission signing + card attribute data), DESIGN: a card holds one
 * version ('70'..'7F') and learns the next only through an authenticated PUT KEY; the issuer keeps every
 * version so that tokens it signed and attribute data of cards that have not learned the next version
 * still verify and open. Private keys stay on the server: the first version in RECARD_ISSUER_CARD_KEYS
 * (or the demo keys), later ones wrapped in iss_card_keys under a key derived from RECARD_ISD_MASTER_KEY.
 */

type Tx = Pick<Prisma.TransactionClient, "issuerCardKey">;

export type IssuerKeyVersion = {
  readonly version: number;
  readonly state: "current" | "retired";
  readonly signingPublicKeyJwk: JsonWebKey;
  readonly encryptionPublicKeyJwk: JsonWebKey;
  readonly fingerprint: string;
  readonly createdAt: Date | null;
  readonly createdBy: string | null;
  readonly retiredAt: Date | null;
  /** The configured first version: its private keys are in the environment, not in the database. */
  readonly configured: boolean;
  /** Signed PUT KEY from the previous version (encoded: old KVN ‖ data); null for the first version. */
  readonly keyUpdate: Uint8Array | null;
  /** The private halves (unwrapped on demand, never logged or returned to a client). */
  readonly privateKeys: () => IssuerKeys;
};

const WRAP_INFO = "ReCard/issuer-card-key-wrap/v1";

/** AES-256 wrapping key for stored issuer private keys, derived (HKDF-SHA-256) from the ISD master key. */
function wrappingKey(): Buffer {
  const master = fromHex(env().RECARD_ISD_MASTER_KEY ?? DEMO_ISD_MASTER_KEY);
  return Buffer.from(hkdfSync("sha256", master, new Uint8Array(0), WRAP_INFO, 32));
}

const aad = (issuerCompanyId: string, version: number) => Buffer.from(`${issuerCompanyId}/${version}`);

function wrap(keys: IssuerKeys, issuerCompanyId: string, version: number): Uint8Array {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", wrappingKey(), iv);
  cipher.setAAD(aad(issuerCompanyId, version));
  const plain = Buffer.from(JSON.stringify({ signing: keys.signing.privateKeyJwk, encryption: keys.encryption.privateKeyJwk }));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return new Uint8Array(Buffer.concat([iv, body, cipher.getAuthTag()]));
}

function unwrap(bytes: Uint8Array, issuerCompanyId: string, version: number, publics: { signing: JsonWebKey; encryption: JsonWebKey }): IssuerKeys {
  const b = Buffer.from(bytes);
  const decipher = createDecipheriv("aes-256-gcm", wrappingKey(), b.subarray(0, 12));
  decipher.setAAD(aad(issuerCompanyId, version));
  decipher.setAuthTag(b.subarray(b.length - 16));
  const plain = Buffer.concat([decipher.update(b.subarray(12, b.length - 16)), decipher.final()]);
  const parsed = JSON.parse(plain.toString("utf8")) as { signing: JsonWebKey; encryption: JsonWebKey };
  return {
    signing: { publicKeyJwk: publics.signing, privateKeyJwk: parsed.signing },
    encryption: { publicKeyJwk: publics.encryption, privateKeyJwk: parsed.encryption },
  };
}

const samePublic = (a: JsonWebKey, b: JsonWebKey) => a.x === b.x && a.y === b.y && a.crv === b.crv;

/** The configured keys' fingerprint, computed once per process per key pair (the keys never change while it runs). */
const configuredFingerprints = new WeakMap<IssuerKeys, Promise<string>>();

async function configuredVersion(): Promise<Omit<IssuerKeyVersion, "state" | "createdAt" | "createdBy" | "retiredAt">> {
  const keys = issuerCardKeys();
  let fingerprint = configuredFingerprints.get(keys);
  if (!fingerprint) {
    fingerprint = issuerKeyFingerprint(keys.signing.publicKeyJwk, keys.encryption.publicKeyJwk);
    configuredFingerprints.set(keys, fingerprint);
  }
  return {
    version: ISSUER_KEY_VERSIONS.first,
    signingPublicKeyJwk: keys.signing.publicKeyJwk,
    encryptionPublicKeyJwk: keys.encryption.publicKeyJwk,
    fingerprint: await fingerprint,
    configured: true,
    keyUpdate: null,
    privateKeys: () => keys,
  };
}

type Row = Prisma.IssuerCardKeyGetPayload<object>;

/**
 * Unwrapped private keys of stored versions, per process, by issuer, version and fingerprint (a version's
 * keys never change once stored): unwrapping is done once, and the same key objects are handed out each
 * time, so the ECDH object made for a key (attribute-data.ts) is reused. Never logged, never returned to a client.
 */
const unwrapped = new Map<string, IssuerKeys>();

function fromRow(row: Row, issuerCompanyId: string): IssuerKeyVersion {
  const signing = row.signingPublicKeyJwk as JsonWebKey;
  const encryption = row.encryptionPublicKeyJwk as JsonWebKey;
  const wrapped = row.wrappedPrivateKeys;
  const memo = `${issuerCompanyId}/${row.version}/${row.fingerprint}`;
  return {
    version: row.version,
    state: row.state,
    signingPublicKeyJwk: signing,
    encryptionPublicKeyJwk: encryption,
    fingerprint: row.fingerprint,
    createdAt: row.createdAt,
    createdBy: row.createdBy,
    retiredAt: row.retiredAt,
    configured: wrapped === null,
    keyUpdate: row.keyUpdate ? new Uint8Array(row.keyUpdate) : null,
    privateKeys: () => {
      if (wrapped) {
        let keys = unwrapped.get(memo);
        if (!keys) {
          keys = unwrap(new Uint8Array(wrapped), issuerCompanyId, row.version, { signing, encryption });
          unwrapped.set(memo, keys);
        }
        return keys;
      }
      const configured = issuerCardKeys();
      // The first version's private keys are the configured ones: refuse to sign with keys that do not match it.
      if (!samePublic(configured.signing.publicKeyJwk, signing) || !samePublic(configured.encryption.publicKeyJwk, encryption)) {
        throw new Error(`issuer card key version ${row.version.toString(16)}: RECARD_ISSUER_CARD_KEYS no longer holds its private keys`);
      }
      return configured;
    },
  };
}

/** Every version, newest first. Before the first rotation: the configured version alone, current. */
export async function issuerKeyHistory(tx: Tx, issuerCompanyId: string): Promise<IssuerKeyVersion[]> {
  const rows = await tx.issuerCardKey.findMany({ where: { issuerCompanyId }, orderBy: { version: "desc" } });
  if (rows.length === 0) return [{ ...(await configuredVersion()), state: "current", createdAt: null, createdBy: null, retiredAt: null }];
  return rows.map((r) => fromRow(r, issuerCompanyId));
}

/** The version that signs new tokens and that new cards are personalised with. */
export async function currentIssuerKey(tx: Tx, issuerCompanyId: string): Promise<IssuerKeyVersion> {
  const row = await tx.issuerCardKey.findFirst({ where: { issuerCompanyId, state: "current" } });
  if (row) return fromRow(row, issuerCompanyId);
  return { ...(await configuredVersion()), state: "current", createdAt: null, createdBy: null, retiredAt: null };
}

/** The signed updates (base64url) that take a card from `fromVersion` to the current version, in order. */
export async function keyUpdatesFrom(tx: Tx, issuerCompanyId: string, fromVersion: number): Promise<string[]> {
  const rows = await tx.issuerCardKey.findMany({
    where: { issuerCompanyId, version: { gt: fromVersion }, keyUpdate: { not: null } },
    orderBy: { version: "asc" },
    select: { keyUpdate: true },
  });
  return rows.map((r) => toBase64Url(new Uint8Array(r.keyUpdate!)));
}

/**
 * Versions whose signing key was declared compromised: the next version was made without a signed update
 * (rotateIssuerCardKeys with `compromised`). A card holding one learns the next key only through the
 * ISD's channel at an issuer contact.
 */
export function compromisedVersions(history: readonly Pick<IssuerKeyVersion, "version" | "keyUpdate">[]): Set<number> {
  const oldest = Math.min(...history.map((k) => k.version));
  return new Set(history.filter((k) => k.version !== oldest && k.keyUpdate === null).map((k) => k.version - 1));
}

/**
 * The key history as this process last read it, per issuer (issue 16: a method-2 inquiry opened card
 * attribute data after reading every version's row, twice). A version is never deleted and its keys
 * never change, so a version read once opens the same data for good; what the copy can miss is a
 * version made since, and `openAttributeData` reads the history again whenever no version it holds
 * opens the data. What must be current (the version that signs) is checked against the database by the
 * caller (`issuerKeyAt`).
 */
const histories = new Map<string, IssuerKeyVersion[]>();

async function readHistory(tx: Tx, issuerCompanyId: string): Promise<IssuerKeyVersion[]> {
  const history = await issuerKeyHistory(tx, issuerCompanyId);
  histories.set(issuerCompanyId, history);
  return history;
}

function openWith(history: readonly IssuerKeyVersion[], bytes: Uint8Array): { cardId: string; version: number } | null {
  for (const key of history) {
    const opened = openCardAttributeData(key.privateKeys().encryption.privateKeyJwk, bytes);
    if (opened.ok) return { cardId: opened.value.cardId, version: key.version };
  }
  return null;
}

/**
 * Opens card attribute data with each version, newest first: a card that has not learned the current key
 * uses an older one. Tries the versions this process holds first (no statement); only data none of them
 * opens makes it read the history again (a version made since; or data that no version opens).
 */
export async function openAttributeData(tx: Tx, issuerCompanyId: string, bytes: Uint8Array): Promise<Result<{ cardId: string; version: number }, string>> {
  const held = histories.get(issuerCompanyId);
  const opened = (held && openWith(held, bytes)) ?? openWith(await readHistory(tx, issuerCompanyId), bytes);
  return opened ? ok(opened) : err("no issuer key version opens this card attribute data");
}

/**
 * The version `current` names (the row marked current, read by the caller in its own statement; null
 * before the first rotation: the configured version), from the history this process holds when it has
 * that version with that fingerprint, else read again.
 */
export async function issuerKeyAt(tx: Tx, issuerCompanyId: string, current: { version: number; fingerprint: string } | null): Promise<IssuerKeyVersion> {
  const find = (history: readonly IssuerKeyVersion[] | undefined) =>
    current === null
      ? history?.length === 1 && history[0]!.configured && history[0]!.createdAt === null
        ? history[0]
        : undefined
      : history?.find((k) => k.version === current.version && k.fingerprint === current.fingerprint);
  const key = find(histories.get(issuerCompanyId)) ?? find(await readHistory(tx, issuerCompanyId));
  if (!key) throw new Error(`issuer card key version ${current?.version.toString(16) ?? "(configured)"} of ${issuerCompanyId} not found`);
  return { ...key, state: "current" };
}

/** Verifies a token the issuer signed, with the version that signed it (or, if unknown, any version it ever had). */
export async function verifyIssuedToken(
  tx: Tx,
  issuerCompanyId: string,
  token: Uint8Array,
  version: number | null,
): Promise<Result<{ permission: Permission; version: number }, string>> {
  const history = await issuerKeyHistory(tx, issuerCompanyId);
  for (const key of version === null ? history : history.filter((k) => k.version === version)) {
    const verified = await verifyPermission(token, key.signingPublicKeyJwk);
    if (verified.ok) return ok({ permission: verified.value, version: key.version });
  }
  return err(
    version === null ? "no issuer key version verifies this token" : `issuer key version ${version.toString(16).toUpperCase()} does not verify this token`,
  );
}

export type RotationResult =
  { ok: true; value: { version: number; fingerprint: string; previous: number } } | { ok: false; error: { code: "versions-exhausted"; message: string } };

/**
 * Starts a rotation: a new key pair generated here (server side), wrapped before it is stored; the
 * update from the previous version signed with the previous signing key; the previous version retired
 * (kept for verifying and opening). Serialised per issuer by a transaction-level advisory lock.
 */
export async function rotateIssuerCardKeys(
  tx: Tx & Pick<Prisma.TransactionClient, "$executeRaw">,
  input: { issuerCompanyId: string; createdBy: string; now: Date; compromised?: boolean },
): Promise<RotationResult> {
  const { issuerCompanyId, now } = input;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`iss_card_keys/${issuerCompanyId}`}))`;
  const previous = await currentIssuerKey(tx, issuerCompanyId);
  const version = previous.version + 1;
  if (version > ISSUER_KEY_VERSIONS.last) {
    return {
      ok: false,
      error: {
        code: "versions-exhausted",
        message: "All issuer key versions '70' to '7F' are used: the cards cannot take another one; reissue them with a new key range.",
      },
    };
  }
  if (previous.configured && (await tx.issuerCardKey.count({ where: { issuerCompanyId } })) === 0) {
    // The configured first version enters the history as a row (its private keys stay in the environment).
    await tx.issuerCardKey.create({
      data: {
        issuerCompanyId,
        version: previous.version,
        state: "current",
        signingPublicKeyJwk: previous.signingPublicKeyJwk as Prisma.InputJsonValue,
        encryptionPublicKeyJwk: previous.encryptionPublicKeyJwk as Prisma.InputJsonValue,
        fingerprint: previous.fingerprint,
      },
    });
  }
  const keys = await generateIssuerKeys();
  // After a compromise of the previous signing key no update signed with it is made: an update the
  // thief could sign as well would teach nothing. Cards take the new version only through the ISD's
  // SCP03 channel at an issuer contact (lib/server/data/issuer/card-reader.ts).
  const update = input.compromised
    ? null
    : await signIssuerKeyUpdate({
        issuerCompanyId,
        oldVersion: previous.version,
        newVersion: version,
        signingPublicKeyJwk: keys.signing.publicKeyJwk,
        encryptionPublicKeyJwk: keys.encryption.publicKeyJwk,
        oldSigningPrivateKeyJwk: previous.privateKeys().signing.privateKeyJwk,
      });
  await tx.issuerCardKey.update({
    where: { issuerCompanyId_version: { issuerCompanyId, version: previous.version } },
    data: { state: "retired", retiredAt: now },
  });
  const fingerprint = await issuerKeyFingerprint(keys.signing.publicKeyJwk, keys.encryption.publicKeyJwk);
  await tx.issuerCardKey.create({
    data: {
      issuerCompanyId,
      version,
      state: "current",
      signingPublicKeyJwk: keys.signing.publicKeyJwk as Prisma.InputJsonValue,
      encryptionPublicKeyJwk: keys.encryption.publicKeyJwk as Prisma.InputJsonValue,
      fingerprint,
      wrappedPrivateKeys: new Uint8Array(wrap(keys, issuerCompanyId, version)),
      keyUpdate: update ? new Uint8Array(encodeIssuerKeyUpdate(update)) : null,
      createdAt: now,
      createdBy: input.createdBy,
    },
  });
  return { ok: true, value: { version, fingerprint, previous: previous.version } };
}
