/**
 * Issuer-signed permissions: the card-side enforcement of the patent's loading permission, in the
 * manner of GlobalPlatform Delegated Management load/install/delete tokens (GP 2.3.1 §C.4) and
 * also used for life-cycle changes (SET STATUS). Byte layout (docs/card.md, "Permission token"):
 *
 *   BF20 L                              permission token
 *     BF2E L                            signed body (the signature covers this whole TLV)
 *       80 01 01                        format version
 *       81 01 op                        01 load+install, 02 delete, 03 set card life cycle
 *       B6 L                            control reference template (GP 2.3.1 §11.2.2.3 / §C.4)
 *         42 L   issuer company id      ASCII
 *         45 20  card binding           SHA-256(domain ‖ 00 ‖ card id ‖ message id), never the card id
 *         5F20 L provider company id    ASCII
 *         93 0B  token number           ASCII "I0000000042": direction + sequence of the message id
 *       4F L    AID                     load, delete
 *       82 01   kind                    load: 01 first load, 02 reload
 *       83 20   load file hash          load: SHA-256 of the load file data block
 *       84 L    original message id     reload only, ASCII
 *       87 41   key-establishment key   load, optional: the provider's P-256 public key (uncompressed
 *                                       point) that must sign the application's first keys (ssd.ts)
 *       85 01   target life cycle       set-status: 0F SECURED, 7F CARD_LOCKED, FF TERMINATED
 *       86 08   expires at              milliseconds since 1970-01-01T00:00:00Z, big-endian
 *     5F37 40   signature               ECDSA P-256/SHA-256, r ‖ s (IEEE P1363), issuer signing key
 *
 * The message id is not carried as one string: 42 ‖ "-" ‖ 5F20 ‖ "-" ‖ 93 rebuilds it exactly.
 */
import { concatBytes, toHex, utf8 } from "../bytes";
import { parseMessageId } from "../message-id";
import { assertNever, err, ok, type Result } from "../result";
import { DecodeError, decodeWith, fail, hexField, readAscii, readOneByte, readU64be, u64be } from "./codec";
import { verifySignature, webCryptoSign, webCryptoVerify, type RawPublicKey } from "./cryptography";
import { CARD_LIFE_CYCLE, CARD_LIFE_CYCLES, cardLifeCycleOf, TAG, type CardLifeCycle } from "./gp";
import { encodeTokenCrt, readTokenCrt } from "./token-crt";
import { decodeTlv, encodeLength, encodeTag, encodeTlv, TemplateReader, tlv, tlvs, type Tlv } from "./tlv";

/** Tags of the permission envelope and body (ReCard proprietary, context-specific class: ISO 7816-4 §5.2.2.1 reserves first tag byte FF as padding). */
export const PERMISSION_TAG = {
  TOKEN: 0xbf20,
  BODY: 0xbf2e,
  VERSION: 0x80,
  OPERATION: 0x81,
  KIND: 0x82,
  LOAD_FILE_HASH: 0x83,
  ORIGINAL_MESSAGE_ID: 0x84,
  TARGET_LIFE_CYCLE: 0x85,
  EXPIRES_AT: 0x86,
  ESTABLISHMENT_KEY: 0x87,
} as const;

/** Permission body format version (tag 80). */
export const PERMISSION_VERSION = 0x01;
/** Largest token the card accepts (a load permission is about 220 bytes). */
export const MAX_PERMISSION_BYTES = 512;

/** Operation codes (tag 81) shared by permissions and receipts. */
export const OPERATION_CODE = { load: 0x01, delete: 0x02, "set-status": 0x03 } as const;
/** Load kind codes (tag 82): first load or reload (patent step 808/1108). */
export const LOAD_KIND_CODE = { "first-load": 0x01, reload: 0x02 } as const;

/** First load, or reload on a reissued card. */
export type LoadKind = keyof typeof LOAD_KIND_CODE;
/** What a token allows: load+install, delete, or a card life-cycle change. */
export type PermissionOperation = keyof typeof OPERATION_CODE;

