import { describe, expect, it } from "vitest";
import { toHex } from "../bytes";
import { ATTRIBUTE_DATA_LENGTH, decryptCardAttributeData } from "./cryptography";
import { DEMO_ISSUER_KEYS } from "@/lib/secrets/demo-issuer-keys";
import { generateIssuerKeys } from "./demo-keys";
import { cardInSlot } from "./fixtures";
import { SW } from "./status-words";
import { readCardAttributeData, readCardId } from "./terminal";

const issuerKey = DEMO_ISSUER_KEYS.encryption.privateKeyJwk;

describe("card attribute data (tag DF7A): the card id, only for the issuer", () => {
  it("differs on every read, and both reads decrypt to the card id with the issuer key", async () => {
    const slot = await cardInSlot(200);
    const first = await readCardAttributeData(slot.transmit);
    const second = await readCardAttributeData(slot.transmit);
    if (!first.ok || !second.ok) throw new Error("read failed");
    expect(first.value).toHaveLength(ATTRIBUTE_DATA_LENGTH);
    expect(toHex(first.value)).not.toBe(toHex(second.value));
    // No common substring an observer could link: the ephemeral keys differ entirely.
    expect(toHex(first.value.subarray(1, 66))).not.toBe(toHex(second.value.subarray(1, 66)));
    expect(toHex(first.value)).not.toContain(slot.image.cardId);
    expect(decryptCardAttributeData(issuerKey, first.value)).toEqual({ ok: true, value: { cardId: slot.image.cardId } });
    expect(decryptCardAttributeData(issuerKey, second.value)).toEqual({ ok: true, value: { cardId: slot.image.cardId } });
  });

  it("refuses a flipped bit anywhere", async () => {
    const slot = await cardInSlot(200);
    const read = await readCardAttributeData(slot.transmit);
    if (!read.ok) throw new Error("read failed");
    for (let byte = 0; byte < read.value.length; byte++) {
      for (const bit of [0x01, 0x80]) {
        const tampered = read.value.slice();
        tampered[byte]! ^= bit;
        expect(decryptCardAttributeData(issuerKey, tampered).ok, `byte ${byte} bit ${bit}`).toBe(false);
      }
    }
  });

  it("refuses malformed input and another issuer's key, with a reason", async () => {
    const slot = await cardInSlot(200);
    const read = await readCardAttributeData(slot.transmit);
    if (!read.ok) throw new Error("read failed");
    expect(decryptCardAttributeData(issuerKey, read.value.subarray(0, 89))).toMatchObject({ ok: false, error: expect.stringMatching(/90 bytes/) });
    expect(decryptCardAttributeData(issuerKey, new Uint8Array(90))).toMatchObject({ ok: false, error: expect.stringMatching(/version/) });
    const other = await generateIssuerKeys();
    expect(decryptCardAttributeData(other.encryption.privateKeyJwk, read.value)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/authentication failed/),
    });
    expect(decryptCardAttributeData(DEMO_ISSUER_KEYS.encryption.publicKeyJwk, read.value)).toMatchObject({ ok: false, error: expect.stringMatching(/"d"/) });
  });

  it("platform 200 refuses the card id (6982) while platform 100 answers it", async () => {
    const hidden = await cardInSlot(200);
    expect(await readCardId(hidden.transmit)).toMatchObject({ ok: false, error: { sw: SW.SECURITY_STATUS_NOT_SATISFIED } });
    const open = await cardInSlot(100);
    expect(await readCardId(open.transmit)).toEqual({ ok: true, value: open.image.cardId });
  });
});
