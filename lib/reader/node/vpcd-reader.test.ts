import { afterEach, describe, expect, it } from "vitest";
import { fromHex, toHex } from "@/lib/core/bytes";
import { createDemoCard, seededCardEnv, SimulatedCard } from "@/lib/core/card";
import { readCardId, selectIsd } from "@/lib/core/card/terminal";
import { startVpcdClient, type VpcdClient } from "./vpcd-client";
import { VpcdReader } from "./vpcd-reader";

let reader: VpcdReader | null = null;
let client: VpcdClient | null = null;
afterEach(async () => {
  await client?.close();
  await reader?.disconnect();
  client = null;
  reader = null;
});

function presence(r: VpcdReader, wanted: boolean): Promise<void> {
  if (r.isCardPresent() === wanted) return Promise.resolve();
  return new Promise((resolve) => {
    const off = r.onPresenceChange((present) => {
      if (present !== wanted) return;
      off();
      resolve();
    });
  });
}

describe("vpcd client ↔ vpcd reader over TCP", () => {
  it("serves the simulated card through the pcsc-bridge Reader", async () => {
    const { image } = await createDemoCard({ platformType: 100, env: seededCardEnv("vpcd-reader") });
    const card = new SimulatedCard(image, seededCardEnv("slot"));
    reader = new VpcdReader();
    await reader.connect();
    await expect(reader.transmit(fromHex("80CADF7000"))).rejects.toMatchObject({ code: "no-card" });
    const applied: string[] = [];
    client = startVpcdClient({ card, port: reader.port!, onChange: (c) => applied.push(toHex(c)) });
    await presence(reader, true);
    expect(toHex(reader.atr!)).toBe(toHex(card.atr));
    const transmit = (apdu: Uint8Array) => reader!.transmit(apdu);
    expect(await selectIsd(transmit)).toMatchObject({ ok: true });
    expect(await readCardId(transmit)).toEqual({ ok: true, value: image.cardId });
    // An extended APDU larger than any short frame travels in one vpcd frame.
    const big = await reader.transmit(Uint8Array.from([0x80, 0x10, 0x00, 0x00, 0x00, 0x10, 0x00, ...new Uint8Array(0x1000)]));
    expect(big.length).toBe(2);
    expect(applied.length).toBeGreaterThanOrEqual(3);
    await client.close();
    client = null;
    await presence(reader, false);
  });
});
