/**
 * SCP03 between the terminal side (scp03-host.ts) and the simulated card: the handshake at every
 * security level, what platform 100 and 200 cards reveal, refusal of every flipped bit, PUT KEY.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { concatBytes, fromHex, toHex } from "../bytes";
import { decodeCommandApdu } from "./apdu";
import { DEMO_ISSUER_PUBLIC_KEYS as DEMO_ISSUER_KEYS, generateIssuerKeys } from "./demo-keys";
import { DEMO_ISD_KEYS } from "@/lib/secrets/demo-isd-keys";
import { publicKeyFromJwk } from "./cryptography";
import { cardInSlot, loadPermissionFor, sampleLoadFile, SAMPLE_AIDS, signDemo, type CardInSlot } from "./fixtures";
import { buildLoadFile } from "./load-file";
import { cardCryptogram, deriveSessionKeys, hostCryptogram, INITIAL_MAC_CHAIN, SECURITY_LEVEL, SECURITY_LEVELS, wrapCommand } from "./scp03";
import {
  initializeUpdateCommand,
  openIsdChannel,
  openSecureChannel,
  parseInitializeUpdateResponse,
  parseKeyInformationTemplate,
  putIssuerKeys,
  putIssuerKeysCommand,
  rotateIsdKeys,
  ScpError,
} from "./scp03-host";
import { getDataCommand, getStatus, getStatusCommand, loadApplication, readCreditInfo, selectApplication, selectIsd } from "./terminal";

const DEMO = { enc: fromHex(DEMO_ISD_KEYS.enc), mac: fromHex(DEMO_ISD_KEYS.mac), dek: fromHex(DEMO_ISD_KEYS.dek) };
const HOST_CHALLENGE = fromHex("0102030405060708");
const sw = (hex: string) => hex.slice(-4);

async function open(slot: CardInSlot, level: number = SECURITY_LEVEL.C_MAC, keys = DEMO, keyVersion = 0) {
  const r = await openSecureChannel(slot.transmit, { keys, keyVersion, level, hostChallenge: HOST_CHALLENGE });
  if (!r.ok) throw new Error(`${r.error.step}: ${r.error.meaning}`);
  return r.value;
}

describe("SCP03 handshake with the simulated card", () => {
  it.each(SECURITY_LEVELS.map((l) => [l.toString(16).padStart(2, "0"), l]))("security level %s: GET STATUS through the channel", async (_hex, level) => {
    const slot = await cardInSlot(200, `scp-${level}`);
    const channel = await open(slot, level);
    expect(channel.level).toBe(level);
    expect(await getStatus(channel.transmit, "isd")).toMatchObject({ ok: true, value: [{ aid: "A000000151000000", lifeCycle: 0x0f }] });
    expect(await getStatus(channel.transmit, "applications")).toEqual({ ok: true, value: [] });
    expect(channel.isOpen()).toBe(true);
  });

  it("platform 100: i = 70, pseudo-random challenge from a sequence counter that grows, card id as diversification data", async () => {
    const slot = await cardInSlot(100, "scp-100");
    const first = await open(slot);
    const second = await open(slot);
    expect(first.initializeUpdate.iParameter).toBe(0x70);
    expect([first.initializeUpdate.sequenceCounter, second.initializeUpdate.sequenceCounter]).toEqual([1, 2]);
    expect(toHex(first.initializeUpdate.keyDiversificationData)).toBe(`0000${slot.image.cardId}`);
    expect(slot.card.image().securityDomain?.sequenceCounter).toBe(2);
  });

  it("platform 200: i = 60, random challenge, no counter, zero diversification data, the key version asked echoed", async () => {
    const slot = await cardInSlot(200, "scp-200");
    // P1 00 opens the current set but the answer names no version (00); an explicit version is echoed.
    const channel = await open(slot);
    expect(channel.initializeUpdate).toMatchObject({ iParameter: 0x60, sequenceCounter: null, keyVersion: 0x00 });
    expect(toHex(channel.initializeUpdate.keyDiversificationData)).toBe("00".repeat(10));
    expect((await open(slot, SECURITY_LEVEL.C_MAC, DEMO, 0x30)).initializeUpdate.keyVersion).toBe(0x30);
    expect(slot.card.image().securityDomain?.sequenceCounter).toBe(0);
  });

  it("platform 200: a key version the card does not hold gets the same answer shape (never 6A88) and a cryptogram no host verifies", async () => {
    const slot = await cardInSlot(200, "scp-200-versions");
    for (const p1 of [0x31, 0x01, 0x6f]) {
      const answer = toHex(await slot.transmit(initializeUpdateCommand(p1, HOST_CHALLENGE)));
      expect(answer).toMatch(new RegExp(`^0{20}${toHex(Uint8Array.of(p1))}0360[0-9A-F]{32}9000$`));
      expect(await openSecureChannel(slot.transmit, { keys: DEMO, keyVersion: p1, level: 1, hostChallenge: HOST_CHALLENGE })).toMatchObject({
        ok: false,
        error: { step: "INITIALIZE UPDATE", sw: 0x9000, meaning: expect.stringMatching(/card cryptogram/) },
      });
    }
    // A forced EXTERNAL AUTHENTICATE after such an answer: 6300, as for any host without the keys.
    const init = parseInitializeUpdateResponse((await slot.transmit(initializeUpdateCommand(0x31, HOST_CHALLENGE))).subarray(0, -2))!;
    const guessed = deriveSessionKeys(DEMO, HOST_CHALLENGE, init.cardChallenge);
    const auth = wrapCommand(
      guessed,
      INITIAL_MAC_CHAIN,
      1,
      { cla: 0x80, ins: 0x82, p1: 1, p2: 0, data: hostCryptogram(guessed, HOST_CHALLENGE, init.cardChallenge), expectsData: false },
      false,
    );
    expect(sw(toHex(await slot.transmit(auth.apdu)))).toBe("6300");
  });

  it("a host with other keys sees a card cryptogram that does not verify and sends nothing more", async () => {
    const slot = await cardInSlot(200, "scp-wrong");
    const other = { ...DEMO, mac: fromHex("00112233445566778899AABBCCDDEEFF") };
    const r = await openSecureChannel(slot.transmit, { keys: other, keyVersion: 0, level: 1, hostChallenge: HOST_CHALLENGE });
    expect(r).toMatchObject({ ok: false, error: { step: "INITIALIZE UPDATE", meaning: expect.stringMatching(/card cryptogram/) } });
  });

  it("GET DATA E0 lists the key set and the issuer keys (GP 2.3.1 §11.3.3.1): platform 100 to anyone, platform 200 inside the ISD's channel", async () => {
    const open100 = await cardInSlot(100, "scp-e0-100");
    const listed = await open100.transmit(getDataCommand(0xe0));
    expect(sw(toHex(listed))).toBe("9000");
    const slot = await cardInSlot(200, "scp-e0");
    expect(toHex(await slot.transmit(getDataCommand(0xe0)))).toBe("6982");
    const channel = await open(slot, SECURITY_LEVEL.C_MAC_R_MAC);
    const response = await channel.transmit(getDataCommand(0xe0));
    expect(sw(toHex(response))).toBe("9000");
    expect(toHex(response)).toBe(toHex(listed));
    expect(parseKeyInformationTemplate(response.subarray(0, -2))).toEqual([
      { keyId: 1, keyVersion: 0x30, keyType: 0x88, length: 16 },
      { keyId: 2, keyVersion: 0x30, keyType: 0x88, length: 16 },
      { keyId: 3, keyVersion: 0x30, keyType: 0x88, length: 16 },
      { keyId: 1, keyVersion: 0x70, keyType: 0xb0, length: 65 },
      { keyId: 2, keyVersion: 0x70, keyType: 0xb0, length: 65 },
    ]);
  });

  it("SELECT of an application ends the channel; an unprotected GP command aborts it", async () => {
    const slot = await cardInSlot(200, "scp-select");
    const channel = await open(slot);
    expect(toHex(await slot.transmit(getStatusCommand("isd")))).toBe("6982");
    // The card dropped the session: the host's next protected command is refused.
    expect(sw(toHex(await channel.transmit(getStatusCommand("isd"))))).toBe("6982");
    expect(channel.isOpen()).toBe(false);
    const reopened = await open(slot);
    await selectIsd(slot.transmit);
    expect(sw(toHex(await reopened.transmit(getStatusCommand("isd"))))).toBe("6982");
  });
});

describe("private reads on platform 200", () => {
  it("GET STATUS, the confirmation counter and the credit application's data need a secure channel", async () => {
    const slot = await cardInSlot(200, "scp-private");
    const token = await signDemo(loadPermissionFor({ cardId: slot.image.cardId, sequence: 1, kind: "credit" }));
    const loaded = await loadApplication(slot.transmit, {
      permission: token,
      loadFile: sampleLoadFile("credit"),
      aid: SAMPLE_AIDS.credit,
      installParams: { kind: "credit", limit: 300_000, currency: "JPY", holderReference: "HOSHI-0001234" },
    });
    expect(loaded.ok).toBe(true);
    expect(await getStatus(slot.transmit, "applications")).toMatchObject({ ok: false, error: { sw: 0x6982 } });
    expect(sw(toHex(await slot.transmit(getDataCommand(0xc2))))).toBe("6982");
    await selectApplication(slot.transmit, SAMPLE_AIDS.credit);
    expect(await readCreditInfo(slot.transmit)).toMatchObject({ ok: false, error: { sw: 0x6982 } });
    // The application's associated security domain (the ISD) opens the channel for it (GP 2.3.1 §10.2).
    const channel = await open(slot, SECURITY_LEVEL.C_MAC_C_DEC_R_MAC_R_ENC);
    expect(await readCreditInfo(channel.transmit)).toEqual({ ok: true, value: { limit: 300_000, currency: "JPY", holderReference: "HOSHI-0001234" } });
    await selectIsd(slot.transmit);
    const isd = await open(slot);
    expect(await getStatus(isd.transmit, "applications")).toMatchObject({ ok: true, value: [{ aid: SAMPLE_AIDS.credit }] });
    expect(toHex(await isd.transmit(getDataCommand(0xc2)))).toBe("C20200019000");
  });
});

describe("every flipped bit is refused and closes the channel", () => {
  /** A card with a fresh initialised channel: the INITIALIZE UPDATE answer and the session keys. */
  async function initialised(slot: CardInSlot) {
    const response = await slot.transmit(initializeUpdateCommand(0, HOST_CHALLENGE));
    const init = parseInitializeUpdateResponse(response.subarray(0, -2))!;
    const keys = deriveSessionKeys(DEMO, HOST_CHALLENGE, init.cardChallenge);
    return { init, keys };
  }
  const flip = (bytes: Uint8Array, bit: number) => {
    const out = bytes.slice();
    out[bit >> 3]! ^= 1 << (bit & 7);
    return out;
  };

  it("EXTERNAL AUTHENTICATE: host cryptogram → 6300, C-MAC → 6982; then nothing protected passes", async () => {
    const slot = await cardInSlot(200, "flip-auth");
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 127 }), async (bit) => {
        const { init, keys } = await initialised(slot);
        const level = SECURITY_LEVEL.C_MAC;
        const auth = wrapCommand(
          keys,
          INITIAL_MAC_CHAIN,
          level,
          { cla: 0x80, ins: 0x82, p1: level, p2: 0, data: hostCryptogram(keys, HOST_CHALLENGE, init.cardChallenge), expectsData: false },
          false,
        );
        // Bits 0-63: the host cryptogram; 64-127: the C-MAC (bytes 5..20 of the APDU).
        const tampered = concatBytes(auth.apdu.subarray(0, 5), flip(auth.apdu.subarray(5, 21), bit));
        expect(toHex(await slot.transmit(tampered))).toBe(bit < 64 ? "6300" : "6982");
        // The untampered EXTERNAL AUTHENTICATE no longer works: the card dropped the session.
        expect(toHex(await slot.transmit(auth.apdu))).toBe("6985");
      }),
      { numRuns: 40 },
    );
  });

  it("any bit of a protected command (header, data, C-MAC) → 6982 and the channel is closed", async () => {
    const slot = await cardInSlot(200, "flip-command");
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...SECURITY_LEVELS), fc.nat(), async (level, seed) => {
        const { init, keys } = await initialised(slot);
        const auth = wrapCommand(
          keys,
          INITIAL_MAC_CHAIN,
          level,
          { cla: 0x80, ins: 0x82, p1: level, p2: 0, data: hostCryptogram(keys, HOST_CHALLENGE, init.cardChallenge), expectsData: false },
          false,
        );
        expect(toHex(await slot.transmit(auth.apdu))).toBe("9000");
        const plain = decodeCommandApdu(getStatusCommand("isd"));
        if (!plain.ok) throw new Error(plain.error);
        const cmd = wrapCommand(keys, auth.chain, level, { ...plain.value, expectsData: true });
        // Any bit after CLA and Lc (INS, P1, P2 and the whole body), not Le.
        const positions = [1, 2, 3, ...Array.from({ length: cmd.apdu.length - 6 }, (_, i) => i + 5)];
        const byte = positions[seed % positions.length]!;
        const tampered = cmd.apdu.slice();
        tampered[byte]! ^= 1 << (seed % 8);
        const refused = toHex(await slot.transmit(tampered));
        expect(["6982", "6D00", "6A86"]).toContain(refused.slice(-4));
        if (byte >= 5) expect(refused).toBe("6982");
        // Closed: the correct command is refused too.
        expect(toHex(await slot.transmit(cmd.apdu))).toBe("6982");
      }),
      { numRuns: 60 },
    );
  });

  it("the host refuses a flipped bit in the card cryptogram and in any R-MAC, and closes its side", async () => {
    const slot = await cardInSlot(200, "flip-response");
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 63 }), fc.nat(), async (bit, which) => {
        // Card cryptogram: bytes 21..28 of the INITIALIZE UPDATE response.
        const tamperInit = async (apdu: Uint8Array) => {
          const response = await slot.transmit(apdu);
          if (apdu[1] !== 0x50) return response;
          const out = response.slice();
          out[21 + (bit >> 3)]! ^= 1 << (bit & 7);
          return out;
        };
        const refused = await openSecureChannel(tamperInit, { keys: DEMO, keyVersion: 0, level: 0x11, hostChallenge: HOST_CHALLENGE });
        expect(refused).toMatchObject({ ok: false, error: { meaning: expect.stringMatching(/card cryptogram/) } });
        // R-MAC: the last 8 data bytes of a protected response.
        let tamper = false;
        const tamperRmac = async (apdu: Uint8Array) => {
          const response = await slot.transmit(apdu);
          if (!tamper) return response;
          const out = response.slice();
          out[out.length - 3 - (which % 8)]! ^= 1 << (bit & 7);
          return out;
        };
        const opened = await openSecureChannel(tamperRmac, { keys: DEMO, keyVersion: 0, level: 0x33, hostChallenge: HOST_CHALLENGE });
        if (!opened.ok) throw new Error(opened.error.meaning);
        tamper = true;
        await expect(opened.value.transmit(getStatusCommand("isd"))).rejects.toBeInstanceOf(ScpError);
        expect(opened.value.isOpen()).toBe(false);
        tamper = false;
        await expect(opened.value.transmit(getStatusCommand("isd"))).rejects.toThrow(/closed/);
      }),
      { numRuns: 30 },
    );
  });
});

