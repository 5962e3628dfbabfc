/**
 * The PN532 commands a host needs to reach an ISO/IEC 14443-4 card (UM0701-02 §7), shared by
 * the Web Serial transport and the PN532 emulator so both ends speak the same bytes.
 */

/** Command codes (UM0701-02 §7.2, §7.3); the response code is the command code + 1. */
export const PN532_COMMAND = {
  /** §7.2.1; NumTst 06 is the ISO/IEC 14443-4 card presence test. */
  Diagnose: 0x00,
  /** §7.2.2 */
  GetFirmwareVersion: 0x02,
  /** §7.2.10; the first command after the HSU wake-up preamble. */
  SAMConfiguration: 0x14,
  /** §7.3.1 */
  RFConfiguration: 0x32,
  /** §7.3.8 */
  InDataExchange: 0x40,
  /** §7.3.5 */
  InListPassiveTarget: 0x4a,
  /** §7.3.11 */
  InRelease: 0x52,
} as const;

export const PN532_PARAM = {
  /** SAMConfiguration Mode: normal mode, no SAM (§7.2.10). */
  SAM_MODE_NORMAL: 0x01,
  /** Diagnose NumTst: attention request / card presence detection (§7.2.1). */
  DIAGNOSE_CARD_PRESENCE: 0x06,
  /** InListPassiveTarget BrTy: 106 kbps type A, ISO/IEC 14443 Type A (§7.3.5). */
  BRTY_106_TYPE_A: 0x00,
  /** RFConfiguration CfgItem 5: MxRtyATR, MxRtyPSL, MxRtyPassiveActivation (§7.3.1). */
  RF_CFG_MAX_RETRIES: 0x05,
  /** SEL_RES bit 6 (value 0x20): the target is ISO/IEC 14443-4 compliant (ISO/IEC 14443-3 §6.5.3.4). */
  SEL_RES_ISO14443_4: 0x20,
  /** Status byte of InDataExchange: bit 6 More Information (chaining), bits 5..0 the error code (§7.1). */
  STATUS_MI: 0x40,
  STATUS_ERROR_MASK: 0x3f,
  /** Tg byte of InDataExchange: bit 6 MI when the host has more data to send (§7.3.8). */
  TG_MI: 0x40,
  /** Largest DataOut/DataIn of one InDataExchange (§7.3.8). */
  MAX_DATA_EXCHANGE: 262,
} as const;

/** The HSU wake-up preamble: 55 55 then zeros, sent in front of SAMConfiguration (UM0701-02 §6.3.2, HSU wake-up). */
export const PN532_WAKE_UP = Uint8Array.of(0x55, 0x55, ...new Array<number>(14).fill(0x00));

/** Error codes of the status byte (UM0701-02 §7.1, Table "Error code list"). */
export const PN532_ERROR: ReadonlyMap<number, string> = new Map([
  [0x01, "time out, the target has not answered"],
  [0x02, "CRC error detected"],
  [0x03, "parity error detected"],
  [0x04, "erroneous bit count during anticollision"],
  [0x05, "framing error during Mifare operation"],
  [0x06, "abnormal bit-collision during anticollision"],
  [0x07, "communication buffer size insufficient"],
  [0x09, "RF buffer overflow"],
  [0x0a, "RF field not switched on in time"],
  [0x0b, "RF protocol error"],
  [0x0d, "temperature error"],
  [0x0e, "internal buffer overflow"],
  [0x10, "invalid parameter"],
  [0x12, "DEP: command received invalid"],
  [0x13, "DEP: invalid data format"],
  [0x14, "Mifare authentication error"],
  [0x23, "ISO/IEC 14443-3: UID check byte wrong"],
  [0x25, "DEP: invalid device state"],
  [0x26, "operation not allowed in this configuration"],
  [0x27, "command not acceptable in the current context"],
  [0x29, "target released by the initiator"],
  [0x2a, "card ID mismatch: the card was exchanged"],
  [0x2b, "the activated card has disappeared"],
  [0x2c, "NFCID3 mismatch"],
  [0x2d, "over-current event"],
  [0x2e, "NAD missing in DEP frame"],
]);

export const PN532_STATUS = {
  OK: 0x00,
  TIMEOUT: 0x01,
  BUFFER_INSUFFICIENT: 0x07,
  INVALID_PARAMETER: 0x10,
  NOT_ACCEPTABLE: 0x27,
} as const;

export function describePn532Error(code: number): string {
  return PN532_ERROR.get(code) ?? `unknown error 0x${code.toString(16).padStart(2, "0")}`;
}

