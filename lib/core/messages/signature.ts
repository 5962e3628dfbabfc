/**
 * Signed messages: a compact JWS (RFC 7515) whose payload is the message's canonical bytes. The
 * issuer and the providers are separate companies, so every message is signed by its sender and
 * checked by its receiver before anything else reads it ("whether or not a requesting service
 * provider is illegal ... are checked before issuing permission for AP loading").
 *
 * Key ids name their company: "<company id>/<label>" (e.g. "METRO01/2025-1"). The receiver looks the
 * key up by that company and then requires the signed header to name the same company as sender,
 * so one company's valid key cannot speak for another.
 */
import { CompactSign, compactVerify, errors as joseErrors, importJWK, type JWK } from "jose";
import { equalBytes, fromBase64Url, fromUtf8, toBase64Url } from "../bytes";
import { err, ok, type Result } from "../result";
import { canonicalize, decodeMessage, encodeMessage, parseMessage } from "./codec";
import { SENDER_ROLE, type CompanyRole } from "./message-types";
import { refusal, type Refusal } from "./refusal";
import type { Message } from "./schemas";

/** JWS "typ" of a signed ReCard message; anything else is not one of ours. */
export const JWS_TYPE = "recard-message+jws";

/** Signature algorithms accepted: ES256 (P-256, every browser) and EdDSA (Ed25519). */
export const SIGNATURE_ALGORITHMS = ["ES256", "EdDSA"] as const;
export type SignatureAlgorithm = (typeof SIGNATURE_ALGORITHMS)[number];

/** Longest compact JWS accepted (a 4 MiB payload grows by a third in base64url). */
export const MAX_JWS_LENGTH = 6 * 1024 * 1024;

const KEY_ID = /^([A-Z0-9]{4,12})\/([A-Za-z0-9._-]{1,64})$/;

/** "<company id>/<label>": the key id format. Throws on malformed parts. */
export function formatKeyId(companyId: string, label: string): string {
  const kid = `${companyId}/${label}`;
  if (!KEY_ID.test(kid)) throw new RangeError(`key id: ${kid}`);
  return kid;
}

/** The company and label of a key id, or null when it is not "<company id>/<label>". */
export function parseKeyId(kid: string): { companyId: string; label: string } | null {
  const m = KEY_ID.exec(kid);
  return m ? { companyId: m[1]!, label: m[2]! } : null;
}

/** The JWS algorithm a JWK is for, or null for key types we do not accept. */
export function signatureAlgorithmOf(jwk: JsonWebKey): SignatureAlgorithm | null {
  if (jwk.kty === "EC" && jwk.crv === "P-256") return "ES256";
  if (jwk.kty === "OKP" && jwk.crv === "Ed25519") return "EdDSA";
  return null;
}