type PermissionBase = {
  /** The message id of the grant (`<issuer>-<provider>-I<sequence>`): the token number the card will not accept twice. */
  readonly messageId: string;
  /** `cardBinding(cardId, messageId)`: 64 upper-case hex digits. */
  readonly cardBinding: string;
  readonly expiresAt: Date;
};

/** Load the load file whose hash is given and install it as application `aid`. */
export type LoadPermission = PermissionBase & {
  readonly operation: "load";
  readonly aid: string;
  readonly loadFileHash: string;
  readonly kind: LoadKind;
  /** For a reload: the message id that loaded the application on the old card; null for a first load. */
  readonly originalMessageId: string | null;
  /**
   * The provider's P-256 public key (uncompressed point, hex) that must sign the key agreement giving
   * the application its own keys after INSTALL (ssd.ts): what makes that agreement authenticated. A
   * token without it lets the application be installed but never keyed.
   */
  readonly establishmentKey?: string;
};

/** Delete application `aid` and its load file. */
export type DeletePermission = PermissionBase & { readonly operation: "delete"; readonly aid: string };

/** Change the card life cycle (SET STATUS). The message id's provider part is the issuer itself. */
export type LifeCyclePermission = PermissionBase & { readonly operation: "set-status"; readonly target: CardLifeCycle };

/** What an issuer token allows, as carried in its signed body. */
export type Permission = LoadPermission | DeletePermission | LifeCyclePermission;

/** A decoded token: what it allows, the exact signed bytes and the signature. */
export type PermissionToken = { readonly permission: Permission; readonly signedBody: Uint8Array; readonly signature: Uint8Array };

function lifeCycleCode(state: CardLifeCycle): number {
  return CARD_LIFE_CYCLE[state];
}

function checkDate(date: Date, field: string): number {
  const ms = date instanceof Date ? date.getTime() : Number.NaN;
  if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`${field}: must be a valid date after 1970`);
  return ms;
}

/** Encodes the signed body; throws RangeError naming the field when the permission is malformed. */
export function encodePermissionBody(permission: Permission): Uint8Array {
  const expires = checkDate(permission.expiresAt, "permission.expiresAt");
  const fields: Tlv[] = [
    tlv(PERMISSION_TAG.VERSION, Uint8Array.of(PERMISSION_VERSION)),
    tlv(PERMISSION_TAG.OPERATION, Uint8Array.of(OPERATION_CODE[permission.operation])),
    encodeTokenCrt(permission.messageId, permission.cardBinding, "permission"),
  ];
  switch (permission.operation) {
    case "load": {
      fields.push(tlv(TAG.AID, hexField(permission.aid, "permission.aid", 5, 16)));
      fields.push(tlv(PERMISSION_TAG.KIND, Uint8Array.of(LOAD_KIND_CODE[permission.kind])));
      fields.push(tlv(PERMISSION_TAG.LOAD_FILE_HASH, hexField(permission.loadFileHash, "permission.loadFileHash", 32, 32)));
      if ((permission.kind === "reload") !== (permission.originalMessageId !== null)) {
        throw new RangeError("permission.originalMessageId: required for a reload, null for a first load");
      }
      if (permission.originalMessageId !== null) {
        checkOriginal(permission.originalMessageId, permission.messageId, (m) => new RangeError(`permission.originalMessageId: ${m}`));
        fields.push(tlv(PERMISSION_TAG.ORIGINAL_MESSAGE_ID, utf8(permission.originalMessageId)));
      }
      if (permission.establishmentKey !== undefined) {
        const key = hexField(permission.establishmentKey, "permission.establishmentKey", 65, 65);
        if (key[0] !== 0x04) throw new RangeError("permission.establishmentKey: must be an uncompressed P-256 point (04 ‖ x ‖ y)");
        fields.push(tlv(PERMISSION_TAG.ESTABLISHMENT_KEY, key));
      }
      break;
    }
    case "delete":
      fields.push(tlv(TAG.AID, hexField(permission.aid, "permission.aid", 5, 16)));
      break;
    case "set-status":
      if (!CARD_LIFE_CYCLES.includes(permission.target)) throw new RangeError(`permission.target: ${String(permission.target)}`);
      fields.push(tlv(PERMISSION_TAG.TARGET_LIFE_CYCLE, Uint8Array.of(lifeCycleCode(permission.target))));
      break;
    default:
      assertNever(permission, "permission operation");
  }
  fields.push(tlv(PERMISSION_TAG.EXPIRES_AT, u64be(expires)));
  return encodeTlv(tlvs(PERMISSION_TAG.BODY, fields));
}