describe("PUT KEY", () => {
  it("rotates the ISD keys: the new version works, the old one is refused", async () => {
    const slot = await cardInSlot(100, "put-key-isd");
    const channel = await open(slot, SECURITY_LEVEL.C_MAC_C_DEC);
    const next = { enc: fromHex("11".repeat(16)), mac: fromHex("22".repeat(16)), dek: fromHex("33".repeat(16)) };
    expect(await rotateIsdKeys(channel, { currentDek: DEMO.dek, oldVersion: 0x30, newVersion: 0x31, keys: next })).toEqual({
      ok: true,
      value: { keyVersion: 0x31 },
    });
    expect(sw(toHex(await slot.transmit(initializeUpdateCommand(0x30, HOST_CHALLENGE))))).toBe("6A88");
    const old = await openSecureChannel(slot.transmit, { keys: DEMO, keyVersion: 0, level: 1, hostChallenge: HOST_CHALLENGE });
    expect(old).toMatchObject({ ok: false, error: { meaning: expect.stringMatching(/card cryptogram/) } });
    const fresh = await open(slot, SECURITY_LEVEL.C_MAC, next, 0x31);
    expect(fresh.keyVersion).toBe(0x31);
    expect(slot.card.image().securityDomain?.scp03).toEqual({ keyVersion: 0x31, enc: "11".repeat(16), mac: "22".repeat(16), dek: "33".repeat(16) });
  });

  it("refuses a wrong KCV, a same version, an unknown old version, and PUT KEY outside a channel", async () => {
    const slot = await cardInSlot(200, "put-key-refusals");
    const next = { enc: fromHex("11".repeat(16)), mac: fromHex("22".repeat(16)), dek: fromHex("33".repeat(16)) };
    expect(await rotateIsdKeys({ transmit: slot.transmit } as never, { currentDek: DEMO.dek, oldVersion: 0x30, newVersion: 0x31, keys: next })).toMatchObject({
      ok: false,
      error: { sw: 0x6982 },
    });
    const channel = await open(slot);
    expect(await rotateIsdKeys(channel, { currentDek: DEMO.dek, oldVersion: 0x30, newVersion: 0x30, keys: next })).toMatchObject({
      ok: false,
      error: { sw: 0x6a80 },
    });
    expect(await rotateIsdKeys(channel, { currentDek: DEMO.dek, oldVersion: 0x32, newVersion: 0x33, keys: next })).toMatchObject({
      ok: false,
      error: { sw: 0x6a88 },
    });
    // Encrypted with another DEK: the KCV does not match what the card decrypts.
    expect(await rotateIsdKeys(channel, { currentDek: fromHex("44".repeat(16)), oldVersion: 0x30, newVersion: 0x31, keys: next })).toMatchObject({
      ok: false,
      error: { sw: 0x6a80 },
    });
    expect(slot.card.image().securityDomain?.scp03.keyVersion).toBe(0x30);
  });

  it("gives the card a new issuer key: tokens signed with the old key are refused afterwards; the same version is refused", async () => {
    const slot = await cardInSlot(200, "put-key-issuer");
    const rotated = await generateIssuerKeys();
    const signing = publicKeyFromJwk(rotated.signing.publicKeyJwk);
    const encryption = publicKeyFromJwk(rotated.encryption.publicKeyJwk);
    // Outside a channel: refused.
    expect(sw(toHex(await slot.transmit(putIssuerKeysCommand(0x70, 0x71, signing, encryption))))).toBe("6982");
    const channel = await open(slot);
    expect(await putIssuerKeys(channel, { oldVersion: 0x70, newVersion: 0x71, signingPublicKey: signing, encryptionPublicKey: encryption })).toEqual({
      ok: true,
      value: { keyVersion: 0x71 },
    });
    const old = publicKeyFromJwk(DEMO_ISSUER_KEYS.signing.publicKeyJwk);
    const again = await open(slot);
    expect(await putIssuerKeys(again, { oldVersion: 0x71, newVersion: 0x71, signingPublicKey: old, encryptionPublicKey: old })).toMatchObject({
      ok: false,
      error: { sw: 0x6a80 },
    });
    await selectIsd(slot.transmit);
    const file = buildLoadFile({ kind: "transit", aid: SAMPLE_AIDS.transit, version: 1, codeSize: 64 });
    const oldToken = await signDemo(loadPermissionFor({ cardId: slot.image.cardId, sequence: 7, loadFile: file }));
    expect(await loadApplication(slot.transmit, { permission: oldToken, loadFile: file, aid: SAMPLE_AIDS.transit })).toMatchObject({
      ok: false,
      error: { sw: 0x6982 },
    });
    const newToken = await signDemo(loadPermissionFor({ cardId: slot.image.cardId, sequence: 8, loadFile: file }), rotated.signing.privateKeyJwk);
    expect((await loadApplication(slot.transmit, { permission: newToken, loadFile: file, aid: SAMPLE_AIDS.transit })).ok).toBe(true);
    expect(slot.card.image().securityDomain?.issuerKeyVersion).toBe(0x71);
  });
});

