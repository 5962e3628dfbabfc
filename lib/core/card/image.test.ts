import { describe, expect, it } from "vitest";
import { toHex } from "../bytes";
import { seededCardEnv } from "./env";
import { cardInSlot, loadPermissionFor, sampleLoadFile, SAMPLE_AIDS, signDemo } from "./fixtures";
import { CARD_MEMORY_BYTES, ISD_AID_HEX } from "./gp";
import { decodeCardImage, encodeCardImage, type CardImage } from "./image";
import { DEMO_ISSUER_PUBLIC_KEYS as DEMO_ISSUER_KEYS } from "./demo-keys";
import { DEMO_ISD_KEYS } from "@/lib/secrets/demo-isd-keys";
import { personaliseCard, randomSurfaceNumber } from "./personalise";
import { SimulatedCard } from "./simulated-card";
import {
  appletCommand,
  debitFare,
  getDataCommand,
  installAndMakeSelectableCommand,
  installForLoadCommand,
  loadApplication,
  loadCommands,
  readBalance,
  selectApplication,
  selectCommand,
} from "./terminal";
import { APP_INS } from "./gp";
import { isSurfaceNumber } from "./ids";

describe("card image format (version 1)", () => {
  it("decode(encode(x)) equals x, as JSON text", async () => {
    const slot = await cardInSlot(200);
    const token = await signDemo(loadPermissionFor({ cardId: slot.image.cardId, sequence: 1 }));
    await loadApplication(slot.transmit, {
      permission: token,
      loadFile: sampleLoadFile("transit"),
      aid: SAMPLE_AIDS.transit,
      installParams: { kind: "transit", balance: 500 },
    });
    const image = slot.card.image();
    expect(image.applications).toHaveLength(1);
    expect(decodeCardImage(encodeCardImage(image))).toEqual({ ok: true, value: image });
    expect(decodeCardImage(JSON.parse(encodeCardImage(image)))).toEqual({ ok: true, value: image });
  });

  it("saves, reloads into a new SimulatedCard elsewhere, and continues", async () => {
    const slot = await cardInSlot(100);
    const token = await signDemo(loadPermissionFor({ cardId: slot.image.cardId, sequence: 1 }));
    expect(
      (
        await loadApplication(slot.transmit, {
          permission: token,
          loadFile: sampleLoadFile("transit"),
          aid: SAMPLE_AIDS.transit,
          installParams: { kind: "transit", balance: 1000 },
        })
      ).ok,
    ).toBe(true);
    await selectApplication(slot.transmit, SAMPLE_AIDS.transit);
    expect(await debitFare(slot.transmit, 170)).toEqual({ ok: true, value: 830 });
    slot.card.powerOff();
    const carried = JSON.stringify(slot.card.image());

    const decoded = decodeCardImage(carried);
    if (!decoded.ok) throw new Error(decoded.error);
    const elsewhere = new SimulatedCard(decoded.value, seededCardEnv("another desk"));
    elsewhere.powerOn();
    const transmit = (apdu: Uint8Array) => elsewhere.transmit(apdu);
    expect((await selectApplication(transmit, SAMPLE_AIDS.transit)).ok).toBe(true);
    expect(await readBalance(transmit)).toEqual({ ok: true, value: { balance: 830, currency: "JPY" } });
    expect(await debitFare(transmit, 30)).toEqual({ ok: true, value: 800 });
    // The replay protection travelled with the card.
    expect(toHex(await elsewhere.transmit(selectCommand()))).toMatch(/9000$/);
    const replay = await loadApplication(transmit, { permission: token, loadFile: sampleLoadFile("transit"), aid: SAMPLE_AIDS.transit });
    expect(replay.ok).toBe(false);
  });

  it("a recorded APDU trace replays byte for byte with the same seeded env", async () => {
    const { image } = await personaliseCard(
      {
        cardId: "00112233445566AA",
        surfaceNumber: randomSurfaceNumber("99000001", seededCardEnv("surface")),
        // Platform 100: the applet answers without a secure channel (platform 200 keeps reads private).
        platformType: 100,
        issuerCompanyId: "RECARD01",
        iin: "99000001",
        issuerSigningPublicKeyJwk: DEMO_ISSUER_KEYS.signing.publicKeyJwk,
        issuerEncryptionPublicKeyJwk: DEMO_ISSUER_KEYS.encryption.publicKeyJwk,
        issuedAt: new Date("2025-12-24T09:00:00.000Z"),
        isdKeys: DEMO_ISD_KEYS,
      },
      seededCardEnv("personalisation"),
    );
    const permission = loadPermissionFor({ cardId: image.cardId, sequence: 1, kind: "loyalty" });
    const token = await signDemo(permission);
    const loyalty = sampleLoadFile("loyalty");
    const commands: Uint8Array[] = [
      selectCommand(),
      getDataCommand(0xdf70),
      getDataCommand(0xdf7a),
      getDataCommand(0xdf7a),
      getDataCommand(0x9f7f),
      Uint8Array.of(0x00, 0xa4, 0x04),
      installForLoadCommand({ aid: SAMPLE_AIDS.loyalty, loadFileHash: permission.loadFileHash, permission: token, codeSize: loyalty.length }),
      ...loadCommands(loyalty),
      installAndMakeSelectableCommand({ aid: SAMPLE_AIDS.loyalty, permission: token, installParams: { kind: "loyalty", points: 40 } }),
      selectCommand(SAMPLE_AIDS.loyalty),
      appletCommand(APP_INS.CREDIT, 25),
      appletCommand(APP_INS.READ),
    ];
    const run = async (seed: string) => {
      const card = new SimulatedCard(image, seededCardEnv(seed));
      card.powerOn();
      const responses: string[] = [];
      for (const command of commands) responses.push(toHex(await card.transmit(command)));
      return { responses, image: card.image() };
    };
    const recorded = await run("trace");
    const replayed = await run("trace");
    expect(replayed.responses).toEqual(recorded.responses);
    expect(replayed.image).toEqual(recorded.image);
    expect(recorded.responses.at(-1)).toBe("000000419000");
    const otherSeed = await run("another seed");
    expect(otherSeed.responses[2]).not.toBe(recorded.responses[2]);
  });
});

