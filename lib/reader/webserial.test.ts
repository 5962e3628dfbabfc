import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "@/lib/core/bytes";
import { FakeCard } from "./fake-card";
import { createEmulatedSerialPort } from "./pn532/emulated-port";
import { ReaderError } from "./types";
import { WebSerialReader } from "./webserial";
import type { SerialPortLike } from "./webserial";

const SELECT_ISD = fromHex("00A4040008A000000151000000");
const GET_DATA_DF70 = fromHex("80CADF7000");
// Default ACK/response timeouts: a loaded CI machine must not turn a late ACK into a resend.
const noPolling = { presencePollMs: 0 } as const;

describe("Web Serial transport ↔ PN532 emulator", () => {
  it("wakes the PN532, lists the card and exchanges SELECT and GET DATA", async () => {
    const card = new FakeCard(100);
    const port = createEmulatedSerialPort({ card });
    const reader = new WebSerialReader(port, noPolling);
    await reader.connect();
    expect(reader.isCardPresent()).toBe(true);
    expect(toHex(reader.firmware!)).toBe("32010607");
    expect(toHex(reader.target!.ats)).toBe("0B788070025245434152 44".replace(/\s/g, ""));
    expect(toHex(await reader.transmit(SELECT_ISD))).toMatch(/^6F.*9000$/);
    expect(toHex(await reader.transmit(GET_DATA_DF70))).toBe("DF700200649000");
    expect(card.apdus.map(toHex)).toEqual([toHex(SELECT_ISD), toHex(GET_DATA_DF70)]);
    await reader.disconnect();
    expect(port.isOpen).toBe(false);
    await expect(reader.transmit(SELECT_ISD)).rejects.toMatchObject({ code: "not-connected" });
  });

  it("survives any split and merge of the PN532's bytes", async () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const port = createEmulatedSerialPort({
      card: new FakeCard(200),
      chunk: (bytes) => {
        const parts: Uint8Array[] = [];
        for (let i = 0; i < bytes.length;) {
          const n = 1 + Math.floor(rand() * 5);
          parts.push(bytes.subarray(i, i + n));
          i += n;
        }
        return parts;
      },
    });
    const reader = new WebSerialReader(port, noPolling);
    await reader.connect();
    for (let i = 0; i < 5; i++) expect(toHex(await reader.transmit(GET_DATA_DF70))).toBe("DF700200C89000");
    await reader.disconnect();
  });

  it("carries long commands and responses with MI chaining and extended frames", async () => {
    const port = createEmulatedSerialPort({ card: new FakeCard() });
    const reader = new WebSerialReader(port, noPolling);
    await reader.connect();
    const data = Uint8Array.from({ length: 700 }, (_, i) => (i * 7) & 0xff);
    const echo = Uint8Array.from([0x80, 0xee, 0x00, 0x00, 0x00, 0x02, 0xbc, ...data]);
    const response = await reader.transmit(echo);
    expect(toHex(response)).toBe(toHex(data) + "9000");
    const read = await reader.transmit(fromHex("00B0044C00"));
    expect(read.length).toBe(0x44c + 2);
    expect(read[0x44b]).toBe(0x44b & 0xff);
    await reader.disconnect();
  });

  it("reports presence changes as the card enters and leaves the field", async () => {
    const port = createEmulatedSerialPort();
    const reader = new WebSerialReader(port, noPolling);
    const seen: boolean[] = [];
    reader.onPresenceChange((present) => seen.push(present));
    await reader.connect();
    expect(reader.isCardPresent()).toBe(false);
    await expect(reader.transmit(SELECT_ISD)).rejects.toMatchObject({ code: "no-card" });
    const card = new FakeCard();
    port.emulator.insert(card);
    expect(await reader.refreshPresence()).toBe(true);
    port.emulator.remove();
    expect(await reader.refreshPresence()).toBe(false);
    port.emulator.insert(card);
    expect(toHex(await reader.transmit(GET_DATA_DF70))).toBe("DF700200649000");
    port.emulator.remove();
    await expect(reader.transmit(GET_DATA_DF70)).rejects.toMatchObject({ code: "no-card" });
    expect(seen).toEqual([true, false, true, false]);
    await reader.disconnect();
  });

  it("polls presence on its own when asked to", async () => {
    const port = createEmulatedSerialPort();
    const reader = new WebSerialReader(port, { ...noPolling, presencePollMs: 10 });
    await reader.connect();
    const arrived = new Promise<boolean>((resolve) => reader.onPresenceChange(resolve));
    port.emulator.insert(new FakeCard());
    expect(await arrived).toBe(true);
    await reader.disconnect();
  });

  it("resends a command the PN532 NACKed", async () => {
    let corruptNext = 0;
    const port = createEmulatedSerialPort({
      card: new FakeCard(),
      tamperHostBytes: (bytes) => {
        // Corrupt the first InDataExchange frame's DCS on the way to the PN532.
        if (corruptNext === 0 && bytes.length > 8 && bytes[5] === 0xd4 && bytes[6] === 0x40) {
          corruptNext = 1;
          const copy = bytes.slice();
          copy[copy.length - 2]! ^= 0xff;
          return copy;
        }
        return bytes;
      },
    });
    const reader = new WebSerialReader(port, noPolling);
    await reader.connect();
    expect(toHex(await reader.transmit(GET_DATA_DF70))).toBe("DF700200649000");
    expect(port.emulator.stats.nacksSent).toBe(1);
    await reader.disconnect();
  });

  it("NACKs a corrupted response and takes the PN532's repeat", async () => {
    let corrupted = false;
    const card = new FakeCard();
    const port = createEmulatedSerialPort({
      card,
      chunk: (bytes) => {
        if (!corrupted && bytes.length > 8 && bytes[5] === 0xd5 && bytes[6] === 0x41) {
          corrupted = true;
          const copy = bytes.slice();
          copy[8]! ^= 0x01;
          return [copy];
        }
        return [bytes];
      },
    });
    const reader = new WebSerialReader(port, noPolling);
    await reader.connect();
    expect(toHex(await reader.transmit(GET_DATA_DF70))).toBe("DF700200649000");
    // The repeat came from the PN532's last response: the card ran the APDU once.
    expect(card.apdus).toHaveLength(1);
    await reader.disconnect();
  });

  it("times out when nothing answers, after its retries", async () => {
    const silent: SerialPortLike = {
      readable: new ReadableStream<Uint8Array>(),
      writable: new WritableStream<Uint8Array>(),
      async open() {},
      async close() {},
    };
    const reader = new WebSerialReader(silent, { ...noPolling, ackTimeoutMs: 5, retries: 2 });
    const error = await reader.connect().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ReaderError);
    expect(error).toMatchObject({ code: "timeout", message: expect.stringMatching(/no ACK for command 0x14 after 3 attempts/) });
  });

  it("stays silent until the HSU wake-up preamble", async () => {
    const port = createEmulatedSerialPort({ card: new FakeCard() });
    await port.open({ baudRate: 115200 });
    const reader = port.readable!.getReader();
    const writer = port.writable!.getWriter();
    await writer.write(fromHex("0000FF02FED4022A00"));
    await port.emulator.idle();
    await writer.write(fromHex("5555000000 0000FF05FBD4140114010200"));
    await port.emulator.idle();
    const { value } = await reader.read();
    expect(toHex(value!)).toBe("0000FF00FF00");
    expect(toHex((await reader.read()).value!)).toBe("0000FF02FED5151600");
  });
});
