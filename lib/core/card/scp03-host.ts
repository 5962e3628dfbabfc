/**
 * Terminal side of SCP03 (GP 2.3.1 Amendment D): INITIALIZE UPDATE, card cryptogram check,
 * EXTERNAL AUTHENTICATE, then a `transmit` that protects every GP-class command (CLA 8x) at the
 * agreed security level and checks R-MAC / removes R-ENC from the responses. A response that
 * does not verify closes the channel (the host refuses every later command) and the call rejects
 * with ScpError, as does anything sent after the channel closed.
 */
import { concatBytes, toHex } from "../bytes";
import { err, ok } from "../result";
import { decodeCommandApdu, encodeCommandApdu } from "./apdu";
import { KEY_TYPE } from "./gp";
import { decodeTlv } from "./tlv";
import {
  aesKeyCheckValue,
  cardCryptogram,
  cbcEncrypt,
  deriveSessionKeys,
  hasCmac,
  hostCryptogram,
  INITIAL_MAC_CHAIN,
  S8,
  sameMac,
  SECURITY_LEVELS,
  unwrapResponse,
  wrapCommand,
  type MacChain,
  type Scp03SessionKeys,
  type Scp03StaticKeys,
} from "./scp03";
import { formatStatusWord, describeStatusWord, SW1_BYTES_REMAINING } from "./status-words";
import type { IssuerKeyUpdate } from "./issuer-key-update";
import { getDataCommand, type CardResult, type Transmit } from "./terminal";

/** INITIALIZE UPDATE and EXTERNAL AUTHENTICATE instruction bytes (GP 2.3.1 §11.12, §11.11.2 / Amd D §7.1). */
export const SCP_INS = { INITIALIZE_UPDATE: 0x50, EXTERNAL_AUTHENTICATE: 0x82 } as const;

/** A failure of the secure channel itself (bad R-MAC, closed channel): the channel is unusable afterwards. */
export class ScpError extends Error {}

/** What INITIALIZE UPDATE answered (Amd D §7.1.1.6, Table 7-3). */
export type InitializeUpdateResponse = {
  readonly keyDiversificationData: Uint8Array;
  readonly keyVersion: number;
  readonly scpIdentifier: number;
  readonly iParameter: number;
  readonly cardChallenge: Uint8Array;
  readonly cardCryptogram: Uint8Array;
  /** Present when the card uses a pseudo-random challenge (i b5 = 1). */
  readonly sequenceCounter: number | null;
};

/** INITIALIZE UPDATE (Amd D §7.1.1): 80 50 KVN 00 08 host challenge 00. */
export function initializeUpdateCommand(keyVersion: number, hostChallenge: Uint8Array): Uint8Array {
  if (hostChallenge.length !== S8) throw new RangeError("host challenge must be 8 bytes (S8 mode)");
  return concatBytes(Uint8Array.of(0x80, SCP_INS.INITIALIZE_UPDATE, keyVersion, 0x00, S8), hostChallenge, Uint8Array.of(0x00));
}

/** Parses the INITIALIZE UPDATE response data (29 bytes, or 32 with the sequence counter). */
export function parseInitializeUpdateResponse(data: Uint8Array): InitializeUpdateResponse | null {
  if (data.length !== 29 && data.length !== 32) return null;
  if (data[11] !== 0x03) return null;
  return {
    keyDiversificationData: data.slice(0, 10),
    keyVersion: data[10]!,
    scpIdentifier: data[11]!,
    iParameter: data[12]!,
    cardChallenge: data.slice(13, 21),
    cardCryptogram: data.slice(21, 29),
    sequenceCounter: data.length === 32 ? (data[29]! << 16) | (data[30]! << 8) | data[31]! : null,
  };
}

