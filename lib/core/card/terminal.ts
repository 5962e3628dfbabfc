/**
 * Terminal side: command builders and response parsers so a desk can drive any card (simulated
 * or behind a real reader) through one `transmit`. Card refusals are Results carrying the status
 * word and its meaning; a transport failure (transmit rejecting) propagates as is.
 *
 * ISD commands expect the ISD to be selected, as it is after power-on; call selectIsd after
 * working with an application.
 */
import { concatBytes, fromHex, toHex, u16be, u32be } from "../bytes";
import { err, ok, type Result } from "../result";
import { commandApdu, decodeCommandApdu, encodeCommandApdu } from "./apdu";
import { encodeInstallParams, type AppletParams } from "./applets";
import { readAscii } from "./codec";
import {
  APP_INS,
  CLA,
  GET_STATUS,
  INS,
  INSTALL_P1,
  ISD_AID,
  ISD_AID_HEX,
  LOAD_P1,
  SELECT,
  SET_STATUS_P1_CARD,
  TAG,
  CARD_LIFE_CYCLE,
  type CardLifeCycle,
} from "./gp";
import { loadFileHash } from "./load-file";
import { describeStatusWord, formatStatusWord, SW, SW1_BYTES_REMAINING, SW1_WRONG_LE } from "./status-words";
import { decodeTlv, decodeTlvList, encodeLength, encodeTlv, tlv, type Tlv } from "./tlv";

export { describeStatusWord } from "./status-words";
/** Sends one command APDU and resolves to response data ‖ SW1 SW2. */
export type Transmit = (apdu: Uint8Array) => Promise<Uint8Array>;

/** A card refusal: which step, the status word (null when the response was malformed) and its meaning. */
export type CardRefusal = { readonly step: string; readonly sw: number | null; readonly meaning: string };

/** A terminal outcome: the value, or the card refusal. */
export type CardResult<T> = Result<T, CardRefusal>;

/** Largest LOAD block that fits a short APDU on any reader. */
export const DEFAULT_LOAD_BLOCK_SIZE = 240;
const MAX_GET_RESPONSE_ROUNDS = 300;

const refusal = (step: string, sw: number | null, meaning?: string): CardRefusal => ({
  step,
  sw,
  meaning: meaning ?? (sw === null ? "malformed response" : `${formatStatusWord(sw)}: ${describeStatusWord(sw)}`),
});

/** Sends a command and collects the whole response, following 61xx with GET RESPONSE and 6Cxx with the right Le. */
export async function exchange(transmit: Transmit, command: Uint8Array, step: string): Promise<CardResult<{ data: Uint8Array; sw: number }>> {
  let response = await transmit(command);
  const parts: Uint8Array[] = [];
  for (let round = 0; round < MAX_GET_RESPONSE_ROUNDS; round++) {
    if (response.length < 2) return err(refusal(step, null));
    const sw1 = response[response.length - 2]!;
    const sw2 = response[response.length - 1]!;
    parts.push(response.subarray(0, response.length - 2));
    if (sw1 === SW1_BYTES_REMAINING) {
      response = await transmit(Uint8Array.of(CLA.ISO, INS.GET_RESPONSE, 0, 0, sw2));
      continue;
    }
    const original = decodeCommandApdu(command);
    if (sw1 === SW1_WRONG_LE && original.ok && original.value.ne !== null && !original.value.extended) {
      response = await transmit(encodeCommandApdu({ ...original.value, ne: sw2 === 0 ? 256 : sw2 }));
      parts.length = 0;
      continue;
    }
    return ok({ data: concatBytes(...parts), sw: (sw1 << 8) | sw2 });
  }
  return err(refusal(step, null, "response never ended (too many GET RESPONSE rounds)"));
}

/**
 * How commands with more than 255 data bytes travel: "short" splits them into an ISO 7816-4
 * §5.3.3 command chain of short APDUs (works through every reader), "extended" sends one
 * extended-length APDU (fewer round trips; needs a reader and driver that pass them).
 */
export type LengthMode = "short" | "extended";

