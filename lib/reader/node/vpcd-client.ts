import { createConnection, type Socket } from "node:net";
import type { CardLike } from "../types";
import { VPCD_DEFAULT_PORT, VpcdStreamDecoder } from "../vpcd/frame";
import { VpcdCardSession } from "../vpcd/session";

export type VpcdClientState = "connecting" | "connected" | "waiting" | "closed";

export interface VpcdClientOptions {
  readonly card: CardLike;
  readonly host?: string;
  /** 35963 is reader 0 ("Virtual PCD 00 00"), 35964 reader 1. */
  readonly port?: number;
  /** Called after each APDU the card answered: save the card image here. */
  readonly onChange?: (command: Uint8Array, response: Uint8Array) => void;
  readonly onState?: (state: VpcdClientState, detail?: string) => void;
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

export interface VpcdClient {
  readonly state: VpcdClientState;
  /** Resolves once connected to vpcd (at once if already). */
  connected(): Promise<void>;
  /** Stops reconnecting and closes the socket. */
  close(): Promise<void>;
}

/**
 * Puts a simulated card into a vpcd reader: the card is the TCP client, vpcd (inside pcscd)
 * the server. Retries with exponential backoff while vpcd is not up, and again whenever
 * pcscd restarts.
 */
export function startVpcdClient(options: VpcdClientOptions): VpcdClient {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? VPCD_DEFAULT_PORT;
  const minBackoff = options.minBackoffMs ?? 100;
  const maxBackoff = options.maxBackoffMs ?? 5_000;
  let state: VpcdClientState = "connecting";
  let socket: Socket | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let backoff = minBackoff;
  let waiters: (() => void)[] = [];

  const setState = (next: VpcdClientState, detail?: string) => {
    state = next;
    options.onState?.(next, detail);
    if (next === "connected") {
      for (const resolve of waiters) resolve();
      waiters = [];
    }
  };

  const connect = () => {
    if (state === "closed") return;
    setState("connecting", `${host}:${port}`);
    const session = new VpcdCardSession(options.card, { onApdu: options.onChange });
    const decoder = new VpcdStreamDecoder();
    // Frames are answered strictly in order: an APDU may take a while, and get-ATR polls keep coming.
    let chain: Promise<void> = Promise.resolve();
    const s = createConnection({ host, port });
    socket = s;
    // vpcd answers per frame; without NODELAY, Nagle holds our small replies back (STACK.md, "Latency artefact").
    s.setNoDelay(true);
    s.on("connect", () => {
      backoff = minBackoff;
      setState("connected", `${host}:${port}`);
    });
    s.on("data", (chunk: Buffer) => {
      const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      for (const payload of decoder.push(bytes)) {
        chain = chain.then(async () => {
          const reply = await session.handle(payload);
          if (reply && !s.destroyed) s.write(reply);
        });
      }
    });
    s.on("error", () => {
      // "close" follows and schedules the retry; the error text goes out with it.
    });
    s.on("close", (hadError) => {
      if (socket === s) socket = null;
      if (state === "closed") return;
      setState("waiting", `${hadError ? "cannot reach" : "lost"} vpcd at ${host}:${port}; retrying in ${backoff} ms`);
      timer = setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, maxBackoff);
    });
  };

  connect();

  return {
    get state() {
      return state;
    },
    connected() {
      if (state === "connected") return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push(resolve));
    },
    async close() {
      setState("closed");
      if (timer) clearTimeout(timer);
      const s = socket;
      socket = null;
      if (s && !s.destroyed) {
        await new Promise<void>((resolve) => {
          s.once("close", () => resolve());
          s.end();
          setTimeout(() => s.destroy(), 500).unref();
        });
      }
    },
  };
}
