/**
 * A provider application's own security domain (ssd.ts): first keys established right after INSTALL
 * without the relaying terminal learning them, INITIALIZE UPDATE answering with the domain's keys, and
 * the credit holder reference released only inside that domain's channel (not the ISD's, not another
 * provider's).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../bytes";
import { DEMO_COMPANY_KEYS } from "@/lib/secrets/demo-company-keys";
import { DEMO_ISD_KEYS } from "@/lib/secrets/demo-isd-keys";
import { privateKeyFromJwk, publicKeyFromJwk, publicKeyOf } from "./cryptography";
import { decodeCardImage, encodeCardImage } from "./image";
import { cardInSlot, loadPermissionFor, sampleLoadFile, SAMPLE_AIDS, signDemo, type CardInSlot } from "./fixtures";
import { SECURITY_LEVEL, wrapCommand, INITIAL_MAC_CHAIN, hostCryptogram, deriveSessionKeys, type Scp03StaticKeys } from "./scp03";
import { initializeUpdateCommand, openSecureChannel, parseInitializeUpdateResponse, parseKeyInformationTemplate, putScp03KeysCommand } from "./scp03-host";
import {
  diversifySsdKeys,
  establishApplicationKeys,
  openApplicationChannel,
  parseKeyAgreementKey,
  readCreditInOwnChannel,
  rotateApplicationKeys,
  ssdEstablishKeysCommand,
  TAG_KEY_AGREEMENT_PUBLIC_KEY,
} from "./ssd";
import { appletCommand, getDataCommand, getStatus, loadApplication, readCreditInfo, selectApplication, selectIsd } from "./terminal";

const ISD = { enc: fromHex(DEMO_ISD_KEYS.enc), mac: fromHex(DEMO_ISD_KEYS.mac), dek: fromHex(DEMO_ISD_KEYS.dek) };
const HOSHI_MASTER = fromHex("00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF");
const METRO_MASTER = fromHex("FFEEDDCCBBAA99887766554433221100FFEEDDCCBBAA99887766554433221100");
const HOST_KEY = fromHex("4F1A7D0C5B2E6A3F8D9C1B0E7A6D5C4B3A291817161514131211100908070605");
const CHALLENGE = fromHex("0102030405060708");
const REFERENCE = "HOSHI-0001234";
/** Hoshi's message-signing key: the key-establishment key the issuer names in Hoshi's load tokens (tag 87). */
const HOSHI_SIGNER = privateKeyFromJwk(DEMO_COMPANY_KEYS.HOSHI01.privateKey);
const HOSHI_POINT = toHex(publicKeyFromJwk(DEMO_COMPANY_KEYS.HOSHI01.publicKey));
const METRO_SIGNER = privateKeyFromJwk(DEMO_COMPANY_KEYS.METRO01.privateKey);
const ENTROPY = new Uint8Array(32).fill(7);
/** What Hoshi's server adds to establish keys: its ephemeral key and its signature key. */
const HOSHI_HOST = { hostPrivateKey: HOST_KEY, establishmentPrivateKey: HOSHI_SIGNER, entropy: ENTROPY };
const hex = async (slot: CardInSlot, apdu: Uint8Array) => toHex(await slot.transmit(apdu));

/** A platform-200 card with Hoshi Credit just installed (same power session), its token naming Hoshi's key (or none). */
async function withCredit(seed: string, platform: 100 | 200 = 200, establishmentKey: string | null = HOSHI_POINT) {
  const slot = await cardInSlot(platform, seed);
  const permission = {
    ...loadPermissionFor({ cardId: slot.image.cardId, sequence: 7, kind: "credit", provider: "HOSHI01" }),
    ...(establishmentKey ? { establishmentKey } : {}),
  };
  const loaded = await loadApplication(slot.transmit, {
    permission: await signDemo(permission),
    loadFile: sampleLoadFile("credit"),
    aid: SAMPLE_AIDS.credit,
    installParams: { kind: "credit", limit: 300_000, currency: "JPY", holderReference: REFERENCE },
  });
  expect(loaded.ok).toBe(true);
  const keys = diversifySsdKeys(HOSHI_MASTER, "HOSHI01", fromHex(SAMPLE_AIDS.credit), permission.messageId, 0x01);
  const metro = diversifySsdKeys(METRO_MASTER, "METRO01", fromHex(SAMPLE_AIDS.credit), permission.messageId, 0x01);
  return { slot, keys, metro, messageId: permission.messageId };
}

