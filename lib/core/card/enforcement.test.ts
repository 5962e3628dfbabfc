import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../bytes";
import { cardBinding } from "./cryptography";
import { DEMO_ISSUER_KEYS } from "@/lib/secrets/demo-issuer-keys";
import { generateIssuerKeys } from "./demo-keys";
import {
  cardInSlot,
  deletePermissionFor,
  inSlot,
  issuerMessageId,
  loadPermissionFor,
  sampleLoadFile,
  SAMPLE_AIDS,
  signDemo,
  type CardInSlot,
} from "./fixtures";
import { MAX_CONFIRMATION_COUNTER } from "./gp";
import { buildLoadFile } from "./load-file";
import { decodeReceipt, verifyReceipt } from "./receipt";
import { SW } from "./status-words";
import { deleteApplication, installAndMakeSelectableCommand, installForLoadCommand, loadApplication, loadCommands, type CardResult } from "./terminal";

const transitFile = sampleLoadFile("transit");

async function load(slot: CardInSlot, token: Uint8Array, options: { loadFile?: Uint8Array; aid?: string } = {}): Promise<CardResult<{ receipt: Uint8Array }>> {
  return loadApplication(slot.transmit, { permission: token, loadFile: options.loadFile ?? transitFile, aid: options.aid ?? SAMPLE_AIDS.transit });
}

function refusedWith(result: CardResult<unknown>, sw: number, step: RegExp = /INSTALL \[for load\]/): void {
  expect(result.ok).toBe(false);
  if (!result.ok) {
    expect(result.error.sw).toBe(sw);
    expect(result.error.step).toMatch(step);
  }
}

