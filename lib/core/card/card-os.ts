/**
 * The card OS as a pure state machine: (image, session, command APDU, env) → (image, session,
 * response). Handlers never mutate; a handler's new image is committed only when it returns,
 * so any internal failure leaves the card as it was (6581 for content management, 6F00 otherwise).
 *
 * Life cycle (GP 2.3.1 §5.1.1): SECURED runs everything; CARD_LOCKED answers only SELECT of the
 * ISD (with warning 6283), GET DATA, GET RESPONSE and SET STATUS (to unlock or terminate), other
 * ISD commands get 6985 and application selection 6A81; TERMINATED answers every command 6A81.
 */
import { concatBytes, equalBytes, fromHex, toHex, u16be, utf8 } from "../bytes";
import { parseMessageId } from "../message-id";
import { assertNever } from "../result";
import { decodeCommandApdu, type CommandApdu } from "./apdu";
import { appletLabel, decodeInstallParams, initialAppletState, processAppletCommand } from "./applets";
import { cardBinding, encryptCardAttributeData, privateKeyFromRandom, publicKeyOf, sha256, sha256Hex } from "./cryptography";
import { p256 } from "@noble/curves/nist.js";
import type { CardEnv } from "./env";
import {
  APP_LIFE_CYCLE_SELECTABLE,
  APP_PRIVILEGES,
  APP_INS,
  ELF_LIFE_CYCLE_LOADED,
  APPLET_DATA_BYTES,
  CARD_LIFE_CYCLE,
  CARD_MEMORY_BYTES,
  cardLifeCycleOf,
  GET_STATUS,
  GP_OID_PREFIX,
  INS,
  INSTALL_P1,
  ISD_AID,
  KEY_TYPE,
  ISD_AID_HEX,
  ISD_PRIVILEGES,
  LOAD_P1,
  MAX_CONFIRMATION_COUNTER,
  MAX_LOAD_BLOCKS,
  SELECT,
  SET_STATUS_P1_CARD,
  TAG,
  type CardLifeCycle,
} from "./gp";
import {
  ISSUER_KEY_VERSIONS,
  MAX_USED_TOKENS,
  SCP03_KEY_VERSIONS,
  usedMemory,
  type CardApplication,
  type CardImage,
  type Scp03KeySet,
  type SecurityDomain,
} from "./image";
import {
  aesKeyCheckValue,
  cardCryptogram,
  cbcDecrypt,
  counter3,
  deriveSessionKeys,
  hostCryptogram,
  INITIAL_MAC_CHAIN,
  MAX_SEQUENCE_COUNTER,
  pseudoRandomCardChallenge,
  S8,
  sameMac,
  SECURITY_LEVELS,
  unwrapCommand,
  wrapResponse,
  type MacChain,
  type Scp03SessionKeys,
} from "./scp03";
import { issuerKeyUpdateSignatureValid, splitSignedIssuerKeys } from "./issuer-key-update";
import { openSsdEstablishKeys, ssdEstablishKeysResponse, TAG_KEY_AGREEMENT_PUBLIC_KEY, TAG_PUBLIC_KEY_POINT } from "./ssd";
import { decodeLoadFile, type AppletKind } from "./load-file";
import { decodePermissionToken, permissionSignatureValid, type LoadPermission, type Permission, type PermissionOperation } from "./permission";
import { signReceipt } from "./receipt";
import { SW, SW1_BYTES_REMAINING } from "./status-words";
import { decodeTlv, decodeTlvList, encodeLength, encodeTlv, tlv, tlvs, type Tlv } from "./tlv";

/** What is selected on the basic logical channel. */
export type Selection = { readonly kind: "isd" } | { readonly kind: "app"; readonly aid: string };

/** A content-management sequence in progress (volatile; GP 2.3.1 §11.5.2.3 INSTALL [for load] → LOAD… → INSTALL [for install]). */
export type LoadSession =
  | {
      readonly phase: "receiving";
      readonly token: Uint8Array;
      readonly permission: LoadPermission;
      readonly limit: number;
      readonly nextBlock: number;
      readonly chunks: readonly Uint8Array[];
      readonly received: number;
    }
  | {
      readonly phase: "loaded";
      readonly token: Uint8Array;
      readonly permission: LoadPermission;
      readonly kind: AppletKind;
      readonly version: number;
      readonly size: number;
    };

/** Command data received so far in an ISO 7816-4 §5.3.3 command chain (CLA b5 set). */
export type Chain = {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  readonly parts: readonly Uint8Array[];
  readonly length: number;
};

/**
 * SCP03 session state (GP 2.3.1 Amendment D §6.1): after INITIALIZE UPDATE ("initialized") and after
 * a successful EXTERNAL AUTHENTICATE ("open"). Any refusal of the channel, a successful SELECT,
 * power-off and reset drop it.
 */
export type SecureChannel =
  | {
      readonly phase: "initialized";
      readonly hostChallenge: Uint8Array;
      readonly cardChallenge: Uint8Array;
      readonly keys: Scp03SessionKeys;
      /** AID (hex) of the security domain whose keys opened it: the ISD's, or an application's own (ssd.ts). Absent in sessions saved before SSDs: the ISD. */
      readonly domain?: string;
    }
  | { readonly phase: "open"; readonly level: number; readonly keys: Scp03SessionKeys; readonly chain: MacChain; readonly domain?: string };

/** Volatile state, lost on power-off and reset. */
export type Session = {
  readonly selected: Selection;
  /** The secure channel with the selected application's security domain, if any. */
  readonly channel: SecureChannel | null;
  readonly load: LoadSession | null;
  /** Response data not yet fetched with GET RESPONSE, and the SW to end it with. */
  readonly pending: { readonly data: Uint8Array; readonly sw: number } | null;
  readonly chain: Chain | null;
  /** GET STATUS paging (GP 2.3.1 §11.4.2.2): what the next "next occurrence" request continues. */
  readonly statusPage: StatusPage | null;
  /** The transmission protocol the reader chose at power-on (ISO 7816-3): it decides how case-3 response data is returned. */
  readonly protocol: TransmissionProtocol;
  /** The application INSTALL [for install] made in this power session: only it may receive its first keys (ssd.ts). */
  readonly installed?: string | null;
  /** The key-establishment key (hex point) its load token named (tag 87): the key that must sign its first keys. */
  readonly installedBy?: string | null;
  /** The key-agreement key GET DATA 7F49 generated for that application (RAM only; used once by PUT KEY). */
  readonly keyAgreement?: { readonly aid: string; readonly privateKey: Uint8Array } | null;
};

/** ISO 7816-3 transmission protocols the ATR offers. */
export type TransmissionProtocol = "T=0" | "T=1";

/** Where a paged GET STATUS continues: same P1 and search criteria, from entry `next`. */
export type StatusPage = { readonly p1: number; readonly prefix: string; readonly next: number };

/** The session after power-on or reset: the ISD is implicitly selected (GP 2.3.1 §6.2). */
export const INITIAL_SESSION: Session = {
  selected: { kind: "isd" },
  channel: null,
  load: null,
  pending: null,
  chain: null,
  statusPage: null,
  protocol: "T=0",
  installed: null,
  installedBy: null,
  keyAgreement: null,
};

/** Most command data a chain may carry (what one extended APDU could). */
export const MAX_CHAINED_DATA = 65_535;
/** CLA b5: more commands of this chain follow (ISO 7816-4 §5.4.1). */
const CLA_CHAINING = 0x10;
/** CLA b3: GlobalPlatform secure messaging (GP 2.3.1 §11.1.4.1). */
const CLA_SECURE_MESSAGING = 0x04;

/** Result of one APDU. */
export type Step = { readonly image: CardImage; readonly session: Session; readonly response: Uint8Array };

type Ctx = { readonly image: CardImage; readonly session: Session; readonly env: CardEnv; readonly statusPage?: StatusPage | null };
type Outcome = { readonly image?: CardImage; readonly session?: Session; readonly data?: Uint8Array; readonly sw: number };

const EMPTY = new Uint8Array(0);
const refuse = (sw: number): Outcome => ({ sw });

/** Instructions that write content-management state: an internal failure during them is a memory failure (6581). */
const CONTENT_MANAGEMENT_INS: ReadonlySet<number> = new Set([INS.INSTALL, INS.LOAD, INS.DELETE, INS.SET_STATUS]);

