import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "@/lib/core/bytes";
import { createCcidDevice } from "./ccid/emulator";
import { FakeCard } from "./fake-card";
import { WEBUSB_SMART_CARD_BLOCKED_MESSAGE, WebUsbReader } from "./webusb";

const SELECT_ISD = fromHex("00A4040008A000000151000000");
const GET_DATA_DF70 = fromHex("80CADF7000");

describe("WebUSB CCID transport ↔ emulated CCID reader", () => {
  it("powers the card and exchanges SELECT and GET DATA, reassembling split transfers", async () => {
    const card = new FakeCard(100);
    const device = createCcidDevice({ card, packetSize: 8, transferLimit: 8 });
    const reader = new WebUsbReader(device);
    await reader.connect();
    expect(reader.isCardPresent()).toBe(true);
    expect(toHex(await reader.transmit(SELECT_ISD))).toMatch(/^6F.*9000$/);
    expect(toHex(await reader.transmit(GET_DATA_DF70))).toBe("DF700200649000");
    expect(toHex(reader.atr!)).toBe(toHex(card.atr));
    // bSeq increments once per command (§6.1: "sequence number for command").
    expect(device.commands.map((c) => c.seq)).toEqual([0, 1, 2, 3]);
    expect(device.commands.map((c) => c.type)).toEqual(["GetSlotStatus", "IccPowerOn", "XfrBlock", "XfrBlock"]);
    await reader.disconnect();
    expect(device.opened).toBe(false);
  });

  it("waits out time extensions (bStatus 0x80)", async () => {
    const reader = new WebUsbReader(createCcidDevice({ card: new FakeCard(200), timeExtensions: 3 }));
    await reader.connect();
    expect(toHex(await reader.transmit(GET_DATA_DF70))).toBe("DF700200C89000");
    await reader.disconnect();
  });

  it("chains long commands and long responses (extended APDU level)", async () => {
    const reader = new WebUsbReader(createCcidDevice({ card: new FakeCard(), maxMessageLength: 64 }), { maxMessageLength: 64 });
    await reader.connect();
    const data = Uint8Array.from({ length: 500 }, (_, i) => i & 0xff);
    const echo = Uint8Array.from([0x80, 0xee, 0x00, 0x00, 0x00, 0x01, 0xf4, ...data]);
    expect(toHex(await reader.transmit(echo))).toBe(toHex(data) + "9000");
    expect((await reader.transmit(fromHex("00B0012C00"))).length).toBe(300 + 2);
    await reader.disconnect();
  });

  it("refuses an answer whose bSeq does not match", async () => {
    const device = createCcidDevice({
      card: new FakeCard(),
      tamperResponse: (bytes) => {
        if (bytes[0] !== 0x80 || bytes[6] !== 2) return bytes;
        const copy = bytes.slice();
        copy[6] = 9;
        return copy;
      },
    });
    const reader = new WebUsbReader(device);
    await reader.connect();
    await expect(reader.transmit(SELECT_ISD)).rejects.toMatchObject({
      code: "protocol",
      message: expect.stringMatching(/sequence mismatch: sent slot 0 seq 2, got slot 0 seq 9/),
    });
  });

  it("maps a failed bStatus to its bError name", async () => {
    const device = createCcidDevice({
      card: new FakeCard(),
      tamperResponse: (bytes) => (bytes[0] === 0x80 && bytes[6] === 2 ? fromHex("80 00000000 00 02 40 FB 00") : bytes),
    });
    const reader = new WebUsbReader(device);
    await reader.connect();
    await expect(reader.transmit(SELECT_ISD)).rejects.toMatchObject({ code: "protocol", message: "CCID: command failed: HW_ERROR" });
  });

  it("follows insertion and removal through the interrupt endpoint", async () => {
    const device = createCcidDevice();
    const reader = new WebUsbReader(device);
    await reader.connect();
    expect(reader.isCardPresent()).toBe(false);
    await expect(reader.transmit(SELECT_ISD)).rejects.toMatchObject({ code: "no-card" });
    const arrived = new Promise<boolean>((resolve) => {
      const off = reader.onPresenceChange((present) => {
        off();
        resolve(present);
      });
    });
    device.insert(new FakeCard());
    expect(await arrived).toBe(true);
    expect(toHex(await reader.transmit(GET_DATA_DF70))).toBe("DF700200649000");
    device.remove();
    await expect(reader.transmit(GET_DATA_DF70)).rejects.toMatchObject({ code: "no-card" });
    expect(reader.isCardPresent()).toBe(false);
    await reader.disconnect();
  });

  it("says plainly that Chromium blocks the smart-card class", async () => {
    const reader = new WebUsbReader(createCcidDevice({ card: new FakeCard(), isSmartCardClassBlocked: true }));
    await expect(reader.connect()).rejects.toMatchObject({ code: "unsupported", message: WEBUSB_SMART_CARD_BLOCKED_MESSAGE });
    expect(WEBUSB_SMART_CARD_BLOCKED_MESSAGE).toMatch(/0x0B/);
    expect(WEBUSB_SMART_CARD_BLOCKED_MESSAGE).toMatch(/Isolated Web Apps/);
  });
});
