import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { fromHex, toHex, utf8 } from "../bytes";
import { CARD_ATR, isAtrChecksumValid } from "./atr";
import { decodeCardImage } from "./image";
import { cardInSlot, loadPermissionFor, sampleLoadFile, SAMPLE_AIDS, signDemo, type CardInSlot } from "./fixtures";
import { buildLoadFile } from "./load-file";
import { SimulatedCard } from "./simulated-card";
import { installAndMakeSelectableCommand, installForLoadCommand, loadApplication, loadCommands } from "./terminal";
import { seededCardEnv, systemCardEnv } from "./env";

const sw = (response: string) => response.slice(-4);

describe("ATR (ISO 7816-3 §8.2)", () => {
  it("has a valid TCK and spells ReCard in the historical bytes", () => {
    expect(isAtrChecksumValid(CARD_ATR)).toBe(true);
    expect(toHex(CARD_ATR)).toContain(toHex(utf8("ReCard")));
    expect(toHex(CARD_ATR)).toBe("3B8C8001805652654361726473C000C0AB");
  });
});

describe("power", () => {
  it("answers 6F00 while powered off, and power-on resets the selection", async () => {
    const slot = await cardInSlot(100);
    const card = new SimulatedCard(slot.image, slot.env);
    expect(toHex(await card.transmit(fromHex("80CADF7000")))).toBe("6F00");
    expect(toHex(card.powerOn())).toBe(toHex(CARD_ATR));
    expect(toHex(await card.transmit(fromHex("80CADF7000")))).toBe("DF700200649000");
    card.powerOff();
    expect(toHex(await card.transmit(fromHex("80CADF7000")))).toBe("6F00");
    expect(toHex(card.reset())).toBe(toHex(CARD_ATR));
    expect(card.isPowered).toBe(true);
  });

  it("refuses a malformed image at insertion with a clear error", async () => {
    const slot = await cardInSlot(100);
    expect(() => new SimulatedCard({ ...slot.image, platformType: 300 as 100 }, slot.env)).toThrow(/platformType/);
  });
});

