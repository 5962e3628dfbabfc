/**
 * GlobalPlatform Secure Channel Protocol '03' (GP Card Specification 2.3.1 Amendment D v1.2,
 * "Amd D" below): the primitives both ends share. AES and AES-CMAC come from @noble/ciphers; this
 * file only arranges the data as Amd D prescribes. Pure functions over Uint8Array; the card side
 * lives in card-os.ts, the terminal side in scp03-host.ts.
 *
 * Options this implementation takes (Amd D §5.1, the "i" parameter): i = '70' — pseudo-random card
 * challenge (b5 set, derived from the sequence counter), R-MAC and R-ENCRYPTION supported (b6, b5 of
 * the second nibble), S8 mode (8-byte challenges, cryptograms and MACs).
 */
import { cbc, cmac, ecb } from "@noble/ciphers/aes.js";
import { concatBytes, equalBytes } from "../bytes";

/** S8 mode: challenges, cryptograms and MACs are 8 bytes (Amd D §6.2.2). */
export const S8 = 8;
/** AES block length. */
const BLOCK = 16;

/** Derivation constants (Amd D §4.1.5, Table 4-1). */
export const DERIVATION = {
  CARD_CRYPTOGRAM: 0x00,
  HOST_CRYPTOGRAM: 0x01,
  CARD_CHALLENGE: 0x02,
  S_ENC: 0x04,
  S_MAC: 0x06,
  S_RMAC: 0x07,
} as const;

/** Security levels of EXTERNAL AUTHENTICATE P1 (Amd D §7.1.2.1, Table 7-4). */
export const SECURITY_LEVEL = {
  C_MAC: 0x01,
  C_MAC_C_DEC: 0x03,
  C_MAC_R_MAC: 0x11,
  C_MAC_C_DEC_R_MAC: 0x13,
  C_MAC_C_DEC_R_MAC_R_ENC: 0x33,
} as const;

/** The security levels this card accepts (Amd D §7.1.2.1: R-ENC needs C-DEC and R-MAC). */
export const SECURITY_LEVELS: readonly number[] = Object.values(SECURITY_LEVEL);

/** Bits of a security level. */
export const hasCmac = (level: number): boolean => (level & 0x01) !== 0;
export const hasCdec = (level: number): boolean => (level & 0x02) !== 0;
export const hasRmac = (level: number): boolean => (level & 0x10) !== 0;
export const hasRenc = (level: number): boolean => (level & 0x20) !== 0;

/** AES-CMAC (NIST SP 800-38B, RFC 4493), 16-byte tag. */
export function aesCmac(key: Uint8Array, message: Uint8Array): Uint8Array {
  return cmac(message, key);
}

/**
 * The SCP03 KDF (Amd D §4.1.5): NIST SP 800-108 in counter mode with AES-CMAC as PRF; the fixed
 * input is label (11 bytes '00' ‖ derivation constant) ‖ '00' separator ‖ L (2 bytes, bits) ‖
 * counter i (1 byte, from 1) ‖ context.
 */
export function scp03Kdf(
  key: Uint8Array,
  constant: number,
  context: Uint8Array,
  bits: number,
  mac: (key: Uint8Array, message: Uint8Array) => Uint8Array = aesCmac,
): Uint8Array {
  if (bits <= 0 || bits % 8 !== 0 || bits > 0xffff) throw new RangeError(`SCP03 KDF: L = ${bits} bits`);
  const label = concatBytes(new Uint8Array(11), Uint8Array.of(constant));
  const blocks: Uint8Array[] = [];
  for (let i = 1; blocks.length * BLOCK < bits / 8; i++) {
    if (i > 0xff) throw new RangeError("SCP03 KDF: counter overflow");
    blocks.push(mac(key, concatBytes(label, Uint8Array.of(0x00, bits >> 8, bits & 0xff, i), context)));
  }
  return concatBytes(...blocks).slice(0, bits / 8);
}

/** A static key set of a security domain (Amd D §4.1.1): Key-ENC, Key-MAC, Key-DEK; AES-128/192/256. */
export type Scp03StaticKeys = { readonly enc: Uint8Array; readonly mac: Uint8Array; readonly dek: Uint8Array };

/** Session keys (Amd D §6.2.1). */
export type Scp03SessionKeys = { readonly sEnc: Uint8Array; readonly sMac: Uint8Array; readonly sRmac: Uint8Array };