describe("an application's own keys", () => {
  it("are established after INSTALL, and only Hoshi's channel reads the holder reference", async () => {
    const { slot, keys, metro } = await withCredit("ssd-1");
    const sent: string[] = [];
    const recording = async (apdu: Uint8Array) => {
      sent.push(toHex(apdu));
      return slot.transmit(apdu);
    };
    expect(await establishApplicationKeys(recording, { aid: SAMPLE_AIDS.credit, keys, ...HOSHI_HOST })).toEqual({ ok: true, value: { keyVersion: 1 } });
    // The relaying terminal never sees a key: neither in the commands nor in the responses.
    for (const key of [keys.enc, keys.mac, keys.dek]) for (const apdu of sent) expect(apdu).not.toContain(toHex(key));
    expect(slot.card.image().applications[0]?.domain?.scp03).toEqual({ keyVersion: 1, enc: toHex(keys.enc), mac: toHex(keys.mac), dek: toHex(keys.dek) });
    // Platform 200: GET DATA E0 on the application answers only inside its channel (6982 without one);
    // there it lists its own key set (version 01, three AES-256 keys).
    expect(await hex(slot, getDataCommand(0xe0))).toBe("6982");
    const own = await openApplicationChannel(slot.transmit, { aid: SAMPLE_AIDS.credit, keysFor: () => keys, hostChallenge: CHALLENGE });
    if (!own.ok) throw new Error(own.error.meaning);
    expect(own.value.keyVersion).toBe(1);
    expect(parseKeyInformationTemplate((await own.value.transmit(getDataCommand(0xe0))).subarray(0, -2))).toEqual(
      [1, 2, 3].map((keyId) => ({ keyId, keyVersion: 1, keyType: 0x88, length: 32 })),
    );

    expect(await readCreditInOwnChannel(slot.transmit, { aid: SAMPLE_AIDS.credit, keys, hostChallenge: CHALLENGE })).toEqual({
      ok: true,
      value: { limit: 300_000, currency: "JPY", holderReference: REFERENCE },
    });

    // Without a channel (platform 200): nothing is read, not even the limit.
    await selectApplication(slot.transmit, SAMPLE_AIDS.credit);
    expect(await readCreditInfo(slot.transmit)).toMatchObject({ ok: false, error: { sw: 0x6982 } });
    // The ISD's keys: INITIALIZE UPDATE for the ISD's version answers the usual shape (no 6A88 that would tell
    // which versions exist) with a cryptogram no host can verify; the issuer's host refuses it, and a forced
    // EXTERNAL AUTHENTICATE with the ISD's or Metro's keys → 6300.
    expect(await hex(slot, initializeUpdateCommand(0x30, CHALLENGE))).toMatch(/^0{20}300360[0-9A-F]{32}9000$/);
    expect(await openSecureChannel(slot.transmit, { keys: ISD, keyVersion: 0, level: SECURITY_LEVEL.C_MAC, hostChallenge: CHALLENGE })).toMatchObject({
      ok: false,
      error: { step: "INITIALIZE UPDATE", meaning: expect.stringMatching(/card cryptogram/) },
    });
    for (const other of [ISD, metro]) expect(await forcedAuthenticate(slot, other)).toBe("6300");
    // After a refused handshake a protected READ finds no channel: 6982.
    expect(await hex(slot, Uint8Array.of(0x84, 0x5c, 0x00, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0x00))).toBe("6982");
    expect(await readCreditInOwnChannel(slot.transmit, { aid: SAMPLE_AIDS.credit, keys: metro, hostChallenge: CHALLENGE })).toMatchObject({
      ok: false,
      error: { meaning: expect.stringMatching(/card cryptogram/) },
    });
    // The issuer's channel (ISD selected) still manages the card, but SELECT ends it: the application is read without it.
    await selectIsd(slot.transmit);
    const isd = await openSecureChannel(slot.transmit, { keys: ISD, keyVersion: 0, level: SECURITY_LEVEL.C_MAC, hostChallenge: CHALLENGE });
    expect(isd.ok && (await getStatus(isd.value.transmit, "applications"))).toMatchObject({ ok: true, value: [{ aid: SAMPLE_AIDS.credit }] });
    // The registry names the application's own domain as its associated security domain (CC).
    if (!isd.ok) throw new Error("no ISD channel");
    expect(toHex(await isd.value.transmit(Uint8Array.of(0x80, 0xf2, 0x40, 0x02, 0x02, 0x4f, 0x00, 0x00)))).toContain(`CC07${SAMPLE_AIDS.credit}`);
    await selectApplication(slot.transmit, SAMPLE_AIDS.credit);
    expect(await readCreditInfo(slot.transmit)).toMatchObject({ ok: false, error: { sw: 0x6982 } });
    // The keys survive power cycles (they are in the image) and the image round-trips with them.
    slot.card.powerOff();
    slot.card.powerOn();
    expect(await readCreditInOwnChannel(slot.transmit, { aid: SAMPLE_AIDS.credit, keys, hostChallenge: CHALLENGE })).toMatchObject({
      ok: true,
      value: { holderReference: REFERENCE },
    });
    const image = slot.card.image();
    expect(decodeCardImage(encodeCardImage(image))).toEqual({ ok: true, value: image });
  });

  it("the first keys are written once, only in the session that installed the application", async () => {
    const { slot, keys } = await withCredit("ssd-2");
    slot.card.powerOff();
    slot.card.powerOn();
    await selectApplication(slot.transmit, SAMPLE_AIDS.credit);
    // A stranger after the install session: no key agreement (6985), no PUT KEY (platform 200: outside a
    // channel and without a key agreement, 6982).
    expect(await hex(slot, getDataCommand(TAG_KEY_AGREEMENT_PUBLIC_KEY))).toBe("6985");
    const stranger = ssdEstablishKeysCommand({ aid: fromHex(SAMPLE_AIDS.credit), cardPublicKey: publicKeyOf(HOST_KEY), keyVersion: 1, keys, ...HOSHI_HOST });
    expect((await hex(slot, stranger)).slice(-4)).toBe("6982");
    expect(slot.card.image().applications[0]?.domain).toBeUndefined();

    const second = await withCredit("ssd-3");
    expect((await establishApplicationKeys(second.slot.transmit, { aid: SAMPLE_AIDS.credit, keys: second.keys, ...HOSHI_HOST })).ok).toBe(true);
    // Again in the same session: the application has keys now, so a new key agreement is refused (6985)
    // and PUT KEY outside its channel is refused (6982).
    expect(await hex(second.slot, getDataCommand(TAG_KEY_AGREEMENT_PUBLIC_KEY))).toBe("6985");
    const again = await establishApplicationKeys(second.slot.transmit, { aid: SAMPLE_AIDS.credit, keys: second.metro, ...HOSHI_HOST });
    expect(again).toMatchObject({ ok: false, error: { sw: 0x6985 } });
    expect((await hex(second.slot, putScp03KeysCommand(second.keys.dek, 0x01, 0x02, second.metro))).slice(-4)).toBe("6982");
  });

  it("any flipped bit of the establishing PUT KEY is refused (6A80 malformed, 6982 signature) and leaves the application without keys", async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.integer({ min: 0, max: 7 }), async (position, bit) => {
        const { slot, keys } = await withCredit("ssd-flip");
        await selectApplication(slot.transmit, SAMPLE_AIDS.credit);
        const answer = await slot.transmit(getDataCommand(TAG_KEY_AGREEMENT_PUBLIC_KEY));
        const cardPublicKey = parseKeyAgreementKey(answer.subarray(0, -2));
        if (!cardPublicKey) throw new Error("no key agreement key");
        const command = ssdEstablishKeysCommand({ aid: fromHex(SAMPLE_AIDS.credit), cardPublicKey, keyVersion: 1, keys, ...HOSHI_HOST });
        // Flip a bit in the data (after the 5-byte header, before Le); the KVN byte may legitimately change: skip it.
        const index = 6 + (position % (command.length - 7));
        const flipped = command.slice();
        flipped[index]! ^= 1 << bit;
        // The signature and what it covers (the host point) answer 6982; the wrapped keys and the layout 6A80.
        const signed = index < 6 + 71 || index >= command.length - 1 - 64;
        const sw = (await hex(slot, flipped)).slice(-4);
        if (index >= command.length - 1 - 64) expect(sw).toBe("6982");
        else if (!signed) expect(sw).toBe("6A80");
        else expect(["6A80", "6982"]).toContain(sw); // a flipped point may no longer be on the curve
        expect(slot.card.image().applications[0]?.domain).toBeUndefined();
        // The key agreement key is gone with the refused attempt: outside a channel, PUT KEY is 6982 (platform 200).
        expect((await hex(slot, command)).slice(-4)).toBe("6982");
      }),
      { numRuns: 12 },
    );
  });

  it("the key agreement is authenticated: a desk in the middle, another provider's key or a token naming no key cannot key the application", async () => {
    const aid = fromHex(SAMPLE_AIDS.credit);
    // A desk taken over at install time answers Hoshi's server with its own key-agreement point, so the
    // server's PUT KEY (signed over that point) wraps the keys for the desk; the desk then re-wraps them
    // for the card under its own host key and keeps Hoshi's signature: the card refuses it (6982).
    const { slot, keys } = await withCredit("ssd-mitm");
    await selectApplication(slot.transmit, SAMPLE_AIDS.credit);
    const cardPublicKey = parseKeyAgreementKey((await slot.transmit(getDataCommand(TAG_KEY_AGREEMENT_PUBLIC_KEY))).subarray(0, -2))!;
    const DESK = fromHex("1111111111111111111111111111111111111111111111111111111111111111");
    const forServer = ssdEstablishKeysCommand({ aid, cardPublicKey: publicKeyOf(DESK), keyVersion: 1, keys, ...HOSHI_HOST });
    const forCard = ssdEstablishKeysCommand({ aid, cardPublicKey, keyVersion: 1, keys, hostPrivateKey: DESK, establishmentPrivateKey: DESK, entropy: ENTROPY });
    const spliced = forCard.slice();
    spliced.set(forServer.subarray(forServer.length - 65, forServer.length - 1), spliced.length - 65);
    expect((await hex(slot, spliced)).slice(-4)).toBe("6982");
    expect(slot.card.image().applications[0]?.domain).toBeUndefined();

    // Metro's key is not the one Hoshi's token names: refused, the key agreement spent.
    const metroSigned = await withCredit("ssd-metro-signs");
    expect(
      await establishApplicationKeys(metroSigned.slot.transmit, {
        aid: SAMPLE_AIDS.credit,
        keys: metroSigned.metro,
        hostPrivateKey: HOST_KEY,
        establishmentPrivateKey: METRO_SIGNER,
        entropy: ENTROPY,
      }),
    ).toMatchObject({
      ok: false,
      error: { step: "PUT KEY (application keys)", sw: 0x6982 },
    });
    expect(await hex(metroSigned.slot, getDataCommand(TAG_KEY_AGREEMENT_PUBLIC_KEY))).toMatch(/9000$/); // a new agreement, same session
    expect(metroSigned.slot.card.image().applications[0]?.domain).toBeUndefined();

    // A load token that names no key-establishment key: installed, but never keyed (no key agreement: 6985).
    const unnamed = await withCredit("ssd-unnamed", 200, null);
    await selectApplication(unnamed.slot.transmit, SAMPLE_AIDS.credit);
    expect(await hex(unnamed.slot, getDataCommand(TAG_KEY_AGREEMENT_PUBLIC_KEY))).toBe("6985");
    expect(await establishApplicationKeys(unnamed.slot.transmit, { aid: SAMPLE_AIDS.credit, keys: unnamed.keys, ...HOSHI_HOST })).toMatchObject({
      ok: false,
      error: { sw: 0x6985 },
    });
  });

  it("the provider rotates its keys inside its own channel (PUT KEY under its Key-DEK); the old keys are refused", async () => {
    const { slot, keys, metro } = await withCredit("ssd-rotate");
    await establishApplicationKeys(slot.transmit, { aid: SAMPLE_AIDS.credit, keys, ...HOSHI_HOST });
    await selectApplication(slot.transmit, SAMPLE_AIDS.credit);
    const channel = await openSecureChannel(slot.transmit, { keys, keyVersion: 1, level: SECURITY_LEVEL.C_MAC_C_DEC_R_MAC_R_ENC, hostChallenge: CHALLENGE });
    if (!channel.ok) throw new Error(channel.error.meaning);
    const next: Scp03StaticKeys = metro; // any fresh key set
    expect(toHex(await channel.value.transmit(putScp03KeysCommand(keys.dek, 0x01, 0x02, next))).slice(0, 2)).toBe("02");
    // Version 01 is gone: the card answers INITIALIZE UPDATE 01 with a cryptogram of keys nobody holds.
    expect(await readCreditInOwnChannel(slot.transmit, { aid: SAMPLE_AIDS.credit, keys, keyVersion: 1, hostChallenge: CHALLENGE })).toMatchObject({
      ok: false,
      error: { step: "INITIALIZE UPDATE", meaning: expect.stringMatching(/card cryptogram/) },
    });
    expect(await readCreditInOwnChannel(slot.transmit, { aid: SAMPLE_AIDS.credit, keys: next, keyVersion: 2, hostChallenge: CHALLENGE })).toMatchObject({
      ok: true,
      value: { holderReference: REFERENCE },
    });
  });

  it("rotateApplicationKeys reads the version the domain holds and moves it one forward; another provider's keys and an application without keys are refused", async () => {
    const { slot, keys, messageId } = await withCredit("ssd-rotate-host");
    const hoshiKeys = (v: number) => diversifySsdKeys(HOSHI_MASTER, "HOSHI01", fromHex(SAMPLE_AIDS.credit), messageId, v);
    const metroKeys = (v: number) => diversifySsdKeys(METRO_MASTER, "METRO01", fromHex(SAMPLE_AIDS.credit), messageId, v);
    // No keys of its own yet: no version from 01 opens its channel (platform 200 answers E0 only inside one).
    expect(await rotateApplicationKeys(slot.transmit, { aid: SAMPLE_AIDS.credit, keysFor: hoshiKeys, hostChallenge: CHALLENGE })).toMatchObject({
      ok: false,
      error: { step: "INITIALIZE UPDATE", meaning: expect.stringMatching(/no key version from 1 to 16/) },
    });
    await establishApplicationKeys(slot.transmit, { aid: SAMPLE_AIDS.credit, keys, ...HOSHI_HOST });
    // Metro's keys verify at no version: Metro cannot open Hoshi's application.
    expect(await rotateApplicationKeys(slot.transmit, { aid: SAMPLE_AIDS.credit, keysFor: metroKeys, hostChallenge: CHALLENGE })).toMatchObject({
      ok: false,
      error: { meaning: expect.stringMatching(/no key version from 1 to 16 opens/) },
    });
    expect(await rotateApplicationKeys(slot.transmit, { aid: SAMPLE_AIDS.credit, keysFor: hoshiKeys, hostChallenge: CHALLENGE })).toEqual({
      ok: true,
      value: { from: 1, to: 2 },
    });
    expect(await rotateApplicationKeys(slot.transmit, { aid: SAMPLE_AIDS.credit, keysFor: hoshiKeys, hostChallenge: CHALLENGE })).toEqual({
      ok: true,
      value: { from: 2, to: 3 },
    });
    expect(slot.card.image().applications[0]?.domain?.scp03.enc).toBe(toHex(hoshiKeys(3).enc));
    // The old versions open nothing any more; the new one reads the holder reference.
    expect(await readCreditInOwnChannel(slot.transmit, { aid: SAMPLE_AIDS.credit, keys, keyVersion: 1, hostChallenge: CHALLENGE })).toMatchObject({
      ok: false,
      error: { meaning: expect.stringMatching(/card cryptogram/) },
    });
    expect(await readCreditInOwnChannel(slot.transmit, { aid: SAMPLE_AIDS.credit, keys: hoshiKeys(3), keyVersion: 3, hostChallenge: CHALLENGE })).toMatchObject(
      { ok: true, value: { holderReference: REFERENCE } },
    );
  });

  it("platform 100 too: with its own keys the holder reference needs the application's channel", async () => {
    const { slot, keys } = await withCredit("ssd-100", 100);
    await selectApplication(slot.transmit, SAMPLE_AIDS.credit);
    expect(await readCreditInfo(slot.transmit)).toMatchObject({ ok: true, value: { holderReference: REFERENCE } });
    await establishApplicationKeys(slot.transmit, { aid: SAMPLE_AIDS.credit, keys, ...HOSHI_HOST });
    expect(await readCreditInfo(slot.transmit)).toMatchObject({ ok: true, value: { holderReference: "" } });
    expect(toHex(await slot.transmit(appletCommand(0x5c))).slice(-4)).toBe("9000");
    expect(await readCreditInOwnChannel(slot.transmit, { aid: SAMPLE_AIDS.credit, keys, hostChallenge: CHALLENGE })).toMatchObject({
      ok: true,
      value: { holderReference: REFERENCE },
    });
  });
});

/** INITIALIZE UPDATE with KVN 00, then EXTERNAL AUTHENTICATE computed with `keys` regardless of the card cryptogram: the card's SW. */
async function forcedAuthenticate(slot: CardInSlot, keys: Scp03StaticKeys): Promise<string> {
  const init = await slot.transmit(initializeUpdateCommand(0x00, CHALLENGE));
  const parsed = parseInitializeUpdateResponse(init.subarray(0, -2));
  if (!parsed) throw new Error(`INITIALIZE UPDATE: ${toHex(init)}`);
  const session = deriveSessionKeys(keys, CHALLENGE, parsed.cardChallenge);
  const auth = wrapCommand(
    session,
    INITIAL_MAC_CHAIN,
    SECURITY_LEVEL.C_MAC,
    { cla: 0x80, ins: 0x82, p1: SECURITY_LEVEL.C_MAC, p2: 0x00, data: hostCryptogram(session, CHALLENGE, parsed.cardChallenge), expectsData: false },
    false,
  );
  return toHex(await slot.transmit(auth.apdu));
}
