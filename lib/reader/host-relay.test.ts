/**
 * The browser's half of a server-driven card conversation (host-relay.ts), against a stand-in server
 * that speaks the route's protocol: commands carried to the card in order, every answer so far posted,
 * the result or the refusal (with its status word) reported, a reader failure reported, no endless loop.
 */
import { describe, expect, it } from "vitest";
import { toHex } from "../core/bytes";
import { relayHostConversation } from "./host-relay";

/** A server whose script sends `commands` in turn, then answers the card's answers joined. */
function server(commands: string[], refuseAt?: { index: number; sw: string }) {
  const seen: unknown[] = [];
  const fetcher = (async (_url: string, init?: RequestInit) => {
    const body = JSON.parse(String(init?.body)) as { start?: unknown; ticket?: string; responses?: string[] };
    seen.push(body);
    const json = (status: number, value: unknown) => new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });
    if (body.start) return json(200, { ticket: "T".repeat(20), step: { kind: "command", apdu: commands[0] } });
    if (body.ticket !== "T".repeat(20)) return json(409, { error: "ticket-invalid", message: "no" });
    const n = body.responses!.length;
    if (refuseAt && n === refuseAt.index) return json(409, { error: "card-refused", message: `refused ${refuseAt.sw}`, sw: refuseAt.sw });
    return json(200, { step: n < commands.length ? { kind: "command", apdu: commands[n] } : { kind: "done", result: body.responses!.join("+") } });
  }) as typeof fetch;
  return { fetcher, seen };
}

const echoCard = async (apdu: Uint8Array) => Uint8Array.of(apdu[1]!, 0x90, 0x00);

describe("relayHostConversation", () => {
  it("carries each command to the card and posts every answer so far, then gives the result", async () => {
    const { fetcher, seen } = server(["00A40400", "80CA00E000"]);
    const progress: number[] = [];
    const outcome = await relayHostConversation<string>({ url: "/x", start: { start: true }, transmit: echoCard, fetcher, onCommand: (n) => progress.push(n) });
    expect(outcome).toEqual({ ok: true, result: "A49000+CA9000", commands: 2 });
    expect(progress).toEqual([1, 2]);
    expect(seen.at(-1)).toEqual({ ticket: "T".repeat(20), responses: ["A49000", "CA9000"] });
  });

  it("reports the server's refusal with the card's status word", async () => {
    const { fetcher } = server(["00A40400", "80CA00E000"], { index: 2, sw: "6A88" });
    expect(await relayHostConversation({ url: "/x", start: { start: true }, transmit: echoCard, fetcher })).toEqual({
      ok: false,
      code: "card-refused",
      message: "refused 6A88",
      sw: "6A88",
      commands: 2,
    });
  });

  it("reports a refused start and a reader that fails", async () => {
    const refusing = (async () => new Response(JSON.stringify({ error: "forbidden", message: "Not a provider." }), { status: 403 })) as typeof fetch;
    expect(await relayHostConversation({ url: "/x", start: { start: true }, transmit: echoCard, fetcher: refusing })).toMatchObject({
      ok: false,
      code: "forbidden",
      commands: 0,
    });
    const { fetcher } = server(["00A40400"]);
    const broken = async () => {
      throw new Error("card removed");
    };
    expect(await relayHostConversation({ url: "/x", start: { start: true }, transmit: broken, fetcher })).toMatchObject({
      ok: false,
      code: "reader",
      message: "card removed",
    });
  });

  it("stops a conversation that never ends", async () => {
    const endless = (async () =>
      new Response(JSON.stringify({ ticket: "T".repeat(20), step: { kind: "command", apdu: toHex(Uint8Array.of(0, 0xa4, 4, 0)) } }), {
        status: 200,
      })) as typeof fetch;
    expect(await relayHostConversation({ url: "/x", start: { start: true }, transmit: echoCard, fetcher: endless })).toMatchObject({
      ok: false,
      code: "too-long",
      commands: 64,
    });
  });
});
