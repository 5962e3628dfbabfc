import { afterEach, describe, expect, it } from "vitest";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { fromHex, toHex } from "@/lib/core/bytes";
import { FakeCard } from "../fake-card";
import { encodeVpcdFrame, VpcdStreamDecoder } from "../vpcd/frame";
import { startVpcdClient, type VpcdClient } from "./vpcd-client";

/** A stand-in for vpcd: the TCP server side, sending frames and collecting replies. */
function fakeVpcd(port = 0): Promise<{ server: Server; port: number; socket: Promise<Socket>; ask(socket: Socket, payload: string): Promise<string> }> {
  return new Promise((resolve) => {
    let onSocket: (s: Socket) => void = () => undefined;
    const socket = new Promise<Socket>((r) => (onSocket = r));
    const decoders = new WeakMap<Socket, { decoder: VpcdStreamDecoder; waiting: ((p: Uint8Array) => void)[] }>();
    const server = createServer((s) => {
      const state = { decoder: new VpcdStreamDecoder(), waiting: [] as ((p: Uint8Array) => void)[] };
      decoders.set(s, state);
      s.on("data", (chunk) => {
        for (const payload of state.decoder.push(new Uint8Array(chunk))) state.waiting.shift()?.(payload);
      });
      onSocket(s);
    });
    server.listen(port, "127.0.0.1", () => {
      resolve({
        server,
        port: (server.address() as AddressInfo).port,
        socket,
        ask(s, payload) {
          const state = decoders.get(s)!;
          const reply = new Promise<string>((r) => state.waiting.push((p) => r(toHex(p))));
          // Length and payload in separate writes, as Debian's vpcd does.
          const frame = encodeVpcdFrame(fromHex(payload));
          s.write(frame.subarray(0, 2));
          s.write(frame.subarray(2));
          return reply;
        },
      });
    });
  });
}

let client: VpcdClient | null = null;
const servers: Server[] = [];
afterEach(async () => {
  await client?.close();
  client = null;
  for (const server of servers.splice(0)) await new Promise((r) => server.close(r));
});

describe("vpcd client", () => {
  it("answers get-ATR and APDUs over TCP and reports each APDU", async () => {
    const vpcd = await fakeVpcd();
    servers.push(vpcd.server);
    const card = new FakeCard(100);
    const changes: string[] = [];
    client = startVpcdClient({ card, port: vpcd.port, onChange: (c) => changes.push(toHex(c)) });
    await client.connected();
    const s = await vpcd.socket;
    s.write(encodeVpcdFrame(fromHex("01")));
    expect(await vpcd.ask(s, "04")).toBe(toHex(card.atr));
    expect(await vpcd.ask(s, "00A4040008A000000151000000")).toMatch(/^6F.*9000$/);
    expect(await vpcd.ask(s, "80CADF7000")).toBe("DF700200649000");
    expect(changes).toEqual(["00A4040008A000000151000000", "80CADF7000"]);
  });

  it("keeps retrying until vpcd is up", async () => {
    const probe = await fakeVpcd();
    const port = probe.port;
    await new Promise((r) => probe.server.close(r));
    const states: string[] = [];
    client = startVpcdClient({ card: new FakeCard(), port, minBackoffMs: 20, onState: (s) => states.push(s) });
    await new Promise((r) => setTimeout(r, 100));
    expect(client.state).not.toBe("connected");
    const vpcd = await fakeVpcd(port);
    servers.push(vpcd.server);
    await client.connected();
    expect(states).toContain("waiting");
    const s = await vpcd.socket;
    expect(await vpcd.ask(s, "04")).toBe("3B86800152454341524404");
  });
});
