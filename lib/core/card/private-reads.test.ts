/**
 * Private reads on platform-200 cards (docs/card.md "Private reads"): without a secure channel a
 * platform-200 card answers nothing stable but its platform type. Every applet command and every
 * application key command answers 6982; SELECT of an application name answers the same whether the
 * application is there or not; INITIALIZE UPDATE (ISD or application) has one answer shape whatever version
 * is asked and held; GET DATA E0 on the ISD answers 6982, so a rotation does not mark a card. With the
 * issuer's channel (an application without a domain of its own) or the provider's own channel (its
 * application only) the reads work; Metro's keys do not open Hoshi's application.
 */
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../bytes";
import { DEMO_COMPANY_KEYS } from "@/lib/secrets/demo-company-keys";
import { DEMO_ISD_KEYS } from "@/lib/secrets/demo-isd-keys";
import { DEMO_ISSUER_KEYS } from "@/lib/secrets/demo-issuer-keys";
import { privateKeyFromJwk, publicKeyFromJwk } from "./cryptography";
import { generateIssuerKeys } from "./demo-keys";
import { signIssuerKeyUpdate } from "./issuer-key-update";
import { seededCardEnv } from "./env";
import {
  ABSENT_AID,
  cardInSlot,
  forgedIssuerKeyUpdate,
  FRESH_ANSWER,
  loadPermissionFor,
  sampleLoadFile,
  SAMPLE_AIDS,
  signDemo,
  strangerSession,
  type CardInSlot,
} from "./fixtures";
import type { CardImage } from "./image";
import type { AppletKind } from "./load-file";
import { SECURITY_LEVEL } from "./scp03";
import { applyIssuerKeyUpdates, initializeUpdateCommand, openSecureChannel, rotateIsdKeys } from "./scp03-host";
import { SimulatedCard } from "./simulated-card";
import { diversifySsdKeys, establishApplicationKeys, openApplicationChannel, readApplicationInOwnChannel } from "./ssd";
import { appletCommand, getDataCommand, getStatus, loadApplication, readBalance, readPoints, selectApplication, selectCommand, selectIsd } from "./terminal";

const ISD = { enc: fromHex(DEMO_ISD_KEYS.enc), mac: fromHex(DEMO_ISD_KEYS.mac), dek: fromHex(DEMO_ISD_KEYS.dek) };
const MASTER = fromHex("00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF");
const CHALLENGE = fromHex("0102030405060708");
const REFERENCE = "HOSHI-0001234";
const PROVIDER_OF: Record<AppletKind, "METRO01" | "HOSHI01" | "SAKURA01"> = { transit: "METRO01", loyalty: "SAKURA01", credit: "HOSHI01" };

/** The provider's keys for its application on the card (the load's message id names them), at a version. */
const keysOf = (kind: AppletKind, messageId: string) => (version: number) =>
  diversifySsdKeys(MASTER, PROVIDER_OF[kind], fromHex(SAMPLE_AIDS[kind]), messageId, version);

/**
 * A platform-200 card holding Metro's transit (own keys), Hoshi's credit (own keys) and Sakura's loyalty
 * (no keys of its own: the issuer's channel reads it).
 */