/** An open SCP03 session seen from the terminal. */
export type Scp03Channel = {
  /** Protects GP-class commands and unwraps their responses; rejects with ScpError once the channel is closed. */
  readonly transmit: Transmit;
  readonly level: number;
  readonly keyVersion: number;
  readonly initializeUpdate: InitializeUpdateResponse;
  /** Whether the channel still works (false after a response failed verification). */
  isOpen(): boolean;
};

/** Options of openSecureChannel. */
export type OpenOptions = {
  readonly keys: Scp03StaticKeys;
  /** Key version to ask for (00 = whatever the card has). */
  readonly keyVersion: number;
  readonly level: number;
  /** 8 bytes; the host's randomness (inject for replayable traces). */
  readonly hostChallenge: Uint8Array;
};

const refusal = (step: string, sw: number | null, meaning?: string) => ({
  step,
  sw,
  meaning: meaning ?? (sw === null ? "malformed response" : `${formatStatusWord(sw)}: ${describeStatusWord(sw)}`),
});

/** Sends a command and follows 61xx with GET RESPONSE; returns data and SW. */
async function collect(transmit: Transmit, command: Uint8Array): Promise<{ data: Uint8Array; sw: number } | null> {
  let response = await transmit(command);
  const parts: Uint8Array[] = [];
  for (let round = 0; round < 300; round++) {
    if (response.length < 2) return null;
    const sw1 = response[response.length - 2]!;
    const sw2 = response[response.length - 1]!;
    parts.push(response.subarray(0, response.length - 2));
    if (sw1 !== SW1_BYTES_REMAINING) return { data: concatBytes(...parts), sw: (sw1 << 8) | sw2 };
    response = await transmit(Uint8Array.of(0x00, 0xc0, 0x00, 0x00, sw2));
  }
  return null;
}

/**
 * Opens an SCP03 session with the selected security domain: INITIALIZE UPDATE, checks the card
 * cryptogram (a card without our keys is refused before we reveal anything), EXTERNAL AUTHENTICATE.
 */
export async function openSecureChannel(transmit: Transmit, options: OpenOptions): Promise<CardResult<Scp03Channel>> {
  const { keys, level, hostChallenge } = options;
  if (!SECURITY_LEVELS.includes(level) || !hasCmac(level)) throw new RangeError(`security level ${level.toString(16)}`);
  const init = await collect(transmit, initializeUpdateCommand(options.keyVersion, hostChallenge));
  if (!init) return err(refusal("INITIALIZE UPDATE", null));
  if (init.sw !== 0x9000) return err(refusal("INITIALIZE UPDATE", init.sw));
  const parsed = parseInitializeUpdateResponse(init.data);
  if (!parsed) return err(refusal("INITIALIZE UPDATE", init.sw, "malformed INITIALIZE UPDATE response"));
  const session = deriveSessionKeys(keys, hostChallenge, parsed.cardChallenge);
  if (!sameMac(parsed.cardCryptogram, cardCryptogram(session, hostChallenge, parsed.cardChallenge))) {
    return err(refusal("INITIALIZE UPDATE", init.sw, "card cryptogram does not verify: the card does not hold these keys"));
  }
  const auth = wrapCommand(
    session,
    INITIAL_MAC_CHAIN,
    level,
    {
      cla: 0x80,
      ins: SCP_INS.EXTERNAL_AUTHENTICATE,
      p1: level,
      p2: 0x00,
      data: hostCryptogram(session, hostChallenge, parsed.cardChallenge),
      expectsData: false,
    },
    false,
  );
  const authResponse = await collect(transmit, auth.apdu);
  if (!authResponse) return err(refusal("EXTERNAL AUTHENTICATE", null));
  if (authResponse.sw !== 0x9000) return err(refusal("EXTERNAL AUTHENTICATE", authResponse.sw));
  return ok(createChannel(transmit, session, auth.chain, level, parsed));
}