describe("status words for malformed and unsupported commands", () => {
  let slot: CardInSlot;
  beforeAll(async () => {
    slot = await cardInSlot(200);
  });

  const TABLE: readonly [string, string, string][] = [
    ["empty input", "", "6700"],
    ["three bytes", "00A404", "6700"],
    ["Lc longer than the data", "00A4040005A0B0", "6700"],
    ["extended Lc of zero", "00A4040000000001", "6700"],
    ["extended case 2 with Le 0000 selects the ISD", "00A40400000000", "9000"],
    ["CLA FF (PC/SC pseudo-APDU class)", "FFCA000000", "6E00"],
    ["reserved CLA 20", "20CA000000", "6E00"],
    ["proprietary CLA A0", "A0CA000000", "6E00"],
    ["GP class with chaining but no data", "90CA000000", "6700"],
    ["logical channel 1", "01A4040000", "6881"],
    ["further interindustry channel", "40A4040000", "6881"],
    ["secure messaging", "04A4040000", "6882"],
    ["GP secure messaging CLA 84 without a secure channel", "84F28002024F0000", "6982"],
    ["ISO secure messaging on a GP class", "8CF28002024F0000", "6882"],
    ["GP secure messaging with chaining", "94F28002024F0000", "6884"],
    ["EXTERNAL AUTHENTICATE without INITIALIZE UPDATE", `8482010010${"00".repeat(16)}`, "6985"],
    ["EXTERNAL AUTHENTICATE without C-MAC (CLA 80)", "8082010008000000000000000000", "6982"],
    ["INITIALIZE UPDATE with a 4-byte challenge", "805000000401020304", "6700"],
    // Platform 200 answers a key version it does not hold like the one it holds (docs/card.md "Private reads"); platform 100: 6A88 (scp03-card.test.ts).
    ["INITIALIZE UPDATE for a key version the card does not hold (platform 200)", "8050450008010203040506070800", "9000"],
    ["GET DATA E0 (key versions) on platform 200 without a channel", "80CA00E000", "6982"],
    ["INITIALIZE UPDATE P2 not 00", "8050000108010203040506070800", "6A86"],
    ["PUT KEY without a secure channel", "80D8308101AA", "6982"],
    ["GET DATA confirmation counter on platform 200 without a channel", "80CA00C200", "6982"],
    ["a chained SELECT without data", "10A4040000", "6700"],
    ["unknown INS (READ BINARY)", "00B0000000", "6D00"],
    ["SELECT in the GP class", "80A4040000", "6E00"],
    // Platform 200 (private reads): every application name answers 9000 with an FCI repeating the name,
    // present or not; platform 100 answers 6A82 (below, "SELECT").
    ["OpenSC probe: PIV AID (platform 200: same answer as any name)", "00A404000BA00000030800001000010000", "9000"],
    ["OpenSC probe: OpenPGP AID (platform 200: same answer as any name)", "00A4040006D2760001240100", "9000"],
    ["SELECT next occurrence of an application name on platform 200", "00A4040205F000000001", "6A82"],
    ["SELECT MF by file id", "00A40000023F0000", "6A82"],
    ["SELECT AID of 2 bytes", "00A40400023F0000", "6700"],
    ["SELECT AID of 17 bytes", `00A4040011${"A0".repeat(17)}00`, "6700"],
    ["SELECT P1 05", "00A4050000", "6A86"],
    ["SELECT P2 04 (FCP)", "00A4040400", "6A86"],
    ["SELECT next with no data", "00A4040200", "6A82"],
    ["GET DATA unknown tag", "80CA00FF00", "6A88"],
    ["GET DATA with a data field", "80CA004201AA00", "6700"],
    ["GET DATA CIN on platform 200", "80CA004500", "6982"],
    ["GET STATUS without search criteria", "80F2800200", "6700"],
    ["GET STATUS P1 01", "80F20102024F0000", "6A86"],
    ["GET STATUS P2 'next' without a paged GET STATUS", "80F24003024F0000", "6982"],
    ["GET STATUS legacy format P2 00", "80F24000024F0000", "6A86"],
    ["GET STATUS other search tag", "80F24002025C0000", "6A80"],
    ["GET STATUS malformed criteria", "80F240020342020000", "6A80"],
    ["GET STATUS on platform 200 without a secure channel", "80F24002024F0000", "6982"],
    ["GET STATUS in the ISO class", "00F24002024F0000", "6E00"],
    ["LOAD without INSTALL [for load]", "80E8800001AA00", "6985"],
    ["INSTALL [for load] without data", "80E6020000", "6A80"],
    ["INSTALL [for load] with a truncated field", "80E602000308A00000", "6A80"],
    ["INSTALL [for install] without a load", "80E60C0001AA00", "6985"],
    ["INSTALL P1 04 alone", "80E6040000", "6A86"],
    ["INSTALL P2 not 00", "80E6020100", "6A86"],
    ["DELETE with a 4-byte AID", "80E40000064F04A000000100", "6A80"],
    ["DELETE of the ISD", "80E400000A4F08A00000015100000000", "6985"],
    ["DELETE without a token", "80E40000094F07F000000001000100", "6982"],
    ["DELETE with a token of the wrong tag", "80E400000C4F07F0000000010001990100", "6A80"],
    ["DELETE P1 01", "80E40100094F07F000000001000100", "6A86"],
    ["DELETE with a malformed token", "80E400000C4F07F00000000100019E01AA00", "6A80"],
    ["SET STATUS without a token", "80F0807F00", "6982"],
    ["SET STATUS of an application", "80F0400F01AA", "6A86"],
    ["SET STATUS to INITIALIZED", "80F0800701AA", "6A86"],
    ["SET STATUS with a malformed token", "80F0807F02BF20", "6A80"],
    ["GET RESPONSE with nothing pending", "00C0000000", "6985"],
    ["GET RESPONSE P1P2 not 0000", "00C0000100", "6A86"],
    ["GET RESPONSE without Le", "00C00000", "6700"],
    ["applet command on the ISD", "805C000000", "6D00"],
  ];

  it.each(TABLE)("%s → %s", async (_name, hex, expected) => {
    slot.card.reset();
    expect(sw(await slot.send(hex))).toBe(expected);
  });
});

