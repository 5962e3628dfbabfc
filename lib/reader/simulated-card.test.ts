import { beforeAll, describe, expect, it } from "vitest";
import { fromHex, toHex } from "@/lib/core/bytes";
import { createDemoCard, seededCardEnv, SimulatedCard, type CardImage } from "@/lib/core/card";
import { readCardAttributeData, readCardId, readPlatformType, selectIsd } from "@/lib/core/card/terminal";
import { createCcidDevice } from "./ccid/emulator";
import { createEmulatedSerialPort } from "./pn532/emulated-port";
import { SimulatorReader } from "./simulator";
import { createTranslator } from "use-intl/core";
import { messagesFor } from "@/lib/i18n/messages";
import { traceEntryWords, type StatusWordT } from "./status-word-words";
import { ApduTrace, withTrace } from "./trace";
import type { Reader } from "./types";
import { VpcdCardSession } from "./vpcd/session";
import { encodeVpcdFrame, decodeVpcdFrame } from "./vpcd/frame";
import { WebSerialReader } from "./webserial";
import { WebUsbReader } from "./webusb";

/** The real card OS behind every transport: the terminal functions see the same card whatever the wire. */
const images: Record<100 | 200, CardImage> = {} as Record<100 | 200, CardImage>;
beforeAll(async () => {
  images[100] = (await createDemoCard({ platformType: 100, env: seededCardEnv("reader-100") })).image;
  images[200] = (await createDemoCard({ platformType: 200, env: seededCardEnv("reader-200") })).image;
});

const englishT = createTranslator({ locale: "en", messages: messagesFor("en"), namespace: "common.reader.statusWords" });
const english: StatusWordT = (key, values) => englishT(key as never, values as never);

const noPolling = { presencePollMs: 0 } as const;

const transports: [string, (card: SimulatedCard) => Reader][] = [
  [
    "simulator",
    (card) => {
      const reader = new SimulatorReader();
      reader.insert(card);
      return reader;
    },
  ],
  ["Web Serial ↔ PN532 emulator", (card) => new WebSerialReader(createEmulatedSerialPort({ card }), noPolling)],
  ["WebUSB ↔ CCID reader emulator", (card) => new WebUsbReader(createCcidDevice({ card, packetSize: 64 }))],
];

describe.each(transports)("the simulated card through %s", (_name, makeReader) => {
  it("platform 100: SELECT ISD, GET DATA DF70 and the card id", async () => {
    const reader = makeReader(new SimulatedCard(images[100], seededCardEnv("slot")));
    await reader.connect();
    const transmit = (apdu: Uint8Array) => reader.transmit(apdu);
    expect(await selectIsd(transmit)).toMatchObject({ ok: true, value: { aid: "A000000151000000" } });
    expect(toHex(await reader.transmit(fromHex("80CADF7000")))).toBe("DF700200649000");
    expect(await readPlatformType(transmit)).toEqual({ ok: true, value: 100 });
    expect(await readCardId(transmit)).toEqual({ ok: true, value: images[100].cardId });
    await reader.disconnect();
  });

  it("platform 200: the card id is refused, attribute data differs on each read", async () => {
    const reader = makeReader(new SimulatedCard(images[200], seededCardEnv("slot")));
    await reader.connect();
    const transmit = (apdu: Uint8Array) => reader.transmit(apdu);
    expect(await readPlatformType(transmit)).toEqual({ ok: true, value: 200 });
    expect(await readCardId(transmit)).toMatchObject({ ok: false, error: { sw: 0x6982 } });
    const first = await readCardAttributeData(transmit);
    const second = await readCardAttributeData(transmit);
    expect(first.ok && second.ok).toBe(true);
    if (first.ok && second.ok) expect(toHex(first.value)).not.toBe(toHex(second.value));
    await reader.disconnect();
  });
});

describe("the simulated card behind vpcd framing", () => {
  it("answers get-ATR with the card ATR and GET DATA DF70", async () => {
    const card = new SimulatedCard(images[100], seededCardEnv("slot"));
    const session = new VpcdCardSession(card);
    await session.handle(fromHex("01"));
    expect(decodeVpcdFrame((await session.handle(fromHex("04")))!)).toEqual(card.atr);
    const reply = await session.handle(decodeVpcdFrame(encodeVpcdFrame(fromHex("80CADF7000"))));
    expect(toHex(decodeVpcdFrame(reply!))).toBe("DF700200649000");
  });
});

describe("the APDU trace with the card's status-word meanings", () => {
  it("explains a refusal", async () => {
    const trace = new ApduTrace();
    const reader = withTrace(new SimulatorReader(new SimulatedCard(images[200], seededCardEnv("slot"))), trace);
    await reader.connect();
    await reader.transmit(fromHex("80CA004500"));
    expect(trace.getSnapshot()[0]).toMatchObject({ sw: 0x6982 });
    expect(traceEntryWords(english, trace.getSnapshot()[0]!)).toMatch(/^Security status not satisfied/);
  });

  it("inserts a card image into the simulator", async () => {
    const reader = new SimulatorReader();
    const card = reader.insertImage(images[100], seededCardEnv("slot"));
    await reader.connect();
    expect(toHex(await reader.transmit(fromHex("80CADF7000")))).toBe("DF700200649000");
    expect(reader.remove()).toBe(card);
    expect(card.image()).toEqual(images[100]);
  });
});