function createChannel(transmit: Transmit, session: Scp03SessionKeys, initial: MacChain, level: number, init: InitializeUpdateResponse): Scp03Channel {
  let chain: MacChain | null = initial;
  // Commands go one at a time: the MAC chain orders them.
  let queue: Promise<unknown> = Promise.resolve();
  const send = async (apdu: Uint8Array): Promise<Uint8Array> => {
    const decoded = decodeCommandApdu(apdu);
    // ISO-class commands (SELECT, GET RESPONSE) are not protected by SCP03 (Amd D §6.2.4 applies to GP commands).
    if (!decoded.ok || (decoded.value.cla & 0x80) === 0) return transmit(apdu);
    if (!chain) throw new ScpError("secure channel closed");
    const { cla, ins, p1, p2, data, ne } = decoded.value;
    let wrapped;
    try {
      wrapped = wrapCommand(session, chain, level, { cla, ins, p1, p2, data, expectsData: ne !== null });
    } catch (error) {
      throw new ScpError(error instanceof Error ? error.message : String(error));
    }
    chain = wrapped.chain;
    const response = await collect(transmit, wrapped.apdu);
    if (!response) {
      chain = null;
      throw new ScpError("malformed response inside the secure channel");
    }
    // The card closes the session on any error status word it raises for SM (Amd D §6.2.4); so do we.
    const plain = unwrapResponse(session, wrapped.chain, level, response.data, response.sw);
    if (plain === null) {
      chain = null;
      throw new ScpError(`R-MAC of the response to ${toHex(apdu.subarray(0, 4))} does not verify: channel closed`);
    }
    if (response.sw === 0x6982 || response.sw === 0x6988) chain = null;
    return concatBytes(plain, Uint8Array.of(response.sw >> 8, response.sw & 0xff));
  };
  return {
    transmit: (apdu) => {
      const result = queue.then(() => send(apdu));
      queue = result.catch(() => undefined);
      return result;
    },
    level,
    keyVersion: init.keyVersion,
    initializeUpdate: init,
    isOpen: () => chain !== null,
  };
}

// ---------------------------------------------------------------------------------------------
// PUT KEY (GP 2.3.1 §11.8, Amendment D §7.2): send through an open channel's transmit.

/** PUT KEY replacing the ISD's SCP03 key set `oldVersion` by `keys` under `newVersion`; each key encrypted with the current Key-DEK. */
export function putScp03KeysCommand(currentDek: Uint8Array, oldVersion: number, newVersion: number, keys: Scp03StaticKeys): Uint8Array {
  const field = (key: Uint8Array) => {
    const encrypted = cbcEncrypt(currentDek, new Uint8Array(16), key.length % 16 === 0 ? key : concatBytes(key, new Uint8Array(16 - (key.length % 16))));
    return concatBytes(Uint8Array.of(KEY_TYPE.AES, encrypted.length + 1, key.length), encrypted, Uint8Array.of(3), aesKeyCheckValue(key));
  };
  const data = concatBytes(Uint8Array.of(newVersion), field(keys.enc), field(keys.mac), field(keys.dek));
  return encodeCommandApdu({ cla: 0x80, ins: 0xd8, p1: oldVersion, p2: 0x81, data, ne: 256, extended: false });
}

/** PUT KEY replacing the issuer public keys (key id 1: permission signing, key id 2: card attribute data) by version `newVersion`. */
export function putIssuerKeysCommand(oldVersion: number, newVersion: number, signingPublicKey: Uint8Array, encryptionPublicKey: Uint8Array): Uint8Array {
  const field = (point: Uint8Array) => concatBytes(Uint8Array.of(KEY_TYPE.ECC_PUBLIC, point.length), point, Uint8Array.of(0));
  const data = concatBytes(Uint8Array.of(newVersion), field(signingPublicKey), field(encryptionPublicKey));
  return encodeCommandApdu({ cla: 0x80, ins: 0xd8, p1: oldVersion, p2: 0x81, data, ne: 256, extended: false });
}