/** Splits an extended-length command into a chain of short APDUs (CLA b5 set on all but the last). */
export function chainCommand(command: Uint8Array): Uint8Array[] {
  const decoded = decodeCommandApdu(command);
  if (!decoded.ok || !decoded.value.extended || decoded.value.data.length === 0) return [command];
  const { cla, ins, p1, p2, data, ne } = decoded.value;
  if (ne !== null && ne > 256) return [command];
  const out: Uint8Array[] = [];
  for (let offset = 0; offset < data.length; offset += 255) {
    const isLast = offset + 255 >= data.length;
    const part = data.slice(offset, offset + 255);
    out.push(encodeCommandApdu({ cla: isLast ? cla : cla | 0x10, ins, p1, p2, data: part, ne: isLast ? ne : null, extended: false }));
  }
  return out;
}

async function run(
  transmit: Transmit,
  command: Uint8Array,
  step: string,
  accept: readonly number[] = [SW.OK],
  lengths: LengthMode = "short",
): Promise<CardResult<{ data: Uint8Array; sw: number }>> {
  const parts = lengths === "short" ? chainCommand(command) : [command];
  for (const part of parts.slice(0, -1)) {
    const r = await exchange(transmit, part, step);
    if (!r.ok) return r;
    if (r.value.sw !== SW.OK) return err(refusal(step, r.value.sw));
  }
  const r = await exchange(transmit, parts.at(-1)!, step);
  if (!r.ok) return r;
  return accept.includes(r.value.sw) ? r : err(refusal(step, r.value.sw));
}

// ---------------------------------------------------------------------------------------------
// Command builders

/** SELECT by AID (ISO 7816-4 §11.2.2), FCI requested; without an AID selects the ISD (GP 2.3.1 §11.9.2.3). */
export function selectCommand(aid?: string): Uint8Array {
  return encodeCommandApdu(commandApdu({ cla: CLA.ISO, ins: INS.SELECT, p1: SELECT.P1_BY_NAME, p2: 0x00, data: aid ? fromHex(aid) : undefined, ne: 256 }));
}

/** GET DATA for a tag (GP 2.3.1 §11.3): P1-P2 is the tag. */
export function getDataCommand(tag: number): Uint8Array {
  return encodeCommandApdu(commandApdu({ cla: CLA.GP, ins: INS.GET_DATA, p1: (tag >> 8) & 0xff, p2: tag & 0xff, ne: 256 }));
}

/** GET STATUS, tagged format (GP 2.3.1 §11.4), for the ISD or the applications, optionally by AID prefix. */
export function getStatusCommand(scope: "isd" | "applications", aidPrefix = ""): Uint8Array {
  const p1 = scope === "isd" ? GET_STATUS.P1_ISD : GET_STATUS.P1_APPLICATIONS;
  return encodeCommandApdu(
    commandApdu({ cla: CLA.GP, ins: INS.GET_STATUS, p1, p2: GET_STATUS.P2_TAGGED, data: encodeTlv(tlv(TAG.AID, fromHex(aidPrefix))), ne: 256 }),
  );
}

/** Length-prefixed field as INSTALL uses (BER length, GP 2.3.1 §11.5.2.3). */
function lv(value: Uint8Array): Uint8Array {
  return concatBytes(encodeLength(value.length), value);
}

/** INSTALL [for load] (GP 2.3.1 §11.5.2.3.1) with the load token; C6 announces the code size. */
export function installForLoadCommand(options: { aid: string; loadFileHash: string; permission: Uint8Array; codeSize: number }): Uint8Array {
  const size = options.codeSize <= 0xffff ? u16be(options.codeSize) : u32be(options.codeSize);
  const params = encodeTlv({ kind: "constructed", tag: TAG.SYSTEM_PARAMETERS, children: [tlv(TAG.NV_CODE_LIMIT, size)] });
  const data = concatBytes(lv(fromHex(options.aid)), lv(ISD_AID), lv(fromHex(options.loadFileHash)), lv(params), lv(options.permission));
  return encodeCommandApdu(commandApdu({ cla: CLA.GP, ins: INS.INSTALL, p1: INSTALL_P1.FOR_LOAD, p2: 0x00, data, ne: 256 }));
}