/** Derives S-ENC, S-MAC and S-RMAC from the static keys and context = host challenge ‖ card challenge (Amd D §6.2.1). */
export function deriveSessionKeys(keys: Scp03StaticKeys, hostChallenge: Uint8Array, cardChallenge: Uint8Array): Scp03SessionKeys {
  const context = concatBytes(hostChallenge, cardChallenge);
  return {
    sEnc: scp03Kdf(keys.enc, DERIVATION.S_ENC, context, keys.enc.length * 8),
    sMac: scp03Kdf(keys.mac, DERIVATION.S_MAC, context, keys.mac.length * 8),
    sRmac: scp03Kdf(keys.mac, DERIVATION.S_RMAC, context, keys.mac.length * 8),
  };
}

/** Card cryptogram (Amd D §6.2.2.2): KDF(S-MAC, '00', host ‖ card challenge, 64). */
export function cardCryptogram(session: Scp03SessionKeys, hostChallenge: Uint8Array, cardChallenge: Uint8Array): Uint8Array {
  return scp03Kdf(session.sMac, DERIVATION.CARD_CRYPTOGRAM, concatBytes(hostChallenge, cardChallenge), S8 * 8);
}

/** Host cryptogram (Amd D §6.2.2.3): KDF(S-MAC, '01', host ‖ card challenge, 64). */
export function hostCryptogram(session: Scp03SessionKeys, hostChallenge: Uint8Array, cardChallenge: Uint8Array): Uint8Array {
  return scp03Kdf(session.sMac, DERIVATION.HOST_CRYPTOGRAM, concatBytes(hostChallenge, cardChallenge), S8 * 8);
}

/**
 * Pseudo-random card challenge (Amd D §6.2.2.1, i b5 = 1): KDF(Key-ENC, '02', sequence counter (3
 * bytes) ‖ AID of the invoking application, 64). The counter is incremented on every INITIALIZE
 * UPDATE (and never reused), so the challenge never repeats under one key set.
 */
export function pseudoRandomCardChallenge(keyEnc: Uint8Array, sequenceCounter: number, aid: Uint8Array): Uint8Array {
  return scp03Kdf(keyEnc, DERIVATION.CARD_CHALLENGE, concatBytes(counter3(sequenceCounter), aid), S8 * 8);
}

/** The 3-byte sequence counter (Amd D §6.2.2.1). */
export function counter3(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffff) throw new RangeError(`sequence counter ${value}`);
  return Uint8Array.of(value >> 16, (value >> 8) & 0xff, value & 0xff);
}

/** Largest sequence counter: the card refuses INITIALIZE UPDATE once it is reached (Amd D §6.2.2.1, never wraps). */
export const MAX_SEQUENCE_COUNTER = 0xffffff;

/** ISO 7816-4 / GP B.2.3 padding: '80' then '00' up to a whole AES block. */
export function pad80(data: Uint8Array): Uint8Array {
  const out = new Uint8Array((Math.floor(data.length / BLOCK) + 1) * BLOCK);
  out.set(data);
  out[data.length] = 0x80;
  return out;
}

/** Strips '80 00…' padding; null when the padding is malformed. */
export function unpad80(data: Uint8Array): Uint8Array | null {
  if (data.length === 0 || data.length % BLOCK !== 0) return null;
  let i = data.length - 1;
  while (i >= 0 && data[i] === 0x00 && data.length - i <= BLOCK) i--;
  if (i < 0 || data[i] !== 0x80 || data.length - i > BLOCK) return null;
  return data.slice(0, i);
}

/**
 * ICV for command (C-DEC) or response (R-ENC) encryption (Amd D §6.2.6, §6.2.7): the encryption
 * counter as a 16-byte big-endian block (first byte '80' for responses), encrypted with S-ENC.
 */
export function encryptionIcv(sEnc: Uint8Array, encryptionCounter: number, forResponse: boolean): Uint8Array {
  const block = new Uint8Array(BLOCK);
  let value = encryptionCounter;
  for (let i = BLOCK - 1; i >= 0 && value > 0; i--) {
    block[i] = value & 0xff;
    value = Math.floor(value / 256);
  }
  if (forResponse) block[0] = 0x80;
  return ecb(sEnc, { disablePadding: true }).encrypt(block);
}

/** AES-CBC without padding (the caller pads with pad80). */
export function cbcEncrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  return cbc(key, iv, { disablePadding: true }).encrypt(data);
}

/** AES-CBC decryption without padding; data must be whole blocks. */
export function cbcDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  return cbc(key, iv, { disablePadding: true }).decrypt(data);
}