/** Rotates the ISD keys through an open channel; checks the key check values the card answers. */
export async function rotateIsdKeys(
  channel: Scp03Channel,
  options: { currentDek: Uint8Array; oldVersion: number; newVersion: number; keys: Scp03StaticKeys },
): Promise<CardResult<{ keyVersion: number }>> {
  const step = "PUT KEY (ISD SCP03 keys)";
  const r = await collect(channel.transmit, putScp03KeysCommand(options.currentDek, options.oldVersion, options.newVersion, options.keys));
  if (!r) return err(refusal(step, null));
  if (r.sw !== 0x9000) return err(refusal(step, r.sw));
  const expected = concatBytes(
    Uint8Array.of(options.newVersion),
    aesKeyCheckValue(options.keys.enc),
    aesKeyCheckValue(options.keys.mac),
    aesKeyCheckValue(options.keys.dek),
  );
  if (!sameMac(r.data, expected)) return err(refusal(step, r.sw, "the card's key check values do not match the keys sent"));
  return ok({ keyVersion: options.newVersion });
}

/** Gives the card new issuer public keys through an open channel (the card only moves forward). */
export async function putIssuerKeys(
  channel: Scp03Channel,
  options: { oldVersion: number; newVersion: number; signingPublicKey: Uint8Array; encryptionPublicKey: Uint8Array },
): Promise<CardResult<{ keyVersion: number }>> {
  const step = "PUT KEY (issuer public keys)";
  const r = await collect(
    channel.transmit,
    putIssuerKeysCommand(options.oldVersion, options.newVersion, options.signingPublicKey, options.encryptionPublicKey),
  );
  if (!r) return err(refusal(step, null));
  if (r.sw !== 0x9000) return err(refusal(step, r.sw));
  return r.data.length === 1 && r.data[0] === options.newVersion
    ? ok({ keyVersion: options.newVersion })
    : err(refusal(step, r.sw, "unexpected PUT KEY response"));
}

/** A key of the key information template (GET DATA E0). */
export type KeyInformation = { readonly keyId: number; readonly keyVersion: number; readonly keyType: number; readonly length: number };

/** Parses GET DATA E0 (GP 2.3.1 §11.3.3.1). */
export function parseKeyInformationTemplate(data: Uint8Array): KeyInformation[] | null {
  const template = decodeTlv(data);
  if (!template.ok || template.value.tag !== 0xe0 || template.value.kind !== "constructed") return null;
  const out: KeyInformation[] = [];
  for (const c of template.value.children) {
    if (c.tag !== 0xc0 || c.kind !== "primitive" || c.value.length !== 4) return null;
    out.push({ keyId: c.value[0]!, keyVersion: c.value[1]!, keyType: c.value[2]!, length: c.value[3]! });
  }
  return out;
}

/**
 * The version of the issuer public keys the card holds (GET DATA E0, key id 1 of type B0). Platform 100
 * answers anyone; platform 200 only inside the ISD's secure channel (pass the channel's transmit; `6982`
 * outside, docs/card.md "Private reads").
 */
export async function readIssuerKeyVersion(transmit: Transmit): Promise<CardResult<number>> {
  const step = "GET DATA E0 (key information)";
  const r = await collect(transmit, getDataCommand(0xe0));
  if (!r) return err(refusal(step, null));
  if (r.sw !== 0x9000) return err(refusal(step, r.sw));
  const info = parseKeyInformationTemplate(r.data)?.find((k) => k.keyId === 1 && k.keyType === KEY_TYPE.ECC_PUBLIC);
  return info ? ok(info.keyVersion) : err(refusal(step, r.sw, "the card lists no issuer key"));
}

/** What a desk's issuer key updates did: the versions the card took, in order, from `from` to `to` (both null when it took none). */
export type IssuerKeyUpdatesApplied = { readonly applied: number[]; readonly from: number | null; readonly to: number | null };