describe("SELECT (ISO 7816-4 §11.2.2, GP 2.3.1 §11.9)", () => {
  it("answers the ISD FCI with 84 AID and A5 proprietary data", async () => {
    const slot = await cardInSlot(100);
    const response = await slot.send("00A4040008A00000015100000000");
    expect(response).toBe(`6F358408A000000151000000A5297322${RECOGNITION}9F6502FFFF9000`);
  });

  it("selects by partial AID, by empty data (the ISD), without response data, and the next occurrence", async () => {
    const slot = await cardInSlot(100);
    const permission = loadPermissionFor({ cardId: slot.image.cardId, sequence: 1, aid: "F000000001000100", loadFile: buildTransit("F000000001000100") });
    expect(
      (await loadApplication(slot.transmit, { permission: await signDemo(permission), loadFile: buildTransit("F000000001000100"), aid: "F000000001000100" }))
        .ok,
    ).toBe(true);
    const second = loadPermissionFor({ cardId: slot.image.cardId, sequence: 2, aid: "F000000001000200", loadFile: buildTransit("F000000001000200") });
    expect(
      (await loadApplication(slot.transmit, { permission: await signDemo(second), loadFile: buildTransit("F000000001000200"), aid: "F000000001000200" })).ok,
    ).toBe(true);
    expect(await slot.send("00A4040005A00000015100")).toMatch(/^6F.*8408A000000151000000.*9000$/);
    expect(await slot.send("00A4040000")).toMatch(/^6F.*9000$/);
    expect(await slot.send("00A4040C05A000000151")).toBe("9000");
    expect(await slot.send("00A4040005F00000000100")).toMatch(/^6F.*8408F000000001000100.*9000$/);
    expect(await slot.send("00A4040205F00000000100")).toMatch(/^6F.*8408F000000001000200.*9000$/);
    expect(await slot.send("00A4040205F00000000100")).toBe("6A82");
    // OpenSC's probes for other AIDs (PIV, OpenPGP) get 6A82 on platform 100.
    expect(await slot.send("00A404000BA00000030800001000010000")).toBe("6A82");
    expect(await slot.send("00A4040006D2760001240100")).toBe("6A82");
  });
});

function buildTransit(aid: string): Uint8Array {
  return buildLoadFile({ kind: "transit", aid, version: 1, codeSize: 64 });
}

/** Card recognition data children (GP 2.3.1 §H.2): GP OID, GP 2.3.1 card management, card identification scheme. */
const RECOGNITION = "06072A864886FC6B01" + "600C060A2A864886FC6B02020301" + "630906072A864886FC6B03";

describe("command chaining (ISO 7816-4 §5.3.3)", () => {
  it("joins the data of a chain, and drops a chain another command interrupts (6883)", async () => {
    const slot = await cardInSlot(100);
    expect(await slot.send("10A4040004A0000001")).toBe("9000");
    expect(await slot.send("00A404000451000000" + "00")).toMatch(/^6F358408A000000151000000.*9000$/);
    expect(await slot.send("10A4040004A0000001")).toBe("9000");
    expect(await slot.send("80CADF7000")).toBe("6883");
    expect(await slot.send("00A404000451000000" + "00")).toBe("6700");
    expect(await slot.send("80CADF7000")).toBe("DF700200649000");
  });

  it("carries INSTALL commands longer than 255 bytes as chains of short APDUs by default", async () => {
    const slot = await cardInSlot(200);
    const lengths: number[] = [];
    const token = await signDemo(loadPermissionFor({ cardId: slot.image.cardId, sequence: 1 }));
    const result = await loadApplication(
      (apdu) => {
        lengths.push(apdu.length);
        return slot.transmit(apdu);
      },
      { permission: token, loadFile: sampleLoadFile("transit"), aid: SAMPLE_AIDS.transit },
    );
    expect(result.ok).toBe(true);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(4 + 1 + 255 + 1);
  });
});

