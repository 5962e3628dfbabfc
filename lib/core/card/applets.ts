/**
 * The applets a load file can carry: small but real application logic behind proprietary
 * commands (CLA '80'). Amounts are integer minor units; every value fits four bytes big-endian.
 *
 *   kind     INS 5C (READ)                             INS 52                 INS 54
 *   transit  balance(4) ‖ currency(3 ASCII)            CREDIT (top-up) amount DEBIT (fare) amount
 *   loyalty  points(4)                                 ADD POINTS amount      REDEEM POINTS amount
 *   credit   limit(4) ‖ currency(3) ‖ holder ref (0..32 ASCII)  —             —
 *
 * INSTALL parameters (tag C9, GP 2.3.1 §11.5.2.3.7) set the initial state, e.g. a transit balance
 * carried over on a reload. They start with the applet kind they are meant for (80 01 kind, as in
 * the load file header) so that parameters for one applet are never read as another's:
 *   transit  80 01 01, 81 04 balance, 82 03 currency
 *   loyalty  80 01 02, 81 04 points
 *   credit   80 01 03, 81 04 limit, 82 03 currency, 83 L holder reference
 * 80 is mandatory unless C9 is empty (all defaults); the others are optional, in this order.
 */
import { concatBytes, u32be, utf8 } from "../bytes";
import { assertNever, type Result } from "../result";
import type { CommandApdu } from "./apdu";
import { decodeWith, fail, readAscii, readOneByte } from "./codec";
import { APP_INS, TAG } from "./gp";
import { isCurrency } from "./ids";
import { APPLET_KIND_CODE, type AppletKind } from "./load-file";
import { SW } from "./status-words";
import { decodeTlv, encodeTlv, readTlvList, tlv, TemplateReader, type Tlv } from "./tlv";

/** Highest balance, points total or limit an applet holds (fits a signed 32-bit integer anywhere). */
export const MAX_APPLET_VALUE = 0x7fff_ffff;
/** Currency an applet uses when INSTALL parameters name none. */
export const DEFAULT_CURRENCY = "JPY";
/** Longest credit holder reference, in ASCII characters. */
export const MAX_HOLDER_REFERENCE = 32;

/** The persistent state of an installed applet. */
export type AppletState =
  | { readonly kind: "transit"; readonly balance: number; readonly currency: string }
  | { readonly kind: "loyalty"; readonly points: number }
  | { readonly kind: "credit"; readonly limit: number; readonly currency: string; readonly holderReference: string };

/** INSTALL parameters: the initial state, each field optional (defaults: 0, JPY, empty reference). */
export type AppletParams =
  | { readonly kind: "transit"; readonly balance?: number; readonly currency?: string }
  | { readonly kind: "loyalty"; readonly points?: number }
  | { readonly kind: "credit"; readonly limit?: number; readonly currency?: string; readonly holderReference?: string };

const PARAM_TAG = { KIND: 0x80, VALUE: 0x81, CURRENCY: 0x82, HOLDER_REFERENCE: 0x83 } as const;

/** Label shown in the application's FCI (tag 50). */
export function appletLabel(kind: AppletKind): string {
  switch (kind) {
    case "transit":
      return "ReCard Transit";
    case "loyalty":
      return "ReCard Loyalty";
    case "credit":
      return "ReCard Credit";
    default:
      return assertNever(kind, "applet kind");
  }
}

function checkValue(value: number, field: string): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > MAX_APPLET_VALUE) throw new RangeError(`${field}: ${value} not in 0..${MAX_APPLET_VALUE}`);
  return u32be(value);
}

function checkCurrency(currency: string, field: string): Uint8Array {
  if (!isCurrency(currency)) throw new RangeError(`${field}: "${currency}" is not an ISO 4217 code`);
  return utf8(currency);
}

function checkReference(reference: string, field: string): Uint8Array {
  if (!/^[\x20-\x7E]*$/.test(reference) || reference.length > MAX_HOLDER_REFERENCE) {
    throw new RangeError(`${field}: must be at most ${MAX_HOLDER_REFERENCE} printable ASCII characters`);
  }
  return utf8(reference);
}

