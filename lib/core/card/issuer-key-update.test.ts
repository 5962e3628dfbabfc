/**
 * Signed issuer key updates (issuer-key-update.ts): a desk relays them outside a secure channel; the
 * card takes them only with the issuer's signature by the key it already trusts, in order, forward.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../bytes";
import { DEMO_ISD_KEYS } from "@/lib/secrets/demo-isd-keys";
import { generateIssuerKeys, type IssuerKeys } from "./demo-keys";
import { DEMO_ISSUER_KEYS } from "@/lib/secrets/demo-issuer-keys";
import { encodeCommandApdu } from "./apdu";
import { cardInSlot, loadPermissionFor, SAMPLE_AIDS, signDemo } from "./fixtures";
import { decodeIssuerKeyUpdate, encodeIssuerKeyUpdate, issuerKeyFingerprint, signIssuerKeyUpdate, type IssuerKeyUpdate } from "./issuer-key-update";
import { buildLoadFile } from "./load-file";
import { applyIssuerKeyUpdates, openSecureChannel } from "./scp03-host";
import { SECURITY_LEVEL } from "./scp03";
import { loadApplication, selectIsd } from "./terminal";

const ISSUER = "RECARD01";
const ISD = { enc: fromHex(DEMO_ISD_KEYS.enc), mac: fromHex(DEMO_ISD_KEYS.mac), dek: fromHex(DEMO_ISD_KEYS.dek) };

function update(from: IssuerKeys, to: IssuerKeys, oldVersion: number, newVersion: number, issuerCompanyId = ISSUER): Promise<IssuerKeyUpdate> {
  return signIssuerKeyUpdate({
    issuerCompanyId,
    oldVersion,
    newVersion,
    signingPublicKeyJwk: to.signing.publicKeyJwk,
    encryptionPublicKeyJwk: to.encryption.publicKeyJwk,
    oldSigningPrivateKeyJwk: from.signing.privateKeyJwk,
  });
}

const putKey = (u: IssuerKeyUpdate, data = u.data) => encodeCommandApdu({ cla: 0x80, ins: 0xd8, p1: u.oldVersion, p2: 0x81, data, ne: 256, extended: false });
const sw = (r: Uint8Array) => toHex(r.subarray(-2));

describe("signed issuer key update (PUT KEY outside a channel)", () => {
  it("a card that missed two rotations takes both in order; tokens signed by the old key are refused, by the new accepted", async () => {
    const slot = await cardInSlot(200, "key-update-chain");
    const v71 = await generateIssuerKeys();
    const v72 = await generateIssuerKeys();
    const updates = [await update(v71, v72, 0x71, 0x72), await update(DEMO_ISSUER_KEYS, v71, 0x70, 0x71)];
    expect(await applyIssuerKeyUpdates(slot.transmit, updates)).toEqual({ ok: true, value: { from: 0x70, to: 0x72, applied: [0x71, 0x72] } });
    expect(slot.card.image().securityDomain?.issuerKeyVersion).toBe(0x72);
    // Already up to date: the card takes neither again (6A88 to each: it is past their versions).
    expect(await applyIssuerKeyUpdates(slot.transmit, updates)).toEqual({ ok: true, value: { from: null, to: null, applied: [] } });
    expect(slot.card.image().securityDomain?.issuerKeyVersion).toBe(0x72);
    await selectIsd(slot.transmit);
    const file = buildLoadFile({ kind: "transit", aid: SAMPLE_AIDS.transit, version: 1, codeSize: 64 });
    const old = await signDemo(loadPermissionFor({ cardId: slot.image.cardId, sequence: 1, loadFile: file }));
    expect(await loadApplication(slot.transmit, { permission: old, loadFile: file, aid: SAMPLE_AIDS.transit })).toMatchObject({
      ok: false,
      error: { sw: 0x6982 },
    });
    const fresh = await signDemo(loadPermissionFor({ cardId: slot.image.cardId, sequence: 2, loadFile: file }), v72.signing.privateKeyJwk);
    expect((await loadApplication(slot.transmit, { permission: fresh, loadFile: file, aid: SAMPLE_AIDS.transit })).ok).toBe(true);
  });

  it("refuses an update signed by a key the card does not hold, for another issuer, from another version, or backwards", async () => {
    const slot = await cardInSlot(100, "key-update-refusals");
    const stranger = await generateIssuerKeys();
    const next = await generateIssuerKeys();
    expect(sw(await slot.transmit(putKey(await update(stranger, next, 0x70, 0x71))))).toBe("6982");
    expect(sw(await slot.transmit(putKey(await update(DEMO_ISSUER_KEYS, next, 0x70, 0x71, "OTHER01"))))).toBe("6982");
    expect(sw(await slot.transmit(putKey(await update(DEMO_ISSUER_KEYS, next, 0x71, 0x72))))).toBe("6A88");
    expect(slot.card.image().securityDomain?.issuerKeyVersion).toBe(0x70);
    await expect(update(DEMO_ISSUER_KEYS, next, 0x71, 0x70)).rejects.toThrow(RangeError);
    expect(sw(await slot.transmit(putKey(await update(DEMO_ISSUER_KEYS, next, 0x70, 0x71))))).toBe("9000");
    // Replaying the same update: the card is past version 70 now.
    expect(sw(await slot.transmit(putKey(await update(DEMO_ISSUER_KEYS, next, 0x70, 0x71))))).toBe("6A88");
  });

  it("platform 200 outside a channel: one word (6A88) for every update it does not take, so a stranger's forgeries tell nothing; the ISD's channel gets the precise words", async () => {
    const at70 = await cardInSlot(200, "key-update-quiet-70");
    const at71 = await cardInSlot(200, "key-update-quiet-71");
    const v71 = await generateIssuerKeys();
    const v72 = await generateIssuerKeys();
    expect(await applyIssuerKeyUpdates(at71.transmit, [await update(DEMO_ISSUER_KEYS, v71, 0x70, 0x71)])).toMatchObject({ ok: true, value: { to: 0x71 } });
    const stranger = await generateIssuerKeys();
    // A stranger's forgeries from each version, a wrong issuer, a stale and a not-yet-reachable genuine update.
    const probes = [
      await update(stranger, v72, 0x70, 0x71),
      await update(stranger, v72, 0x71, 0x72),
      await update(stranger, v72, 0x72, 0x73),
      await update(DEMO_ISSUER_KEYS, v72, 0x70, 0x71, "OTHER01"),
      await update(v71, v72, 0x71, 0x72, "OTHER01"),
    ];
    for (const probe of probes) {
      for (const slot of [at70, at71]) expect(sw(await slot.transmit(putKey(probe))), `${probe.oldVersion} on ${slot.image.cardId}`).toBe("6A88");
    }
    expect(sw(await at71.transmit(putKey(await update(DEMO_ISSUER_KEYS, v71, 0x70, 0x71))))).toBe("6A88");
    expect(sw(await at70.transmit(putKey(await update(v71, v72, 0x71, 0x72))))).toBe("6A88");
    expect([at70, at71].map((s) => s.card.image().securityDomain?.issuerKeyVersion)).toEqual([0x70, 0x71]);
    // Inside the ISD's channel (the issuer) the words are precise again: 6982 for a forgery from the card's version.
    const channel = await openSecureChannel(at70.transmit, {
      keys: ISD,
      keyVersion: 0x30,
      level: SECURITY_LEVEL.C_MAC_R_MAC,
      hostChallenge: new Uint8Array(8),
    });
    if (!channel.ok) throw new Error(channel.error.meaning);
    expect(sw(await channel.value.transmit(putKey(probes[0]!)))).toBe("6982");
    // Platform 100 keeps the open words: 6982 for a forgery from its own version.
    const open100 = await cardInSlot(100, "key-update-open-100");
    expect(sw(await open100.transmit(putKey(probes[0]!)))).toBe("6982");
  });

  it("any flipped bit of a signed update is refused and the card keeps its keys", async () => {
    const slot = await cardInSlot(200, "key-update-bits");
    const next = await generateIssuerKeys();
    const good = await update(DEMO_ISSUER_KEYS, next, 0x70, 0x71);
    const before = slot.card.image().keys;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: good.data.length * 8 - 1 }), async (bit) => {
        const data = good.data.slice();
        data[bit >> 3]! ^= 1 << (bit & 7);
        const answer = sw(await slot.transmit(putKey(good, data)));
        expect(answer).not.toBe("9000");
        expect(slot.card.image().keys).toEqual(before);
      }),
      { numRuns: 60 },
    );
  });

  it("encodes to one byte string and back; the fingerprint names both keys", async () => {
    const next = await generateIssuerKeys();
    const u = await update(DEMO_ISSUER_KEYS, next, 0x70, 0x71);
    const bytes = encodeIssuerKeyUpdate(u);
    expect(decodeIssuerKeyUpdate(bytes)).toEqual({ ok: true, value: u });
    expect(decodeIssuerKeyUpdate(bytes.subarray(1)).ok).toBe(false);
    const fp = await issuerKeyFingerprint(next.signing.publicKeyJwk, next.encryption.publicKeyJwk);
    expect(fp).toMatch(/^[0-9A-F]{4}( [0-9A-F]{4}){3}$/);
    expect(fp).not.toBe(await issuerKeyFingerprint(DEMO_ISSUER_KEYS.signing.publicKeyJwk, next.encryption.publicKeyJwk));
  });
});