/** A reload names an earlier grant between the same two companies, never itself. */
function checkOriginal(original: string, messageId: string, error: (message: string) => Error): void {
  const o = parseMessageId(original);
  const m = parseMessageId(messageId);
  if (!o.ok) throw error(o.error);
  if (!m.ok) throw error(m.error);
  if (o.value.issuerCompanyId !== m.value.issuerCompanyId || o.value.providerCompanyId !== m.value.providerCompanyId) {
    throw error("must be a grant between the same issuer and provider");
  }
  if (original === messageId) throw error("must differ from the reload's own message id");
}

/** Assembles a token from a signed body and its 64-byte signature. */
export function encodePermissionToken(signedBody: Uint8Array, signature: Uint8Array): Uint8Array {
  if (signature.length !== 64) throw new RangeError(`permission signature: must be 64 bytes, got ${signature.length}`);
  const signatureTlv = encodeTlv(tlv(TAG.SIGNATURE, signature));
  const length = signedBody.length + signatureTlv.length;
  return concatBytes(encodeTag(PERMISSION_TAG.TOKEN), encodeLength(length), signedBody, signatureTlv);
}

function readBody(children: readonly Tlv[]): Permission {
  const body = new TemplateReader(children, "permission");
  const version = readOneByte(body.primitive(PERMISSION_TAG.VERSION, "version"), "permission.version");
  if (version !== PERMISSION_VERSION) fail("permission.version", `unknown version ${version}`);
  const opCode = readOneByte(body.primitive(PERMISSION_TAG.OPERATION, "operation"), "permission.operation");
  const { messageId, cardBinding } = readTokenCrt(body.constructed(TAG.TOKEN_CRT, "B6"), "permission");
  const aidOf = (): string => {
    const aid = body.primitive(TAG.AID, "aid(4F)");
    if (aid.length < 5 || aid.length > 16) fail("permission.aid(4F)", `must be 5..16 bytes, got ${aid.length}`);
    return toHex(aid);
  };
  // Fields come in a fixed order, so the operation-specific ones are read before the expiry.
  let build: (expiresAt: Date) => Permission;
  switch (opCode) {
    case OPERATION_CODE.load: {
      const aid = aidOf();
      const kindCode = readOneByte(body.primitive(PERMISSION_TAG.KIND, "kind(82)"), "permission.kind(82)");
      const kind = kindCode === LOAD_KIND_CODE["first-load"] ? "first-load" : kindCode === LOAD_KIND_CODE.reload ? "reload" : null;
      if (kind === null) fail("permission.kind(82)", `unknown kind ${kindCode}`);
      const hash = body.primitive(PERMISSION_TAG.LOAD_FILE_HASH, "loadFileHash(83)");
      if (hash.length !== 32) fail("permission.loadFileHash(83)", `must be 32 bytes, got ${hash.length}`);
      let originalMessageId: string | null = null;
      if (kind === "reload") {
        originalMessageId = readAscii(body.primitive(PERMISSION_TAG.ORIGINAL_MESSAGE_ID, "originalMessageId(84)"), "permission.originalMessageId(84)");
        checkOriginal(originalMessageId, messageId, (m) => new DecodeError(`permission.originalMessageId(84): ${m}`));
      }
      const loadFileHash = toHex(hash);
      const key = body.optionalPrimitive(PERMISSION_TAG.ESTABLISHMENT_KEY, "establishmentKey(87)");
      if (key !== null && (key.length !== 65 || key[0] !== 0x04)) fail("permission.establishmentKey(87)", "must be an uncompressed P-256 point of 65 bytes");
      const establishment = key === null ? {} : { establishmentKey: toHex(key) };
      build = (expiresAt) => ({ operation: "load", messageId, cardBinding, aid, loadFileHash, kind, originalMessageId, ...establishment, expiresAt });
      break;
    }
    case OPERATION_CODE.delete: {
      const aid = aidOf();
      build = (expiresAt) => ({ operation: "delete", messageId, cardBinding, aid, expiresAt });
      break;
    }
    case OPERATION_CODE["set-status"]: {
      const code = readOneByte(body.primitive(PERMISSION_TAG.TARGET_LIFE_CYCLE, "target(85)"), "permission.target(85)");
      const target = cardLifeCycleOf(code);
      if (target === null) fail("permission.target(85)", `not a card life cycle coding: ${code}`);
      build = (expiresAt) => ({ operation: "set-status", messageId, cardBinding, target, expiresAt });
      break;
    }
    default:
      fail("permission.operation", `unknown operation ${opCode}`);
  }
  const expiresAt = new Date(readU64be(body.primitive(PERMISSION_TAG.EXPIRES_AT, "expiresAt(86)"), "permission.expiresAt(86)"));
  body.end();
  return build(expiresAt);
}

