import { describe, expect, it } from "vitest";
import { fromHex, toBase64Url, toHex } from "../bytes";
import { signDemo, cardInSlot, loadPermissionFor, sampleLoadFile, SAMPLE_AIDS } from "../card/fixtures";
import { loadFileHash } from "../card";
import { encodeIssuerKeyUpdate, generateIssuerKeys, signIssuerKeyUpdate } from "../card";
import { DEMO_ISSUER_KEYS } from "@/lib/secrets/demo-issuer-keys";
import {
  canUseCard,
  checkApplicationWorks,
  type AppletReading,
  EMPTY_VISIT,
  loadWithGrant,
  previewBytes,
  readApplicationValues,
  readCardForDesk,
  updateIssuerKeys,
  visitReducer,
  type CardReading,
  type DeskGrant,
} from "./reload-desk";

const money = (r: AppletReading) =>
  r.kind === "loyalty" ? `${r.points} point${r.points === 1 ? "" : "s"}` : `${r.currency} ${r.kind === "transit" ? r.balance : r.limit}`;

async function grantFor(cardId: string, sequence = 1): Promise<DeskGrant> {
  const permission = loadPermissionFor({ cardId, sequence, kind: "loyalty", loadFile: sampleLoadFile("loyalty", 2048) });
  return {
    applicationAid: SAMPLE_AIDS.loyalty,
    permissionToken: toBase64Url(await signDemo(permission)),
    loadFile: { kind: "loyalty", aid: SAMPLE_AIDS.loyalty, version: 1, codeSize: 2048 },
    installParams: { kind: "loyalty", points: 7 },
  };
}

describe("reading the card at the desk", () => {
  it("platform 100: the card id, no attribute data", async () => {
    const slot = await cardInSlot(100, "desk-100");
    const r = await readCardForDesk(slot.transmit);
    expect(r).toEqual({ ok: true, value: { platformType: 100, cardId: slot.image.cardId, cardAttributeData: null, isCardLocked: false, applications: [] } });
  });

  it("platform 200: attribute data, never the card id, fresh on each read", async () => {
    const slot = await cardInSlot(200, "desk-200");
    const a = await readCardForDesk(slot.transmit);
    const b = await readCardForDesk(slot.transmit);
    expect(a.ok && a.value.cardId).toBe(null);
    expect(a.ok && a.value.cardAttributeData).toMatch(/^[A-Za-z0-9_-]{100,}$/);
    expect(a.ok && b.ok && a.value.cardAttributeData !== b.value.cardAttributeData).toBe(true);
    expect(JSON.stringify(a)).not.toContain(slot.image.cardId);
  });

  it("an unknown platform type is read as data for Fig. 18, not as a failure", async () => {
    const slot = await cardInSlot(100, "desk-999");
    const transmit = async (apdu: Uint8Array) => (apdu[1] === 0xca && apdu[2] === 0xdf && apdu[3] === 0x70 ? fromHex("DF700203E79000") : slot.transmit(apdu));
    const r = await readCardForDesk(transmit);
    expect(r).toMatchObject({ ok: true, value: { platformType: 999, cardId: null, cardAttributeData: null } });
  });
});

describe("loading under a grant and checking it works", () => {
  it("loads, lists the application and reads it", async () => {
    const slot = await cardInSlot(100, "desk-load");
    const grant = await grantFor(slot.image.cardId);
    const outcome = await loadWithGrant(slot.transmit, grant);
    expect(outcome.status).toBe("loaded");
    const read = await readCardForDesk(slot.transmit);
    expect(read.ok && read.value.applications).toEqual([SAMPLE_AIDS.loyalty]);
    expect(await checkApplicationWorks(slot.transmit, SAMPLE_AIDS.loyalty, "loyalty", money)).toMatchObject({ ok: true, value: { reading: "7 points" } });
    expect(loadFileHash(sampleLoadFile("loyalty", 2048))).toMatch(/^[0-9A-F]{64}$/);
  });

  it("the value ledger's desk read: the points a loyalty application holds; credit and absent applications give none", async () => {
    const slot = await cardInSlot(100, "desk-values");
    expect((await loadWithGrant(slot.transmit, await grantFor(slot.image.cardId))).status).toBe("loaded");
    const values = await readApplicationValues(slot.transmit, [
      { aid: SAMPLE_AIDS.loyalty, kind: "loyalty" },
      { aid: SAMPLE_AIDS.transit, kind: "transit" }, // not on the card
      { aid: SAMPLE_AIDS.credit, kind: "credit" }, // a limit, not a value
    ]);
    expect(values).toEqual([{ aid: SAMPLE_AIDS.loyalty, valueMinor: 7, unit: "PTS" }]);
  });

  it("another card refuses the grant with 6982 and keeps nothing", async () => {
    const slot = await cardInSlot(100, "desk-wrong");
    const other = await cardInSlot(100, "desk-other");
    const outcome = await loadWithGrant(other.transmit, await grantFor(slot.image.cardId));
    expect(outcome).toMatchObject({ status: "failed", statusWord: 0x6982 });
    expect((await checkApplicationWorks(other.transmit, SAMPLE_AIDS.loyalty, "loyalty", money)).ok).toBe(false);
  });

  it("previews opaque bytes", () => {
    expect(previewBytes(toBase64Url(new Uint8Array(90).fill(0xab)))).toBe("ABABABABABABABAB…ABABAB (90 bytes)");
    expect(previewBytes(toBase64Url(Uint8Array.of(1, 2)))).toBe("0102");
  });
});