describe("card-side enforcement of issuer permissions (GP Delegated Management tokens)", () => {
  it("accepts a valid permission and returns a receipt the issuer verifies", async () => {
    const slot = await cardInSlot(200);
    const permission = loadPermissionFor({ cardId: slot.image.cardId, sequence: 1 });
    const result = await load(slot, await signDemo(permission));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const info = await verifyReceipt(result.value.receipt, slot.cardPublicKeyJwk, permission);
    expect(info).toEqual({
      ok: true,
      value: {
        operation: "load",
        messageId: permission.messageId,
        cardBinding: permission.cardBinding,
        aid: SAMPLE_AIDS.transit,
        kind: "first-load",
        loadFileHash: permission.loadFileHash,
        confirmationCounter: 1,
        cardTime: new Date("2026-01-01T00:00:00.000Z"),
      },
    });
    expect(toHex(result.value.receipt)).not.toContain(slot.image.cardId);
    expect(slot.card.image().confirmationCounter).toBe(1);
    expect(slot.card.image().applications.map((a) => a.aid)).toEqual([SAMPLE_AIDS.transit]);
  });

  it("refuses a permission bound to another card (6982)", async () => {
    const slot = await cardInSlot(100);
    refusedWith(await load(slot, await signDemo(loadPermissionFor({ cardId: "FEDCBA9876543210", sequence: 1 }))), SW.SECURITY_STATUS_NOT_SATISFIED);
  });

  it("refuses a permission whose binding was computed for another message id (6982)", async () => {
    const slot = await cardInSlot(100);
    const permission = { ...loadPermissionFor({ cardId: slot.image.cardId, sequence: 1 }), cardBinding: cardBinding(slot.image.cardId, issuerMessageId(2)) };
    refusedWith(await load(slot, await signDemo(permission)), SW.SECURITY_STATUS_NOT_SATISFIED);
  });

  it("refuses a permission for another AID (6982)", async () => {
    const slot = await cardInSlot(100);
    const other = buildLoadFile({ kind: "transit", aid: "F0000000019999", version: 1, codeSize: 100 });
    const permission = loadPermissionFor({ cardId: slot.image.cardId, sequence: 1, loadFile: other });
    refusedWith(await load(slot, await signDemo(permission), { loadFile: other, aid: "F0000000019999" }), SW.SECURITY_STATUS_NOT_SATISFIED);
  });

  it("refuses a tampered signature or body (6982)", async () => {
    const slot = await cardInSlot(100);
    const token = await signDemo(loadPermissionFor({ cardId: slot.image.cardId, sequence: 1 }));
    const badSignature = token.slice();
    badSignature[badSignature.length - 5]! ^= 0x01;
    refusedWith(await load(slot, badSignature), SW.SECURITY_STATUS_NOT_SATISFIED);
    const badBody = fromHex(toHex(token).replace(toHex(new TextEncoder().encode("METRO01")), toHex(new TextEncoder().encode("METRO02"))));
    refusedWith(await load(slot, badBody), SW.SECURITY_STATUS_NOT_SATISFIED);
  });

  it("refuses a permission signed with another issuer's key (6982)", async () => {
    const slot = await cardInSlot(100);
    const other = await generateIssuerKeys();
    refusedWith(
      await load(slot, await signDemo(loadPermissionFor({ cardId: slot.image.cardId, sequence: 1 }), other.signing.privateKeyJwk)),
      SW.SECURITY_STATUS_NOT_SATISFIED,
    );
  });

  it("refuses a permission naming another issuer company, even with the right key (6982)", async () => {
    const slot = await cardInSlot(100);
    const messageId = "RECARD02-METRO01-I0000000001";
    const permission = { ...loadPermissionFor({ cardId: slot.image.cardId, sequence: 1 }), messageId, cardBinding: cardBinding(slot.image.cardId, messageId) };
    refusedWith(await load(slot, await signDemo(permission)), SW.SECURITY_STATUS_NOT_SATISFIED);
  });

  it("refuses a delete token presented for a load, and a load token for a delete (6982)", async () => {
    const slot = await cardInSlot(100);
    const del = await signDemo(deletePermissionFor({ cardId: slot.image.cardId, sequence: 1, aid: SAMPLE_AIDS.transit }));
    refusedWith(await load(slot, del), SW.SECURITY_STATUS_NOT_SATISFIED);
    const loadToken = await signDemo(loadPermissionFor({ cardId: slot.image.cardId, sequence: 2 }));
    refusedWith(await deleteApplication(slot.transmit, { permission: loadToken, aid: SAMPLE_AIDS.transit }), SW.SECURITY_STATUS_NOT_SATISFIED, /DELETE/);
  });

  it("refuses a load file other than the permitted one at the last LOAD block (6982)", async () => {
    const slot = await cardInSlot(100);
    const permission = loadPermissionFor({ cardId: slot.image.cardId, sequence: 1 });
    const token = await signDemo(permission);
    const first = await slot.transmit(
      installForLoadCommand({ aid: SAMPLE_AIDS.transit, loadFileHash: permission.loadFileHash, permission: token, codeSize: transitFile.length }),
    );
    expect(toHex(first)).toBe("009000");
    const forged = transitFile.slice();
    forged[forged.length - 1]! ^= 0xff;
    const blocks = loadCommands(forged);
    for (const block of blocks.slice(0, -1)) expect(toHex(await slot.transmit(block))).toBe("9000");
    expect(toHex(await slot.transmit(blocks.at(-1)!))).toBe("6982");
    expect(slot.card.image().applications).toEqual([]);
  });

  it("refuses LOAD blocks out of sequence (6A86) and aborts the load", async () => {
    const slot = await cardInSlot(100);
    const permission = loadPermissionFor({ cardId: slot.image.cardId, sequence: 1 });
    const token = await signDemo(permission);
    await slot.transmit(
      installForLoadCommand({ aid: SAMPLE_AIDS.transit, loadFileHash: permission.loadFileHash, permission: token, codeSize: transitFile.length }),
    );
    const blocks = loadCommands(transitFile);
    expect(toHex(await slot.transmit(blocks[1]!))).toBe("6A86");
    expect(toHex(await slot.transmit(blocks[0]!))).toBe("6985");
  });

  it("refuses INSTALL [for install] with another token than the one that started the load (6982)", async () => {
    const slot = await cardInSlot(100);
    const permission = loadPermissionFor({ cardId: slot.image.cardId, sequence: 1 });
    const token = await signDemo(permission);
    await slot.transmit(
      installForLoadCommand({ aid: SAMPLE_AIDS.transit, loadFileHash: permission.loadFileHash, permission: token, codeSize: transitFile.length }),
    );
    for (const block of loadCommands(transitFile)) await slot.transmit(block);
    const other = await signDemo(loadPermissionFor({ cardId: slot.image.cardId, sequence: 2 }));
    expect(toHex(await slot.transmit(installAndMakeSelectableCommand({ aid: SAMPLE_AIDS.transit, permission: other })))).toBe("6982");
  });

  it("refuses a replayed message id (6985), even after the application was deleted", async () => {
    const slot = await cardInSlot(100);
    const token = await signDemo(loadPermissionFor({ cardId: slot.image.cardId, sequence: 1 }));
    expect((await load(slot, token)).ok).toBe(true);
    refusedWith(await load(slot, token), SW.CONDITIONS_NOT_SATISFIED);
    const del = await signDemo(deletePermissionFor({ cardId: slot.image.cardId, sequence: 2, aid: SAMPLE_AIDS.transit }));
    expect((await deleteApplication(slot.transmit, { permission: del, aid: SAMPLE_AIDS.transit })).ok).toBe(true);
    refusedWith(await load(slot, token), SW.CONDITIONS_NOT_SATISFIED);
    refusedWith(await deleteApplication(slot.transmit, { permission: del, aid: SAMPLE_AIDS.transit }), SW.CONDITIONS_NOT_SATISFIED, /DELETE/);
  });

  it("refuses an expired permission (6985) using the injected clock", async () => {
    const slot = await cardInSlot(100);
    const token = await signDemo(loadPermissionFor({ cardId: slot.image.cardId, sequence: 1, expiresAt: new Date("2026-01-01T00:10:00.000Z") }));
    slot.env.advance(10 * 60 * 1000);
    refusedWith(await load(slot, token), SW.CONDITIONS_NOT_SATISFIED);
  });

  it("refuses a load of an application already on the card (6985)", async () => {
    const slot = await cardInSlot(100);
    expect((await load(slot, await signDemo(loadPermissionFor({ cardId: slot.image.cardId, sequence: 1 })))).ok).toBe(true);
    refusedWith(await load(slot, await signDemo(loadPermissionFor({ cardId: slot.image.cardId, sequence: 2 }))), SW.CONDITIONS_NOT_SATISFIED);
  });

  it("refuses a load that does not fit the card's memory (6A84)", async () => {
    const slot = await cardInSlot(100);
    for (let i = 1; i <= 4; i++) {
      const aid = `F00000000100${String(i).padStart(2, "0")}`;
      const file = buildLoadFile({ kind: "transit", aid, version: 1, codeSize: 32 * 1024 });
      const result = await load(slot, await signDemo(loadPermissionFor({ cardId: slot.image.cardId, sequence: i, loadFile: file, aid })), {
        loadFile: file,
        aid,
      });
      if (i < 4) expect(result.ok).toBe(true);
      else refusedWith(result, SW.NOT_ENOUGH_MEMORY);
    }
  });

  it("stops at the maximum confirmation counter instead of wrapping (6985)", async () => {
    const fresh = await cardInSlot(100);
    const slot = inSlot({ ...fresh.image, confirmationCounter: MAX_CONFIRMATION_COUNTER - 1 }, fresh.env, fresh.cardPublicKeyJwk);
    const permission = loadPermissionFor({ cardId: slot.image.cardId, sequence: 1 });
    const result = await load(slot, await signDemo(permission));
    expect(result.ok).toBe(true);
    if (result.ok) {
      const receipt = decodeReceipt(result.value.receipt);
      expect(receipt.ok && receipt.value.info.confirmationCounter).toBe(MAX_CONFIRMATION_COUNTER);
    }
    refusedWith(
      await load(slot, await signDemo(loadPermissionFor({ cardId: slot.image.cardId, sequence: 2, kind: "loyalty" })), {
        loadFile: sampleLoadFile("loyalty"),
        aid: SAMPLE_AIDS.loyalty,
      }),
      SW.CONDITIONS_NOT_SATISFIED,
    );
    const del = await signDemo(deletePermissionFor({ cardId: slot.image.cardId, sequence: 3, aid: SAMPLE_AIDS.transit }));
    refusedWith(await deleteApplication(slot.transmit, { permission: del, aid: SAMPLE_AIDS.transit }), SW.CONDITIONS_NOT_SATISFIED, /DELETE/);
    expect(slot.card.image().confirmationCounter).toBe(MAX_CONFIRMATION_COUNTER);
    expect(slot.card.image().applications).toHaveLength(1);
  });

  it("deletes with a delete permission, refuses deleting what is not there (6A88), and receipts count on", async () => {
    const slot = await cardInSlot(200);
    expect((await load(slot, await signDemo(loadPermissionFor({ cardId: slot.image.cardId, sequence: 1 })))).ok).toBe(true);
    const permission = deletePermissionFor({ cardId: slot.image.cardId, sequence: 2, aid: SAMPLE_AIDS.transit });
    const result = await deleteApplication(slot.transmit, { permission: await signDemo(permission), aid: SAMPLE_AIDS.transit });
    expect(result.ok).toBe(true);
    if (result.ok) {
      const info = await verifyReceipt(result.value.receipt, slot.cardPublicKeyJwk, permission);
      expect(info.ok && info.value.operation === "delete" && info.value.confirmationCounter).toBe(2);
    }
    expect(slot.card.image().applications).toEqual([]);
    const again = deletePermissionFor({ cardId: slot.image.cardId, sequence: 3, aid: SAMPLE_AIDS.transit });
    refusedWith(await deleteApplication(slot.transmit, { permission: await signDemo(again), aid: SAMPLE_AIDS.transit }), SW.DATA_NOT_FOUND, /DELETE/);
  });
});