describe("GET DATA (GP 2.3.1 §11.3)", () => {
  it("answers IIN, CIN (platform 100), CPLC, card recognition data and platform type", async () => {
    const slot = await cardInSlot(100);
    expect(await slot.send("80CA004200")).toBe("4204990000019000");
    expect(await slot.send("00CA004500")).toBe(`4508${slot.image.cardId}9000`);
    const cplc = await slot.send("80CA9F7F00");
    expect(cplc).toMatch(/^9F7F2A[0-9A-F]{84}9000$/);
    expect(cplc.slice(6 + 2 * 12, 6 + 2 * 16)).not.toBe("00000000");
    expect(await slot.send("80CA006600")).toBe(`66247322${RECOGNITION}9000`);
    expect(await slot.send("80CADF7000")).toBe("DF700200649000");
  });

  it("hides linkable CPLC fields and the card id on platform 200", async () => {
    const slot = await cardInSlot(200);
    expect(await slot.send("80CADF7000")).toBe("DF700200C89000");
    expect(await slot.send("80CA004500")).toBe("6982");
    const cplc = await slot.send("80CA9F7F00");
    expect(cplc.slice(6 + 2 * 12, 6 + 2 * 16)).toBe("00000000");
    expect(await slot.send("80CADF7A00")).toMatch(/^DF7A5A01[0-9A-F]{178}9000$/);
  });

  it("delivers what exceeds Le with 61xx and GET RESPONSE (ISO 7816-4 §5.3.4)", async () => {
    const slot = await cardInSlot(100);
    const whole = await slot.send("80CA9F7F00");
    const head = await slot.send("80CA9F7F10");
    expect(head.slice(-4)).toBe("611D");
    const tail = await slot.send("00C000001D");
    expect(head.slice(0, -4) + tail).toBe(whole);
    const noLe = await slot.send("80CA9F7F");
    expect(noLe).toBe("612D");
    expect(await slot.send("00C0000010")).toMatch(/^9F7F2A[0-9A-F]{26}611D$/);
    expect(await slot.send("80CADF7000")).toBe("DF700200649000");
    expect(await slot.send("00C0000010")).toBe("6985");
  });

  it("a case-3 command with response data: 61xx on T=0, the data with 9000 on T=1 (ISO 7816-3 §12.2.3)", async () => {
    const slot = await cardInSlot(100, "protocols");
    const select = "00A4040008A000000151000000";
    const t0 = await slot.send(select);
    expect(t0).toMatch(/^61[0-9A-F]{2}$/);
    const fci = await slot.send(`00C00000${t0.slice(2)}`);
    slot.card.powerOn("T=1");
    expect(slot.card.protocol).toBe("T=1");
    expect(await slot.send(select)).toBe(fci);
    expect(fci).toMatch(/^6F[0-9A-F]+9000$/);
    slot.card.reset();
    expect(slot.card.protocol).toBe("T=1");
    // Le still limits the answer on T=1.
    expect((await slot.send("80CA9F7F10")).slice(-4)).toBe("611D");
  });
});