/** The public half of a JWK: only the members that define the key (drops "d" and metadata). */
export function publicJwk(jwk: JsonWebKey): JsonWebKey {
  return jwk.kty === "EC" ? { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } : { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
}

/**
 * Imported keys, kept per process (issue 16: a JWK was imported for every signature and every check).
 * Public keys by their defining members (whoever resolved them still decides whether they are trusted:
 * the cache only saves the import); private keys by the JWK object the caller holds for its lifetime.
 */
type ImportedKey = Awaited<ReturnType<typeof importJWK>>;
const importedPublic = new Map<string, Promise<ImportedKey>>();
const importedPrivate = new WeakMap<JsonWebKey, Promise<ImportedKey>>();
const MAX_IMPORTED_PUBLIC = 256;

function importPublic(jwk: JsonWebKey, alg: SignatureAlgorithm): Promise<ImportedKey> {
  const pub = publicJwk(jwk);
  const cacheKey = `${alg} ${pub.kty} ${pub.crv} ${pub.x} ${pub.y ?? ""}`;
  let key = importedPublic.get(cacheKey);
  if (!key) {
    if (importedPublic.size >= MAX_IMPORTED_PUBLIC) importedPublic.clear();
    key = importJWK(pub as JWK, alg);
    key.catch(() => importedPublic.delete(cacheKey));
    importedPublic.set(cacheKey, key);
  }
  return key;
}

function importPrivate(jwk: JsonWebKey, alg: SignatureAlgorithm): Promise<ImportedKey> {
  let key = importedPrivate.get(jwk);
  if (!key) {
    key = importJWK({ ...(publicJwk(jwk) as JWK), d: jwk.d }, alg);
    key.catch(() => importedPrivate.delete(jwk));
    importedPrivate.set(jwk, key);
  }
  return key;
}

/** A programming error on the sending side (an invalid message or key): never a business refusal. */
export class MessageSigningError extends Error {
  readonly refusal: Refusal | undefined;
  constructor(message: string, cause?: Refusal) {
    super(cause ? `${message}: ${cause.message}` : message);
    this.name = "MessageSigningError";
    this.refusal = cause;
  }
}

/** The sender's signing key: a private JWK and its key id "<sender company id>/<label>". */
export type SigningKey = { readonly privateKey: JsonWebKey; readonly kid: string };

/**
 * Signs a message as a compact JWS over its canonical bytes. Throws MessageSigningError if the
 * message would not pass the receiver's codec or the key does not belong to the sender.
 */
export async function signMessage(message: Message, key: SigningKey): Promise<string> {
  let checked: Result<Message, Refusal>;
  try {
    checked = parseMessage(JSON.parse(encodeMessage(message)));
  } catch (e) {
    throw new MessageSigningError(`message is not JSON data: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!checked.ok) throw new MessageSigningError("refusing to sign an invalid message", checked.error);
  const kid = parseKeyId(key.kid);
  if (!kid) throw new MessageSigningError(`key id "${key.kid}" is not <company id>/<label>`);
  const sender = checked.value.header.senderCompanyId;
  if (kid.companyId !== sender) {
    throw new MessageSigningError(`key ${key.kid} belongs to ${kid.companyId}, but the message is sent by ${sender}`);
  }
  const alg = signatureAlgorithmOf(key.privateKey);
  if (!alg) throw new MessageSigningError("signing key must be a P-256 (ES256) or Ed25519 (EdDSA) JWK");
  if (typeof key.privateKey.d !== "string") throw new MessageSigningError("signing key has no private part (d)");
  const privateKey = await importPrivate(key.privateKey, alg);
  return new CompactSign(canonicalize(checked.value)).setProtectedHeader({ alg, kid: key.kid, typ: JWS_TYPE }).sign(privateKey);
}

/** The parts of a compact JWS read without checking the signature (for routing and file labels). */
export type UnverifiedJws = {
  readonly alg: string;
  readonly kid: string;
  readonly typ: string;
  readonly payload: Uint8Array;
};

/** Splits and decodes a compact JWS without verifying it; never trust what it returns. */
export function readJwsUnverified(jws: string): Result<UnverifiedJws, Refusal> {
  if (jws.length > MAX_JWS_LENGTH) return err(refusal("malformed-jws", `the JWS is longer than ${MAX_JWS_LENGTH} characters`));
  const parts = jws.split(".");
  if (parts.length !== 3) return err(refusal("malformed-jws", `a compact JWS has 3 dot-separated parts, this has ${parts.length}`));
  const [head, body, signature] = parts as [string, string, string];
  let header: unknown;
  let payload: Uint8Array;
  try {
    // Canonical base64url only: spare bits or padding would give one signature many spellings.
    const decode = (part: string) => {
      const bytes = fromBase64Url(part);
      if (toBase64Url(bytes) !== part) throw new RangeError("non-canonical base64url");
      return bytes;
    };
    header = JSON.parse(fromUtf8(decode(head)));
    payload = decode(body);
    decode(signature);
  } catch {
    return err(refusal("malformed-jws", "the JWS is not three canonical base64url parts with a JSON protected header"));
  }
  if (header === null || typeof header !== "object" || Array.isArray(header)) {
    return err(refusal("malformed-jws", "the JWS protected header is not a JSON object"));
  }
  const { alg, kid, typ } = header as Record<string, unknown>;
  if (typeof alg !== "string" || typeof kid !== "string" || typeof typ !== "string") {
    return err(refusal("malformed-jws", "the JWS protected header must carry alg, kid and typ"));
  }
  return ok({ alg, kid, typ, payload });
}

/** What the receiver needs to check a message: its own identity, the clock, and the key directory. */
export type VerifyOptions = {
  /** The sender's public key for this key id, or null when the company or key is not known. */
  readonly resolveSenderKey: (companyId: string, kid: string) => Promise<JsonWebKey | null>;
  /** The receiving company: messages addressed elsewhere are refused. */
  readonly expectedReceiverCompanyId: string;
  /** The receiver's role: an issuer inbox takes only provider-sent types, and the other way round. */
  readonly receiverRole: CompanyRole;
  readonly now: Date;
  /** How far header.timestamp may lie ahead of `now` (clock skew), and by default how far behind. */
  readonly maxSkewSeconds: number;
  /** How old a message may be; defaults to maxSkewSeconds. Raise it for files sent by post. */
  readonly maxAgeSeconds?: number;
};

/**
 * Verifies a signed message and decodes it. Checks, in order: JWS form, typ, algorithm, known
 * sender key, signature, payload codec and canonical form, sender = key's company, receiver,
 * direction, and timestamp window. The replay check needs storage: see decideReceipt.
 */
export async function verifyMessage(jws: string, options: VerifyOptions): Promise<Result<Message, Refusal>> {
  const read = readJwsUnverified(jws);
  if (!read.ok) return read;
  const { alg, kid, typ } = read.value;
  if (typ !== JWS_TYPE) return err(refusal("unsupported-jws-type", `JWS typ is "${typ.slice(0, 64)}", expected "${JWS_TYPE}"`));
  if (!(SIGNATURE_ALGORITHMS as readonly string[]).includes(alg)) {
    return err(refusal("unsupported-algorithm", `JWS alg "${alg.slice(0, 32)}" is not accepted (only ${SIGNATURE_ALGORITHMS.join(", ")})`));
  }
  const keyId = parseKeyId(kid);
  if (!keyId) return err(refusal("malformed-jws", `JWS kid "${kid.slice(0, 80)}" is not <company id>/<label>`));

  const jwk = await options.resolveSenderKey(keyId.companyId, kid);
  if (!jwk) return err(refusal("unknown-sender", `no key ${kid} is registered for company ${keyId.companyId}`));
  const keyAlg = signatureAlgorithmOf(jwk);
  if (keyAlg !== alg) {
    return err(refusal("algorithm-mismatch", `the JWS claims ${alg}, but key ${kid} is ${keyAlg ? `an ${keyAlg} key` : "of an unsupported type"}`));
  }
  let payload: Uint8Array;
  try {
    const key = await importPublic(jwk, alg);
    payload = (await compactVerify(jws, key, { algorithms: [alg] })).payload;
  } catch (e) {
    if (e instanceof joseErrors.JWSSignatureVerificationFailed) {
      return err(refusal("bad-signature", `the signature does not verify with ${kid}: the message was altered or signed with another key`));
    }
    if (e instanceof joseErrors.JOSEError) return err(refusal("malformed-jws", `the JWS cannot be verified: ${e.message}`));
    throw e;
  }

  const decoded = decodeMessage(payload);
  if (!decoded.ok) return err({ ...decoded.error, message: `signed payload: ${decoded.error.message}` });
  const message = decoded.value;
  // One message, one byte string: a signer whose encoder differs from ours is a bug to surface,
  // and it keeps stored payloads comparable byte for byte.
  if (!equalBytes(payload, canonicalize(message))) {
    return err(refusal("non-canonical-payload", "the signed payload is not the canonical JSON (RFC 8785) of the message it carries"));
  }
  const { header } = message;
  if (header.senderCompanyId !== keyId.companyId) {
    return err(
      refusal(
        "sender-mismatch",
        `header.senderCompanyId is ${header.senderCompanyId}, but the message is signed with ${kid}, a key of ${keyId.companyId}`,
        "header.senderCompanyId",
      ),
    );
  }
  if (header.receiverCompanyId !== options.expectedReceiverCompanyId) {
    return err(
      refusal(
        "wrong-receiver",
        `the message is addressed to ${header.receiverCompanyId}, not to ${options.expectedReceiverCompanyId}`,
        "header.receiverCompanyId",
      ),
    );
  }
  const senderRole = SENDER_ROLE[header.type];
  if (senderRole === options.receiverRole) {
    return err(
      refusal(
        "wrong-direction",
        `a ${header.type} is sent by the ${senderRole}, but ${options.expectedReceiverCompanyId} receives as the ${options.receiverRole}`,
        "header.type",
      ),
    );
  }
  const sentAt = Date.parse(header.timestamp);
  const now = options.now.getTime();
  const maxAge = options.maxAgeSeconds ?? options.maxSkewSeconds;
  if (now - sentAt > maxAge * 1000) {
    return err(
      refusal(
        "stale-message",
        `header.timestamp ${header.timestamp} is ${Math.round((now - sentAt) / 1000)} s old; at most ${maxAge} s is accepted`,
        "header.timestamp",
      ),
    );
  }
  if (sentAt - now > options.maxSkewSeconds * 1000) {
    return err(
      refusal(
        "future-message",
        `header.timestamp ${header.timestamp} is ${Math.round((sentAt - now) / 1000)} s ahead of this clock; at most ${options.maxSkewSeconds} s of skew is accepted`,
        "header.timestamp",
      ),
    );
  }
  return ok(message);
}
