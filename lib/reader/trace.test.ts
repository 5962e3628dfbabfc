import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "@/lib/core/bytes";
import { FakeCard } from "./fake-card";
import { SimulatorReader } from "./simulator";
import { ApduTrace, withTrace } from "./trace";

function fixedClock() {
  let t = 0;
  return { now: () => new Date(Date.UTC(2025, 0, 1, 0, 0, t)), clock: () => (t += 2) };
}

describe("APDU trace", () => {
  it("records command, response, SW and duration of each exchange (the meaning is rendered from the SW)", async () => {
    const trace = new ApduTrace(fixedClock());
    const reader = withTrace(new SimulatorReader(new FakeCard()), trace);
    await reader.connect();
    await reader.transmit(fromHex("80CADF7000"));
    await reader.transmit(fromHex("00A4040005A000000001"));
    const [first, second] = trace.getSnapshot();
    expect(first).toMatchObject({ id: 1, sw: 0x9000, durationMs: 2 });
    expect(first).not.toHaveProperty("meaning");
    expect(toHex(first!.command)).toBe("80CADF7000");
    expect(toHex(first!.response!)).toBe("DF700200649000");
    expect(second).toMatchObject({ id: 2, sw: 0x6a82 });
  });

  it("records reader failures and rethrows them", async () => {
    const trace = new ApduTrace();
    const reader = withTrace(new SimulatorReader(), trace);
    await reader.connect();
    await expect(reader.transmit(fromHex("80CADF7000"))).rejects.toMatchObject({ code: "no-card" });
    expect(trace.getSnapshot()[0]).toMatchObject({ response: null, sw: null, error: "simulator reader: no card inserted" });
  });

  it("keeps a stable snapshot between changes and notifies subscribers (useSyncExternalStore)", async () => {
    const trace = new ApduTrace({ maxEntries: 2 });
    const reader = withTrace(new SimulatorReader(new FakeCard()), trace);
    await reader.connect();
    let notified = 0;
    const off = trace.subscribe(() => notified++);
    const empty = trace.getSnapshot();
    expect(trace.getSnapshot()).toBe(empty);
    for (let i = 0; i < 3; i++) await reader.transmit(fromHex("80CADF7000"));
    expect(notified).toBe(3);
    expect(trace.getSnapshot().map((e) => e.id)).toEqual([2, 3]);
    const snapshot = trace.getSnapshot();
    expect(trace.getSnapshot()).toBe(snapshot);
    trace.clear();
    expect(trace.getSnapshot()).toEqual([]);
    expect(notified).toBe(4);
    off();
    trace.clear();
    await reader.transmit(fromHex("80CADF7000"));
    expect(notified).toBe(4);
  });
});

describe("simulator reader", () => {
  it("powers the card on insert and reports presence changes", async () => {
    const reader = new SimulatorReader();
    const seen: boolean[] = [];
    reader.onPresenceChange((present) => seen.push(present));
    const card = new FakeCard();
    expect(toHex(reader.insert(card))).toBe(toHex(card.atr));
    expect(card.isPowered).toBe(true);
    await expect(reader.transmit(fromHex("80CADF7000"))).rejects.toMatchObject({ code: "not-connected" });
    await reader.connect();
    expect(toHex(await reader.transmit(fromHex("80CADF7000")))).toBe("DF700200649000");
    expect(reader.remove()).toBe(card);
    expect(card.isPowered).toBe(false);
    expect(reader.isCardPresent()).toBe(false);
    expect(seen).toEqual([true, false]);
  });
});
