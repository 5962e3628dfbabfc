import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../bytes";
import { DEMO_ISD_KEYS } from "@/lib/secrets/demo-isd-keys";
import { decodeInstallParams, encodeInstallParams, MAX_APPLET_VALUE, type AppletParams } from "./applets";
import { cardInSlot, loadPermissionFor, sampleLoadFile, SAMPLE_AIDS, signDemo, type CardInSlot } from "./fixtures";
import type { AppletKind } from "./load-file";

const DEMO_ISD = { enc: fromHex(DEMO_ISD_KEYS.enc), mac: fromHex(DEMO_ISD_KEYS.mac), dek: fromHex(DEMO_ISD_KEYS.dek) };
import { buildLoadFile, decodeLoadFile, encodeLoadFile } from "./load-file";
import { verifyReceipt } from "./receipt";
import { openSecureChannel } from "./scp03-host";
import { SW } from "./status-words";
import { addPoints, debitFare, loadApplication, readBalance, readCreditInfo, readPoints, redeemPoints, selectApplication, topUp } from "./terminal";

async function install(slot: CardInSlot, kind: AppletKind, sequence: number, installParams?: AppletParams) {
  const token = await signDemo(loadPermissionFor({ cardId: slot.image.cardId, sequence, kind }));
  const result = await loadApplication(slot.transmit, { permission: token, loadFile: sampleLoadFile(kind), aid: SAMPLE_AIDS[kind], installParams });
  expect(result.ok, result.ok ? "" : result.error.meaning).toBe(true);
  return result;
}

describe("load files", () => {
  it("pins the header layout and round-trips", () => {
    const file = buildLoadFile({ kind: "loyalty", aid: SAMPLE_AIDS.loyalty, version: 0x0102, code: Uint8Array.of(0xca, 0xfe) });
    expect(toHex(file)).toBe("52434C46" + "01" + "02" + "07F0000000020001" + "0102" + "00000002" + "CAFE");
    expect(decodeLoadFile(file)).toEqual({ ok: true, value: { kind: "loyalty", aid: SAMPLE_AIDS.loyalty, version: 0x0102, code: Uint8Array.of(0xca, 0xfe) } });
    const big = buildLoadFile({ kind: "transit", aid: SAMPLE_AIDS.transit, version: 1, codeSize: 32 * 1024 });
    const decoded = decodeLoadFile(big);
    expect(decoded.ok && encodeLoadFile(decoded.value)).toEqual(big);
  });

  it.each([
    ["bad magic", "58434C4601010" + "7F00000000100010001" + "00000000", /magic/],
    ["unknown kind", "52434C46010907F000000001000100010000000000", /unknown applet kind 9/],
    ["short AID", "52434C46010104F000000000010000000000", /aidLength/],
    ["code longer than the file", "52434C46010107F0000000010001000100000005CAFE", /code: needs 5 bytes/],
    ["trailing bytes", "52434C46010107F0000000010001000100000000FF", /trailing/],
  ])("refuses %s", (_name, hex, error) => {
    const r = decodeLoadFile(Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16))));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(error);
  });
});

describe("install parameters (C9)", () => {
  const samples: readonly AppletParams[] = [
    { kind: "transit" },
    { kind: "transit", balance: 1500, currency: "JPY" },
    { kind: "loyalty", points: 12 },
    { kind: "credit", limit: 300_000, currency: "EUR", holderReference: "CUST-0042" },
  ];
  it.each(samples)("round-trips %o", (params) => {
    expect(decodeInstallParams(params.kind, encodeInstallParams(params))).toEqual({ ok: true, value: params });
  });

  it("pins the transit layout and refuses what does not fit the applet", () => {
    expect(toHex(encodeInstallParams({ kind: "transit", balance: 1500, currency: "JPY" }))).toBe("C90E" + "800101" + "8104000005DC" + "82034A5059");
    expect(decodeInstallParams("loyalty", encodeInstallParams({ kind: "transit", balance: 1, currency: "JPY" })).ok).toBe(false);
    expect(decodeInstallParams("transit", Uint8Array.of(0xca, 0x00)).ok).toBe(false);
    expect(decodeInstallParams("transit", Uint8Array.of(0xc9, 0x00))).toEqual({ ok: true, value: { kind: "transit" } });
    expect(decodeInstallParams("transit", Uint8Array.of(0xc9, 0x03, 0x81, 0x01, 0x00)).ok).toBe(false);
    expect(() => encodeInstallParams({ kind: "transit", balance: MAX_APPLET_VALUE + 1 })).toThrow(/balance/);
    expect(() => encodeInstallParams({ kind: "credit", currency: "yen" })).toThrow(/currency/);
  });
});