/** LOAD commands (GP 2.3.1 §11.6) carrying `C4 L loadFile` in blocks; the last has P1 b8 set. */
export function loadCommands(loadFile: Uint8Array, blockSize = DEFAULT_LOAD_BLOCK_SIZE): Uint8Array[] {
  if (!Number.isInteger(blockSize) || blockSize < 1 || blockSize > 65_535) throw new RangeError(`LOAD block size ${blockSize}`);
  const payload = encodeTlv(tlv(TAG.LOAD_FILE_DATA_BLOCK, loadFile));
  const out: Uint8Array[] = [];
  for (let offset = 0, block = 0; offset < payload.length; offset += blockSize, block++) {
    if (block > 0xff) throw new RangeError(`load file needs more than 256 blocks of ${blockSize} bytes`);
    const isLast = offset + blockSize >= payload.length;
    const data = payload.slice(offset, offset + blockSize);
    out.push(encodeCommandApdu(commandApdu({ cla: CLA.GP, ins: INS.LOAD, p1: isLast ? LOAD_P1.LAST_BLOCK : LOAD_P1.MORE_BLOCKS, p2: block, data, ne: 256 })));
  }
  return out;
}

/** INSTALL [for install and make selectable] (GP 2.3.1 §11.5.2.3.2) repeating the load token. */
export function installAndMakeSelectableCommand(options: { aid: string; installParams?: AppletParams; permission: Uint8Array }): Uint8Array {
  const aid = fromHex(options.aid);
  const params = options.installParams ? encodeInstallParams(options.installParams) : encodeTlv(tlv(TAG.APPLICATION_PARAMETERS, new Uint8Array(0)));
  const data = concatBytes(lv(aid), lv(aid), lv(aid), lv(Uint8Array.of(0x00)), lv(params), lv(options.permission));
  return encodeCommandApdu(commandApdu({ cla: CLA.GP, ins: INS.INSTALL, p1: INSTALL_P1.FOR_INSTALL_AND_MAKE_SELECTABLE, p2: 0x00, data, ne: 256 }));
}

/** DELETE (GP 2.3.1 §11.2): 4F AID ‖ 9E delete token. */
export function deleteCommand(options: { aid: string; permission: Uint8Array }): Uint8Array {
  const data = concatBytes(encodeTlv(tlv(TAG.AID, fromHex(options.aid))), encodeTlv(tlv(TAG.DELETE_TOKEN, options.permission)));
  return encodeCommandApdu(commandApdu({ cla: CLA.GP, ins: INS.DELETE, p1: 0x00, p2: 0x00, data, ne: 256 }));
}

/** SET STATUS of the card life cycle (GP 2.3.1 §11.10) with the issuer's life-cycle token. */
export function setStatusCommand(target: CardLifeCycle, token: Uint8Array): Uint8Array {
  return encodeCommandApdu(commandApdu({ cla: CLA.GP, ins: INS.SET_STATUS, p1: SET_STATUS_P1_CARD, p2: CARD_LIFE_CYCLE[target], data: token }));
}

/** An applet command (CLA 80): READ without data, CREDIT/DEBIT with a 4-byte amount. */
export function appletCommand(ins: (typeof APP_INS)[keyof typeof APP_INS], amount?: number): Uint8Array {
  const data = amount === undefined ? undefined : u32be(amount);
  return encodeCommandApdu(commandApdu({ cla: CLA.GP, ins, p1: 0, p2: 0, data, ne: 256 }));
}

// ---------------------------------------------------------------------------------------------
// Card manager

/** What SELECT answered. */
export type SelectedApplication = { readonly aid: string; readonly label: string | null; readonly version: number | null; readonly isCardLocked: boolean };

function parseFci(data: Uint8Array): SelectedApplication | null {
  const fci = decodeTlv(data);
  if (!fci.ok || fci.value.tag !== TAG.FCI || fci.value.kind !== "constructed") return null;
  const name = fci.value.children.find((c) => c.tag === TAG.DF_NAME);
  const proprietary = fci.value.children.find((c) => c.tag === TAG.FCI_PROPRIETARY);
  if (!name || name.kind !== "primitive") return null;
  const inner: readonly Tlv[] = proprietary?.kind === "constructed" ? proprietary.children : [];
  const label = inner.find((c) => c.tag === TAG.APPLICATION_LABEL);
  const version = inner.find((c) => c.tag === TAG.APPLICATION_VERSION);
  return {
    aid: toHex(name.value),
    label: label?.kind === "primitive" ? new TextDecoder().decode(label.value) : null,
    version: version?.kind === "primitive" && version.value.length === 2 ? (version.value[0]! << 8) | version.value[1]! : null,
    isCardLocked: false,
  };
}