/** Key check value of an AES key (GP 2.3.1 §11.8.2.3, Amd D §7.2): first 3 bytes of AES(key, 16 × '01'). */
export function aesKeyCheckValue(key: Uint8Array): Uint8Array {
  return ecb(key, { disablePadding: true }).encrypt(new Uint8Array(BLOCK).fill(0x01)).slice(0, 3);
}

/** The chained MAC state of one direction pair (Amd D §6.2.4: the MAC chaining value starts at 16 × '00'). */
export type MacChain = { readonly chainingValue: Uint8Array; readonly encryptionCounter: number };

/** The state right after a successful INITIALIZE UPDATE: chaining value zero, encryption counter 0 (first command uses 1). */
export const INITIAL_MAC_CHAIN: MacChain = { chainingValue: new Uint8Array(BLOCK), encryptionCounter: 0 };

/**
 * C-MAC over a command (Amd D §6.2.4): CMAC(S-MAC, chaining value ‖ CLA' INS P1 P2 Lc' ‖ data'),
 * where CLA' has b3 set (GP secure messaging) and the logical channel bits cleared, and Lc' counts
 * the MAC. Returns the full 16 bytes: the first 8 are sent, all 16 become the next chaining value.
 */
export function commandMac(sMac: Uint8Array, chainingValue: Uint8Array, header: Uint8Array, data: Uint8Array): Uint8Array {
  return aesCmac(sMac, concatBytes(chainingValue, header, data));
}

/** R-MAC over a response (Amd D §6.2.5): CMAC(S-RMAC, chaining value of the command ‖ data ‖ SW1 SW2). */
export function responseMac(sRmac: Uint8Array, chainingValue: Uint8Array, data: Uint8Array, sw: number): Uint8Array {
  return aesCmac(sRmac, concatBytes(chainingValue, data, Uint8Array.of(sw >> 8, sw & 0xff))).slice(0, S8);
}

/** Constant-time-enough comparison of MACs and cryptograms (length first, then every byte). */
export function sameMac(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0 && equalBytes(a, b);
}

// ---------------------------------------------------------------------------------------------
// Command protection (both ends compute the same bytes)

/** Bits of CLA b3 (GP proprietary secure messaging, GP 2.3.1 §11.1.4.1). */
export const CLA_SECURE_MESSAGING = 0x04;

/** A protected command: the bytes to send and the new chain state. */
export type WrappedCommand = { readonly apdu: Uint8Array; readonly chain: MacChain; readonly cmac: Uint8Array };

/**
 * Host side: protects a short command APDU (Amd D §6.2.4, §6.2.6). C-DEC encrypts non-empty data
 * (pad80, AES-CBC with the counter ICV); the encryption counter is incremented for every command,
 * with or without data. The C-MAC is computed over CLA' INS P1 P2 Lc' data' and appended; Le 00 is
 * sent when the command expects response data. `encrypt` is false for EXTERNAL AUTHENTICATE.
 */
export function wrapCommand(
  session: Scp03SessionKeys,
  chain: MacChain,
  level: number,
  command: { cla: number; ins: number; p1: number; p2: number; data: Uint8Array; expectsData: boolean },
  encrypt = true,
): WrappedCommand {
  const counter = chain.encryptionCounter + (encrypt ? 1 : 0);
  let data: Uint8Array = command.data;
  if (encrypt && hasCdec(level) && data.length > 0) data = cbcEncrypt(session.sEnc, encryptionIcv(session.sEnc, counter, false), pad80(data));
  const lc = data.length + S8;
  if (lc > 255) throw new RangeError(`protected command data ${lc} bytes: more than a short APDU carries`);
  const cla = (command.cla & 0xf0) | CLA_SECURE_MESSAGING;
  const header = Uint8Array.of(cla, command.ins, command.p1, command.p2, lc);
  const mac = commandMac(session.sMac, chain.chainingValue, header, data);
  const apdu = concatBytes(header, data, mac.subarray(0, S8), command.expectsData ? Uint8Array.of(0x00) : new Uint8Array(0));
  return { apdu, chain: { chainingValue: mac, encryptionCounter: counter }, cmac: mac };
}

/** Why the card refused a protected command. */
export type UnwrapFailure = "mac" | "padding";

/**
 * Card side: checks the C-MAC of a received command (whose CLA has b3 set) and decrypts its data.
 * `headerLc` is the Lc byte(s) as received. On success: the plain data and the new chain state.
 */