/** Processes one command APDU. Never throws: every failure is a status word. */
export function processApdu(image: CardImage, session: Session, bytes: Uint8Array, env: CardEnv): Step {
  const swOnly = (sw: number, s: Session = session): Step => ({ image, session: s, response: Uint8Array.of(sw >> 8, sw & 0xff) });
  // GP 2.3.1 §5.1.1.5: a TERMINATED card refuses everything.
  if (image.lifeCycle === "TERMINATED") return swOnly(SW.FUNCTION_NOT_SUPPORTED, INITIAL_SESSION);
  const decoded = decodeCommandApdu(bytes);
  if (!decoded.ok) return swOnly(SW.WRONG_LENGTH, { ...session, pending: null, chain: null });
  const classified = classify(decoded.value.cla);
  if (typeof classified === "number") return swOnly(classified, { ...session, pending: null, chain: null });
  const { cls, isChained, isSecure } = classified;
  const received = decoded.value;
  if (isSecure && isChained) return swOnly(SW.CHAINING_NOT_SUPPORTED, { ...session, channel: null, pending: null, chain: null });
  const baseCla = received.cla & ~CLA_CHAINING;
  // ISO 7816-4 §5.3.3: the commands of a chain share INS P1 P2; anything else breaks the chain.
  const chain = session.chain;
  if (chain && (chain.cla !== baseCla || chain.ins !== received.ins || chain.p1 !== received.p1 || chain.p2 !== received.p2)) {
    return swOnly(SW.LAST_COMMAND_OF_CHAIN_EXPECTED, { ...session, pending: null, chain: null });
  }
  if (isChained) {
    const length = (chain?.length ?? 0) + received.data.length;
    if (received.data.length === 0 || length > MAX_CHAINED_DATA) return swOnly(SW.WRONG_LENGTH, { ...session, pending: null, chain: null });
    const next: Chain = { cla: baseCla, ins: received.ins, p1: received.p1, p2: received.p2, parts: [...(chain?.parts ?? []), received.data], length };
    return swOnly(SW.OK, { ...session, pending: null, chain: next });
  }
  const assembled: CommandApdu = chain ? { ...received, data: concatBytes(...chain.parts, received.data), extended: true } : received;
  if (cls === "iso" && assembled.ins === INS.GET_RESPONSE) return getResponse(image, { ...session, chain: null }, assembled);
  let base: Session = { ...session, pending: null, chain: null, statusPage: null };
  let apdu = assembled;
  // Amendment D §6.2.4: a protected command is checked (C-MAC, then C-DECRYPTION) before anything else.
  let open: Extract<SecureChannel, { phase: "open" }> | null = null;
  if (isSecure) {
    const lcBytes = bytes.subarray(4, received.extended ? 7 : 5);
    if (apdu.ins === INS.EXTERNAL_AUTHENTICATE) {
      const auth = externalAuthenticate(base, apdu, lcBytes);
      return { image, session: auth.session, response: Uint8Array.of(auth.sw >> 8, auth.sw & 0xff) };
    }
    const current = base.channel;
    if (!current || current.phase !== "open") return swOnly(SW.SECURITY_STATUS_NOT_SATISFIED, { ...base, channel: null });
    const unwrapped = unwrapCommand(current.keys, current.chain, current.level, { ...apdu, lcBytes });
    if (!unwrapped.ok) return swOnly(unwrapped.reason === "mac" ? SW.SECURITY_STATUS_NOT_SATISFIED : SW.INCORRECT_SM_DATA, { ...base, channel: null });
    open = { ...current, chain: unwrapped.chain };
    base = { ...base, channel: open };
    apdu = { ...apdu, cla: apdu.cla & ~CLA_SECURE_MESSAGING, data: unwrapped.data };
  } else if (cls === "gp" && base.channel) {
    // Amendment D §6.2.4: an unprotected GP command aborts the session; the command runs unauthenticated.
    base = { ...base, channel: null };
  }
  const ctx: Ctx = { image, session: base, env, statusPage: session.statusPage };
  let outcome: Outcome;
  try {
    outcome = dispatch(ctx, cls, apdu);
  } catch {
    const sw = cls === "gp" && CONTENT_MANAGEMENT_INS.has(apdu.ins) ? SW.MEMORY_FAILURE : SW.NO_PRECISE_DIAGNOSIS;
    return swOnly(sw, { ...ctx.session, load: null });
  }
  const nextSession = outcome.session ?? ctx.session;
  let data = outcome.data ?? EMPTY;
  // Amendment D §6.2.5, §6.2.7: R-MAC (and R-ENCRYPTION) over the response, chained to the command's C-MAC.
  if (open && nextSession.channel?.phase === "open") data = wrapResponse(open.keys, open.chain, open.level, data, outcome.sw);
  return shape(outcome.image ?? ctx.image, nextSession, data, outcome.sw, apdu.ne, apdu.extended);
}

/**
 * Fits response data to Ne: whatever does not fit waits for GET RESPONSE behind SW 61xx
 * (ISO 7816-4 §5.3.4), so a state-changing command is never asked to run twice. A command without
 * Le (case 3) that produced data: on T=1 the card returns it with its SW (as JCOP does for a SELECT
 * without Le), up to 256 bytes (65 536 for an extended command); on T=0 the TPDU has no room for
 * it, so the card announces it with 61xx (ISO 7816-3 §12.2.3).
 */
function shape(image: CardImage, session: Session, data: Uint8Array, sw: number, ne: number | null, extended = false): Step {
  const room = ne ?? (session.protocol === "T=1" ? (extended ? 65_536 : 256) : 0);
  if (data.length <= room) return { image, session, response: concatBytes(data, Uint8Array.of(sw >> 8, sw & 0xff)) };
  const rest = data.slice(room);
  return {
    image,
    session: { ...session, pending: { data: rest, sw } },
    response: concatBytes(data.subarray(0, room), Uint8Array.of(SW1_BYTES_REMAINING, Math.min(rest.length, 256) & 0xff)),
  };
}

function getResponse(image: CardImage, session: Session, apdu: CommandApdu): Step {
  const sw = (code: number): Step => ({ image, session: { ...session, pending: null }, response: Uint8Array.of(code >> 8, code & 0xff) });
  if (apdu.p1 !== 0 || apdu.p2 !== 0) return sw(SW.WRONG_P1P2);
  if (apdu.data.length !== 0 || apdu.ne === null) return sw(SW.WRONG_LENGTH);
  if (!session.pending) return sw(SW.CONDITIONS_NOT_SATISFIED);
  return shape(image, { ...session, pending: null }, session.pending.data, session.pending.sw, apdu.ne);
}

/**
 * CLA coding (ISO 7816-4 §5.4.1; GP 2.3.1 §11.1.4 uses the first-interindustry layout for '80'–'9F'):
 * the basic logical channel, no secure messaging, command chaining allowed.
 */
function classify(cla: number): { cls: "iso" | "gp"; isChained: boolean; isSecure: boolean } | number {
  if (cla === 0xff) return SW.CLA_NOT_SUPPORTED;
  if ((cla & 0xe0) === 0x00 || (cla & 0xe0) === 0x80) {
    const cls = (cla & 0x80) === 0 ? "iso" : "gp";
    // b4 b3 = 01 on a GP class byte: GlobalPlatform secure messaging (SCP03). Anything else with SM bits is ISO SM, not supported.
    const sm = cla & 0x0c;
    if (sm !== 0 && !(sm === CLA_SECURE_MESSAGING && cls === "gp")) return SW.SECURE_MESSAGING_NOT_SUPPORTED;
    if ((cla & 0x03) !== 0) return SW.LOGICAL_CHANNEL_NOT_SUPPORTED;
    return { cls, isChained: (cla & CLA_CHAINING) !== 0, isSecure: sm !== 0 };
  }
  if ((cla & 0xc0) === 0x40) return (cla & 0x20) !== 0 ? SW.SECURE_MESSAGING_NOT_SUPPORTED : SW.LOGICAL_CHANNEL_NOT_SUPPORTED;
  return SW.CLA_NOT_SUPPORTED;
}

function dispatch(ctx: Ctx, cls: "iso" | "gp", apdu: CommandApdu): Outcome {
  const locked = ctx.image.lifeCycle === "CARD_LOCKED";
  if (apdu.ins === INS.SELECT) return cls === "iso" ? select(ctx, apdu) : refuse(SW.CLA_NOT_SUPPORTED);
  if (cls === "gp" && apdu.ins === INS.INITIALIZE_UPDATE) return initializeUpdate(ctx, apdu);
  // Amendment D §7.1.2: EXTERNAL AUTHENTICATE always carries a C-MAC; unprotected it is refused.
  if (cls === "gp" && apdu.ins === INS.EXTERNAL_AUTHENTICATE) return { session: { ...ctx.session, channel: null }, sw: SW.SECURITY_STATUS_NOT_SATISFIED };
  const selected = ctx.session.selected;
  if (selected.kind === "app") {
    if (locked) return refuse(SW.CONDITIONS_NOT_SATISFIED);
    if (cls !== "gp") return refuse(SW.INS_NOT_SUPPORTED);
    // The application's own security domain (ssd.ts): its key-agreement key and its first keys.
    if (apdu.ins === INS.GET_DATA && ((apdu.p1 << 8) | apdu.p2) === TAG_KEY_AGREEMENT_PUBLIC_KEY) return ssdKeyAgreement(ctx, selected.aid, apdu);
    const isKeyInformation = apdu.ins === INS.GET_DATA && ((apdu.p1 << 8) | apdu.p2) === TAG.KEY_INFORMATION_TEMPLATE;
    if (isPrivateCard(ctx.image)) {
      // Private reads: on platform 200 the application (or the phantom a SELECT made) answers only inside
      // its security domain's channel; the one exception is its first keys right after INSTALL (ssd.ts).
      const establishing = apdu.ins === INS.PUT_KEY && ctx.session.keyAgreement?.aid === selected.aid;
      if (!establishing && !isOwnDomainChannel(ctx, domainOf(ctx.image, selected.aid))) return refuse(SW.SECURITY_STATUS_NOT_SATISFIED);
    }
    if (isKeyInformation) return ownKeyInformation(ctx, selected.aid, apdu);
    if (apdu.ins === INS.PUT_KEY) return ssdPutKey(ctx, selected.aid, apdu);
    return applet(ctx, selected.aid, apdu);
  }
  switch (apdu.ins) {
    case INS.GET_DATA:
      return getData(ctx, apdu);
    case INS.PUT_KEY:
      if (cls !== "gp") return refuse(SW.CLA_NOT_SUPPORTED);
      if (locked) return refuse(SW.CONDITIONS_NOT_SATISFIED);
      return putKey(ctx, apdu);
    case INS.GET_STATUS:
    case INS.INSTALL:
    case INS.LOAD:
    case INS.DELETE:
    case INS.SET_STATUS:
      if (cls !== "gp") return refuse(SW.CLA_NOT_SUPPORTED);
      if (locked && apdu.ins !== INS.SET_STATUS) return refuse(SW.CONDITIONS_NOT_SATISFIED);
      return gpCommand(ctx, apdu);
    default:
      return refuse(SW.INS_NOT_SUPPORTED);
  }
}