/** Encodes the install parameters field: C9 L ‖ applet parameters. */
export function encodeInstallParams(params: AppletParams): Uint8Array {
  const fields: Tlv[] = [tlv(PARAM_TAG.KIND, Uint8Array.of(APPLET_KIND_CODE[params.kind]))];
  switch (params.kind) {
    case "transit":
      if (params.balance !== undefined) fields.push(tlv(PARAM_TAG.VALUE, checkValue(params.balance, "installParams.balance")));
      if (params.currency !== undefined) fields.push(tlv(PARAM_TAG.CURRENCY, checkCurrency(params.currency, "installParams.currency")));
      break;
    case "loyalty":
      if (params.points !== undefined) fields.push(tlv(PARAM_TAG.VALUE, checkValue(params.points, "installParams.points")));
      break;
    case "credit":
      if (params.limit !== undefined) fields.push(tlv(PARAM_TAG.VALUE, checkValue(params.limit, "installParams.limit")));
      if (params.currency !== undefined) fields.push(tlv(PARAM_TAG.CURRENCY, checkCurrency(params.currency, "installParams.currency")));
      if (params.holderReference !== undefined) {
        fields.push(tlv(PARAM_TAG.HOLDER_REFERENCE, checkReference(params.holderReference, "installParams.holderReference")));
      }
      break;
    default:
      assertNever(params, "applet params");
  }
  return encodeTlv(tlv(TAG.APPLICATION_PARAMETERS, concatBytes(...fields.map(encodeTlv))));
}

