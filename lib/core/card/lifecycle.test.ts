import { describe, expect, it } from "vitest";
import { cardInSlot, deletePermissionFor, lifeCyclePermissionFor, loadPermissionFor, sampleLoadFile, SAMPLE_AIDS, signDemo, type CardInSlot } from "./fixtures";
import type { CardLifeCycle } from "./gp";
import { SW } from "./status-words";
import { getStatus, loadApplication, readCardAttributeData, readCardId, readPlatformType, selectApplication, selectIsd, setCardLifeCycle } from "./terminal";

let sequence = 100;

async function setStatus(slot: CardInSlot, target: CardLifeCycle) {
  const token = await signDemo(lifeCyclePermissionFor({ cardId: slot.image.cardId, sequence: sequence++, target }));
  return setCardLifeCycle(slot.transmit, { target, token });
}

async function withTransit(platformType: 100 | 200 = 100): Promise<CardInSlot> {
  const slot = await cardInSlot(platformType);
  const token = await signDemo(loadPermissionFor({ cardId: slot.image.cardId, sequence: 1 }));
  const loaded = await loadApplication(slot.transmit, { permission: token, loadFile: sampleLoadFile("transit"), aid: SAMPLE_AIDS.transit });
  expect(loaded.ok).toBe(true);
  return slot;
}