function gpCommand(ctx: Ctx, apdu: CommandApdu): Outcome {
  switch (apdu.ins) {
    case INS.GET_STATUS:
      return getStatus(ctx, apdu);
    case INS.INSTALL:
      if (apdu.p2 !== 0x00) return abortLoad(ctx, SW.WRONG_P1P2);
      if (apdu.p1 === INSTALL_P1.FOR_LOAD) return installForLoad(ctx, apdu);
      if (apdu.p1 === INSTALL_P1.FOR_INSTALL_AND_MAKE_SELECTABLE) return installAndMakeSelectable(ctx, apdu);
      return abortLoad(ctx, SW.WRONG_P1P2);
    case INS.LOAD:
      return load(ctx, apdu);
    case INS.DELETE:
      return deleteApplication(ctx, apdu);
    case INS.SET_STATUS:
      return setStatus(ctx, apdu);
    default:
      return refuse(SW.INS_NOT_SUPPORTED);
  }
}

// ---------------------------------------------------------------------------------------------
// SELECT (ISO 7816-4 §11.2.2, GP 2.3.1 §11.9)

/** Registry in selection order: the ISD first, then applications in installation order. */
function registry(image: CardImage): string[] {
  return [ISD_AID_HEX, ...image.applications.map((a) => a.aid)];
}

function select(ctx: Ctx, apdu: CommandApdu): Outcome {
  if (apdu.p1 !== SELECT.P1_BY_NAME) {
    // Selection by file identifier or path (P1 00–03, 08, 09): this card has no ISO file system.
    return refuse([0x00, 0x01, 0x02, 0x03, 0x08, 0x09].includes(apdu.p1) ? SW.FILE_NOT_FOUND : SW.WRONG_P1P2);
  }
  // P2: first (00) or next (02) occurrence, FCI (00) or no response data (0C).
  if (![0x00, 0x02, 0x0c, 0x0e].includes(apdu.p2)) return refuse(SW.WRONG_P1P2);
  const isNext = (apdu.p2 & SELECT.P2_NEXT) !== 0;
  const wantsFci = (apdu.p2 & SELECT.P2_NO_DATA) !== SELECT.P2_NO_DATA;
  const name = toHex(apdu.data);
  if (apdu.data.length !== 0 && (apdu.data.length < 5 || apdu.data.length > 16)) return refuse(SW.WRONG_LENGTH);
  const entries = registry(ctx.image);
  let target: string | undefined;
  if (apdu.data.length === 0) {
    // GP 2.3.1 §11.9.2.3: SELECT without data selects the ISD.
    target = isNext ? undefined : ISD_AID_HEX;
  } else {
    const current = ctx.session.selected.kind === "isd" ? ISD_AID_HEX : ctx.session.selected.aid;
    const start = isNext ? entries.indexOf(current) + 1 : 0;
    target = entries.slice(start).find((aid) => aid.startsWith(name));
  }
  const locked = ctx.image.lifeCycle === "CARD_LOCKED";
  if (locked && target !== ISD_AID_HEX) return refuse(SW.FUNCTION_NOT_SUPPORTED);
  // Platform 200: an application name answers the same whether the application is there or not.
  if (isPrivateCard(ctx.image) && apdu.data.length !== 0 && target !== ISD_AID_HEX) return privateSelect(ctx, apdu.data, isNext, wantsFci);
  if (target === undefined) return refuse(SW.FILE_NOT_FOUND);
  const selected: Selection = target === ISD_AID_HEX ? { kind: "isd" } : { kind: "app", aid: target };
  // GP 2.3.1 §10.2.3: a secure channel belongs to the application it was opened with; selecting ends it.
  const session: Session = { ...ctx.session, selected, load: null, channel: null };
  const data = wantsFci ? fci(ctx.image, selected) : EMPTY;
  return { session, data, sw: locked ? SW.SELECTED_FILE_INVALIDATED : SW.OK };
}

/** Platform-200 cards (patent method 2) keep private reads: nothing stable but the platform type without a secure channel. */
function isPrivateCard(image: CardImage): boolean {
  return image.platformType !== 100;
}

/**
 * SELECT of an application name on a platform-200 card (docs/card.md "Private reads"): the answer must not
 * tell whether the application is there, so every name (full or partial, present or not) answers `9000`
 * with an FCI that only repeats the name as sent (`6F{84 name}`: no label, no version), and the card
 * selects the application it matches, or nothing (a "phantom" selection under that name). Everything the
 * application answers afterwards needs its security domain's channel (`6982` otherwise, phantom alike).
 * "Next occurrence" (P2 `02`/`0E`) would enumerate the registry: `6A82` for every name.
 */
function privateSelect(ctx: Ctx, name: Uint8Array, isNext: boolean, wantsFci: boolean): Outcome {
  if (isNext) return refuse(SW.FILE_NOT_FOUND);
  const hex = toHex(name);
  const match = ctx.image.applications.find((a) => a.aid.startsWith(hex));
  const selected: Selection = { kind: "app", aid: match?.aid ?? hex };
  const session: Session = { ...ctx.session, selected, load: null, channel: null };
  return { session, data: wantsFci ? encodeTlv(tlvs(TAG.FCI, [tlv(TAG.DF_NAME, name)])) : EMPTY, sw: SW.OK };
}

/** The security domain whose channel an application's data needs: its own (ssd.ts), else the ISD's. */
function domainOf(image: CardImage, aid: string): string {
  return findApp(image, aid)?.domain ? aid : ISD_AID_HEX;
}

function cardRecognitionChildren(): Tlv[] {
  const oid = (...arc: number[]) => tlv(TAG.OID, concatBytes(GP_OID_PREFIX, Uint8Array.of(...arc)));
  return [oid(0x01), tlvs(TAG.CARD_MANAGEMENT_TYPE, [oid(0x02, 0x02, 0x03, 0x01)]), tlvs(TAG.CARD_IDENTIFICATION_SCHEME, [oid(0x03)])];
}

function fci(image: CardImage, selected: Selection): Uint8Array {
  if (selected.kind === "isd") {
    return encodeTlv(
      tlvs(TAG.FCI, [
        tlv(TAG.DF_NAME, ISD_AID),
        tlvs(TAG.FCI_PROPRIETARY, [tlvs(TAG.SD_MANAGEMENT_DATA, cardRecognitionChildren()), tlv(TAG.MAX_COMMAND_DATA, u16be(0xffff))]),
      ]),
    );
  }
  const app = findApp(image, selected.aid);
  const label = app ? appletLabel(app.applet.kind) : "";
  return encodeTlv(
    tlvs(TAG.FCI, [
      tlv(TAG.DF_NAME, fromHex(selected.aid)),
      tlvs(TAG.FCI_PROPRIETARY, [tlv(TAG.APPLICATION_LABEL, utf8(label)), tlv(TAG.APPLICATION_VERSION, u16be(app?.version ?? 0))]),
    ]),
  );
}

function findApp(image: CardImage, aid: string): CardApplication | undefined {
  return image.applications.find((a) => a.aid === aid);
}

// ---------------------------------------------------------------------------------------------
// GET DATA (ISO 7816-4 §11.4.3, GP 2.3.1 §11.3)

function getData(ctx: Ctx, apdu: CommandApdu): Outcome {
  if (apdu.data.length !== 0) return refuse(SW.WRONG_LENGTH);
  const tag = (apdu.p1 << 8) | apdu.p2;
  const { image } = ctx;
  const answer = (object: Tlv): Outcome => ({ data: encodeTlv(object), sw: SW.OK });
  switch (tag) {
    case TAG.IIN:
      return answer(tlv(TAG.IIN, bcd(image.iin)));
    case TAG.CIN:
      // Platform 200 (patent method 2): the card id exists but third parties may not read it.
      if (image.platformType !== 100) return refuse(SW.SECURITY_STATUS_NOT_SATISFIED);
      return answer(tlv(TAG.CIN, fromHex(image.cardId)));
    case TAG.CPLC:
      return answer(tlv(TAG.CPLC, cplc(image)));
    case TAG.CARD_RECOGNITION_DATA:
      return answer(tlvs(TAG.CARD_RECOGNITION_DATA, [tlvs(TAG.CARD_DATA, cardRecognitionChildren())]));
    case TAG.PLATFORM_TYPE:
      return answer(tlv(TAG.PLATFORM_TYPE, u16be(image.platformType)));
    case TAG.KEY_INFORMATION_TEMPLATE:
      // Key versions tell which rotations a card has seen: platform 200 lists them only inside the ISD's channel.
      if (isPrivateCard(image) && !isOwnDomainChannel(ctx, ISD_AID_HEX)) return refuse(SW.SECURITY_STATUS_NOT_SATISFIED);
      if (!image.securityDomain) return refuse(SW.DATA_NOT_FOUND);
      return answer(keyInformationTemplate(image.securityDomain));
    case TAG.CONFIRMATION_COUNTER:
      // A counter is a quasi-identifier: platform-200 cards give it only inside a secure channel.
      if (image.platformType !== 100 && !isAuthenticated(ctx)) return refuse(SW.SECURITY_STATUS_NOT_SATISFIED);
      return answer(tlv(TAG.CONFIRMATION_COUNTER, u16be(image.confirmationCounter)));
    case TAG.CARD_ATTRIBUTE_DATA:
      return answer(
        tlv(TAG.CARD_ATTRIBUTE_DATA, encryptCardAttributeData(fromHex(image.cardId), fromHex(image.keys.issuerEncryptionPublicKey), ctx.env.random(48))),
      );
    default:
      return refuse(SW.DATA_NOT_FOUND);
  }
}