/**
 * Selects the Issuer Security Domain; a locked card answers with warning 6283 (isCardLocked). Every flow
 * at a desk begins with it. A card that another terminal session left in the middle of a command chain
 * (a presented card's LOAD cut by the desk's F5: the card's session lives on in the wallet) answers 6883
 * and drops that chain without running the SELECT (ISO 7816-4 §5.3.3), so the SELECT is sent once more.
 */
export async function selectIsd(transmit: Transmit): Promise<CardResult<SelectedApplication>> {
  const step = "SELECT ISD";
  const select = () => run(transmit, selectCommand(ISD_AID_HEX), step, [SW.OK, SW.SELECTED_FILE_INVALIDATED]);
  let r = await select();
  if (!r.ok && r.error.sw === SW.LAST_COMMAND_OF_CHAIN_EXPECTED) r = await select();
  if (!r.ok) return r;
  const fci = parseFci(r.value.data);
  if (!fci) return err(refusal(step, r.value.sw, "malformed FCI"));
  return ok({ ...fci, isCardLocked: r.value.sw === SW.SELECTED_FILE_INVALIDATED });
}

/** Selects an application by AID. */
export async function selectApplication(transmit: Transmit, aid: string): Promise<CardResult<SelectedApplication>> {
  const step = `SELECT ${aid}`;
  const r = await run(transmit, selectCommand(aid), step);
  if (!r.ok) return r;
  const fci = parseFci(r.value.data);
  return fci ? ok(fci) : err(refusal(step, r.value.sw, "malformed FCI"));
}

async function getData(transmit: Transmit, tag: number, step: string): Promise<CardResult<Uint8Array>> {
  const r = await run(transmit, getDataCommand(tag), step);
  if (!r.ok) return r;
  const object = decodeTlv(r.value.data);
  if (!object.ok || object.value.tag !== tag) return err(refusal(step, r.value.sw, "malformed GET DATA response"));
  return ok(object.value.kind === "primitive" ? object.value.value : r.value.data);
}

/** Reads the platform type (tag DF70): 100 = card id readable, 200 = only card attribute data. */
export async function readPlatformType(transmit: Transmit): Promise<CardResult<100 | 200>> {
  const step = "GET DATA DF70 (platform type)";
  const r = await getData(transmit, TAG.PLATFORM_TYPE, step);
  if (!r.ok) return r;
  const value = r.value.length === 2 ? (r.value[0]! << 8) | r.value[1]! : -1;
  return value === 100 || value === 200 ? ok(value) : err(refusal(step, SW.OK, `unknown platform type ${toHex(r.value)}`));
}

/** Reads the card id (CIN, tag 45); platform-200 cards refuse with 6982. */
export async function readCardId(transmit: Transmit): Promise<CardResult<string>> {
  const step = "GET DATA 45 (card id)";
  const r = await getData(transmit, TAG.CIN, step);
  if (!r.ok) return r;
  return r.value.length === 8 ? ok(toHex(r.value)) : err(refusal(step, SW.OK, "card id is not 8 bytes"));
}

/** Reads card attribute data (tag DF7A): the card id encrypted for the issuer, different on every read. */
export async function readCardAttributeData(transmit: Transmit): Promise<CardResult<Uint8Array>> {
  return getData(transmit, TAG.CARD_ATTRIBUTE_DATA, "GET DATA DF7A (card attribute data)");
}

/** Reads the Issuer Identification Number (tag 42, BCD). */
export async function readIin(transmit: Transmit): Promise<CardResult<string>> {
  const r = await getData(transmit, TAG.IIN, "GET DATA 42 (IIN)");
  return r.ok ? ok(toHex(r.value).replace(/F$/, "")) : r;
}

/** CPLC fields (GP 2.3.1 §H.3) as hex. */
export type Cplc = Readonly<Record<(typeof CPLC_FIELDS)[number][0], string>>;

const CPLC_FIELDS = [
  ["icFabricator", 2],
  ["icType", 2],
  ["operatingSystemId", 2],
  ["operatingSystemReleaseDate", 2],
  ["operatingSystemReleaseLevel", 2],
  ["icFabricationDate", 2],
  ["icSerialNumber", 4],
  ["icBatchIdentifier", 2],
  ["icModuleFabricator", 2],
  ["icModulePackagingDate", 2],
  ["iccManufacturer", 2],
  ["icEmbeddingDate", 2],
  ["icPrePersonalizer", 2],
  ["icPrePersonalizationEquipmentDate", 2],
  ["icPrePersonalizationEquipmentId", 4],
  ["icPersonalizer", 2],
  ["icPersonalizationDate", 2],
  ["icPersonalizationEquipmentId", 4],
] as const;

