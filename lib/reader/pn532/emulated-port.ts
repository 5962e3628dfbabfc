import type { CardLike } from "../types";
import type { SerialPortLike } from "../webserial";
import { Pn532Emulator } from "./emulator";

export interface EmulatedSerialPortOptions {
  readonly card?: CardLike;
  readonly nfcId?: Uint8Array;
  readonly requireWakeUp?: boolean;
  /** How the UART delivers the PN532's bytes to the host; tests split and merge chunks with it. */
  readonly chunk?: (bytes: Uint8Array) => Uint8Array[];
  /** Corrupts bytes on their way to the PN532 (tests of the NACK path). */
  readonly tamperHostBytes?: (bytes: Uint8Array) => Uint8Array;
}

/** A stand-in `SerialPort` with a PN532 and a card behind it. */
export interface EmulatedSerialPort extends SerialPortLike {
  readonly emulator: Pn532Emulator;
  readonly isOpen: boolean;
}

/**
 * A serial port whose far end is the PN532 emulator: the Web Serial transport drives the real
 * framing code against the real framing code. E2e tests inject it as `navigator.serial`'s port.
 */
export function createEmulatedSerialPort(options: EmulatedSerialPortOptions = {}): EmulatedSerialPort {
  let controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  let readable: ReadableStream<Uint8Array> | null = null;
  let writable: WritableStream<Uint8Array> | null = null;
  const chunk = options.chunk ?? ((bytes: Uint8Array) => [bytes]);
  const emulator = new Pn532Emulator({
    nfcId: options.nfcId,
    requireWakeUp: options.requireWakeUp,
    send(bytes) {
      if (!controller) return;
      for (const part of chunk(bytes)) controller.enqueue(part.slice());
    },
  });
  if (options.card) emulator.insert(options.card);
  const tamper = options.tamperHostBytes ?? ((bytes: Uint8Array) => bytes);

  return {
    emulator,
    get isOpen() {
      return readable !== null;
    },
    get readable() {
      return readable;
    },
    get writable() {
      return writable;
    },
    async open() {
      if (readable) throw new DOMException("The port is already open.", "InvalidStateError");
      readable = new ReadableStream<Uint8Array>({
        start(c) {
          controller = c;
        },
        cancel() {
          controller = null;
        },
      });
      writable = new WritableStream<Uint8Array>({
        write(bytes) {
          emulator.receive(tamper(bytes.slice()));
        },
      });
    },
    async close() {
      if (!readable) throw new DOMException("The port is already closed.", "InvalidStateError");
      try {
        controller?.close();
      } catch {
        // Already closed by a cancelled reader.
      }
      controller = null;
      readable = null;
      writable = null;
    },
  };
}

/** A `navigator.serial` stand-in offering the given ports (requestPort never settles headless). */
export function createFakeSerial(ports: readonly SerialPortLike[]) {
  return {
    async requestPort(): Promise<SerialPortLike> {
      const port = ports[0];
      if (!port) throw new DOMException("No port selected by the user.", "NotFoundError");
      return port;
    },
    async getPorts(): Promise<SerialPortLike[]> {
      return [...ports];
    },
    addEventListener(): void {},
    removeEventListener(): void {},
  };
}