/** Packed BCD, padded with F when the digit count is odd. */
function bcd(digits: string): Uint8Array {
  const padded = digits.length % 2 === 0 ? digits : `${digits}F`;
  return fromHex(padded);
}

/** YDDD in BCD (GP 2.3.1 §H.3 date format): last digit of the year, day of the year. */
function yddd(date: Date): Uint8Array {
  const start = Date.UTC(date.getUTCFullYear(), 0, 1);
  const day = Math.floor((date.getTime() - start) / 86_400_000) + 1;
  return fromHex(`${date.getUTCFullYear() % 10}${String(day).padStart(3, "0")}`);
}

/**
 * CPLC (GP 2.3.1 §H.3, 42 bytes). On platform-200 cards the IC serial number and personalisation
 * date are zero: a unique serial would let anyone link reads of the same card.
 */
function cplc(image: CardImage): Uint8Array {
  const privateCard = image.platformType !== 100;
  const serial = privateCard ? new Uint8Array(4) : sha256(concatBytes(utf8("ReCard/cplc-serial/"), fromHex(image.cardId))).slice(0, 4);
  const personalised = privateCard ? new Uint8Array(2) : yddd(new Date(image.issuedAt));
  const rc = fromHex("5243");
  return concatBytes(
    rc, // IC fabricator
    fromHex("0001"), // IC type
    rc, // operating system identifier
    fromHex("6001"), // operating system release date
    fromHex("0100"), // operating system release level
    fromHex("5340"), // IC fabrication date
    serial, // IC serial number
    fromHex("0001"), // IC batch identifier
    rc, // IC module fabricator
    fromHex("5350"), // IC module packaging date
    rc, // ICC manufacturer
    fromHex("5360"), // IC embedding date
    rc, // IC pre-personaliser
    fromHex("5365"), // IC pre-personalisation equipment date
    fromHex("00000001"), // IC pre-personalisation equipment identifier
    rc, // IC personaliser
    personalised, // IC personalisation date
    fromHex("00000001"), // IC personalisation equipment identifier
  );
}

// ---------------------------------------------------------------------------------------------
// GET STATUS (GP 2.3.1 §11.4)

/** Most GET STATUS data per response, so that R-MAC and R-ENC padding still fit a short response. */
const STATUS_PAGE_BYTES = 224;

/** Registry entries for GET STATUS P1 (GP 2.3.1 §11.4.3.1, Table 11-36), filtered by AID prefix. */
function registryEntries(image: CardImage, p1: number, prefix: string): Tlv[] {
  if (p1 === GET_STATUS.P1_ISD) {
    if (!ISD_AID_HEX.startsWith(prefix)) return [];
    return [
      tlvs(TAG.REGISTRY_ENTRY, [
        tlv(TAG.AID, ISD_AID),
        tlv(TAG.LIFE_CYCLE, Uint8Array.of(CARD_LIFE_CYCLE[image.lifeCycle])),
        tlv(TAG.PRIVILEGES, ISD_PRIVILEGES),
      ]),
    ];
  }
  return image.applications
    .filter((app) => app.aid.startsWith(prefix))
    .map((app) => {
      const aid = fromHex(app.aid);
      switch (p1) {
        case GET_STATUS.P1_APPLICATIONS:
          return tlvs(TAG.REGISTRY_ENTRY, [
            tlv(TAG.AID, aid),
            tlv(TAG.LIFE_CYCLE, Uint8Array.of(APP_LIFE_CYCLE_SELECTABLE)),
            tlv(TAG.PRIVILEGES, APP_PRIVILEGES),
            tlv(TAG.ELF_AID, aid),
            // An application with its own security domain (ssd.ts) is associated with it (the same AID here).
            tlv(TAG.ASSOCIATED_SD, app.domain ? aid : ISD_AID),
          ]);
        case GET_STATUS.P1_LOAD_FILES:
        case GET_STATUS.P1_LOAD_FILES_AND_MODULES:
          // One load file per application, LOADED ('01'), version CE; P1 '10' adds its one module (84).
          return tlvs(TAG.REGISTRY_ENTRY, [
            tlv(TAG.AID, aid),
            tlv(TAG.LIFE_CYCLE, Uint8Array.of(ELF_LIFE_CYCLE_LOADED)),
            tlv(TAG.LOAD_FILE_VERSION, u16be(app.version)),
            ...(p1 === GET_STATUS.P1_LOAD_FILES_AND_MODULES ? [tlv(TAG.EXECUTABLE_MODULE_AID, aid)] : []),
            tlv(TAG.ASSOCIATED_SD, ISD_AID),
          ]);
        default:
          return [];
      }
    })
    .flat();
}

/**
 * GET STATUS (GP 2.3.1 §11.4): P1 '80' ISD, '40' applications, '20' load files, '10' load files and
 * modules; P2 '02' (tagged, first) or '03' (next occurrence after 6310). Platform-200 cards answer
 * only inside a secure channel (6982 otherwise): the list of applications would identify the card.
 */
function getStatus(ctx: Ctx, apdu: CommandApdu): Outcome {
  const p1s: readonly number[] = [GET_STATUS.P1_ISD, GET_STATUS.P1_APPLICATIONS, GET_STATUS.P1_LOAD_FILES, GET_STATUS.P1_LOAD_FILES_AND_MODULES];
  if (!p1s.includes(apdu.p1)) return refuse(SW.WRONG_P1P2);
  if ((apdu.p2 & ~GET_STATUS.P2_NEXT) !== GET_STATUS.P2_TAGGED) return refuse(SW.WRONG_P1P2);
  if (apdu.data.length === 0) return refuse(SW.WRONG_LENGTH);
  const criteria = decodeTlvList(apdu.data);
  if (!criteria.ok || criteria.value.length !== 1) return refuse(SW.WRONG_DATA);
  const search = criteria.value[0]!;
  if (search.tag !== TAG.AID || search.kind !== "primitive" || search.value.length > 16) return refuse(SW.WRONG_DATA);
  if (ctx.image.platformType !== 100 && !isAuthenticated(ctx)) return refuse(SW.SECURITY_STATUS_NOT_SATISFIED);
  const prefix = toHex(search.value);
  let start = 0;
  if ((apdu.p2 & GET_STATUS.P2_NEXT) !== 0) {
    const page = ctx.statusPage;
    if (!page || page.p1 !== apdu.p1 || page.prefix !== prefix) return refuse(SW.CONDITIONS_NOT_SATISFIED);
    start = page.next;
  }
  const entries = registryEntries(ctx.image, apdu.p1, prefix).map(encodeTlv);
  if (entries.length === 0) return refuse(SW.DATA_NOT_FOUND);
  const parts: Uint8Array[] = [];
  let size = 0;
  let next = start;
  while (next < entries.length && size + entries[next]!.length <= STATUS_PAGE_BYTES) {
    size += entries[next]!.length;
    parts.push(entries[next]!);
    next++;
  }
  if (next < entries.length) {
    return { session: { ...ctx.session, statusPage: { p1: apdu.p1, prefix, next } }, data: concatBytes(...parts), sw: SW.MORE_DATA };
  }
  return { data: concatBytes(...parts), sw: SW.OK };
}

// ---------------------------------------------------------------------------------------------
// Secure channel: INITIALIZE UPDATE, EXTERNAL AUTHENTICATE (GP 2.3.1 Amendment D §7.1), PUT KEY (GP §11.8)

function isAuthenticated(ctx: Ctx): boolean {
  return ctx.session.channel?.phase === "open";
}

function staticKeys(set: Scp03KeySet) {
  return { enc: fromHex(set.enc), mac: fromHex(set.mac), dek: fromHex(set.dek) };
}

/**
 * i parameter (Amendment D §5.1): platform 100 uses '70' (pseudo-random card challenge from the
 * sequence counter, which the response carries); platform 200 uses '60' (random challenge, no
 * counter in the response), because a counter that grows by one per session would link the card's
 * sessions for anyone who sends INITIALIZE UPDATE. Both support R-MAC and R-ENCRYPTION.
 */
const I_PSEUDO_RANDOM = 0x70;
const I_RANDOM = 0x60;

/**
 * INITIALIZE UPDATE (Amendment D §7.1.1): 80 50 KVN 00 08 host challenge; answers with the card challenge
 * and cryptogram. Platform 100 answers openly (its version, `6A88` for a version it does not hold, the
 * card id as diversification data); platform 200 answers every P1 alike (initializeUpdatePrivate).
 */