async function fullCard(seed: string): Promise<{ slot: CardInSlot; messageIds: Record<AppletKind, string> }> {
  const slot = await cardInSlot(200, seed);
  const messageIds = {} as Record<AppletKind, string>;
  const installs: [AppletKind, number, object][] = [
    ["transit", 1, { kind: "transit", balance: 1290 }],
    ["credit", 2, { kind: "credit", limit: 300_000, currency: "JPY", holderReference: REFERENCE }],
    ["loyalty", 3, { kind: "loyalty", points: 40 }],
  ];
  for (const [kind, sequence, installParams] of installs) {
    const provider = PROVIDER_OF[kind];
    const ownKeys = provider !== "SAKURA01";
    const permission = {
      ...loadPermissionFor({ cardId: slot.image.cardId, sequence, kind, provider }),
      ...(ownKeys ? { establishmentKey: toHex(publicKeyFromJwk(DEMO_COMPANY_KEYS[provider].publicKey)) } : {}),
    };
    messageIds[kind] = permission.messageId;
    await selectIsd(slot.transmit);
    const loaded = await loadApplication(slot.transmit, {
      permission: await signDemo(permission),
      loadFile: sampleLoadFile(kind),
      aid: SAMPLE_AIDS[kind],
      installParams: installParams as never,
    });
    if (!loaded.ok) throw new Error(loaded.error.meaning);
    if (!ownKeys) continue;
    const established = await establishApplicationKeys(slot.transmit, {
      aid: SAMPLE_AIDS[kind],
      keys: keysOf(kind, permission.messageId)(1),
      hostPrivateKey: fromHex("4F1A7D0C5B2E6A3F8D9C1B0E7A6D5C4B3A291817161514131211100908070605"),
      establishmentPrivateKey: privateKeyFromJwk(DEMO_COMPANY_KEYS[provider].privateKey),
      entropy: new Uint8Array(32).fill(7),
    });
    if (!established.ok) throw new Error(established.error.meaning);
  }
  slot.card.powerOff();
  slot.card.powerOn();
  return { slot, messageIds };
}

const sw = (response: Uint8Array) => toHex(response.subarray(-2));

describe("private reads on platform 200: refused without a channel", () => {
  it("every applet command and application key command answers 6982 outside the application's channel, present or not", async () => {
    const { slot } = await fullCard("private-refusals");
    const commands: [string, Uint8Array][] = [
      ["READ", appletCommand(0x5c)],
      ["CREDIT (top up / add points)", appletCommand(0x52, 10)],
      ["DEBIT (fare / redeem)", appletCommand(0x54, 10)],
      ["GET DATA E0 (its key information)", getDataCommand(0xe0)],
      ["GET DATA 42 with an application selected", getDataCommand(0x42)],
      ["PUT KEY (rotation)", fromHex(`80D801811002${"00".repeat(15)}00`)],
      ["PUT KEY (first keys, no key agreement)", fromHex(`80D80081100100${"00".repeat(14)}00`)],
    ];
    for (const aid of [SAMPLE_AIDS.transit, SAMPLE_AIDS.credit, SAMPLE_AIDS.loyalty, ABSENT_AID]) {
      expect(toHex(await slot.transmit(selectCommand(aid))), aid).toBe(`6F${toHex(Uint8Array.of(2 + aid.length / 2, 0x84, aid.length / 2))}${aid}9000`);
      for (const [name, apdu] of commands) expect(sw(await slot.transmit(apdu)), `${name} on ${aid}`).toBe("6982");
      // The key agreement is only for the application INSTALL made in this power session: 6985 for all.
      expect(sw(await slot.transmit(getDataCommand(0x7f49))), `GET DATA 7F49 on ${aid}`).toBe("6985");
    }
    // Nothing changed on the card.
    expect(slot.card.image().applications.map((a) => a.applet)).toEqual([
      { kind: "transit", balance: 1290, currency: "JPY" },
      { kind: "credit", limit: 300_000, currency: "JPY", holderReference: REFERENCE },
      { kind: "loyalty", points: 40 },
    ]);
    // The ISD: GET STATUS (every P1), the confirmation counter and the card id need the issuer's channel.
    await selectIsd(slot.transmit);
    for (const p1 of ["80", "40", "20", "10"]) expect(toHex(await slot.transmit(fromHex(`80F2${p1}02024F0000`))), `GET STATUS ${p1}`).toBe("6982");
    expect(sw(await slot.transmit(getDataCommand(0xc2)))).toBe("6982");
    expect(sw(await slot.transmit(getDataCommand(0x45)))).toBe("6982");
    // Next occurrence would enumerate the registry: 6A82 for every name on platform 200.
    expect(toHex(await slot.transmit(fromHex("00A4040205F000000001")))).toBe("6A82");
  });

  it("INITIALIZE UPDATE on an application has one answer shape for every key version asked, present or not, and never 6A88", async () => {
    const { slot } = await fullCard("private-init");
    for (const aid of [SAMPLE_AIDS.transit, SAMPLE_AIDS.credit, SAMPLE_AIDS.loyalty, ABSENT_AID]) {
      await selectApplication(slot.transmit, aid);
      for (const [p1, kvn] of [
        [0x00, "00"],
        [0x01, "01"],
        [0x02, "02"],
        [0x30, "30"],
      ] as const) {
        const answer = toHex(await slot.transmit(initializeUpdateCommand(p1, CHALLENGE)));
        expect(answer, `${aid} P1 ${p1}`).toMatch(new RegExp(`^0{20}${kvn}0360[0-9A-F]{32}9000$`));
      }
    }
  });
});

