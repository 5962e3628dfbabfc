/**
 * Command codes, tags and codings of the card manager, with the clause each comes from.
 * GP = GlobalPlatform Card Specification 2.3.1; ISO = ISO/IEC 7816-4:2020.
 */
import { fromHex } from "../bytes";

/** Issuer Security Domain AID (GP 2.3.1 §F.1, the GlobalPlatform RID A000000151 + ISD PIX). */
export const ISD_AID_HEX = "A000000151000000";
/** The ISD AID as bytes. */
export const ISD_AID = fromHex(ISD_AID_HEX);

/** Class bytes (ISO §5.4.1: '00' interindustry; GP 2.3.1 §11.1.4: '80' GlobalPlatform proprietary). */
export const CLA = {
  ISO: 0x00,
  GP: 0x80,
} as const;

/** Instruction bytes. */
export const INS = {
  /** ISO §11.2.2 / GP 2.3.1 §11.9 */
  SELECT: 0xa4,
  /** ISO §11.4.3 / GP 2.3.1 §11.3 */
  GET_DATA: 0xca,
  /** ISO §7.6.1: fetch the rest of a response announced by SW1 '61'. */
  GET_RESPONSE: 0xc0,
  /** GP 2.3.1 §11.4 */
  GET_STATUS: 0xf2,
  /** GP 2.3.1 §11.5 */
  INSTALL: 0xe6,
  /** GP 2.3.1 §11.6 */
  LOAD: 0xe8,
  /** GP 2.3.1 §11.2 */
  DELETE: 0xe4,
  /** GP 2.3.1 §11.10 */
  SET_STATUS: 0xf0,
  /** GP 2.3.1 Amendment D §7.1.1 */
  INITIALIZE_UPDATE: 0x50,
  /** GP 2.3.1 Amendment D §7.1.2 */
  EXTERNAL_AUTHENTICATE: 0x82,
  /** GP 2.3.1 §11.8 */
  PUT_KEY: 0xd8,
} as const;

/** Instruction bytes of the applets (proprietary, CLA '80'; ReCard's own assignment). */
export const APP_INS = {
  /** transit: READ BALANCE; loyalty: READ POINTS; credit: READ CREDIT INFO */
  READ: 0x5c,
  /** transit: CREDIT (top-up); loyalty: ADD POINTS */
  CREDIT: 0x52,
  /** transit: DEBIT (fare); loyalty: REDEEM POINTS */
  DEBIT: 0x54,
} as const;

/** SELECT P1/P2 (ISO §11.2.2, Tables 63–64). */
export const SELECT = {
  P1_BY_NAME: 0x04,
  /** P2 b2: next occurrence; b4b3 = 11: no response data. */
  P2_NEXT: 0x02,
  P2_NO_DATA: 0x0c,
} as const;

/** INSTALL P1 (GP 2.3.1 §11.5.2.1, Table 11-41). */
export const INSTALL_P1 = {
  FOR_LOAD: 0x02,
  FOR_INSTALL_AND_MAKE_SELECTABLE: 0x0c,
} as const;

/** LOAD P1 (GP 2.3.1 §11.6.2.1): b8 set on the last block. */
export const LOAD_P1 = {
  MORE_BLOCKS: 0x00,
  LAST_BLOCK: 0x80,
} as const;

/** GET STATUS P1 (GP 2.3.1 §11.4.2.1, Table 11-33) and P2 (Table 11-34: '02' = tagged format, first or all). */
export const GET_STATUS = {
  P1_ISD: 0x80,
  P1_APPLICATIONS: 0x40,
  /** Executable load files only. */
  P1_LOAD_FILES: 0x20,
  /** Executable load files and their executable modules. */
  P1_LOAD_FILES_AND_MODULES: 0x10,
  P2_TAGGED: 0x02,
  /** P2 b1: get next occurrence(s) (paging after 6310). */
  P2_NEXT: 0x01,
} as const;

/** GP 2.3.1 §11.8.2.2: key types in PUT KEY and the key information template. */
export const KEY_TYPE = {
  /** AES (SCP03 keys) */
  AES: 0x88,
  /** ECC public key (the issuer's P-256 keys, uncompressed point) */
  ECC_PUBLIC: 0xb0,
} as const;