/** Reads and splits the CPLC (tag 9F7F, 42 bytes). */
export async function readCplc(transmit: Transmit): Promise<CardResult<Cplc>> {
  const step = "GET DATA 9F7F (CPLC)";
  const r = await getData(transmit, TAG.CPLC, step);
  if (!r.ok) return r;
  if (r.value.length !== 42) return err(refusal(step, SW.OK, `CPLC must be 42 bytes, got ${r.value.length}`));
  const out: Record<string, string> = {};
  let offset = 0;
  for (const [name, length] of CPLC_FIELDS) {
    out[name] = toHex(r.value.subarray(offset, offset + length));
    offset += length;
  }
  return ok(out as Cplc);
}

/** One GlobalPlatform registry entry from GET STATUS. */
export type RegistryEntry = { readonly aid: string; readonly lifeCycle: number; readonly privileges: string };

/** GET STATUS for the ISD or the applications; no match (6A88) is an empty list. */
export async function getStatus(transmit: Transmit, scope: "isd" | "applications" = "applications"): Promise<CardResult<RegistryEntry[]>> {
  const step = `GET STATUS (${scope})`;
  const r = await run(transmit, getStatusCommand(scope), step, [SW.OK, SW.DATA_NOT_FOUND]);
  if (!r.ok) return r;
  if (r.value.sw === SW.DATA_NOT_FOUND) return ok([]);
  const list = decodeTlvList(r.value.data);
  if (!list.ok) return err(refusal(step, r.value.sw, "malformed GET STATUS response"));
  const entries: RegistryEntry[] = [];
  for (const entry of list.value) {
    if (entry.tag !== TAG.REGISTRY_ENTRY || entry.kind !== "constructed") return err(refusal(step, r.value.sw, "malformed registry entry"));
    const field = (tag: number) => {
      const f = entry.children.find((c) => c.tag === tag);
      return f?.kind === "primitive" ? f.value : null;
    };
    const aid = field(TAG.AID);
    const lifeCycle = field(TAG.LIFE_CYCLE);
    const privileges = field(TAG.PRIVILEGES);
    if (!aid || !lifeCycle || lifeCycle.length !== 1 || !privileges) return err(refusal(step, r.value.sw, "malformed registry entry"));
    entries.push({ aid: toHex(aid), lifeCycle: lifeCycle[0]!, privileges: toHex(privileges) });
  }
  return ok(entries);
}

/** Loads and installs an application with an issuer permission; returns the card's receipt. */
/**
 * Loads and installs an application with an issuer permission; returns the card's receipt.
 * INSTALL commands carry the ~200-byte token, so they exceed 255 bytes: `lengths` picks chaining
 * (default) or extended APDUs. LOAD blocks default to 240 bytes.
 */
export async function loadApplication(
  transmit: Transmit,
  options: { permission: Uint8Array; loadFile: Uint8Array; aid: string; installParams?: AppletParams; blockSize?: number; lengths?: LengthMode },
): Promise<CardResult<{ receipt: Uint8Array }>> {
  const { permission, loadFile, aid, lengths } = options;
  const first = await run(
    transmit,
    installForLoadCommand({ aid, loadFileHash: loadFileHash(loadFile), permission, codeSize: loadFile.length }),
    "INSTALL [for load]",
    [SW.OK],
    lengths,
  );
  if (!first.ok) return first;
  const blocks = loadCommands(loadFile, options.blockSize);
  for (const [i, block] of blocks.entries()) {
    const r = await run(transmit, block, `LOAD block ${i + 1}/${blocks.length}`, [SW.OK], lengths);
    if (!r.ok) return r;
  }
  const installed = await run(
    transmit,
    installAndMakeSelectableCommand({ aid, installParams: options.installParams, permission }),
    "INSTALL [for install and make selectable]",
    [SW.OK],
    lengths,
  );
  return installed.ok ? ok({ receipt: installed.value.data }) : installed;
}