function initializeUpdate(ctx: Ctx, apdu: CommandApdu): Outcome {
  const closed: Session = { ...ctx.session, channel: null };
  const fail = (sw: number): Outcome => ({ session: closed, sw });
  const sd = ctx.image.securityDomain;
  if (apdu.p2 !== 0x00) return fail(SW.WRONG_P1P2);
  if (apdu.data.length !== S8) return fail(SW.WRONG_LENGTH);
  // Platform 200: one answer shape whatever the card holds (the ISD's versions, an application, its keys).
  if (isPrivateCard(ctx.image)) return initializeUpdatePrivate(ctx, apdu);
  // An application with its own security domain (ssd.ts) answers with that domain's keys only.
  const selected = ctx.session.selected;
  const own = selected.kind === "app" ? findApp(ctx.image, selected.aid)?.domain : undefined;
  if (own && selected.kind === "app") return initializeUpdateOwnDomain(ctx, apdu, selected.aid, own.scp03);
  if (!sd || (apdu.p1 !== 0x00 && apdu.p1 !== sd.scp03.keyVersion)) return fail(SW.DATA_NOT_FOUND);
  const keys = staticKeys(sd.scp03);
  const hostChallenge = apdu.data.slice();
  // Amendment D §6.2.2.1: the counter moves before use and never wraps.
  if (sd.sequenceCounter >= MAX_SEQUENCE_COUNTER) return fail(SW.CONDITIONS_NOT_SATISFIED);
  const sequenceCounter = sd.sequenceCounter + 1;
  const aid = ctx.session.selected.kind === "isd" ? ISD_AID : fromHex(ctx.session.selected.aid);
  const cardChallenge = pseudoRandomCardChallenge(keys.enc, sequenceCounter, aid);
  const session = deriveSessionKeys(keys, hostChallenge, cardChallenge);
  // Key diversification data (10 bytes): 0000 ‖ the card id (platform 100 publishes it anyway).
  const data = concatBytes(
    new Uint8Array(2),
    fromHex(ctx.image.cardId),
    Uint8Array.of(sd.scp03.keyVersion, 0x03, I_PSEUDO_RANDOM),
    cardChallenge,
    cardCryptogram(session, hostChallenge, cardChallenge),
    counter3(sequenceCounter),
  );
  return {
    image: { ...ctx.image, securityDomain: { ...sd, sequenceCounter } },
    session: { ...closed, channel: { phase: "initialized", hostChallenge, cardChallenge, keys: session, domain: ISD_AID_HEX } },
    data,
    sw: SW.OK,
  };
}

/**
 * INITIALIZE UPDATE with an application's own security domain on platform 100 (platform 200:
 * initializeUpdatePrivate): its key set, a random card challenge (i = '60', no sequence counter) and zero
 * diversification data, so the answer says nothing stable about the card. P1 other than '00' or the
 * domain's version → 6A88.
 */
function initializeUpdateOwnDomain(ctx: Ctx, apdu: CommandApdu, aid: string, set: Scp03KeySet): Outcome {
  const closed: Session = { ...ctx.session, channel: null };
  if (apdu.p1 !== 0x00 && apdu.p1 !== set.keyVersion) return { session: closed, sw: SW.DATA_NOT_FOUND };
  const hostChallenge = apdu.data.slice();
  const cardChallenge = ctx.env.random(S8);
  const session = deriveSessionKeys(staticKeys(set), hostChallenge, cardChallenge);
  const data = concatBytes(
    new Uint8Array(10),
    Uint8Array.of(set.keyVersion, 0x03, I_RANDOM),
    cardChallenge,
    cardCryptogram(session, hostChallenge, cardChallenge),
  );
  return { session: { ...closed, channel: { phase: "initialized", hostChallenge, cardChallenge, keys: session, domain: aid } }, data, sw: SW.OK };
}

/**
 * INITIALIZE UPDATE on a platform-200 card (docs/card.md "Private reads"), the ISD or an application (or a
 * phantom, privateSelect) selected: one answer shape whatever the card holds, so it tells a stranger neither
 * which key versions the card holds (which ISD rotations it has seen) nor whether an application exists or
 * has keys of its own. The answer is zero diversification data ‖ **P1 echoed** as the key version ‖ `03 60`
 * ‖ a random card challenge (no sequence counter) ‖ a card cryptogram, computed with the keys P1 names when
 * the selection has them, otherwise with random keys no host holds, so the host's cryptogram check fails and
 * EXTERNAL AUTHENTICATE answers `6300`. Never `6A88`: that would tell which versions exist.
 * - ISD selected: P1 `00` (GP: the first available key set) or the ISD's version names the ISD's keys; the
 *   answer says `00` for P1 `00`, never the version it used.
 * - An application with a domain of its own (ssd.ts): only P1 = its version names its keys.
 * - An application without one: P1 `00` or the ISD's version names the ISD's keys (its associated domain,
 *   GP 2.3.1 §7.2); a phantom holds nothing.
 */
function initializeUpdatePrivate(ctx: Ctx, apdu: CommandApdu): Outcome {
  const closed: Session = { ...ctx.session, channel: null };
  const selected = ctx.session.selected;
  const isd = ctx.image.securityDomain?.scp03;
  const namesIsd = isd !== undefined && (apdu.p1 === 0x00 || apdu.p1 === isd.keyVersion);
  const app = selected.kind === "app" ? findApp(ctx.image, selected.aid) : undefined;
  const own = app?.domain?.scp03;
  let set: Scp03KeySet | undefined;
  let domain = selected.kind === "app" ? selected.aid : ISD_AID_HEX;
  if (selected.kind === "isd") set = namesIsd ? isd : undefined;
  else if (own) set = own.keyVersion === apdu.p1 ? own : undefined;
  else if (app && namesIsd) [set, domain] = [isd, ISD_AID_HEX];
  // Drawn in every case, so the card's random stream does not depend on what is there either.
  const decoy = { enc: ctx.env.random(16), mac: ctx.env.random(16), dek: ctx.env.random(16) };
  const keys = set ? staticKeys(set) : decoy;
  const hostChallenge = apdu.data.slice();
  const cardChallenge = ctx.env.random(S8);
  const session = deriveSessionKeys(keys, hostChallenge, cardChallenge);
  const data = concatBytes(new Uint8Array(10), Uint8Array.of(apdu.p1, 0x03, I_RANDOM), cardChallenge, cardCryptogram(session, hostChallenge, cardChallenge));
  return { session: { ...closed, channel: { phase: "initialized", hostChallenge, cardChallenge, keys: session, domain } }, data, sw: SW.OK };
}

/**
 * GET DATA '7F49' with an application selected: a fresh P-256 key-agreement key for the application's
 * first keys, only for the application INSTALL made in this power session, only when its load token
 * named a key-establishment key (tag 87) and only while it has no keys (6985 otherwise); the private
 * half stays in RAM for the PUT KEY that follows.
 */
function ssdKeyAgreement(ctx: Ctx, aid: string, apdu: CommandApdu): Outcome {
  if (apdu.data.length !== 0) return refuse(SW.WRONG_LENGTH);
  const app = findApp(ctx.image, aid);
  if (!app || app.domain || ctx.session.installed !== aid || !ctx.session.installedBy || !ctx.image.securityDomain) return refuse(SW.CONDITIONS_NOT_SATISFIED);
  const privateKey = privateKeyFromRandom(ctx.env.random(48));
  return {
    session: { ...ctx.session, keyAgreement: { aid, privateKey } },
    data: encodeTlv(tlvs(TAG_KEY_AGREEMENT_PUBLIC_KEY, [tlv(TAG_PUBLIC_KEY_POINT, publicKeyOf(privateKey))])),
    sw: SW.OK,
  };
}

/**
 * PUT KEY with an application selected (its own security domain, GP 2.3.1 §11.8):
 * - P1 '00' (a new key set), outside a channel: the first keys, wrapped for the key-agreement key of
 *   GET DATA '7F49' in this session and signed by the key-establishment key of the application's load
 *   token (6985 without one, 6982 signature wrong, 6A80 malformed or KCV wrong); once only: any answer
 *   spends the key-agreement key;
 * - P1 = the domain's version, inside the domain's own channel: three AES keys under its Key-DEK, as
 *   the ISD's rotation (6982 outside that channel).
 */
function ssdPutKey(ctx: Ctx, aid: string, apdu: CommandApdu): Outcome {
  const index = ctx.image.applications.findIndex((a) => a.aid === aid);
  const app = ctx.image.applications[index];
  if (!app) return refuse(SW.CONDITIONS_NOT_SATISFIED);
  if (apdu.p2 !== 0x81) return refuse(SW.WRONG_P1P2);
  const withDomain = (scp03: Scp03KeySet): CardImage => ({
    ...ctx.image,
    applications: ctx.image.applications.map((a, i) => (i === index ? { ...a, domain: { scp03 } } : a)),
  });
  if (!app.domain) {
    if (apdu.p1 !== 0x00) return refuse(SW.DATA_NOT_FOUND);
    const agreement = ctx.session.keyAgreement;
    const signer = ctx.session.installedBy;
    if (!agreement || agreement.aid !== aid || ctx.session.installed !== aid || !signer) return refuse(SW.CONDITIONS_NOT_SATISFIED);
    const opened = openSsdEstablishKeys(agreement.privateKey, apdu.data, { aid: fromHex(aid), establishmentKey: fromHex(signer) });
    const used: Session = { ...ctx.session, keyAgreement: null };
    if (opened === "signature") return { session: used, sw: SW.SECURITY_STATUS_NOT_SATISFIED };
    if (!opened || opened.keyVersion < SCP03_KEY_VERSIONS.first || opened.keyVersion > SCP03_KEY_VERSIONS.last) return { session: used, sw: SW.WRONG_DATA };
    const scp03: Scp03KeySet = { keyVersion: opened.keyVersion, enc: toHex(opened.keys.enc), mac: toHex(opened.keys.mac), dek: toHex(opened.keys.dek) };
    return { image: withDomain(scp03), session: used, data: ssdEstablishKeysResponse(opened.keyVersion, opened.keys), sw: SW.OK };
  }
  if (!isOwnDomainChannel(ctx, aid)) return refuse(SW.SECURITY_STATUS_NOT_SATISFIED);
  if (apdu.p1 !== app.domain.scp03.keyVersion) return refuse(SW.DATA_NOT_FOUND);
  const replaced = replaceAesKeySet(app.domain.scp03, apdu.data);
  if (typeof replaced === "number") return refuse(replaced);
  return { image: withDomain(replaced.set), data: replaced.response, sw: SW.OK };
}