describe("the visit", () => {
  const reading: CardReading = { platformType: 100, cardId: "0123456789ABCDEF", cardAttributeData: null, isCardLocked: false, applications: [] };
  const inserted = visitReducer(EMPTY_VISIT, { type: "card-inserted", source: "presented", presentationId: "p1", last4: "4821" });

  it("needs a card before reading and a reading before a flow", () => {
    expect(visitReducer(EMPTY_VISIT, { type: "card-read", reading })).toBe(EMPTY_VISIT);
    expect(visitReducer(inserted, { type: "flow-chosen", flow: "reload" })).toBe(inserted);
    const read = visitReducer(inserted, { type: "card-read", reading });
    expect(visitReducer(read, { type: "flow-chosen", flow: "reload" }).flow).toBe("reload");
  });

  it("continues a refused reload as a first load, carrying the applications over", () => {
    const reload = visitReducer(visitReducer(inserted, { type: "card-read", reading }), { type: "flow-chosen", flow: "reload" });
    const next = visitReducer(reload, { type: "continue-as-first-load", aids: ["F0524300010002"], customerNo: "MET-00001", caseId: "c1" });
    expect(next).toMatchObject({ flow: "first-load", carriedOver: { aids: ["F0524300010002"], customerNo: "MET-00001", caseId: "c1" } });
    expect(visitReducer(EMPTY_VISIT, { type: "continue-as-first-load", aids: [], customerNo: null, caseId: "c" })).toBe(EMPTY_VISIT);
  });

  it("a returned card can no longer be used; a new card starts a new visit", () => {
    const read = visitReducer(inserted, { type: "card-read", reading });
    const returned = visitReducer(read, { type: "card-returned", at: "2026-11-28T12:00:00.000Z" });
    expect(canUseCard(returned)).toBe(false);
    expect(visitReducer(returned, { type: "flow-chosen", flow: "first-load" })).toBe(returned);
    const next = visitReducer(returned, { type: "card-inserted", source: "file", presentationId: null, last4: null });
    expect(next).toMatchObject({ reading: null, flow: "none", returnedAt: null });
    expect(canUseCard(next)).toBe(true);
  });
});

describe("issuer key update at the desk", () => {
  it("sends the updates without asking the card its version: takes what moves it forward, skips the rest, reports a damaged update and a refusal", async () => {
    const slot = await cardInSlot(200, "desk-key-update");
    const next = await generateIssuerKeys();
    const sign = (from = DEMO_ISSUER_KEYS) =>
      signIssuerKeyUpdate({
        issuerCompanyId: "RECARD01",
        oldVersion: 0x70,
        newVersion: 0x71,
        signingPublicKeyJwk: next.signing.publicKeyJwk,
        encryptionPublicKeyJwk: next.encryption.publicKeyJwk,
        oldSigningPrivateKeyJwk: from.signing.privateKeyJwk,
      });
    const forged = toBase64Url(encodeIssuerKeyUpdate(await sign(next)));
    // Platform 200 does not say why it takes no update (6A88 alike, "Private reads"): the card keeps its key.
    expect(await updateIssuerKeys(slot.transmit, [forged])).toEqual({ status: "current" });
    expect(slot.card.image().securityDomain?.issuerKeyVersion).toBe(0x70);
    // Platform 100 names the refusal: the signature does not verify (6982).
    const open100 = await cardInSlot(100, "desk-key-update-100");
    expect(await updateIssuerKeys(open100.transmit, [forged])).toMatchObject({
      status: "failed",
      statusWord: 0x6982,
      step: expect.stringContaining("PUT KEY"),
    });
    expect(await updateIssuerKeys(slot.transmit, ["AAAA"])).toMatchObject({ status: "failed", step: "issuer key update" });
    const good = toBase64Url(encodeIssuerKeyUpdate(await sign()));
    const sent: string[] = [];
    const tracing = async (apdu: Uint8Array) => {
      sent.push(toHex(apdu.subarray(0, 4)));
      return slot.transmit(apdu);
    };
    expect(await updateIssuerKeys(tracing, [good])).toEqual({ status: "updated", from: 0x70, to: 0x71, applied: [0x71] });
    // SELECT of the ISD and the PUT KEY: the card's key versions (GET DATA E0) are never asked.
    expect(sent).toEqual(["00A40400", "80D87081"]);
    expect(await updateIssuerKeys(slot.transmit, [good])).toEqual({ status: "current" });
    expect(slot.card.image().securityDomain?.issuerKeyVersion).toBe(0x71);
  });
});
