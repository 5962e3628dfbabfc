/**
 * Bundled by e2e/provider/desk-helpers.ts (esbuild) and given to page.addInitScript: replaces
 * navigator.serial with a stand-in port wired to the PN532 emulator, the card image in its field.
 * The page's real WebSerialReader then drives the real PN532 framing code (docs/reader.md).
 */
import { installFakeWebSerial } from "@/lib/reader/pn532/fake-web-serial";

const w = window as Window & { __CARD_IMAGE__?: string; __fakeSerial?: ReturnType<typeof installFakeWebSerial> };
w.__fakeSerial = installFakeWebSerial(window, { imageJson: w.__CARD_IMAGE__ });