/** GET DATA E0 with an application selected: its own domain's key set (6A88 when it has none). */
function ownKeyInformation(ctx: Ctx, aid: string, apdu: CommandApdu): Outcome {
  if (apdu.data.length !== 0) return refuse(SW.WRONG_LENGTH);
  const set = findApp(ctx.image, aid)?.domain?.scp03;
  if (!set) return refuse(SW.DATA_NOT_FOUND);
  const info = (id: number) => tlv(TAG.KEY_INFORMATION, Uint8Array.of(id, set.keyVersion, KEY_TYPE.AES, set.enc.length / 2));
  return { data: encodeTlv(tlvs(TAG.KEY_INFORMATION_TEMPLATE, [info(0x01), info(0x02), info(0x03)])), sw: SW.OK };
}

/** Whether the open channel was opened with `domain`'s keys (an application's AID, or the ISD's). */
function isOwnDomainChannel(ctx: Ctx, domain: string): boolean {
  const channel = ctx.session.channel;
  return channel?.phase === "open" && (channel.domain ?? ISD_AID_HEX) === domain;
}

/** PUT KEY data replacing an AES key set (three `88` keys under the current Key-DEK, KCVs checked): the new set and the answer, or a SW. */
function replaceAesKeySet(current: Scp03KeySet, data: Uint8Array): { set: Scp03KeySet; response: Uint8Array } | number {
  const fields = putKeyFields(data);
  const newVersion = data[0];
  if (!fields || newVersion === undefined || fields.length !== 3 || !fields.every((f) => f.type === KEY_TYPE.AES)) return SW.WRONG_DATA;
  if (newVersion < SCP03_KEY_VERSIONS.first || newVersion > SCP03_KEY_VERSIONS.last || newVersion === current.keyVersion) return SW.WRONG_DATA;
  const dek = fromHex(current.dek);
  const keys: Uint8Array[] = [];
  for (const field of fields) {
    const length = field.value[0];
    const encrypted = field.value.subarray(1);
    if (length === undefined || ![16, 24, 32].includes(length) || encrypted.length !== Math.ceil(length / 16) * 16) return SW.WRONG_DATA;
    const key = cbcDecrypt(dek, new Uint8Array(16), encrypted).slice(0, length);
    if (!sameMac(field.kcv, aesKeyCheckValue(key))) return SW.WRONG_DATA;
    keys.push(key);
  }
  const [enc, mac, dekKey] = keys as [Uint8Array, Uint8Array, Uint8Array];
  if (enc.length !== mac.length || enc.length !== dekKey.length) return SW.WRONG_DATA;
  return {
    set: { keyVersion: newVersion, enc: toHex(enc), mac: toHex(mac), dek: toHex(dekKey) },
    response: concatBytes(Uint8Array.of(newVersion), ...keys.map(aesKeyCheckValue)),
  };
}

/**
 * EXTERNAL AUTHENTICATE (Amendment D §7.1.2): 84 82 level 00 10 host cryptogram ‖ C-MAC. The host
 * cryptogram is checked first (6300), then the C-MAC (6982); either failure closes the channel.
 */
function externalAuthenticate(session: Session, apdu: CommandApdu, lcBytes: Uint8Array): { session: Session; sw: number } {
  const closed: Session = { ...session, channel: null };
  const current = session.channel;
  if (!current || current.phase !== "initialized") return { session: closed, sw: SW.CONDITIONS_NOT_SATISFIED };
  if (apdu.p2 !== 0x00 || !SECURITY_LEVELS.includes(apdu.p1)) return { session: closed, sw: SW.WRONG_P1P2 };
  if (apdu.data.length !== 2 * S8) return { session: closed, sw: SW.WRONG_LENGTH };
  const expected = hostCryptogram(current.keys, current.hostChallenge, current.cardChallenge);
  if (!sameMac(apdu.data.subarray(0, S8), expected)) return { session: closed, sw: SW.AUTHENTICATION_FAILED };
  const unwrapped = unwrapCommand(current.keys, INITIAL_MAC_CHAIN, apdu.p1, { ...apdu, lcBytes }, true);
  if (!unwrapped.ok) return { session: closed, sw: SW.SECURITY_STATUS_NOT_SATISFIED };
  return {
    session: { ...session, channel: { phase: "open", level: apdu.p1, keys: current.keys, chain: unwrapped.chain, domain: current.domain ?? ISD_AID_HEX } },
    sw: SW.OK,
  };
}

/** Key information template (GP 2.3.1 §11.3.3.1): C0{key id, KVN, type, length} per key. */
function keyInformationTemplate(sd: SecurityDomain): Tlv {
  const length = sd.scp03.enc.length / 2;
  const info = (id: number, kvn: number, type: number, bytes: number) => tlv(TAG.KEY_INFORMATION, Uint8Array.of(id, kvn, type, bytes));
  return tlvs(TAG.KEY_INFORMATION_TEMPLATE, [
    info(0x01, sd.scp03.keyVersion, KEY_TYPE.AES, length),
    info(0x02, sd.scp03.keyVersion, KEY_TYPE.AES, length),
    info(0x03, sd.scp03.keyVersion, KEY_TYPE.AES, length),
    info(0x01, sd.issuerKeyVersion, KEY_TYPE.ECC_PUBLIC, 65),
    info(0x02, sd.issuerKeyVersion, KEY_TYPE.ECC_PUBLIC, 65),
  ]);
}

/** Reads PUT KEY key data fields (GP 2.3.1 §11.8.2.3): type ‖ L ‖ key data ‖ KCV length ‖ KCV. */
function putKeyFields(data: Uint8Array): { type: number; value: Uint8Array; kcv: Uint8Array }[] | null {
  const out: { type: number; value: Uint8Array; kcv: Uint8Array }[] = [];
  let offset = 1;
  while (offset < data.length) {
    const type = data[offset]!;
    const length = data[offset + 1];
    if (length === undefined || length > 0x7f) return null;
    const valueEnd = offset + 2 + length;
    const kcvLength = data[valueEnd];
    if (kcvLength === undefined) return null;
    const end = valueEnd + 1 + kcvLength;
    if (end > data.length) return null;
    out.push({ type, value: data.subarray(offset + 2, valueEnd), kcv: data.subarray(valueEnd + 1, end) });
    offset = end;
  }
  return out;
}

/**
 * PUT KEY (GP 2.3.1 §11.8; Amendment D §7.2), inside an open secure channel, or outside one for a
 * signed issuer key update (issuer-key-update.ts: the issuer's signature with the current key). Two key sets:
 * - the ISD's SCP03 keys (three AES keys, type 88, each `L(key) ‖ AES-CBC(Key-DEK, key)`, KCV 3 bytes):
 *   P1 = the current version, new version '01'..'6F' and different; the old version is gone afterwards;
 * - the issuer public keys (two P-256 points, type B0, no KCV): key id 1 verifies permission tokens,
 *   key id 2 is the card attribute data key; P1 = the current version, the new one must be higher
 *   ('70'..'7F'), so a card never goes back to a retired issuer key.
 * Response: new KVN ‖ KCVs (GP §11.8.3).
 */
function putKey(ctx: Ctx, apdu: CommandApdu): Outcome {
  const sd = ctx.image.securityDomain;
  // Outside a channel only a signed issuer key update (issuer-key-update.ts) is accepted: the issuer's
  // signature with the signing key the card holds now authenticates it.
  const signed = splitSignedIssuerKeys(apdu.data);
  if (!isAuthenticated(ctx) && !signed) return refuse(SW.SECURITY_STATUS_NOT_SATISFIED);
  if (!sd) return refuse(SW.DATA_NOT_FOUND);
  if (apdu.p2 !== 0x81) return refuse(SW.WRONG_P1P2);
  if (signed) {
    const fromCurrent = apdu.p1 === sd.issuerKeyVersion;
    const isValid =
      fromCurrent &&
      issuerKeyUpdateSignatureValid(ctx.image.issuerCompanyId, apdu.p1, fromHex(ctx.image.keys.issuerSigningPublicKey), signed.fields, signed.signature);
    // Platform 200, outside the ISD's channel: one word for "not from my version" and "not signed by the key I
    // hold", since 6A88 for every P1 but one (6982) would tell a stranger the card's version (docs/card.md
    // "Private reads"). A desk reads 6A88 as "not for this card now": it is past that version.
    if (!isValid && isPrivateCard(ctx.image) && !isOwnDomainChannel(ctx, ISD_AID_HEX)) return refuse(SW.DATA_NOT_FOUND);
    if (!fromCurrent) return refuse(SW.DATA_NOT_FOUND);
    if (!isValid) return refuse(SW.SECURITY_STATUS_NOT_SATISFIED);
  }
  const fields = putKeyFields(signed ? signed.fields : apdu.data);
  const newVersion = apdu.data[0];
  if (!fields || newVersion === undefined || fields.length === 0) return refuse(SW.WRONG_DATA);
  if (fields.every((f) => f.type === KEY_TYPE.AES) && fields.length === 3) {
    if (apdu.p1 !== sd.scp03.keyVersion) return refuse(SW.DATA_NOT_FOUND);
    const replaced = replaceAesKeySet(sd.scp03, signed ? signed.fields : apdu.data);
    if (typeof replaced === "number") return refuse(replaced);
    return { image: { ...ctx.image, securityDomain: { ...sd, scp03: replaced.set } }, data: replaced.response, sw: SW.OK };
  }
  if (fields.every((f) => f.type === KEY_TYPE.ECC_PUBLIC) && fields.length === 2) {
    if (apdu.p1 !== sd.issuerKeyVersion) return refuse(SW.DATA_NOT_FOUND);
    // A signed update only moves forward. Inside the ISD's own channel the issuer may set any other version:
    // it recovers a card that someone holding a leaked signing key moved to keys of their choice.
    const forward = newVersion > sd.issuerKeyVersion;
    const recovery = !signed && isOwnDomainChannel(ctx, ISD_AID_HEX) && newVersion !== sd.issuerKeyVersion && newVersion >= ISSUER_KEY_VERSIONS.first;
    if (!(forward || recovery) || newVersion > ISSUER_KEY_VERSIONS.last) return refuse(SW.WRONG_DATA);
    const [signing, encryption] = fields as [(typeof fields)[0], (typeof fields)[0]];
    for (const f of fields) if (f.kcv.length !== 0 || f.value.length !== 65 || !p256.utils.isValidPublicKey(f.value, false)) return refuse(SW.WRONG_DATA);
    return {
      image: {
        ...ctx.image,
        keys: { ...ctx.image.keys, issuerSigningPublicKey: toHex(signing.value), issuerEncryptionPublicKey: toHex(encryption.value) },
        securityDomain: { ...sd, issuerKeyVersion: newVersion },
      },
      data: Uint8Array.of(newVersion),
      sw: SW.OK,
    };
  }
  return refuse(SW.WRONG_DATA);
}

