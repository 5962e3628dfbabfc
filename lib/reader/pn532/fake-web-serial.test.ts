import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "@/lib/core/bytes";
import { createDemoCard, encodeCardImage, seededCardEnv } from "@/lib/core/card";
import type { SerialPortLike } from "../webserial";
import { WebSerialReader } from "../webserial";
import { installFakeWebSerial } from "./fake-web-serial";

describe("installFakeWebSerial", () => {
  it("gives navigator.serial one port with the PN532 emulator and the card image behind it", async () => {
    const { image } = await createDemoCard({ platformType: 200, env: seededCardEnv("fake-serial") });
    const target = { navigator: {} as Navigator };
    const fake = installFakeWebSerial(target, { imageJson: encodeCardImage(image) });
    const serial = (target.navigator as Navigator & { serial: { requestPort(): Promise<SerialPortLike> } }).serial;
    const reader = new WebSerialReader(await serial.requestPort(), { presencePollMs: 0 });
    await reader.connect();
    expect(toHex(await reader.transmit(fromHex("80CADF7000")))).toBe("DF700200C89000");
    fake.remove();
    expect(await reader.refreshPresence()).toBe(false);
    fake.insertImage(encodeCardImage(image));
    expect(await reader.refreshPresence()).toBe(true);
    expect(() => fake.insertImage("{}")).toThrow(RangeError);
    await reader.disconnect();
  });
});