describe("the host names the ISD's key version (openIsdChannel): the recorded one first, then the other known ones", () => {
  const NEXT = { enc: fromHex("11".repeat(16)), mac: fromHex("22".repeat(16)), dek: fromHex("33".repeat(16)) };
  const keysFor = (keyVersion: number) => (keyVersion === 0x31 ? NEXT : DEMO);
  /** A card rotated to 31, and a transmit that records each command's header. */
  async function rotatedTo31(platform: 100 | 200) {
    const slot = await cardInSlot(platform, `isd-fallback-${platform}`);
    expect(
      await rotateIsdKeys(await open(slot, SECURITY_LEVEL.C_MAC_C_DEC), { currentDek: DEMO.dek, oldVersion: 0x30, newVersion: 0x31, keys: NEXT }),
    ).toMatchObject({
      ok: true,
    });
    await selectIsd(slot.transmit);
    const sent: string[] = [];
    const transmit = async (apdu: Uint8Array) => {
      sent.push(toHex(apdu.subarray(0, 4)));
      return slot.transmit(apdu);
    };
    return { slot, sent, transmit };
  }

  it.each([200, 100] as const)("platform %s: 30 does not open (nothing sent after it), 31 does", async (platform) => {
    const { sent, transmit } = await rotatedTo31(platform);
    const channel = await openIsdChannel(transmit, { keysFor, versions: [0x30, 0x31], level: SECURITY_LEVEL.C_MAC_R_MAC, hostChallenge: HOST_CHALLENGE });
    if (!channel.ok) throw new Error(channel.error.meaning);
    expect(channel.value.keyVersion).toBe(0x31);
    // INITIALIZE UPDATE 30 (platform 200: a cryptogram that does not verify; 100: 6A88), INITIALIZE UPDATE 31, EXTERNAL AUTHENTICATE.
    expect(sent).toEqual(["80503000", "80503100", "84821100"]);
    expect(await getStatus(channel.value.transmit, "isd")).toMatchObject({ ok: true });
  });

  it("the recorded version first: one INITIALIZE UPDATE when the card holds it; none of ours: refused naming the versions; another refusal stops", async () => {
    const { sent, transmit } = await rotatedTo31(200);
    expect(await openIsdChannel(transmit, { keysFor, versions: [0x31, 0x30, 0x31], level: 1, hostChallenge: HOST_CHALLENGE })).toMatchObject({ ok: true });
    expect(sent).toEqual(["80503100", "84820100"]);
    sent.length = 0;
    expect(await openIsdChannel(transmit, { keysFor: () => DEMO, versions: [0x30, 0x32], level: 1, hostChallenge: HOST_CHALLENGE })).toEqual({
      ok: false,
      error: { step: "INITIALIZE UPDATE", sw: null, meaning: "no key version of ours (30, 32) opens the ISD's channel" },
    });
    expect(sent).toEqual(["80503000", "80503200"]);
    const refusing = async () => Uint8Array.of(0x69, 0x85);
    expect(await openIsdChannel(refusing, { keysFor, versions: [0x30, 0x31], level: 1, hostChallenge: HOST_CHALLENGE })).toMatchObject({
      ok: false,
      error: { step: "INITIALIZE UPDATE", sw: 0x6985 },
    });
  });
});

