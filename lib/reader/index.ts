/** Browser-safe reader API; Node-only pieces live under lib/reader/node. */
export * from "./types";
export { ApduTrace, withTrace, type ApduTraceOptions, type TraceEntry, type TracingReader } from "./trace";
export { SimulatorReader } from "./simulator";
export { PresentedCardReader, httpApduRelay, type ApduRelay } from "./presented";
export { WebSerialReader, type SerialPortLike, type WebSerialReaderOptions } from "./webserial";
export { WebUsbReader, WEBUSB_SMART_CARD_BLOCKED_MESSAGE, type WebUsbReaderOptions } from "./webusb";
export { hasWebSerial, hasWebUsb, requestWebSerialReader, requestWebUsbReader } from "./browser";
export * from "./usb-types";
export * from "./pn532/frame";
export { Pn532StreamDecoder, type Pn532StreamEvent } from "./pn532/decoder";
export * from "./pn532/protocol";
export { Pn532Emulator, type Pn532EmulatorOptions } from "./pn532/emulator";
export { createEmulatedSerialPort, createFakeSerial, type EmulatedSerialPort, type EmulatedSerialPortOptions } from "./pn532/emulated-port";
export * from "./ccid/message";
export { createCcidDevice, type CcidDevice, type CcidDeviceOptions } from "./ccid/emulator";
export * from "./vpcd/frame";
export { VpcdCardSession, type VpcdSessionEvents } from "./vpcd/session";
export { relayHostConversation, type HostRelayOutcome } from "./host-relay";