// ---------------------------------------------------------------------------------------------
// Token checks shared by INSTALL, DELETE and SET STATUS

type Authorised<P extends Permission> = { readonly ok: true; readonly permission: P } | { readonly ok: false; readonly sw: number };

/**
 * Verifies an issuer token for this card, in an order that reveals nothing to an unauthenticated
 * sender: format (6A80), signature with the personalised issuer key, issuer id, card binding and
 * operation (6982), then expiry and replay (6985). Fail closed at every step.
 */
function authorise<O extends PermissionOperation>(ctx: Ctx, token: Uint8Array, operation: O): Authorised<Extract<Permission, { operation: O }>> {
  const decoded = decodePermissionToken(token);
  if (!decoded.ok) return { ok: false, sw: SW.WRONG_DATA };
  const { permission } = decoded.value;
  if (!permissionSignatureValid(decoded.value, fromHex(ctx.image.keys.issuerSigningPublicKey))) return { ok: false, sw: SW.SECURITY_STATUS_NOT_SATISFIED };
  const parts = parseMessageId(permission.messageId);
  if (!parts.ok || parts.value.issuerCompanyId !== ctx.image.issuerCompanyId) return { ok: false, sw: SW.SECURITY_STATUS_NOT_SATISFIED };
  if (permission.cardBinding !== cardBinding(ctx.image.cardId, permission.messageId)) return { ok: false, sw: SW.SECURITY_STATUS_NOT_SATISFIED };
  if (permission.operation !== operation) return { ok: false, sw: SW.SECURITY_STATUS_NOT_SATISFIED };
  if (ctx.env.now().getTime() >= permission.expiresAt.getTime()) return { ok: false, sw: SW.CONDITIONS_NOT_SATISFIED };
  if (ctx.image.usedTokens.some((t) => t.messageId === permission.messageId)) return { ok: false, sw: SW.CONDITIONS_NOT_SATISFIED };
  if (ctx.image.usedTokens.length >= MAX_USED_TOKENS) return { ok: false, sw: SW.NOT_ENOUGH_MEMORY };
  return { ok: true, permission: permission as Extract<Permission, { operation: O }> };
}

/** Records the token as used (replay protection is permanent: the card trusts no clock for forgetting). */
function spend(image: CardImage, permission: Permission): CardImage["usedTokens"] {
  return [...image.usedTokens, { messageId: permission.messageId, expiresAt: permission.expiresAt.toISOString() }];
}

function abortLoad(ctx: Ctx, sw: number): Outcome {
  return { session: { ...ctx.session, load: null }, sw };
}

/** Splits INSTALL data into its length-prefixed fields (GP 2.3.1 §11.5.2.3; BER lengths for long fields). */
function lvFields(data: Uint8Array, count: number): Uint8Array[] | null {
  const out: Uint8Array[] = [];
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const first = data[offset];
    if (first === undefined) return null;
    let length = first;
    let header = 1;
    if (first === 0x81 || first === 0x82) {
      const n = first & 0x7f;
      if (offset + 1 + n > data.length) return null;
      length = n === 1 ? data[offset + 1]! : (data[offset + 1]! << 8) | data[offset + 2]!;
      header += n;
      if (!equalBytes(encodeLength(length), data.subarray(offset, offset + header))) return null;
    } else if (first > 0x7f) {
      return null;
    }
    if (offset + header + length > data.length) return null;
    out.push(data.slice(offset + header, offset + header + length));
    offset += header + length;
  }
  return offset === data.length ? out : null;
}

/** GP 2.3.1 §11.5.2.3.7 load parameters: empty, or EF with system parameters; returns the C6 code limit if any. */
function loadParameters(bytes: Uint8Array): { limit: number | null } | null {
  if (bytes.length === 0) return { limit: null };
  const parsed = decodeTlv(bytes);
  if (!parsed.ok || parsed.value.tag !== TAG.SYSTEM_PARAMETERS || parsed.value.kind !== "constructed") return null;
  let limit: number | null = null;
  for (const child of parsed.value.children) {
    if (child.kind !== "primitive" || ![0xc6, 0xc7, 0xc8].includes(child.tag)) return null;
    if (child.value.length !== 2 && child.value.length !== 4) return null;
    const value = child.value.reduce((acc, b) => acc * 256 + b, 0);
    if (child.tag === TAG.NV_CODE_LIMIT) limit = value;
  }
  return { limit };
}

function counterExhausted(image: CardImage): boolean {
  return image.confirmationCounter >= MAX_CONFIRMATION_COUNTER;
}

// ---------------------------------------------------------------------------------------------
// INSTALL [for load] (GP 2.3.1 §11.5.2.3.1), LOAD (§11.6), INSTALL [for install and make selectable] (§11.5.2.3.2)

function installForLoad(ctx: Ctx, apdu: CommandApdu): Outcome {
  const fields = lvFields(apdu.data, 5);
  if (!fields) return abortLoad(ctx, SW.WRONG_DATA);
  const [elfAid, sdAid, hash, params, token] = fields as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  if (elfAid.length < 5 || elfAid.length > 16 || hash.length !== 32) return abortLoad(ctx, SW.WRONG_DATA);
  if (sdAid.length !== 0 && !equalBytes(sdAid, ISD_AID)) return abortLoad(ctx, SW.DATA_NOT_FOUND);
  const loadParams = loadParameters(params);
  if (!loadParams) return abortLoad(ctx, SW.WRONG_DATA);
  if (token.length === 0) return abortLoad(ctx, SW.SECURITY_STATUS_NOT_SATISFIED);
  const auth = authorise(ctx, token, "load");
  if (!auth.ok) return abortLoad(ctx, auth.sw);
  const { permission } = auth;
  if (permission.aid !== toHex(elfAid) || permission.loadFileHash !== toHex(hash)) return abortLoad(ctx, SW.SECURITY_STATUS_NOT_SATISFIED);
  if (counterExhausted(ctx.image)) return abortLoad(ctx, SW.CONDITIONS_NOT_SATISFIED);
  if (findApp(ctx.image, permission.aid)) return abortLoad(ctx, SW.CONDITIONS_NOT_SATISFIED);
  const free = CARD_MEMORY_BYTES - usedMemory(ctx.image.applications) - APPLET_DATA_BYTES;
  if (free <= 0 || (loadParams.limit !== null && loadParams.limit > free)) return abortLoad(ctx, SW.NOT_ENOUGH_MEMORY);
  // The LOAD data also carries the C4 tag and length (at most 4 bytes) around the load file.
  const limit = (loadParams.limit === null ? free : loadParams.limit) + 4;
  const session: Session = {
    ...ctx.session,
    load: { phase: "receiving", token, permission, limit, nextBlock: 0, chunks: [], received: 0 },
  };
  return { session, data: Uint8Array.of(0x00), sw: SW.OK };
}

function load(ctx: Ctx, apdu: CommandApdu): Outcome {
  const current = ctx.session.load;
  if (!current || current.phase !== "receiving") return abortLoad(ctx, SW.CONDITIONS_NOT_SATISFIED);
  if (apdu.p1 !== LOAD_P1.MORE_BLOCKS && apdu.p1 !== LOAD_P1.LAST_BLOCK) return abortLoad(ctx, SW.WRONG_P1P2);
  if (apdu.p2 !== current.nextBlock) return abortLoad(ctx, SW.WRONG_P1P2);
  if (apdu.data.length === 0) return abortLoad(ctx, SW.WRONG_LENGTH);
  const received = current.received + apdu.data.length;
  if (received > current.limit) return abortLoad(ctx, SW.NOT_ENOUGH_MEMORY);
  const chunks = [...current.chunks, apdu.data];
  if (apdu.p1 === LOAD_P1.MORE_BLOCKS) {
    if (current.nextBlock + 1 >= MAX_LOAD_BLOCKS) return abortLoad(ctx, SW.NOT_ENOUGH_MEMORY);
    return { session: { ...ctx.session, load: { ...current, chunks, received, nextBlock: current.nextBlock + 1 } }, sw: SW.OK };
  }
  // Last block: the LOAD data must be exactly one C4 load file data block (no DAP blocks, GP 2.3.1 §11.6.2.3).
  const parsed = decodeTlv(concatBytes(...chunks));
  if (!parsed.ok || parsed.value.tag !== TAG.LOAD_FILE_DATA_BLOCK || parsed.value.kind !== "primitive") return abortLoad(ctx, SW.WRONG_DATA);
  const block = parsed.value.value;
  if (sha256Hex(block) !== current.permission.loadFileHash) return abortLoad(ctx, SW.SECURITY_STATUS_NOT_SATISFIED);
  const file = decodeLoadFile(block);
  if (!file.ok || file.value.aid !== current.permission.aid) return abortLoad(ctx, SW.WRONG_DATA);
  const loaded: LoadSession = {
    phase: "loaded",
    token: current.token,
    permission: current.permission,
    kind: file.value.kind,
    version: file.value.version,
    size: block.length,
  };
  return { session: { ...ctx.session, load: loaded }, data: Uint8Array.of(0x00), sw: SW.OK };
}