describe("card life cycle (GP 2.3.1 §5.1.1): SECURED → CARD_LOCKED → TERMINATED", () => {
  it("starts SECURED and reports it in GET STATUS for the ISD", async () => {
    const slot = await cardInSlot(100);
    expect(slot.image.lifeCycle).toBe("SECURED");
    expect(await getStatus(slot.transmit, "isd")).toEqual({ ok: true, value: [{ aid: "A000000151000000", lifeCycle: 0x0f, privileges: "9E0000" }] });
  });

  it("when CARD_LOCKED allows only SELECT of the ISD (6283), GET DATA and SET STATUS", async () => {
    const slot = await withTransit(100);
    expect((await setStatus(slot, "CARD_LOCKED")).ok).toBe(true);
    expect(slot.card.image().lifeCycle).toBe("CARD_LOCKED");
    const isd = await selectIsd(slot.transmit);
    expect(isd.ok && isd.value.isCardLocked).toBe(true);
    expect(await readPlatformType(slot.transmit)).toEqual({ ok: true, value: 100 });
    expect(await readCardId(slot.transmit)).toEqual({ ok: true, value: slot.image.cardId });
    expect((await readCardAttributeData(slot.transmit)).ok).toBe(true);
    expect(await selectApplication(slot.transmit, SAMPLE_AIDS.transit)).toMatchObject({ ok: false, error: { sw: SW.FUNCTION_NOT_SUPPORTED } });
    expect(await slot.send("00A4040005A00000000300")).toBe("6A81");
    expect(await getStatus(slot.transmit)).toMatchObject({ ok: false, error: { sw: SW.CONDITIONS_NOT_SATISFIED } });
    const token = await signDemo(loadPermissionFor({ cardId: slot.image.cardId, sequence: 2, kind: "loyalty" }));
    expect(await loadApplication(slot.transmit, { permission: token, loadFile: sampleLoadFile("loyalty"), aid: SAMPLE_AIDS.loyalty })).toMatchObject({
      ok: false,
      error: { sw: SW.CONDITIONS_NOT_SATISFIED },
    });
    expect(await slot.send("80E40000094F07F000000001000100")).toBe("6985");
    // Unlocking is allowed and restores everything.
    expect((await setStatus(slot, "SECURED")).ok).toBe(true);
    expect((await selectApplication(slot.transmit, SAMPLE_AIDS.transit)).ok).toBe(true);
  });

  it("TERMINATED is irreversible: every command gets 6A81, across power cycles and image reloads", async () => {
    const slot = await withTransit(200);
    expect((await setStatus(slot, "TERMINATED")).ok).toBe(true);
    for (const hex of ["00A4040000", "80CADF7000", "80CADF7A00", "00C0000000", "", "FF", "80F0800F00", "805C000000"]) {
      expect(await slot.send(hex), hex).toBe("6A81");
    }
    const token = await signDemo(lifeCyclePermissionFor({ cardId: slot.image.cardId, sequence: sequence++, target: "SECURED" }));
    expect(await setCardLifeCycle(slot.transmit, { target: "SECURED", token })).toMatchObject({ ok: false, error: { sw: SW.FUNCTION_NOT_SUPPORTED } });
    slot.card.powerOff();
    slot.card.powerOn();
    expect(await slot.send("00A4040000")).toBe("6A81");
    expect(slot.card.image().lifeCycle).toBe("TERMINATED");
  });

  it("a locked card can be terminated; a secured card cannot go to SECURED again (6985)", async () => {
    const slot = await cardInSlot(100);
    expect(await setStatus(slot, "SECURED")).toMatchObject({ ok: false, error: { sw: SW.CONDITIONS_NOT_SATISFIED } });
    expect((await setStatus(slot, "CARD_LOCKED")).ok).toBe(true);
    expect(await setStatus(slot, "CARD_LOCKED")).toMatchObject({ ok: false, error: { sw: SW.CONDITIONS_NOT_SATISFIED } });
    expect((await setStatus(slot, "TERMINATED")).ok).toBe(true);
  });

  it("SET STATUS is gated by the issuer token: wrong target, wrong card, replay, expiry", async () => {
    const slot = await cardInSlot(100);
    const lock = await signDemo(lifeCyclePermissionFor({ cardId: slot.image.cardId, sequence: 1, target: "CARD_LOCKED" }));
    expect(await setCardLifeCycle(slot.transmit, { target: "TERMINATED", token: lock })).toMatchObject({
      ok: false,
      error: { sw: SW.SECURITY_STATUS_NOT_SATISFIED },
    });
    const otherCard = await signDemo(lifeCyclePermissionFor({ cardId: "0000000000000001", sequence: 2, target: "CARD_LOCKED" }));
    expect(await setCardLifeCycle(slot.transmit, { target: "CARD_LOCKED", token: otherCard })).toMatchObject({
      ok: false,
      error: { sw: SW.SECURITY_STATUS_NOT_SATISFIED },
    });
    const del = await signDemo(deletePermissionFor({ cardId: slot.image.cardId, sequence: 3, aid: SAMPLE_AIDS.transit }));
    expect(await setCardLifeCycle(slot.transmit, { target: "CARD_LOCKED", token: del })).toMatchObject({
      ok: false,
      error: { sw: SW.SECURITY_STATUS_NOT_SATISFIED },
    });
    expect((await setCardLifeCycle(slot.transmit, { target: "CARD_LOCKED", token: lock })).ok).toBe(true);
    const unlock = await signDemo(lifeCyclePermissionFor({ cardId: slot.image.cardId, sequence: 4, target: "SECURED" }));
    expect((await setCardLifeCycle(slot.transmit, { target: "SECURED", token: unlock })).ok).toBe(true);
    expect(await setCardLifeCycle(slot.transmit, { target: "CARD_LOCKED", token: lock })).toMatchObject({
      ok: false,
      error: { sw: SW.CONDITIONS_NOT_SATISFIED },
    });
    const late = await signDemo(
      lifeCyclePermissionFor({ cardId: slot.image.cardId, sequence: 5, target: "CARD_LOCKED", expiresAt: new Date("2026-01-01T00:00:01.000Z") }),
    );
    slot.env.advance(1000);
    expect(await setCardLifeCycle(slot.transmit, { target: "CARD_LOCKED", token: late })).toMatchObject({
      ok: false,
      error: { sw: SW.CONDITIONS_NOT_SATISFIED },
    });
    expect(slot.card.image().lifeCycle).toBe("SECURED");
  });

  it("a damaged card handed in and terminated through the reader refuses SELECT of every application it holds (6A81)", async () => {
    const slot = await withTransit(100);
    const token = await signDemo(loadPermissionFor({ cardId: slot.image.cardId, sequence: 2, kind: "loyalty" }));
    expect((await loadApplication(slot.transmit, { permission: token, loadFile: sampleLoadFile("loyalty"), aid: SAMPLE_AIDS.loyalty })).ok).toBe(true);
    const aids = slot.card.image().applications.map((a) => a.aid);
    expect(aids.sort()).toEqual([SAMPLE_AIDS.transit, SAMPLE_AIDS.loyalty].sort());
    for (const aid of aids) expect((await selectApplication(slot.transmit, aid)).ok).toBe(true);
    // The issuer's reader selects the security domain, then SET STATUS with its token.
    expect((await selectIsd(slot.transmit)).ok).toBe(true);
    expect((await setStatus(slot, "TERMINATED")).ok).toBe(true);
    for (const aid of [...aids, "A000000151000000"]) {
      expect(await selectApplication(slot.transmit, aid), aid).toMatchObject({ ok: false, error: { sw: SW.FUNCTION_NOT_SUPPORTED } });
    }
    expect(await readCardId(slot.transmit)).toMatchObject({ ok: false });
  });
});