/** Decodes a token strictly: envelope, body, signature field; does not check the signature. */
export function decodePermissionToken(bytes: Uint8Array): Result<PermissionToken, string> {
  if (bytes.length > MAX_PERMISSION_BYTES) return err(`permission: ${bytes.length} bytes is above the ${MAX_PERMISSION_BYTES}-byte limit`);
  const outer = decodeTlv(bytes);
  if (!outer.ok) return err(`permission: ${outer.error}`);
  return decodeWith("permission", () => {
    const token = outer.value;
    if (token.tag !== PERMISSION_TAG.TOKEN || token.kind !== "constructed") fail("token", "must be tag BF20 (constructed)");
    const envelope = new TemplateReader(token.children, "token");
    const bodyChildren = envelope.constructed(PERMISSION_TAG.BODY, "body(BF2E)");
    const signature = envelope.primitive(TAG.SIGNATURE, "signature(5F37)");
    envelope.end();
    if (signature.length !== 64) fail("signature(5F37)", `must be 64 bytes, got ${signature.length}`);
    const permission = readBody(bodyChildren);
    // Strict decoding accepts only minimal encodings, so re-encoding yields the exact signed bytes.
    const signedBody = encodeTlv(tlvs(PERMISSION_TAG.BODY, bodyChildren));
    return { permission, signedBody, signature };
  });
}

/** Decodes a token (strict) so the provider or issuer can inspect what it allows; the signature is not checked. */
export function decodePermission(bytes: Uint8Array): Result<Permission, string> {
  const token = decodePermissionToken(bytes);
  return token.ok ? ok(token.value.permission) : token;
}

/** Issuer side: signs a permission with WebCrypto, giving the exact token bytes the card verifies. */
export async function signPermission(issuerSigningPrivateKeyJwk: JsonWebKey, permission: Permission): Promise<Uint8Array> {
  const body = encodePermissionBody(permission);
  const signature = await webCryptoSign(issuerSigningPrivateKeyJwk, body);
  return encodePermissionToken(body, signature);
}

/** Provider or issuer side: decodes a token and checks its signature against the issuer's public key. */
export async function verifyPermission(bytes: Uint8Array, issuerSigningPublicKeyJwk: JsonWebKey): Promise<Result<Permission, string>> {
  const token = decodePermissionToken(bytes);
  if (!token.ok) return token;
  try {
    const valid = await webCryptoVerify(issuerSigningPublicKeyJwk, token.value.signedBody, token.value.signature, "issuer signing key");
    return valid ? ok(token.value.permission) : err("permission: signature does not verify with the issuer key");
  } catch (e) {
    return err(`permission: ${(e as Error).message}`);
  }
}

/** Card side: signature check with the issuer key the card was personalised with. */
export function permissionSignatureValid(token: PermissionToken, issuerSigningPublicKey: RawPublicKey): boolean {
  return verifySignature(issuerSigningPublicKey, token.signedBody, token.signature);
}