describe("private reads on platform 200: with a channel", () => {
  it("the provider's own channel reads its application; the issuer's channel reads an application without a domain of its own", async () => {
    const { slot, messageIds } = await fullCard("private-channels");
    const metro = await readApplicationInOwnChannel(slot.transmit, {
      aid: SAMPLE_AIDS.transit,
      kind: "transit",
      keysFor: keysOf("transit", messageIds.transit),
      hostChallenge: CHALLENGE,
    });
    expect(metro).toEqual({ ok: true, value: { kind: "transit", valueMinor: 1290, currency: "JPY", keyVersion: 1 } });
    const hoshi = await readApplicationInOwnChannel(slot.transmit, {
      aid: SAMPLE_AIDS.credit,
      kind: "credit",
      keysFor: keysOf("credit", messageIds.credit),
      hostChallenge: CHALLENGE,
    });
    expect(hoshi).toEqual({ ok: true, value: { kind: "credit", valueMinor: 300_000, currency: "JPY", holderReference: REFERENCE, keyVersion: 1 } });
    // Inside its own channel the provider may also use the value commands.
    const own = await openApplicationChannel(slot.transmit, {
      aid: SAMPLE_AIDS.transit,
      keysFor: keysOf("transit", messageIds.transit),
      hostChallenge: CHALLENGE,
    });
    if (!own.ok) throw new Error(own.error.meaning);
    expect(toHex(await own.value.transmit(appletCommand(0x54, 290)))).toBe("000003E89000");
    expect(await readBalance(own.value.transmit)).toEqual({ ok: true, value: { balance: 1000, currency: "JPY" } });

    // Sakura's loyalty has no domain of its own: the issuer's channel (P1 00 = the ISD's keys) reads it.
    await selectApplication(slot.transmit, SAMPLE_AIDS.loyalty);
    const issuer = await openSecureChannel(slot.transmit, { keys: ISD, keyVersion: 0, level: SECURITY_LEVEL.C_MAC_R_MAC, hostChallenge: CHALLENGE });
    if (!issuer.ok) throw new Error(issuer.error.meaning);
    expect(await readPoints(issuer.value.transmit)).toEqual({ ok: true, value: 40 });
  });

  it("Metro's channel cannot read Hoshi's application, nor can the issuer's; neither can open it at any version", async () => {
    const { slot, messageIds } = await fullCard("private-others");
    // Metro's keys for its own load, tried on Hoshi's credit.
    const metroOnHoshi = await readApplicationInOwnChannel(slot.transmit, {
      aid: SAMPLE_AIDS.credit,
      kind: "credit",
      keysFor: keysOf("transit", messageIds.transit),
      hostChallenge: CHALLENGE,
    });
    expect(metroOnHoshi).toMatchObject({
      ok: false,
      error: { step: "INITIALIZE UPDATE", meaning: expect.stringMatching(/no key version from 1 to 16 opens/) },
    });
    // Metro's diversification for Hoshi's AID and load (what Metro's master could derive) does not open it either.
    const metroDerived = (v: number) => diversifySsdKeys(MASTER, "METRO01", fromHex(SAMPLE_AIDS.credit), messageIds.credit, v);
    expect(await openApplicationChannel(slot.transmit, { aid: SAMPLE_AIDS.credit, keysFor: metroDerived, hostChallenge: CHALLENGE })).toMatchObject({
      ok: false,
    });
    // The issuer's ISD keys on Hoshi's application: the cryptogram does not verify (an application with a domain of its own).
    await selectApplication(slot.transmit, SAMPLE_AIDS.credit);
    expect(await openSecureChannel(slot.transmit, { keys: ISD, keyVersion: 0, level: SECURITY_LEVEL.C_MAC, hostChallenge: CHALLENGE })).toMatchObject({
      ok: false,
      error: { meaning: expect.stringMatching(/card cryptogram/) },
    });
    // A forced EXTERNAL AUTHENTICATE after a channel that did not open: nothing is read (6982).
    expect(sw(await slot.transmit(appletCommand(0x5c)))).toBe("6982");
  });
});

