import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { PresenceState } from "../presence";
import { SerialQueue } from "../serial-queue";
import { ReaderError, type Reader } from "../types";
import { encodeVpcdFrame, encodeVpcdMessage, VpcdStreamDecoder } from "../vpcd/frame";

export interface VpcdReaderOptions {
  /** Listen address; 127.0.0.1 by default, since whoever reaches the port can insert a card. */
  readonly host?: string;
  /** 0 picks a free port (see `port` after connect). */
  readonly port?: number;
  readonly responseTimeoutMs?: number;
}

/**
 * The reader side of the vpcd protocol, as vpcd inside pcscd plays it: it listens, a card
 * (e.g. `npm run card -- vpcd --port …`) connects, and APDUs go over the same frames. Lets
 * Node code and tests use a bridged card through the one Reader interface.
 */
export class VpcdReader implements Reader {
  readonly transport = "pcsc-bridge" as const;
  readonly #options: Required<VpcdReaderOptions>;
  readonly #presence = new PresenceState();
  readonly #queue = new SerialQueue();
  #server: Server | null = null;
  #socket: Socket | null = null;
  #decoder = new VpcdStreamDecoder();
  #waiter: ((payload: Uint8Array | null) => void) | null = null;
  /** ATR the card gave when it connected. */
  atr: Uint8Array | null = null;

  constructor(options: VpcdReaderOptions = {}) {
    this.#options = { host: "127.0.0.1", port: 0, responseTimeoutMs: 5_000, ...options };
  }

  /** The port listened on (after connect). */
  get port(): number | null {
    const address = this.#server?.address();
    return address && typeof address === "object" ? (address as AddressInfo).port : null;
  }

  async connect(): Promise<void> {
    if (this.#server) return;
    const server = createServer((socket) => this.#accept(socket));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.#options.port, this.#options.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  }

  async disconnect(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    this.#socket?.destroy();
    this.#dropCard();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  isCardPresent(): boolean {
    return this.#presence.isPresent;
  }

  onPresenceChange(listener: (isPresent: boolean) => void): () => void {
    return this.#presence.subscribe(listener);
  }

  transmit(command: Uint8Array): Promise<Uint8Array> {
    return this.#queue.run(async () => {
      if (!this.#server) throw new ReaderError("not-connected", "vpcd reader: not listening");
      if (!this.#socket || !this.#presence.isPresent) throw new ReaderError("no-card", "vpcd reader: no card connected");
      const reply = await this.#ask(encodeVpcdMessage({ kind: "apdu", apdu: command }));
      if (reply === null) throw new ReaderError("no-card", "vpcd reader: the card went away");
      return reply;
    });
  }

  #accept(socket: Socket): void {
    if (this.#socket) {
      // One slot: a second card is turned away, as a reader with a card in it would.
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    this.#socket = socket;
    this.#decoder = new VpcdStreamDecoder();
    socket.on("data", (chunk: Buffer) => {
      for (const payload of this.#decoder.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))) {
        const waiter = this.#waiter;
        this.#waiter = null;
        waiter?.(payload);
      }
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      if (this.#socket === socket) {
        this.#socket = null;
        this.#dropCard();
      }
    });
    void this.#queue.run(async () => {
      socket.write(encodeVpcdFrame(encodeVpcdMessage({ kind: "power-on" })));
      const atr = await this.#ask(encodeVpcdMessage({ kind: "get-atr" }));
      if (atr === null || this.#socket !== socket) return;
      this.atr = atr;
      this.#presence.set(true);
    });
  }

  #dropCard(): void {
    this.atr = null;
    const waiter = this.#waiter;
    this.#waiter = null;
    waiter?.(null);
    this.#presence.set(false);
  }

  #ask(payload: Uint8Array): Promise<Uint8Array | null> {
    const socket = this.#socket;
    if (!socket) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiter = null;
        reject(new ReaderError("timeout", `vpcd reader: no answer within ${this.#options.responseTimeoutMs} ms`));
      }, this.#options.responseTimeoutMs);
      this.#waiter = (reply) => {
        clearTimeout(timer);
        resolve(reply);
      };
      socket.write(encodeVpcdFrame(payload));
    });
  }
}
