import { decodeCardImage, SimulatedCard, systemCardEnv } from "@/lib/core/card";
import { createEmulatedSerialPort, createFakeSerial, type EmulatedSerialPort, type EmulatedSerialPortOptions } from "./emulated-port";

/** Handle on the stand-in port, for tests that insert and remove cards from the page. */
export interface FakeWebSerial {
  readonly port: EmulatedSerialPort;
  /** Puts the card image (card image JSON text) into the PN532's field. */
  insertImage(imageJson: string): void;
  remove(): void;
}

/**
 * Replaces `navigator.serial` with one port wired to the PN532 emulator (headless Chromium's
 * `requestPort()` never settles). Meant for a bundle given to Playwright's `page.addInitScript`:
 * the page's own WebSerialReader then drives the real framing code against the emulator.
 */
export function installFakeWebSerial(
  target: { navigator: Navigator },
  options: EmulatedSerialPortOptions & { readonly imageJson?: string } = {},
): FakeWebSerial {
  const port = createEmulatedSerialPort(options);
  const insertImage = (imageJson: string) => {
    const image = decodeCardImage(imageJson);
    if (!image.ok) throw new RangeError(image.error);
    port.emulator.insert(new SimulatedCard(image.value, systemCardEnv()));
  };
  if (options.imageJson !== undefined) insertImage(options.imageJson);
  Object.defineProperty(target.navigator, "serial", { value: createFakeSerial([port]), configurable: true });
  return { port, insertImage, remove: () => void port.emulator.remove() };
}