/** Runs the stranger's session on a fresh power-up of `image`, with the card's random source seeded by `seed`. */
async function run(image: CardImage, seed: string, forgeries: readonly Uint8Array[]): Promise<string[]> {
  const card = new SimulatedCard(image, seededCardEnv(seed));
  card.powerOn("T=1");
  const answers: string[] = [];
  for (const { apdu } of strangerSession(forgeries)) answers.push(toHex(await card.transmit(apdu)));
  return answers;
}

/** The card after a rotation of both key sets: ISD keys 30 → 31 (PUT KEY in the issuer's channel), issuer keys 70 → 71 (the signed update). */
async function rotated(slot: CardInSlot): Promise<CardImage> {
  await selectIsd(slot.transmit);
  const channel = await openSecureChannel(slot.transmit, { keys: ISD, keyVersion: 0x30, level: SECURITY_LEVEL.C_MAC_C_DEC, hostChallenge: CHALLENGE });
  if (!channel.ok) throw new Error(channel.error.meaning);
  const next = { enc: fromHex("11".repeat(16)), mac: fromHex("22".repeat(16)), dek: fromHex("33".repeat(16)) };
  const isd = await rotateIsdKeys(channel.value, { currentDek: ISD.dek, oldVersion: 0x30, newVersion: 0x31, keys: next });
  if (!isd.ok) throw new Error(isd.error.meaning);
  await selectIsd(slot.transmit);
  const v71 = await generateIssuerKeys();
  const update = await signIssuerKeyUpdate({
    issuerCompanyId: "RECARD01",
    oldVersion: 0x70,
    newVersion: 0x71,
    signingPublicKeyJwk: v71.signing.publicKeyJwk,
    encryptionPublicKeyJwk: v71.encryption.publicKeyJwk,
    oldSigningPrivateKeyJwk: DEMO_ISSUER_KEYS.signing.privateKeyJwk,
  });
  const issuer = await applyIssuerKeyUpdates(slot.transmit, [update]);
  if (!issuer.ok || issuer.value.to !== 0x71) throw new Error("issuer key update not taken");
  slot.card.powerOff();
  return slot.card.image();
}