describe("robustness", () => {
  it("no byte string makes the card throw: transmit always resolves to at least SW1 SW2", async () => {
    const slot = await cardInSlot(100, "fuzz");
    const loaded = await loadApplication(slot.transmit, {
      permission: await signDemo(loadPermissionFor({ cardId: slot.image.cardId, sequence: 1, kind: "loyalty" })),
      loadFile: sampleLoadFile("loyalty"),
      aid: SAMPLE_AIDS.loyalty,
    });
    expect(loaded.ok).toBe(true);
    const interesting = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc
        .tuple(
          fc.constantFrom(0x00, 0x80, 0x84, 0x01, 0xff, 0x40, 0x10, 0x90),
          fc.constantFrom(0xa4, 0xca, 0xc0, 0xf2, 0xe6, 0xe8, 0xe4, 0xf0, 0x5c, 0x52, 0x54, 0xb0),
          fc.integer({ min: 0, max: 255 }),
          fc.integer({ min: 0, max: 255 }),
          fc.uint8Array({ maxLength: 270 }),
          fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }),
        )
        .map(([cla, ins, p1, p2, data, le]) =>
          Uint8Array.from([
            cla,
            ins,
            p1,
            p2,
            ...(data.length ? [Math.min(data.length, 255), ...data.subarray(0, 255)] : []),
            ...(le === undefined ? [] : [le]),
          ]),
        ),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(interesting, { minLength: 1, maxLength: 8 }), async (apdus) => {
        for (const apdu of apdus) {
          const response = await slot.card.transmit(apdu);
          expect(response.length).toBeGreaterThanOrEqual(2);
        }
        expect(decodeCardImage(slot.card.image()).ok).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});

describe("internal failures roll back", () => {
  it("answers 6581 when a content-management write fails, 6F00 otherwise, and the image is unchanged", async () => {
    const slot = await cardInSlot(200, "faults");
    let isFailing = false;
    const env = {
      now: () => slot.env.now(),
      random: (n: number) => {
        if (isFailing) throw new Error("random source failed");
        return slot.env.random(n);
      },
    };
    const card = new SimulatedCard(slot.image, env);
    card.powerOn();
    const transmit = (apdu: Uint8Array) => card.transmit(apdu);
    const permission = loadPermissionFor({ cardId: slot.image.cardId, sequence: 1, kind: "loyalty" });
    const token = await signDemo(permission);
    const file = sampleLoadFile("loyalty");
    expect(
      toHex(
        await transmit(installForLoadCommand({ aid: SAMPLE_AIDS.loyalty, loadFileHash: permission.loadFileHash, permission: token, codeSize: file.length })),
      ),
    ).toBe("009000");
    for (const block of loadCommands(file)) await transmit(block);
    const before = card.image();
    isFailing = true;
    expect(toHex(await transmit(installAndMakeSelectableCommand({ aid: SAMPLE_AIDS.loyalty, permission: token })))).toBe("6581");
    expect(toHex(await transmit(fromHex("80CADF7A00")))).toBe("6F00");
    expect(card.image()).toEqual(before);
    isFailing = false;
    expect(toHex(await transmit(fromHex("80CADF7000")))).toBe("DF700200C89000");
    // The interrupted load is gone; the permission was not spent and still works from the start.
    expect((await loadApplication(transmit, { permission: token, loadFile: file, aid: SAMPLE_AIDS.loyalty })).ok).toBe(true);
  });
});

describe("environments", () => {
  it("seeded envs are deterministic and advance only when told", () => {
    const a = seededCardEnv("seed");
    const b = seededCardEnv(new TextEncoder().encode("seed"));
    expect(toHex(a.random(48))).toBe(toHex(b.random(48)));
    expect(toHex(a.random(5)) + toHex(a.random(7))).toBe(toHex(b.random(12)));
    expect(a.now().toISOString()).toBe("2026-01-01T00:00:00.000Z");
    a.advance(1500);
    expect(a.now().toISOString()).toBe("2026-01-01T00:00:01.500Z");
    expect(() => a.advance(-1)).toThrow(RangeError);
  });

  it("the system env gives fresh randomness of any length", () => {
    const env = systemCardEnv();
    const big = env.random(70_000);
    expect(big).toHaveLength(70_000);
    expect(toHex(env.random(16))).not.toBe(toHex(env.random(16)));
    expect(Math.abs(env.now().getTime() - Date.now())).toBeLessThan(5_000);
  });
});