describe("applets", () => {
  it("transit: loaded with an initial balance via permission, then select, debit, read balance, top up", async () => {
    // Platform 100: applets answer without a channel (platform 200: private-reads.test.ts).
    const slot = await cardInSlot(100);
    await install(slot, "transit", 1, { kind: "transit", balance: 1000 });
    const app = await selectApplication(slot.transmit, SAMPLE_AIDS.transit);
    expect(app).toEqual({ ok: true, value: { aid: SAMPLE_AIDS.transit, label: "ReCard Transit", version: 1, isCardLocked: false } });
    expect(await debitFare(slot.transmit, 210)).toEqual({ ok: true, value: 790 });
    expect(await readBalance(slot.transmit)).toEqual({ ok: true, value: { balance: 790, currency: "JPY" } });
    expect(await debitFare(slot.transmit, 800)).toMatchObject({ ok: false, error: { sw: SW.CONDITIONS_NOT_SATISFIED } });
    expect(await topUp(slot.transmit, 2000)).toEqual({ ok: true, value: 2790 });
    expect(await topUp(slot.transmit, MAX_APPLET_VALUE)).toMatchObject({ ok: false, error: { sw: SW.WRONG_DATA } });
    expect(await slot.send("8054000004 00000000".replace(" ", ""))).toBe("6A80");
    expect(await slot.send("80540000020001")).toBe("6700");
    expect(await slot.send("805C010000")).toBe("6A86");
    expect(await slot.send("805C00000100")).toBe("6700");
    expect(await slot.send("80AA000000")).toBe("6D00");
    expect(await slot.send("00CADF7000")).toBe("6D00");
    expect(await slot.send("805C000000")).toBe("00000AE64A50599000");
    expect(slot.card.image().applications[0]?.applet).toEqual({ kind: "transit", balance: 2790, currency: "JPY" });
  });

  it("loyalty: read, add and redeem points", async () => {
    const slot = await cardInSlot(100);
    await install(slot, "loyalty", 1);
    await selectApplication(slot.transmit, SAMPLE_AIDS.loyalty);
    expect(await readPoints(slot.transmit)).toEqual({ ok: true, value: 0 });
    expect(await addPoints(slot.transmit, 120)).toEqual({ ok: true, value: 120 });
    expect(await redeemPoints(slot.transmit, 100)).toEqual({ ok: true, value: 20 });
    expect(await redeemPoints(slot.transmit, 21)).toMatchObject({ ok: false, error: { sw: SW.CONDITIONS_NOT_SATISFIED } });
  });

  it("credit: read the limit and holder reference; no value commands", async () => {
    const slot = await cardInSlot(100);
    await install(slot, "credit", 1, { kind: "credit", limit: 500_000, holderReference: "SAKURA-000123" });
    await selectApplication(slot.transmit, SAMPLE_AIDS.credit);
    expect(await readCreditInfo(slot.transmit)).toEqual({ ok: true, value: { limit: 500_000, currency: "JPY", holderReference: "SAKURA-000123" } });
    expect(await topUp(slot.transmit, 1)).toMatchObject({ ok: false, error: { sw: SW.INS_NOT_SUPPORTED } });
  });

  it("a reload carries the original message id and the transit balance over (install parameters)", async () => {
    const slot = await cardInSlot(200);
    const permission = loadPermissionFor({ cardId: slot.image.cardId, sequence: 9, loadKind: "reload", originalSequence: 3 });
    const result = await loadApplication(slot.transmit, {
      permission: await signDemo(permission),
      loadFile: sampleLoadFile("transit"),
      aid: SAMPLE_AIDS.transit,
      installParams: { kind: "transit", balance: 4321 },
    });
    if (!result.ok) throw new Error(result.error.meaning);
    const receipt = await verifyReceipt(result.value.receipt, slot.cardPublicKeyJwk, permission);
    expect(receipt.ok && receipt.value.operation === "load" && receipt.value.kind).toBe("reload");
    expect(slot.card.image().applications[0]).toMatchObject({
      loadKind: "reload",
      originalMessageId: "RECARD01-METRO01-I0000000003",
      messageId: "RECARD01-METRO01-I0000000009",
    });
    // Platform 200: the balance is read only inside a secure channel (here the issuer's, the application having no domain of its own).
    await selectApplication(slot.transmit, SAMPLE_AIDS.transit);
    expect(await readBalance(slot.transmit)).toMatchObject({ ok: false, error: { sw: SW.SECURITY_STATUS_NOT_SATISFIED } });
    const channel = await openSecureChannel(slot.transmit, { keys: DEMO_ISD, keyVersion: 0, level: 0x01, hostChallenge: new Uint8Array(8) });
    if (!channel.ok) throw new Error(channel.error.meaning);
    expect(await readBalance(channel.value.transmit)).toEqual({ ok: true, value: { balance: 4321, currency: "JPY" } });
  });

  it("refuses install parameters of another applet kind (6A80) and leaves nothing installed", async () => {
    const slot = await cardInSlot(100);
    const token = await signDemo(loadPermissionFor({ cardId: slot.image.cardId, sequence: 1, kind: "loyalty" }));
    const result = await loadApplication(slot.transmit, {
      permission: token,
      loadFile: sampleLoadFile("loyalty"),
      aid: SAMPLE_AIDS.loyalty,
      installParams: { kind: "transit", balance: 5 },
    });
    expect(result).toMatchObject({ ok: false, error: { sw: SW.WRONG_DATA, step: "INSTALL [for install and make selectable]" } });
    expect(slot.card.image().applications).toEqual([]);
    expect(slot.card.image().confirmationCounter).toBe(0);
  });
});