/** Deletes an application with an issuer delete permission; returns the card's receipt. */
export async function deleteApplication(
  transmit: Transmit,
  options: { permission: Uint8Array; aid: string; lengths?: LengthMode },
): Promise<CardResult<{ receipt: Uint8Array }>> {
  const r = await run(transmit, deleteCommand(options), `DELETE ${options.aid}`, [SW.OK], options.lengths);
  return r.ok ? ok({ receipt: r.value.data }) : r;
}

/** Changes the card life cycle with an issuer life-cycle token. */
export async function setCardLifeCycle(
  transmit: Transmit,
  options: { target: CardLifeCycle; token: Uint8Array; lengths?: LengthMode },
): Promise<CardResult<null>> {
  const r = await run(transmit, setStatusCommand(options.target, options.token), `SET STATUS ${options.target}`, [SW.OK], options.lengths);
  return r.ok ? ok(null) : r;
}

// ---------------------------------------------------------------------------------------------
// Applets (select the application first)

function u32(data: Uint8Array, offset: number): number {
  return ((data[offset]! << 24) >>> 0) + ((data[offset + 1]! << 16) | (data[offset + 2]! << 8) | data[offset + 3]!);
}

async function amountCommand(transmit: Transmit, ins: number, amount: number, step: string): Promise<CardResult<number>> {
  if (!Number.isInteger(amount) || amount < 1 || amount > 0xffff_ffff) throw new RangeError(`${step}: amount ${amount}`);
  const r = await run(transmit, appletCommand(ins as (typeof APP_INS)[keyof typeof APP_INS], amount), step);
  if (!r.ok) return r;
  return r.value.data.length === 4 ? ok(u32(r.value.data, 0)) : err(refusal(step, r.value.sw, "malformed response"));
}

/** Transit: READ BALANCE. */
export async function readBalance(transmit: Transmit): Promise<CardResult<{ balance: number; currency: string }>> {
  const step = "READ BALANCE";
  const r = await run(transmit, appletCommand(APP_INS.READ), step);
  if (!r.ok) return r;
  const d = r.value.data;
  if (d.length !== 7) return err(refusal(step, r.value.sw, "malformed response"));
  return ok({ balance: u32(d, 0), currency: String.fromCharCode(...d.subarray(4)) });
}

/** Transit: DEBIT a fare; resolves to the new balance (6985 when the balance is too low). */
export function debitFare(transmit: Transmit, amount: number): Promise<CardResult<number>> {
  return amountCommand(transmit, APP_INS.DEBIT, amount, "DEBIT");
}

/** Transit: CREDIT (top-up); resolves to the new balance. */
export function topUp(transmit: Transmit, amount: number): Promise<CardResult<number>> {
  return amountCommand(transmit, APP_INS.CREDIT, amount, "CREDIT");
}

/** Loyalty: READ POINTS. */
export async function readPoints(transmit: Transmit): Promise<CardResult<number>> {
  const step = "READ POINTS";
  const r = await run(transmit, appletCommand(APP_INS.READ), step);
  if (!r.ok) return r;
  return r.value.data.length === 4 ? ok(u32(r.value.data, 0)) : err(refusal(step, r.value.sw, "malformed response"));
}

/** Loyalty: ADD POINTS; resolves to the new total. */
export function addPoints(transmit: Transmit, points: number): Promise<CardResult<number>> {
  return amountCommand(transmit, APP_INS.CREDIT, points, "ADD POINTS");
}

/** Loyalty: REDEEM POINTS; resolves to the new total (6985 when there are too few). */
export function redeemPoints(transmit: Transmit, points: number): Promise<CardResult<number>> {
  return amountCommand(transmit, APP_INS.DEBIT, points, "REDEEM POINTS");
}

/** Credit: READ CREDIT INFO (limit, currency, holder reference). */
export async function readCreditInfo(transmit: Transmit): Promise<CardResult<{ limit: number; currency: string; holderReference: string }>> {
  const step = "READ CREDIT INFO";
  const r = await run(transmit, appletCommand(APP_INS.READ), step);
  if (!r.ok) return r;
  const d = r.value.data;
  if (d.length < 7) return err(refusal(step, r.value.sw, "malformed response"));
  try {
    return ok({ limit: u32(d, 0), currency: readAscii(d.subarray(4, 7), "currency"), holderReference: readAscii(d.subarray(7), "holderReference") });
  } catch {
    return err(refusal(step, r.value.sw, "malformed response"));
  }
}
