/** Browser-safe reader API; Node-only pieces live under lib/reader/node. */
export * from "./types";
export { ApduTrace, withTrace, type TraceEntry, type TracingReader } from "./trace";
export { SimulatorReader } from "./simulator";
export { PresentedCardReader, httpApduRelay } from "./presented";
export { hasWebSerial, requestWebSerialReader, requestWebUsbReader } from "./browser";
export * from "./usb-types";
export * from "./pn532/frame";
export * from "./pn532/protocol";
export * from "./ccid/message";
export * from "./vpcd/frame";
export { relayHostConversation } from "./host-relay";