describe("receipt verification by the issuer", () => {
  it("refuses another card's key, another message, another binding, another hash and any flipped bit", async () => {
    const slot = await cardInSlot(200);
    const permission = loadPermissionFor({ cardId: slot.image.cardId, sequence: 1 });
    const result = await load(slot, await signDemo(permission));
    if (!result.ok) throw new Error(result.error.meaning);
    const receipt = result.value.receipt;
    const otherCard = await cardInSlot(200, "another card");
    expect(await verifyReceipt(receipt, otherCard.cardPublicKeyJwk, permission)).toMatchObject({ ok: false, error: { code: "signature" } });
    expect(await verifyReceipt(receipt, slot.cardPublicKeyJwk, { ...permission, messageId: issuerMessageId(9) })).toMatchObject({
      ok: false,
      error: { code: "message-id", detail: expect.stringMatching(/message id/) },
    });
    expect(await verifyReceipt(receipt, slot.cardPublicKeyJwk, { ...permission, cardBinding: "00".repeat(32) })).toMatchObject({
      ok: false,
      error: { code: "card-binding", detail: expect.stringMatching(/card binding/) },
    });
    expect(await verifyReceipt(receipt, slot.cardPublicKeyJwk, { ...permission, loadFileHash: "00".repeat(32) })).toMatchObject({
      ok: false,
      error: { code: "load-file-hash", detail: expect.stringMatching(/hash/) },
    });
    expect(await verifyReceipt(receipt, slot.cardPublicKeyJwk, { ...permission, aid: SAMPLE_AIDS.loyalty })).toMatchObject({
      ok: false,
      error: { code: "aid", detail: expect.stringMatching(/AID/) },
    });
    expect(
      await verifyReceipt(receipt, slot.cardPublicKeyJwk, {
        operation: "delete",
        messageId: permission.messageId,
        cardBinding: permission.cardBinding,
        aid: permission.aid,
      }),
    ).toMatchObject({ ok: false, error: { code: "operation" } });
    for (let i = 0; i < receipt.length; i += 7) {
      const flipped = receipt.slice();
      flipped[i]! ^= 0x04;
      expect((await verifyReceipt(flipped, slot.cardPublicKeyJwk, permission)).ok, `byte ${i}`).toBe(false);
    }
    expect(DEMO_ISSUER_KEYS.signing.publicKeyJwk.d).toBeUndefined();
  });
});