describe("two unauthenticated read sessions of platform-200 cards share nothing but the platform type", () => {
  it("two cards (one with three applications and both key sets rotated, one empty and never rotated) answer a stranger byte for byte alike, but for fresh randomness", async () => {
    const full = await rotated((await fullCard("private-full")).slot);
    const empty = (await cardInSlot(200, "private-empty")).card.image();
    expect(full.cardId).not.toBe(empty.cardId);
    // They differ in everything a rotation changes: ISD key version and issuer key version.
    expect([full.securityDomain?.scp03.keyVersion, full.securityDomain?.issuerKeyVersion]).toEqual([0x31, 0x71]);
    expect([empty.securityDomain?.scp03.keyVersion, empty.securityDomain?.issuerKeyVersion]).toEqual([0x30, 0x70]);
    const forgeries = [await forgedIssuerKeyUpdate(0x70), await forgedIssuerKeyUpdate(0x71)];
    const names = strangerSession(forgeries).map((c) => c.name);
    // Six reads of each card: a byte of a fresh answer counts as stable only when all six reads of a
    // card agree on it (two reads agree on a random byte one time in 256, six reads once in 2^40).
    const seeds = ["read-1", "read-2", "read-3", "read-4", "read-5", "read-6"];
    const fullReads = await Promise.all(seeds.map((seed) => run(full, seed, forgeries)));
    const emptyReads = await Promise.all(seeds.map((seed) => run(empty, seed, forgeries)));
    const [full1, full2] = [fullReads[0]!, fullReads[1]!];
    const stableBytes = (reads: string[]) =>
      Array.from({ length: reads[0]!.length / 2 }, (_, b) => {
        const bytes = new Set(reads.map((r) => r.slice(2 * b, 2 * b + 2)));
        return bytes.size === 1 ? [...bytes][0]! : null;
      });
    for (const [i, name] of names.entries()) {
      const answers = [...fullReads, ...emptyReads].map((r) => r[i]!);
      // Same length and status word everywhere.
      expect(new Set(answers.map((a) => a.length)).size, name).toBe(1);
      expect(new Set(answers.map((a) => a.slice(-4))).size, name).toBe(1);
      if (FRESH_ANSWER.test(name)) {
        // Fresh: two reads of the same card differ, and the bytes that stay the same over every read are
        // the same bytes with the same values on both cards (nothing stable tells the cards apart).
        expect(full1[i], name).not.toBe(full2[i]);
        expect(stableBytes(emptyReads.map((r) => r[i]!)), name).toEqual(stableBytes(fullReads.map((r) => r[i]!)));
      } else {
        expect(new Set(answers).size, `${name}: ${answers.join(" / ")}`).toBe(1);
      }
    }
    // The one stable thing the card tells everyone: its platform type.
    expect(full1[names.indexOf("GET DATA DF70")]).toBe("DF700200C89000");
    // And the refusals a stranger sees are the ISO/GP words the docs name.
    const answerOf = (name: string) => full1[names.indexOf(name)]!;
    expect(answerOf(`READ on ${SAMPLE_AIDS.credit}`)).toBe("6982");
    expect(answerOf(`SELECT ${ABSENT_AID}`)).toBe(`6F098407${ABSENT_AID}9000`);
    expect(answerOf("GET STATUS 40")).toBe("6982");
    expect(answerOf(`EXTERNAL AUTHENTICATE on ${ABSENT_AID}`)).toBe("6300");
    // The key versions: E0 refused, INITIALIZE UPDATE echoes the version asked (00 for P1 00) whatever the card
    // holds, never 6A88; a forged key update answers 6A88 from every version, so it finds none.
    expect(answerOf("GET DATA E0")).toBe("6982");
    for (const p1 of ["00", "30", "31", "01"]) {
      for (const answers of [full1, emptyReads[0]!])
        expect(answers[names.indexOf(`INITIALIZE UPDATE ${p1} on the ISD`)]).toMatch(new RegExp(`^0{20}${p1}0360[0-9A-F]{32}9000$`));
    }
    for (const from of ["70", "71"]) expect(answerOf(`PUT KEY (forged issuer key update from ${from})`)).toBe("6A88");
    expect(answerOf("EXTERNAL AUTHENTICATE on the ISD")).toBe("6300");
  });

  it("a platform-100 card is not private: its applications answer without a channel (method 1)", async () => {
    const slot = await cardInSlot(100, "public-100");
    const token = await signDemo(loadPermissionFor({ cardId: slot.image.cardId, sequence: 1 }));
    expect((await loadApplication(slot.transmit, { permission: token, loadFile: sampleLoadFile("transit"), aid: SAMPLE_AIDS.transit })).ok).toBe(true);
    expect(toHex(await slot.transmit(selectCommand(ABSENT_AID)))).toBe("6A82");
    await selectApplication(slot.transmit, SAMPLE_AIDS.transit);
    expect(await readBalance(slot.transmit)).toMatchObject({ ok: true });
    await selectIsd(slot.transmit);
    expect(await getStatus(slot.transmit, "applications")).toMatchObject({ ok: true, value: [{ aid: SAMPLE_AIDS.transit }] });
  });
});