function installAndMakeSelectable(ctx: Ctx, apdu: CommandApdu): Outcome {
  const current = ctx.session.load;
  if (!current || current.phase !== "loaded") return abortLoad(ctx, SW.CONDITIONS_NOT_SATISFIED);
  const fields = lvFields(apdu.data, 6);
  if (!fields) return abortLoad(ctx, SW.WRONG_DATA);
  const [elfAid, moduleAid, appAid, privileges, params, token] = fields as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  const { permission } = current;
  // One load file carries one applet module, both named by the application AID.
  if (toHex(elfAid) !== permission.aid || toHex(moduleAid) !== permission.aid) return abortLoad(ctx, SW.DATA_NOT_FOUND);
  if (toHex(appAid) !== permission.aid) return abortLoad(ctx, SW.SECURITY_STATUS_NOT_SATISFIED);
  // Applications get no privileges: only the issuer's security domain manages the card.
  if ((privileges.length !== 1 && privileges.length !== 3) || privileges.some((b) => b !== 0)) return abortLoad(ctx, SW.WRONG_DATA);
  if (!equalBytes(token, current.token)) return abortLoad(ctx, SW.SECURITY_STATUS_NOT_SATISFIED);
  const appletParams = decodeInstallParams(current.kind, params);
  if (!appletParams.ok) return abortLoad(ctx, SW.WRONG_DATA);
  // Re-checked at commit: time may have passed during LOAD.
  const now = ctx.env.now();
  if (now.getTime() >= permission.expiresAt.getTime() || ctx.image.usedTokens.some((t) => t.messageId === permission.messageId)) {
    return abortLoad(ctx, SW.CONDITIONS_NOT_SATISFIED);
  }
  if (counterExhausted(ctx.image)) return abortLoad(ctx, SW.CONDITIONS_NOT_SATISFIED);
  if (usedMemory(ctx.image.applications) + current.size + APPLET_DATA_BYTES > CARD_MEMORY_BYTES) return abortLoad(ctx, SW.NOT_ENOUGH_MEMORY);
  const app: CardApplication = {
    aid: permission.aid,
    version: current.version,
    loadFileHash: permission.loadFileHash,
    loadFileSize: current.size,
    messageId: permission.messageId,
    loadKind: permission.kind,
    originalMessageId: permission.originalMessageId,
    installedAt: now.toISOString(),
    applet: initialAppletState(appletParams.value),
  };
  const confirmationCounter = ctx.image.confirmationCounter + 1;
  const receipt = signReceipt(
    {
      operation: "load",
      messageId: permission.messageId,
      cardBinding: permission.cardBinding,
      aid: permission.aid,
      kind: permission.kind,
      loadFileHash: permission.loadFileHash,
      confirmationCounter,
      cardTime: now,
    },
    fromHex(ctx.image.keys.cardPrivateKey),
    ctx.env.random(32),
  );
  const image: CardImage = {
    ...ctx.image,
    confirmationCounter,
    usedTokens: spend(ctx.image, permission),
    applications: [...ctx.image.applications, app],
  };
  return {
    image,
    session: { ...ctx.session, load: null, installed: app.aid, installedBy: permission.establishmentKey ?? null, keyAgreement: null },
    data: receipt,
    sw: SW.OK,
  };
}

// ---------------------------------------------------------------------------------------------
// DELETE (GP 2.3.1 §11.2)

function deleteApplication(ctx: Ctx, apdu: CommandApdu): Outcome {
  if (apdu.p1 !== 0x00 || (apdu.p2 !== 0x00 && apdu.p2 !== 0x80)) return abortLoad(ctx, SW.WRONG_P1P2);
  const parsed = decodeTlvList(apdu.data);
  if (!parsed.ok || parsed.value.length === 0 || parsed.value.length > 2) return abortLoad(ctx, SW.WRONG_DATA);
  const [aidObject, tokenObject] = parsed.value;
  if (!aidObject || aidObject.tag !== TAG.AID || aidObject.kind !== "primitive") return abortLoad(ctx, SW.WRONG_DATA);
  if (aidObject.value.length < 5 || aidObject.value.length > 16) return abortLoad(ctx, SW.WRONG_DATA);
  if (tokenObject && (tokenObject.tag !== TAG.DELETE_TOKEN || tokenObject.kind !== "primitive")) return abortLoad(ctx, SW.WRONG_DATA);
  const aid = toHex(aidObject.value);
  if (aid === ISD_AID_HEX) return abortLoad(ctx, SW.CONDITIONS_NOT_SATISFIED);
  // Delegated management: no token, no deletion.
  if (!tokenObject) return abortLoad(ctx, SW.SECURITY_STATUS_NOT_SATISFIED);
  const auth = authorise(ctx, tokenObject.value, "delete");
  if (!auth.ok) return abortLoad(ctx, auth.sw);
  const { permission } = auth;
  if (permission.aid !== aid) return abortLoad(ctx, SW.SECURITY_STATUS_NOT_SATISFIED);
  if (counterExhausted(ctx.image)) return abortLoad(ctx, SW.CONDITIONS_NOT_SATISFIED);
  if (!findApp(ctx.image, aid)) return abortLoad(ctx, SW.DATA_NOT_FOUND);
  const now = ctx.env.now();
  const confirmationCounter = ctx.image.confirmationCounter + 1;
  const receipt = signReceipt(
    { operation: "delete", messageId: permission.messageId, cardBinding: permission.cardBinding, aid, confirmationCounter, cardTime: now },
    fromHex(ctx.image.keys.cardPrivateKey),
    ctx.env.random(32),
  );
  const image: CardImage = {
    ...ctx.image,
    confirmationCounter,
    usedTokens: spend(ctx.image, permission),
    applications: ctx.image.applications.filter((a) => a.aid !== aid),
  };
  return { image, session: { ...ctx.session, load: null }, data: receipt, sw: SW.OK };
}

// ---------------------------------------------------------------------------------------------
// SET STATUS (GP 2.3.1 §11.10), card life cycle only

/** GP 2.3.1 §5.1.1: SECURED ⇄ CARD_LOCKED, either → TERMINATED; nothing leaves TERMINATED. */
function isAllowedTransition(from: CardLifeCycle, to: CardLifeCycle): boolean {
  switch (from) {
    case "SECURED":
      return to === "CARD_LOCKED" || to === "TERMINATED";
    case "CARD_LOCKED":
      return to === "SECURED" || to === "TERMINATED";
    case "TERMINATED":
      return false;
    default:
      return assertNever(from, "card life cycle");
  }
}

function setStatus(ctx: Ctx, apdu: CommandApdu): Outcome {
  if (apdu.p1 !== SET_STATUS_P1_CARD) return abortLoad(ctx, SW.WRONG_P1P2);
  const target = cardLifeCycleOf(apdu.p2);
  if (target === null) return abortLoad(ctx, SW.WRONG_P1P2);
  // GP 2.3.1 §11.10.2.3 data layout: nothing, or the ISD's AID. Then the ISD's secure channel is the authorisation.
  if (apdu.data.length === 0 || equalBytes(apdu.data, ISD_AID)) {
    if (!isAuthenticated(ctx)) return abortLoad(ctx, SW.SECURITY_STATUS_NOT_SATISFIED);
    if (!isAllowedTransition(ctx.image.lifeCycle, target)) return abortLoad(ctx, SW.CONDITIONS_NOT_SATISFIED);
    return { image: { ...ctx.image, lifeCycle: target }, session: { ...ctx.session, load: null }, sw: SW.OK };
  }
  // ReCard's delegated form: an issuer life-cycle token in place of the AID (a desk can relay it without any key).
  const auth = authorise(ctx, apdu.data, "set-status");
  if (!auth.ok) return abortLoad(ctx, auth.sw);
  if (auth.permission.target !== target) return abortLoad(ctx, SW.SECURITY_STATUS_NOT_SATISFIED);
  if (!isAllowedTransition(ctx.image.lifeCycle, target)) return abortLoad(ctx, SW.CONDITIONS_NOT_SATISFIED);
  const image: CardImage = { ...ctx.image, lifeCycle: target, usedTokens: spend(ctx.image, auth.permission) };
  return { image, session: { ...ctx.session, load: null }, sw: SW.OK };
}

// ---------------------------------------------------------------------------------------------
// Applets

function applet(ctx: Ctx, aid: string, apdu: CommandApdu): Outcome {
  const index = ctx.image.applications.findIndex((a) => a.aid === aid);
  const app = ctx.image.applications[index];
  if (!app) return refuse(SW.CONDITIONS_NOT_SATISFIED);
  const outcome = processAppletCommand(app.applet, apdu);
  if (outcome.state === app.applet) {
    // Platform 200: the credit holder reference identifies the holder; without a secure channel it is withheld.
    // With its own security domain (ssd.ts) only that domain's channel releases it, on either platform.
    const releases = isOwnDomainChannel(ctx, app.domain ? app.aid : ISD_AID_HEX);
    const isPrivate = (ctx.image.platformType !== 100 || app.domain !== undefined) && app.applet.kind === "credit" && apdu.ins === APP_INS.READ && !releases;
    return { data: isPrivate && outcome.sw === SW.OK ? outcome.data.slice(0, 7) : outcome.data, sw: outcome.sw };
  }
  const applications = ctx.image.applications.map((a, i) => (i === index ? { ...a, applet: outcome.state } : a));
  return { image: { ...ctx.image, applications }, data: outcome.data, sw: outcome.sw };
}
