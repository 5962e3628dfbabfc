/**
 * Rotation after a key compromise (docs/card.md "Issuer key rotation"): a leaked signing key can move a
 * card that still trusts it with a signed update, but never one the issuer has already taken to the next
 * version through its ISD channel; and the ISD channel recovers a card the leaked key moved.
 */
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../bytes";
import { encodeCommandApdu } from "./apdu";
import { DEMO_ISSUER_KEYS } from "@/lib/secrets/demo-issuer-keys";
import { DEMO_ISD_KEYS } from "@/lib/secrets/demo-isd-keys";
import { generateIssuerKeys } from "./demo-keys";
import { publicKeyFromJwk } from "./cryptography";
import { cardInSlot, loadPermissionFor, SAMPLE_AIDS, signDemo, type CardInSlot } from "./fixtures";
import { signIssuerKeyUpdate } from "./issuer-key-update";
import { buildLoadFile } from "./load-file";
import { SECURITY_LEVEL } from "./scp03";
import { applyIssuerKeyUpdates, openSecureChannel, putIssuerKeys, readIssuerKeyVersion } from "./scp03-host";
import { loadApplication, selectIsd } from "./terminal";

const ISD = { enc: fromHex(DEMO_ISD_KEYS.enc), mac: fromHex(DEMO_ISD_KEYS.mac), dek: fromHex(DEMO_ISD_KEYS.dek) };

async function isdChannel(slot: CardInSlot) {
  await selectIsd(slot.transmit);
  const r = await openSecureChannel(slot.transmit, {
    keys: ISD,
    keyVersion: 0,
    level: SECURITY_LEVEL.C_MAC_C_DEC_R_MAC_R_ENC,
    hostChallenge: fromHex("A1A2A3A4A5A6A7A8"),
  });
  if (!r.ok) throw new Error(r.error.meaning);
  return r.value;
}

describe("rotation after a compromise of the issuer's signing key (version 70 leaked)", () => {
  it("the card the issuer moved to 71 through its channel refuses the thief's signed updates; a card the thief moved is recovered", async () => {
    const issuer71 = await generateIssuerKeys();
    const thief = await generateIssuerKeys();
    const points = (k: Awaited<ReturnType<typeof generateIssuerKeys>>) => ({
      signingPublicKey: publicKeyFromJwk(k.signing.publicKeyJwk),
      encryptionPublicKey: publicKeyFromJwk(k.encryption.publicKeyJwk),
    });
    // The thief signs updates with the leaked 70 key (anyone holding it can): 70 → 7F and 71 → 72.
    const stolen = (oldVersion: number, newVersion: number) =>
      signIssuerKeyUpdate({
        issuerCompanyId: "RECARD01",
        oldVersion,
        newVersion,
        signingPublicKeyJwk: thief.signing.publicKeyJwk,
        encryptionPublicKeyJwk: thief.encryption.publicKeyJwk,
        oldSigningPrivateKeyJwk: DEMO_ISSUER_KEYS.signing.privateKeyJwk,
      });

    // Card A meets the issuer first: PUT KEY 70 → 71 inside the ISD channel (no signed update exists for 71).
    const a = await cardInSlot(200, "compromise-a");
    expect(await putIssuerKeys(await isdChannel(a), { oldVersion: 0x70, newVersion: 0x71, ...points(issuer71) })).toEqual({
      ok: true,
      value: { keyVersion: 0x71 },
    });
    await selectIsd(a.transmit);
    // The thief's 70 → 7F no longer applies (the card is past 70); nor does its 71 → 72, signed with the leaked 70
    // key. A platform-200 card answers both 6A88 outside a channel (it does not say why: docs/card.md "Private reads").
    expect(await applyIssuerKeyUpdates(a.transmit, [await stolen(0x70, 0x7f)])).toEqual({ ok: true, value: { from: null, to: null, applied: [] } });
    expect(await applyIssuerKeyUpdates(a.transmit, [await stolen(0x71, 0x72)])).toEqual({ ok: true, value: { from: null, to: null, applied: [] } });
    expect(a.card.image().securityDomain?.issuerKeyVersion).toBe(0x71);
    // Inside the ISD's channel the card says it: the signature does not verify with the key it holds (6982).
    const channel = await isdChannel(a);
    const forged = await stolen(0x71, 0x72);
    expect(
      toHex(
        (await channel.transmit(encodeCommandApdu({ cla: 0x80, ins: 0xd8, p1: 0x71, p2: 0x81, data: forged.data, ne: 256, extended: false }))).subarray(-2),
      ),
    ).toBe("6982");
    await selectIsd(a.transmit);

    // Card B met the thief first: moved to 7F with the leaked key; its tokens would be the thief's.
    const b = await cardInSlot(200, "compromise-b");
    expect(await applyIssuerKeyUpdates(b.transmit, [await stolen(0x70, 0x7f)])).toEqual({ ok: true, value: { from: 0x70, to: 0x7f, applied: [0x7f] } });
    // The issuer's channel recovers it: 7F → 71 (a signed update could never go back; the ISD channel can).
    expect(await putIssuerKeys(await isdChannel(b), { oldVersion: 0x7f, newVersion: 0x71, ...points(issuer71) })).toEqual({
      ok: true,
      value: { keyVersion: 0x71 },
    });
    expect(await readIssuerKeyVersion((await isdChannel(b)).transmit)).toEqual({ ok: true, value: 0x71 });
    await selectIsd(b.transmit);
    const file = buildLoadFile({ kind: "transit", aid: SAMPLE_AIDS.transit, version: 1, codeSize: 64 });
    const thiefToken = await signDemo(loadPermissionFor({ cardId: b.image.cardId, sequence: 3, loadFile: file }), thief.signing.privateKeyJwk);
    expect(await loadApplication(b.transmit, { permission: thiefToken, loadFile: file, aid: SAMPLE_AIDS.transit })).toMatchObject({
      ok: false,
      error: { sw: 0x6982 },
    });
    const issuerToken = await signDemo(loadPermissionFor({ cardId: b.image.cardId, sequence: 4, loadFile: file }), issuer71.signing.privateKeyJwk);
    expect((await loadApplication(b.transmit, { permission: issuerToken, loadFile: file, aid: SAMPLE_AIDS.transit })).ok).toBe(true);
  });
});