export function unwrapCommand(
  session: Scp03SessionKeys,
  chain: MacChain,
  level: number,
  received: { cla: number; ins: number; p1: number; p2: number; data: Uint8Array; lcBytes: Uint8Array },
  isExternalAuthenticate = false,
): { ok: true; data: Uint8Array; chain: MacChain; cmac: Uint8Array } | { ok: false; reason: UnwrapFailure } {
  if (received.data.length < S8) return { ok: false, reason: "mac" };
  const body = received.data.subarray(0, received.data.length - S8);
  const mac = received.data.subarray(received.data.length - S8);
  const header = concatBytes(Uint8Array.of(received.cla & 0xfc, received.ins, received.p1, received.p2), received.lcBytes);
  const expected = commandMac(session.sMac, chain.chainingValue, header, body);
  if (!sameMac(mac, expected.subarray(0, S8))) return { ok: false, reason: "mac" };
  const counter = chain.encryptionCounter + (isExternalAuthenticate ? 0 : 1);
  let data: Uint8Array = body.slice();
  if (!isExternalAuthenticate && hasCdec(level) && body.length > 0) {
    if (body.length % BLOCK !== 0) return { ok: false, reason: "padding" };
    const plain = unpad80(cbcDecrypt(session.sEnc, encryptionIcv(session.sEnc, counter, false), body));
    if (!plain) return { ok: false, reason: "padding" };
    data = plain;
  }
  return { ok: true, data, chain: { chainingValue: expected, encryptionCounter: counter }, cmac: expected };
}

/** Whether a status word gets R-MAC/R-ENC protection (Amd D §6.2.5: only 9000 and warnings 62xx/63xx). */
export function isProtectedStatus(sw: number): boolean {
  return sw === 0x9000 || sw >> 8 === 0x62 || sw >> 8 === 0x63;
}

/** Card side: protects response data (R-ENC when the level says so and there is data, then R-MAC). */
export function wrapResponse(session: Scp03SessionKeys, chain: MacChain, level: number, data: Uint8Array, sw: number): Uint8Array {
  if (!hasRmac(level) || !isProtectedStatus(sw)) return data;
  let body = data;
  if (hasRenc(level) && data.length > 0) body = cbcEncrypt(session.sEnc, encryptionIcv(session.sEnc, chain.encryptionCounter, true), pad80(data));
  return concatBytes(body, responseMac(session.sRmac, chain.chainingValue, body, sw));
}

/** Host side: checks the R-MAC and decrypts R-ENC data; null when the response does not verify. */
export function unwrapResponse(session: Scp03SessionKeys, chain: MacChain, level: number, data: Uint8Array, sw: number): Uint8Array | null {
  if (!hasRmac(level) || !isProtectedStatus(sw)) return data;
  if (data.length < S8) return null;
  const body = data.subarray(0, data.length - S8);
  if (!sameMac(data.subarray(data.length - S8), responseMac(session.sRmac, chain.chainingValue, body, sw))) return null;
  if (!hasRenc(level) || body.length === 0) return body.slice();
  if (body.length % BLOCK !== 0) return null;
  return unpad80(cbcDecrypt(session.sEnc, encryptionIcv(session.sEnc, chain.encryptionCounter, true), body));
}

/** Derivation constants ReCard uses to diversify ISD keys from the issuer's master key (proprietary, outside Amd D's table). */
const DIVERSIFY = { enc: 0x81, mac: 0x82, dek: 0x83 } as const;
const DIVERSIFY_LABEL = new TextEncoder().encode("ReCard/isd-keys/v1");

/**
 * Per-card ISD keys: each key = SCP03 KDF(master, constant, "ReCard/isd-keys/v1" ‖ 00 ‖ card id ‖ KVN),
 * so one card's keys reveal nothing about another's, and a rotation (new KVN) gives new keys.
 * Runs where the master key is: the issuer's server (lib/server/issuer/keys.ts), which passes Node's
 * native AES-CMAC as `mac` (the same function, about 40 times faster than the pure-JS one: issue 16).
 */
export function diversifyIsdKeys(
  master: Uint8Array,
  cardId: Uint8Array,
  keyVersion: number,
  mac: (key: Uint8Array, message: Uint8Array) => Uint8Array = aesCmac,
): Scp03StaticKeys {
  if (cardId.length !== 8) throw new RangeError("card id must be 8 bytes");
  const context = concatBytes(DIVERSIFY_LABEL, Uint8Array.of(0x00), cardId, Uint8Array.of(keyVersion));
  const bits = master.length * 8;
  return {
    enc: scp03Kdf(master, DIVERSIFY.enc, context, bits, mac),
    mac: scp03Kdf(master, DIVERSIFY.mac, context, bits, mac),
    dek: scp03Kdf(master, DIVERSIFY.dek, context, bits, mac),
  };
}