function readValue(bytes: Uint8Array, field: string): number {
  if (bytes.length !== 4) fail(field, `must be 4 bytes, got ${bytes.length}`);
  const value = ((bytes[0]! << 24) >>> 0) + ((bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!);
  if (value > MAX_APPLET_VALUE) fail(field, `${value} is above ${MAX_APPLET_VALUE}`);
  return value;
}

function readCurrency(bytes: Uint8Array, field: string): string {
  const text = readAscii(bytes, field);
  if (!isCurrency(text)) fail(field, `"${text}" is not an ISO 4217 code`);
  return text;
}

/** Decodes the install parameters field for an applet of `kind` (strict: C9 only, known tags in order). */
export function decodeInstallParams(kind: AppletKind, bytes: Uint8Array): Result<AppletParams, string> {
  const outer = decodeTlv(bytes);
  if (!outer.ok) return outer;
  return decodeWith("install parameters", () => {
    const c9 = outer.value;
    if (c9.tag !== TAG.APPLICATION_PARAMETERS || c9.kind !== "primitive") fail("C9", "the field must be exactly one C9 object");
    // An empty C9 (GP 2.3.1 allows C9 00) installs with the defaults.
    if (c9.value.length === 0) return { kind };
    const r = new TemplateReader(readTlvList(c9.value, 1), "C9");
    const kindCode = readOneByte(r.primitive(PARAM_TAG.KIND, "kind(80)"), "C9.kind(80)");
    if (kindCode !== APPLET_KIND_CODE[kind]) fail("C9.kind(80)", `parameters for applet kind ${kindCode}, the load file holds ${kind}`);
    const value = r.optionalPrimitive(PARAM_TAG.VALUE, "value(81)");
    switch (kind) {
      case "transit": {
        const currency = r.optionalPrimitive(PARAM_TAG.CURRENCY, "currency(82)");
        r.end();
        return {
          kind,
          ...(value ? { balance: readValue(value, "C9.balance(81)") } : {}),
          ...(currency ? { currency: readCurrency(currency, "C9.currency(82)") } : {}),
        };
      }
      case "loyalty":
        r.end();
        return { kind, ...(value ? { points: readValue(value, "C9.points(81)") } : {}) };
      case "credit": {
        const currency = r.optionalPrimitive(PARAM_TAG.CURRENCY, "currency(82)");
        const reference = r.optionalPrimitive(PARAM_TAG.HOLDER_REFERENCE, "holderReference(83)");
        r.end();
        if (reference && reference.length > MAX_HOLDER_REFERENCE) fail("C9.holderReference(83)", `longer than ${MAX_HOLDER_REFERENCE}`);
        return {
          kind,
          ...(value ? { limit: readValue(value, "C9.limit(81)") } : {}),
          ...(currency ? { currency: readCurrency(currency, "C9.currency(82)") } : {}),
          ...(reference ? { holderReference: readAscii(reference, "C9.holderReference(83)") } : {}),
        };
      }
      default:
        return assertNever(kind, "applet kind");
    }
  });
}

/** The state an applet starts in, from its install parameters. */
export function initialAppletState(params: AppletParams): AppletState {
  switch (params.kind) {
    case "transit":
      return { kind: "transit", balance: params.balance ?? 0, currency: params.currency ?? DEFAULT_CURRENCY };
    case "loyalty":
      return { kind: "loyalty", points: params.points ?? 0 };
    case "credit":
      return {
        kind: "credit",
        limit: params.limit ?? 0,
        currency: params.currency ?? DEFAULT_CURRENCY,
        holderReference: params.holderReference ?? "",
      };
    default:
      return assertNever(params, "applet params");
  }
}

/** Outcome of one applet command: the new state (unchanged on refusal), response data and SW. */
export type AppletOutcome = { readonly state: AppletState; readonly data: Uint8Array; readonly sw: number };

const refuse = (state: AppletState, sw: number): AppletOutcome => ({ state, data: new Uint8Array(0), sw });

/** Reads the 4-byte amount of a CREDIT/DEBIT command, or gives the refusal SW. */
function amountOf(apdu: CommandApdu): number | { sw: number } {
  if (apdu.data.length !== 4) return { sw: SW.WRONG_LENGTH };
  const d = apdu.data;
  const amount = ((d[0]! << 24) >>> 0) + ((d[1]! << 16) | (d[2]! << 8) | d[3]!);
  if (amount === 0 || amount > MAX_APPLET_VALUE) return { sw: SW.WRONG_DATA };
  return amount;
}

/** Runs one proprietary command (CLA '80') against the selected applet. */
export function processAppletCommand(state: AppletState, apdu: CommandApdu): AppletOutcome {
  const known = apdu.ins === APP_INS.READ || (state.kind !== "credit" && (apdu.ins === APP_INS.CREDIT || apdu.ins === APP_INS.DEBIT));
  if (!known) return refuse(state, SW.INS_NOT_SUPPORTED);
  if (apdu.p1 !== 0 || apdu.p2 !== 0) return refuse(state, SW.WRONG_P1P2);
  if (apdu.ins === APP_INS.READ) {
    if (apdu.data.length !== 0) return refuse(state, SW.WRONG_LENGTH);
    return { state, data: readResponse(state), sw: SW.OK };
  }
  const amount = amountOf(apdu);
  if (typeof amount !== "number") return refuse(state, amount.sw);
  const isCredit = apdu.ins === APP_INS.CREDIT;
  switch (state.kind) {
    case "transit": {
      const balance = isCredit ? state.balance + amount : state.balance - amount;
      if (balance > MAX_APPLET_VALUE) return refuse(state, SW.WRONG_DATA);
      if (balance < 0) return refuse(state, SW.CONDITIONS_NOT_SATISFIED);
      return { state: { ...state, balance }, data: u32be(balance), sw: SW.OK };
    }
    case "loyalty": {
      const points = isCredit ? state.points + amount : state.points - amount;
      if (points > MAX_APPLET_VALUE) return refuse(state, SW.WRONG_DATA);
      if (points < 0) return refuse(state, SW.CONDITIONS_NOT_SATISFIED);
      return { state: { ...state, points }, data: u32be(points), sw: SW.OK };
    }
    case "credit":
      return refuse(state, SW.INS_NOT_SUPPORTED);
    default:
      return assertNever(state, "applet state");
  }
}

function readResponse(state: AppletState): Uint8Array {
  switch (state.kind) {
    case "transit":
      return concatBytes(u32be(state.balance), utf8(state.currency));
    case "loyalty":
      return u32be(state.points);
    case "credit":
      return concatBytes(u32be(state.limit), utf8(state.currency), utf8(state.holderReference));
    default:
      return assertNever(state, "applet state");
  }
}
