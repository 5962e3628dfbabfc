import { ReaderError } from "./types";
import { USB_CLASS_SMART_CARD, type UsbDeviceLike } from "./usb-types";
import { WebSerialReader, type SerialPortLike, type WebSerialReaderOptions } from "./webserial";
import { WebUsbReader, type WebUsbReaderOptions } from "./webusb";

interface SerialLike {
  requestPort(options?: { filters?: { usbVendorId?: number; usbProductId?: number }[] }): Promise<SerialPortLike>;
}
interface UsbLike {
  requestDevice(options: { filters: { classCode?: number; vendorId?: number }[] }): Promise<UsbDeviceLike>;
}

/** Whether this browser offers Web Serial (Chromium-based, secure context). */
export function hasWebSerial(): boolean {
  return typeof navigator !== "undefined" && "serial" in navigator;
}

/** Asks the user for a serial port (needs a user gesture) and wraps it as a PN532 reader. */
export async function requestWebSerialReader(options?: WebSerialReaderOptions): Promise<WebSerialReader> {
  const serial = (navigator as Navigator & { serial?: SerialLike }).serial;
  if (!serial)
    throw new ReaderError("unsupported", "This browser has no Web Serial: use a Chromium-based browser on https or localhost.", {
      reason: "no-web-serial",
    });
  return new WebSerialReader(await serial.requestPort(), options);
}

/** Asks the user for a CCID reader through WebUSB; Chromium refuses to claim it outside Isolated Web Apps. */
export async function requestWebUsbReader(options?: WebUsbReaderOptions): Promise<WebUsbReader> {
  const usb = (navigator as Navigator & { usb?: UsbLike }).usb;
  if (!usb) throw new ReaderError("unsupported", "This browser has no WebUSB.", { reason: "no-webusb" });
  return new WebUsbReader(await usb.requestDevice({ filters: [{ classCode: USB_CLASS_SMART_CARD }] }), options);
}