/** One ISO/IEC 14443 type A target as listed by InListPassiveTarget (§7.3.5, 106 kbps type A). */
export interface Pn532TargetA {
  readonly tg: number;
  /** SENS_RES (ATQA), two bytes as sent. */
  readonly sensRes: Uint8Array;
  readonly selRes: number;
  readonly nfcId: Uint8Array;
  /** ATS including its length byte TL; empty when the target is not ISO/IEC 14443-4. */
  readonly ats: Uint8Array;
}

export class Pn532ProtocolError extends Error {
  override readonly name = "Pn532ProtocolError";
}

/** Encodes the InListPassiveTarget response body after `D5 4B` (NbTg then target data). */
export function encodeTargetList(targets: readonly Pn532TargetA[]): Uint8Array {
  const out: number[] = [targets.length];
  for (const t of targets) {
    if (t.sensRes.length !== 2) throw new Pn532ProtocolError("target SENS_RES: must be 2 bytes");
    if (t.nfcId.length > 10) throw new Pn532ProtocolError("target NFCID: longer than 10 bytes");
    if (t.ats.length > 0 && t.ats[0] !== t.ats.length) throw new Pn532ProtocolError("target ATS: TL must equal the ATS length");
    out.push(t.tg, ...t.sensRes, t.selRes, t.nfcId.length, ...t.nfcId, ...t.ats);
  }
  return Uint8Array.from(out);
}

/** Decodes the InListPassiveTarget response body after `D5 4B` for BrTy 00. */
export function decodeTargetList(body: Uint8Array): Pn532TargetA[] {
  const read = (i: number, field: string): number => {
    const v = body[i];
    if (v === undefined) throw new Pn532ProtocolError(`target list ${field}: truncated at byte ${i}`);
    return v;
  };
  const count = read(0, "NbTg");
  if (count > 2) throw new Pn532ProtocolError(`target list NbTg: ${count} exceeds 2`);
  const targets: Pn532TargetA[] = [];
  let i = 1;
  for (let n = 0; n < count; n++) {
    const tg = read(i++, "Tg");
    const sensRes = Uint8Array.of(read(i, "SENS_RES"), read(i + 1, "SENS_RES"));
    i += 2;
    const selRes = read(i++, "SEL_RES");
    const idLength = read(i++, "NFCIDLength");
    if (i + idLength > body.length) throw new Pn532ProtocolError("target list NFCID1: truncated");
    const nfcId = body.slice(i, i + idLength);
    i += idLength;
    let ats = new Uint8Array(0);
    if ((selRes & PN532_PARAM.SEL_RES_ISO14443_4) !== 0) {
      const tl = read(i, "ATS TL");
      if (tl < 1 || i + tl > body.length) throw new Pn532ProtocolError("target list ATS: TL out of bounds");
      ats = body.slice(i, i + tl);
      i += tl;
    }
    targets.push({ tg, sensRes, selRes, nfcId, ats });
  }
  if (i !== body.length) throw new Pn532ProtocolError(`target list: ${body.length - i} trailing bytes`);
  return targets;
}

/** Historical bytes of an ATR (ISO/IEC 7816-3 §8.2): the contactless ATS carries them (PC/SC Part 3 §3.1.3.2.3). */
export function historicalBytesOf(atr: Uint8Array): Uint8Array {
  const t0 = atr[1];
  if (atr[0] === undefined || t0 === undefined) throw new Pn532ProtocolError("ATR: shorter than TS T0");
  const k = t0 & 0x0f;
  let y = t0 >> 4;
  let i = 2;
  for (;;) {
    const hasTd = (y & 0x8) !== 0;
    i += ((y & 0x1) !== 0 ? 1 : 0) + ((y & 0x2) !== 0 ? 1 : 0) + ((y & 0x4) !== 0 ? 1 : 0);
    if (!hasTd) break;
    const td = atr[i];
    if (td === undefined) throw new Pn532ProtocolError("ATR: TDi truncated");
    i += 1;
    y = td >> 4;
  }
  if (i + k > atr.length) throw new Pn532ProtocolError("ATR: historical bytes truncated");
  return atr.slice(i, i + k);
}

/** ATS (ISO/IEC 14443-4 §5.2) with FSCI 8 (256 bytes), TA 80, FWI 7, CID supported, and the card's historical bytes. */
export function atsFromAtr(atr: Uint8Array): Uint8Array {
  const historical = historicalBytesOf(atr);
  const body = [0x78, 0x80, 0x70, 0x02, ...historical];
  if (body.length + 1 > 0xff) throw new Pn532ProtocolError("ATS: too long");
  return Uint8Array.from([body.length + 1, ...body]);
}