describe("card image strict decoding", () => {
  let base: CardImage;
  const withImage = async () => {
    if (!base) base = (await cardInSlot(100)).image;
    return base;
  };
  const app = {
    aid: "F0000000010001",
    version: 1,
    loadFileHash: "AB".repeat(32),
    loadFileSize: 1000,
    messageId: "RECARD01-METRO01-I0000000001",
    loadKind: "first-load",
    originalMessageId: null,
    installedAt: "2026-01-01T00:00:00.000Z",
    applet: { kind: "transit", balance: 0, currency: "JPY" },
  };

  const CASES: readonly [string, (image: CardImage) => unknown, RegExp][] = [
    ["an unknown version", (i) => ({ ...i, version: 2 }), /unsupported version 2/],
    ["a version as text", (i) => ({ ...i, version: "1" }), /unsupported version "1"/],
    ["no version", ({ version: _v, ...rest }) => rest, /unsupported version undefined/],
    ["not an object", () => [], /must be a JSON object/],
    ["an unknown field", (i) => ({ ...i, pin: "1234" }), /image\.pin: unknown field/],
    ["a missing field", ({ iin: _i, ...rest }) => rest, /image\.iin: missing/],
    ["a lower-case card id", (i) => ({ ...i, cardId: i.cardId.toLowerCase() }), /image\.cardId/],
    [
      "a surface number failing Luhn",
      (i) => ({ ...i, surfaceNumber: `${i.surfaceNumber.slice(0, 15)}${(Number(i.surfaceNumber[15]) + 1) % 10}` }),
      /image\.surfaceNumber/,
    ],
    ["platform type 999", (i) => ({ ...i, platformType: 999 }), /platformType: must be 100 or 200/],
    ["life cycle OP_READY", (i) => ({ ...i, lifeCycle: "OP_READY" }), /lifeCycle/],
    ["a key not on the curve", (i) => ({ ...i, keys: { ...i.keys, issuerSigningPublicKey: `04${"11".repeat(64)}` } }), /not a point on P-256/],
    ["a zero private key", (i) => ({ ...i, keys: { ...i.keys, cardPrivateKey: "00".repeat(32) } }), /cardPrivateKey: out of range/],
    ["a counter beyond two bytes", (i) => ({ ...i, confirmationCounter: 70_000 }), /confirmationCounter/],
    [
      "a used token listed twice",
      (i) => ({
        ...i,
        usedTokens: [
          { messageId: app.messageId, expiresAt: app.installedAt },
          { messageId: app.messageId, expiresAt: app.installedAt },
        ],
      }),
      /listed twice/,
    ],
    ["an application installed twice", (i) => ({ ...i, applications: [app, app] }), /installed twice/],
    ["an application with the ISD's AID", (i) => ({ ...i, applications: [{ ...app, aid: ISD_AID_HEX }] }), /ISD's AID/],
    [
      "applications beyond the memory",
      (i) => ({ ...i, applications: [1, 2].map((n) => ({ ...app, aid: `F00000000100${n}0`, loadFileSize: CARD_MEMORY_BYTES / 2 })) }),
      /more than the card/,
    ],
    [
      "a reload without its original message id",
      (i) => ({ ...i, applications: [{ ...app, loadKind: "reload" }] }),
      /originalMessageId: required exactly for a reload/,
    ],
    ["an applet of unknown kind", (i) => ({ ...i, applications: [{ ...app, applet: { kind: "casino" } }] }), /applet\.kind/],
    ["a negative balance", (i) => ({ ...i, applications: [{ ...app, applet: { kind: "transit", balance: -1, currency: "JPY" } }] }), /balance/],
    ["a time that is not ISO-8601 UTC", (i) => ({ ...i, issuedAt: "2026-01-01" }), /issuedAt/],
    ["an application of another issuer", (i) => ({ ...i, applications: [{ ...app, messageId: "OTHER01-METRO01-I0000000001" }] }), /another issuer/],
  ];

  it.each(CASES)("refuses %s with a clear error", async (_name, mutate, error) => {
    const r = decodeCardImage(mutate(await withImage()));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(error);
  });

  it("refuses text that is not JSON", () => {
    expect(decodeCardImage("{")).toEqual({ ok: false, error: "card image: not valid JSON" });
  });

  it("accepts the valid sample application (the table mutates a valid base)", async () => {
    const image = await withImage();
    expect(decodeCardImage({ ...image, applications: [app] }).ok).toBe(true);
  });
});

describe("personalisation", () => {
  it("personalises in SECURED with the parameters, refusing malformed ones", async () => {
    const params = {
      cardId: "0123456789ABCDEF",
      surfaceNumber: randomSurfaceNumber("99000001", seededCardEnv("s")),
      platformType: 100 as const,
      issuerCompanyId: "RECARD01",
      iin: "99000001",
      issuerSigningPublicKeyJwk: DEMO_ISSUER_KEYS.signing.publicKeyJwk,
      issuerEncryptionPublicKeyJwk: DEMO_ISSUER_KEYS.encryption.publicKeyJwk,
      cardholderName: "山田 花子",
      issuedAt: new Date("2026-01-01T00:00:00.000Z"),
      isdKeys: DEMO_ISD_KEYS,
    };
    expect(isSurfaceNumber(params.surfaceNumber)).toBe(true);
    expect(params.surfaceNumber.startsWith("99000001")).toBe(true);
    const { image, cardPublicKeyJwk } = await personaliseCard(params, seededCardEnv("p"));
    expect(image).toMatchObject({
      version: 1,
      cardId: params.cardId,
      lifeCycle: "SECURED",
      confirmationCounter: 0,
      applications: [],
      cardholderName: "山田 花子",
    });
    expect(cardPublicKeyJwk).toMatchObject({ kty: "EC", crv: "P-256" });
    expect(cardPublicKeyJwk.d).toBeUndefined();
    await expect(personaliseCard({ ...params, cardId: "0123" }, seededCardEnv("p"))).rejects.toThrow(/cardId/);
    await expect(personaliseCard({ ...params, surfaceNumber: "1234567812345678" }, seededCardEnv("p"))).rejects.toThrow(/surfaceNumber/);
    await expect(personaliseCard({ ...params, iin: "12" }, seededCardEnv("p"))).rejects.toThrow(/iin/);
    await expect(personaliseCard({ ...params, issuerSigningPublicKeyJwk: { kty: "RSA" } }, seededCardEnv("p"))).rejects.toThrow(/issuerSigningPublicKeyJwk/);
  });
});