describe("session key derivation is symmetric", () => {
  it("card and host cryptograms differ and depend on both challenges", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 8 }), fc.uint8Array({ minLength: 8, maxLength: 8 }), (host, card) => {
        const keys = deriveSessionKeys(DEMO, host, card);
        expect(toHex(cardCryptogram(keys, host, card))).not.toBe(toHex(hostCryptogram(keys, host, card)));
      }),
      { numRuns: 20 },
    );
  });
});

describe("exact GP answers", () => {
  it("GET STATUS pages with 6310 and P2 'next occurrence'; P1 20 and 10 list load files (and modules)", async () => {
    const slot = await cardInSlot(100, "paging");
    const aids = Array.from({ length: 8 }, (_, i) => `F00000000200${String(i).padStart(2, "0")}`);
    for (const [i, aid] of aids.entries()) {
      const file = buildLoadFile({ kind: "loyalty", aid, version: 3, codeSize: 32 });
      const token = await signDemo(loadPermissionFor({ cardId: slot.image.cardId, sequence: i + 1, loadFile: file, aid, kind: "loyalty" }));
      expect((await loadApplication(slot.transmit, { permission: token, loadFile: file, aid })).ok).toBe(true);
    }
    const first = toHex(await slot.transmit(fromHex("80F24002024F0000")));
    expect(first.slice(-4)).toBe("6310");
    const next = toHex(await slot.transmit(fromHex("80F24003024F0000")));
    expect(next.slice(-4)).toBe("9000");
    const listed = (first.slice(0, -4) + next.slice(0, -4)).match(/4F07F00000000200\d\d/g);
    expect(listed).toEqual(aids.map((aid) => `4F07${aid}`));
    // "next" without a paged GET STATUS before it.
    expect(toHex(await slot.transmit(fromHex("80F24003024F0000")))).toBe("6985");
    const files = toHex(await slot.transmit(fromHex("80F22002024F0000")));
    expect(files).toMatch(/^E3/);
    expect(files).toContain("4F07F00000000200009F700101CE020003CC08A000000151000000");
    const modules = toHex(await slot.transmit(fromHex("80F21002024F0000")));
    expect(modules.replace(/6310$|9000$/, "")).toContain("4F07F00000000200009F700101CE0200038407F0000000020000CC08A000000151000000");
  });

  it("SET STATUS with the GP data layout (no data or the ISD AID) needs the ISD's secure channel", async () => {
    const slot = await cardInSlot(100, "set-status");
    expect(sw(toHex(await slot.transmit(fromHex("80F0807F08A000000151000000"))))).toBe("6982");
    const channel = await open(slot);
    expect(toHex(await channel.transmit(fromHex("80F0807F08A000000151000000")))).toBe("9000");
    expect(slot.card.image().lifeCycle).toBe("CARD_LOCKED");
    const again = await open(slot);
    expect(toHex(await again.transmit(fromHex("80F0800F")))).toBe("9000");
    expect(slot.card.image().lifeCycle).toBe("SECURED");
    expect(toHex(await again.transmit(fromHex("80F0800700")))).toBe("6A86");
  });

  it("GET DATA C2 answers the confirmation counter (platform 100 without a channel)", async () => {
    const slot = await cardInSlot(100, "c2");
    expect(toHex(await slot.transmit(getDataCommand(0xc2)))).toBe("C20200009000");
  });
});