/** The card's answer to a signed update that does not start from its version (or, on platform 200, is not signed by the key it holds). */
const SW_NOT_FROM_THIS_VERSION = 0x6a88;

/**
 * A desk brings the card's issuer keys up to date with the issuer's signed updates (issuer-key-update.ts)
 * without asking the card its version (platform 200 keeps it private): every update, oldest first, as PUT
 * KEY outside a channel. The card takes one only when it starts from the version it holds and carries the
 * issuer's signature by that version's key, so it only moves forward; it answers `6A88` to the others — the
 * card is past that version — which the desk reads as "already up to date" for that update. Any other
 * refusal stops. The issuer sends the updates from the version it recorded for the card on (the grant).
 */
export async function applyIssuerKeyUpdates(transmit: Transmit, updates: readonly IssuerKeyUpdate[]): Promise<CardResult<IssuerKeyUpdatesApplied>> {
  const applied: number[] = [];
  let from: number | null = null;
  for (const update of [...updates].sort((a, b) => a.oldVersion - b.oldVersion)) {
    const step = `PUT KEY (issuer keys ${update.oldVersion.toString(16).toUpperCase()} → ${update.newVersion.toString(16).toUpperCase()})`;
    const r = await collect(
      transmit,
      encodeCommandApdu({ cla: 0x80, ins: 0xd8, p1: update.oldVersion, p2: 0x81, data: update.data, ne: 256, extended: false }),
    );
    if (!r) return err(refusal(step, null));
    if (r.sw === SW_NOT_FROM_THIS_VERSION) continue;
    if (r.sw !== 0x9000) return err(refusal(step, r.sw));
    if (r.data.length !== 1 || r.data[0] !== update.newVersion) return err(refusal(step, r.sw, "unexpected PUT KEY response"));
    from ??= update.oldVersion;
    applied.push(update.newVersion);
  }
  return ok({ applied, from, to: applied.at(-1) ?? null });
}

/** Options of openIsdChannel. */
export type OpenIsdOptions = {
  /** The host's keys for a key version (the issuer diversifies them per card and version, server side). */
  readonly keysFor: (keyVersion: number) => Scp03StaticKeys;
  /** Key versions to try, in order: the one recorded for the card first, then the other known ones. */
  readonly versions: readonly number[];
  readonly level: number;
  /** 8 bytes; attempt n uses it with its last byte XORed with n. */
  readonly hostChallenge: Uint8Array;
};

/**
 * Opens the ISD's channel naming the key version explicitly (INITIALIZE UPDATE P1 = the version), first
 * the one recorded for the card, then each other known version. A platform-200 card does not say which
 * version it holds (GET DATA E0 answers only inside the channel; INITIALIZE UPDATE answers a version it
 * does not hold with keys nobody holds): the card cryptogram verifies only for the version it holds, and
 * nothing follows a cryptogram that does not verify. Platform 100 answers `6A88` to a version it does not
 * hold: the next one is tried too. Any other refusal stops.
 */
export async function openIsdChannel(transmit: Transmit, options: OpenIsdOptions): Promise<CardResult<Scp03Channel>> {
  const versions = [...new Set(options.versions)];
  for (const [attempt, keyVersion] of versions.entries()) {
    const hostChallenge = options.hostChallenge.slice();
    hostChallenge[hostChallenge.length - 1]! ^= attempt;
    const channel = await openSecureChannel(transmit, { keys: options.keysFor(keyVersion), keyVersion, level: options.level, hostChallenge });
    if (channel.ok) return channel;
    const notThisVersion = channel.error.step === "INITIALIZE UPDATE" && (channel.error.sw === 0x9000 || channel.error.sw === 0x6a88);
    if (!notThisVersion) return channel;
  }
  const named = versions.map((v) => v.toString(16).toUpperCase().padStart(2, "0")).join(", ");
  return err(refusal("INITIALIZE UPDATE", null, `no key version of ours (${named}) opens the ISD's channel`));
}