/** SET STATUS P1 (GP 2.3.1 §11.10.2.1, Table 11-63): '80' = the ISD, i.e. the card life cycle. */
export const SET_STATUS_P1_CARD = 0x80;

/** Data object tags used by the card. */
export const TAG = {
  /** ISO §12.2.1 FCI template */
  FCI: 0x6f,
  /** ISO §12.2.1 DF name (the AID) in the FCI */
  DF_NAME: 0x84,
  /** ISO §12.2.1 proprietary information in the FCI */
  FCI_PROPRIETARY: 0xa5,
  /** GP 2.3.1 §11.9.3.1: Security Domain Management Data inside A5 */
  SD_MANAGEMENT_DATA: 0x73,
  /** GP 2.3.1 §11.9.3.1: maximum length of data field in command message */
  MAX_COMMAND_DATA: 0x9f65,
  /** ISO 7816-4 Table 12: application label */
  APPLICATION_LABEL: 0x50,
  /**
   * ReCard proprietary: applet version of the load file, 2 bytes. (EMV's 9F08 is not used: ISO
   * 7816-4 §5.2.2.1 requires a two-byte tag's second byte to be 1F–7F.)
   */
  APPLICATION_VERSION: 0xdf71,
  /** GP 2.3.1 §H.6: Issuer Identification Number */
  IIN: 0x42,
  /** GP 2.3.1 §H.6: Card Image Number (= the card id) */
  CIN: 0x45,
  /** GP 2.3.1 §H.2: Card Recognition Data */
  CARD_RECOGNITION_DATA: 0x66,
  /** GP 2.3.1 §H.4 / ISO 7816-6: application-related data template inside 66 */
  CARD_DATA: 0x73,
  OID: 0x06,
  /** GP 2.3.1 §H.2 tags inside 73 */
  CARD_MANAGEMENT_TYPE: 0x60,
  CARD_IDENTIFICATION_SCHEME: 0x63,
  /** GP 2.3.1 §H.3: Card Production Life Cycle data */
  CPLC: 0x9f7f,
  /** GP 2.3.1 §11.3.3.1 / §H.4: key information template */
  KEY_INFORMATION_TEMPLATE: 0xe0,
  /** inside E0: key information data (key id, KVN, type, length) */
  KEY_INFORMATION: 0xc0,
  /** GP 2.3.1 §11.3.3.1: confirmation counter (2 bytes) */
  CONFIRMATION_COUNTER: 0xc2,
  /** ReCard proprietary: platform type, 2 bytes big-endian (100 or 200) */
  PLATFORM_TYPE: 0xdf70,
  /** ReCard proprietary: card attribute data (the card id encrypted for the issuer, fresh per read) */
  CARD_ATTRIBUTE_DATA: 0xdf7a,
  /** ISO 7816-4 Table 12: application identifier */
  AID: 0x4f,
  /** GP 2.3.1 §11.4.3.1: GlobalPlatform Registry related data */
  REGISTRY_ENTRY: 0xe3,
  /** GP 2.3.1 §11.4.3.1: life cycle state */
  LIFE_CYCLE: 0x9f70,
  /** GP 2.3.1 §11.4.3.1: privileges */
  PRIVILEGES: 0xc5,
  /** GP 2.3.1 §11.4.3.1: executable load file AID */
  ELF_AID: 0xc4,
  /** GP 2.3.1 §11.4.3.1: executable load file version number */
  LOAD_FILE_VERSION: 0xce,
  /** GP 2.3.1 §11.4.3.1: executable module AID */
  EXECUTABLE_MODULE_AID: 0x84,
  /** GP 2.3.1 §11.4.3.1: associated security domain AID */
  ASSOCIATED_SD: 0xcc,
  /** GP 2.3.1 §11.6.2.3: load file data block inside the LOAD data */
  LOAD_FILE_DATA_BLOCK: 0xc4,
  /** GP 2.3.1 §11.1.6: DAP block (not supported: refused) */
  DAP_BLOCK: 0xe2,
  /** GP 2.3.1 §11.5.2.3.7: system parameters in load/install parameters */
  SYSTEM_PARAMETERS: 0xef,
  /** GP 2.3.1 §11.5.2.3.7: non-volatile code space limit inside EF */
  NV_CODE_LIMIT: 0xc6,
  /** GP 2.3.1 §11.5.2.3.7: application specific parameters */
  APPLICATION_PARAMETERS: 0xc9,
  /** GP 2.3.1 §11.2.2.3: delete token */
  DELETE_TOKEN: 0x9e,
  /** GP 2.3.1 §C.4 / §11.2.2.3: control reference template for digital signature (token) */
  TOKEN_CRT: 0xb6,
  /** inside B6: id of the security domain that checks tokens (here: issuer company id, ASCII) */
  TOKEN_ISSUER_ID: 0x42,
  /** inside B6: card image number; here the privacy-preserving card binding (SHA-256) */
  TOKEN_CARD_BINDING: 0x45,
  /** inside B6: application provider identifier (provider company id, ASCII) */
  TOKEN_PROVIDER_ID: 0x5f20,
  /** inside B6: token identifier/number (direction letter + 10-digit sequence of the message id, ASCII) */
  TOKEN_NUMBER: 0x93,
  /** ISO 7816-4 Table 12 / ISO 7816-8: digital signature */
  SIGNATURE: 0x5f37,
} as const;