describe("unauthenticated reads of a platform-200 card", () => {
  /** Everything a stranger can ask the ISD without keys. */
  const READS: [string, string][] = [
    ["SELECT ISD", "00A4040008A00000015100000000"],
    ["GET DATA 42 (IIN)", "80CA004200"],
    ["GET DATA 45 (card id)", "80CA004500"],
    ["GET DATA 66 (card recognition data)", "80CA006600"],
    ["GET DATA 9F7F (CPLC)", "80CA9F7F00"],
    ["GET DATA DF70 (platform type)", "80CADF7000"],
    ["GET DATA DF7A (card attribute data)", "80CADF7A00"],
    ["GET DATA E0 (key information)", "80CA00E000"],
    ["GET DATA C2 (confirmation counter)", "80CA00C200"],
    ["INITIALIZE UPDATE", "8050000008000000000000000000"],
    ["GET STATUS ISD", "80F28002024F0000"],
    ["GET STATUS applications", "80F24002024F0000"],
  ];

  it("two reads share nothing but what every card of the issuer answers: the platform type and issuer-wide constants", async () => {
    const a = await cardInSlot(200, "unlinkable-a");
    const b = await cardInSlot(200, "unlinkable-b");
    // Card A has an application and a used counter; card B has none.
    const token = await signDemo(loadPermissionFor({ cardId: a.image.cardId, sequence: 1, kind: "credit" }));
    expect(
      (
        await loadApplication(a.transmit, {
          permission: token,
          loadFile: sampleLoadFile("credit"),
          aid: SAMPLE_AIDS.credit,
          installParams: { kind: "credit", holderReference: "HOSHI-42" },
        })
      ).ok,
    ).toBe(true);
    const read = async (slot: CardInSlot) => {
      const out = new Map<string, string>();
      for (const [name, hex] of READS) {
        slot.card.reset();
        out.set(name, await slot.send(hex));
      }
      return out;
    };
    const [a1, a2, b1] = [await read(a), await read(a), await read(b)];
    const shared = READS.map(([name]) => name).filter((name) => a1.get(name) === a2.get(name));
    // Whatever two reads of card A have in common, card B answers too: nothing there is card A's own.
    for (const name of shared) expect(b1.get(name), name).toBe(a1.get(name));
    expect(shared).toContain("GET DATA DF70 (platform type)");
    expect(a1.get("GET DATA DF70 (platform type)")).toBe("DF700200C89000");
    // The card-specific answers change on every read, or are refused.
    expect(shared).not.toContain("GET DATA DF7A (card attribute data)");
    expect(shared).not.toContain("INITIALIZE UPDATE");
    for (const refused of ["GET DATA 45 (card id)", "GET DATA C2 (confirmation counter)", "GET STATUS ISD", "GET STATUS applications"])
      expect(a1.get(refused)).toBe("6982");
  });
});