/** Card life cycle states and their codings (GP 2.3.1 §11.1.1, Table 11-5). */
export const CARD_LIFE_CYCLE = {
  OP_READY: 0x01,
  INITIALIZED: 0x07,
  SECURED: 0x0f,
  CARD_LOCKED: 0x7f,
  TERMINATED: 0xff,
} as const;

/** The persistent states a ReCard card image can be in (personalisation ends in SECURED). */
export type CardLifeCycle = "SECURED" | "CARD_LOCKED" | "TERMINATED";
/** Every persistent card life cycle state. */
export const CARD_LIFE_CYCLES: readonly CardLifeCycle[] = ["SECURED", "CARD_LOCKED", "TERMINATED"];

/** The persistent state a life cycle coding names (Table 11-5), or null for any other byte. */
export function cardLifeCycleOf(code: number): CardLifeCycle | null {
  switch (code) {
    case CARD_LIFE_CYCLE.SECURED:
      return "SECURED";
    case CARD_LIFE_CYCLE.CARD_LOCKED:
      return "CARD_LOCKED";
    case CARD_LIFE_CYCLE.TERMINATED:
      return "TERMINATED";
    default:
      return null;
  }
}

/** Executable load file life cycle LOADED (GP 2.3.1 §11.1.1, Table 11-2). */
export const ELF_LIFE_CYCLE_LOADED = 0x01;
/** Application life cycle SELECTABLE (GP 2.3.1 §11.1.1, Table 11-3) and load file LOADED (Table 11-2). */
export const APP_LIFE_CYCLE_SELECTABLE = 0x07;

/** ISD privileges byte 1 (GP 2.3.1 §11.1.2, Table 11-7): Security Domain, Card Lock, Card Terminate, Card Reset, CVM Management. */
export const ISD_PRIVILEGES = Uint8Array.of(0x9e, 0x00, 0x00);
/** Applications get no privileges: only the ISD manages the card. */
export const APP_PRIVILEGES = Uint8Array.of(0x00, 0x00, 0x00);

/** GlobalPlatform OID arc {iso(1) member-body(2) us(840) globalPlatform(114283)} (GP 2.3.1 §H.2). */
export const GP_OID_PREFIX = fromHex("2A864886FC6B");

/** Platform types the card can carry (patent: PF type 100 = method 1, 200 = method 2). */
export type CardPlatformType = 100 | 200;

/** The confirmation counter is two bytes (GP 2.3.1 §C.3.1) and never wraps. */
export const MAX_CONFIRMATION_COUNTER = 0xffff;

/** Non-volatile memory available to load files and applet data (a 128 KiB-class chip). */
export const CARD_MEMORY_BYTES = 128 * 1024;
/** Applet data each installed application occupies besides its load file. */
export const APPLET_DATA_BYTES = 64;
/** LOAD block numbers are one byte (GP 2.3.1 §11.6.2.1). */
export const MAX_LOAD_BLOCKS = 256;
