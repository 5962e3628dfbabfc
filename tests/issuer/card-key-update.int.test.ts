/**
 * Issue 13: the issuer's keys reach a card at an issuer contact, through the ISD's SCP03 channel run by the
 * issuer's server while the card sits in a reader (lib/server/data/issuer/card-reader.ts): a card that never
 * visits a desk learns a new key; after a compromise rotation (no signed update) it is the only way, and a
 * card a thief moved with the leaked key is recovered.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { fromHex, toHex } from "@/lib/core/bytes";
import { readIssuerKeyVersion, signIssuerKeyUpdate, SimulatedCard, systemCardEnv, applyIssuerKeyUpdates, terminal, type CardImage } from "@/lib/core/card";
import type { IssuerActor } from "@/lib/server/auth/session";
import { db } from "@/lib/server/db";
import { continueCardKeyUpdate, startCardKeyUpdate } from "@/lib/server/data/issuer/card-reader";
import { startIssuerKeyRotation } from "@/lib/server/data/issuer/card-keys";
import { compromisedVersions, currentIssuerKey, issuerKeyHistory, keyUpdatesFrom } from "@/lib/server/issuer/key-history";
import { isdKeysForCard } from "@/lib/server/issuer/keys";
import { testDatabase } from "../helpers/db";
import {
  AIDS,
  ask,
  askMethod1Reload,
  attributeData,
  currentCard,
  freshDemoWorld,
  ISSUER,
  issuerActor,
  loadFileOf,
  reissueActivated,
  walletImage,
} from "./helpers";
import { nameOf } from "../helpers/people";

// The issuer's replies stay in its outbox: the providers' side is not under test here.
vi.mock("@/lib/server/exchange/delivery", () => ({ deliverNow: vi.fn(async () => []), deliverSoon: vi.fn(), deliverOne: vi.fn() }));

beforeAll(freshDemoWorld, 180_000);
let hana: Awaited<ReturnType<typeof reissueActivated>>;
afterAll(() => db().$disconnect());

function inReader(image: CardImage) {
  const card = new SimulatedCard(image, systemCardEnv());
  card.powerOn();
  return { card, transmit: (apdu: Uint8Array) => card.transmit(apdu) };
}

/** The reader's page: start, relay each command, post every answer so far. */
async function contact(actor: IssuerActor, cardUuid: string, transmit: (apdu: Uint8Array) => Promise<Uint8Array>) {
  const crossed: string[] = [];
  const started = await startCardKeyUpdate(actor, cardUuid);
  if (!started.ok) return { outcome: started, crossed };
  let step = started.value.step;
  const responses: Uint8Array[] = [];
  for (let round = 0; round < 30 && step.kind === "command"; round++) {
    crossed.push(step.apdu);
    const answer = await transmit(fromHex(step.apdu));
    crossed.push(toHex(answer));
    responses.push(answer);
    const next = await continueCardKeyUpdate(actor, { ticket: started.value.ticket, responses });
    if (!next.ok) return { outcome: next, crossed };
    step = next.value;
  }
  return { outcome: step.kind === "done" ? ({ ok: true, value: step.result } as const) : ({ ok: false } as const), crossed };
}

describe(`issuer keys at an issuer contact, on ${testDatabase().kind}`, () => {
  it("a card that never visits a desk learns the new key through the ISD channel; the version is recorded and audited", async () => {
    const actor = await issuerActor();
    const rotated = await startIssuerKeyRotation(actor, "yearly rotation");
    expect(rotated).toMatchObject({ ok: true, value: { version: 0x71 } });
    const card = await currentCard(nameOf("Hinata Ogawa"));
    expect(card.issuerKeyVersion).toBe(0x70);
    const reader = inReader(await walletImage(card.surfaceNumber));
    const { outcome, crossed } = await contact(actor, card.id, reader.transmit);
    expect(outcome).toEqual({ ok: true, value: { from: 0x70, to: 0x71 } });
    expect(reader.card.image().securityDomain?.issuerKeyVersion).toBe(0x71);
    expect((await db().card.findUniqueOrThrow({ where: { id: card.id } })).issuerKeyVersion).toBe(0x71);
    expect(await db().auditLog.count({ where: { action: "card.issuer-key-update", subjectId: card.id } })).toBe(1);
    // Nothing the reader relayed holds the card's ISD keys.
    const isd = isdKeysForCard(card.cardId);
    for (const text of crossed) for (const key of [isd.enc, isd.mac, isd.dek]) expect(text).not.toContain(key);
    // A second contact changes nothing and audits nothing.
    expect((await contact(actor, card.id, reader.transmit)).outcome).toEqual({ ok: true, value: { from: 0x71, to: 0x71 } });
    expect(await db().auditLog.count({ where: { action: "card.issuer-key-update", subjectId: card.id } })).toBe(1);
  });

  it("refuses another card in the reader, another issuer's ticket, and a tampered one", async () => {
    const actor = await issuerActor();
    const card = await currentCard(nameOf("Hinata Ogawa"));
    const other = await currentCard(nameOf("Aoi Shimizu"));
    const reader = inReader(await walletImage(other.surfaceNumber));
    expect((await contact(actor, card.id, reader.transmit)).outcome).toMatchObject({
      ok: false,
      error: { code: "card-refused", message: expect.stringMatching(/not the card/) },
    });
    expect(await startCardKeyUpdate(actor, "00000000-0000-4000-8000-000000000000")).toMatchObject({ ok: false, error: { code: "not-found" } });
    const started = await startCardKeyUpdate(actor, card.id);
    if (!started.ok) throw new Error("no ticket");
    const stranger = { ...actor, issuerCompanyId: "OTHER001" };
    expect(await continueCardKeyUpdate(stranger, { ticket: started.value.ticket, responses: [] })).toMatchObject({
      ok: false,
      error: { code: "ticket-invalid" },
    });
    const tampered = `${started.value.ticket.slice(0, 10)}${started.value.ticket[10] === "A" ? "B" : "A"}${started.value.ticket.slice(11)}`;
    expect(await continueCardKeyUpdate(actor, { ticket: tampered, responses: [] })).toMatchObject({ ok: false, error: { code: "ticket-invalid" } });
  });

  it("a card reissued while 71 is current holds 71 (asked to reload after the compromise, below)", async () => {
    hana = await reissueActivated(nameOf("Hana Sato"));
    expect(hana.reissued.issuerKeyVersion).toBe(0x71);
  });

  it("after a compromise of 71 no signed update exists; a card a thief moved with the leaked key is recovered at the issuer's reader, and the thief's updates are refused afterwards", async () => {
    const actor = await issuerActor();
    const leaked = (await issuerKeyHistory(db(), ISSUER)).find((k) => k.version === 0x71)!;
    const rotated = await startIssuerKeyRotation(actor, "signing key 71 leaked", new Date(), { compromised: true });
    expect(rotated).toMatchObject({ ok: true, value: { version: 0x72 } });
    const history = await issuerKeyHistory(db(), ISSUER);
    expect(compromisedVersions(history)).toEqual(new Set([0x71]));
    expect(await keyUpdatesFrom(db(), ISSUER, 0x71)).toEqual([]);
    expect((await db().auditLog.findFirstOrThrow({ where: { action: "issuer-key.rotate", subjectId: `${ISSUER}/72` } })).data).toMatchObject({
      compromised: true,
    });

    // Hinata's card holds 71. The thief signs 71 → 7F with the leaked key and moves it (nothing on the card can tell).
    const card = await currentCard(nameOf("Hinata Ogawa"));
    const reader = inReader(await walletImage(card.surfaceNumber));
    const { generateIssuerKeys } = await import("@/lib/core/card");
    const thief = await generateIssuerKeys();
    const stolen = (oldVersion: number, newVersion: number) =>
      signIssuerKeyUpdate({
        issuerCompanyId: ISSUER,
        oldVersion,
        newVersion,
        signingPublicKeyJwk: thief.signing.publicKeyJwk,
        encryptionPublicKeyJwk: thief.encryption.publicKeyJwk,
        oldSigningPrivateKeyJwk: leaked.privateKeys().signing.privateKeyJwk,
      });
    // (Hinata's card from the first test is at 71 in the issuer's record; her wallet image is the one before that contact: bring it to 71 first.)
    await contactTo71(reader.transmit, leaked);
    expect(await applyIssuerKeyUpdates(reader.transmit, [await stolen(0x71, 0x7f)])).toMatchObject({ ok: true, value: { to: 0x7f } });
    // Its attribute data is now sealed to the thief's key; the per-card ISD keys identify it all the same.
    expect((await contact(actor, card.id, reader.transmit)).outcome).toEqual({ ok: true, value: { from: 0x7f, to: 0x72 } });
    await terminal.selectIsd(reader.transmit);
    // Platform 200: the version only inside the ISD's channel (6982 outside); the chip's memory says it.
    expect(await readIssuerKeyVersion(reader.transmit)).toMatchObject({ ok: false, error: { sw: 0x6982 } });
    expect(reader.card.image().securityDomain?.issuerKeyVersion).toBe(0x72);
    // The thief's next update (signed with the leaked 71 key, which the card no longer trusts) is not taken: on
    // platform 200 the card answers 6A88, as to any update not for it now, so a stranger learns nothing.
    expect(await applyIssuerKeyUpdates(reader.transmit, [await stolen(0x72, 0x73)])).toEqual({ ok: true, value: { applied: [], from: null, to: null } });
    expect(reader.card.image().securityDomain?.issuerKeyVersion).toBe(0x72);
    expect((await db().card.findUniqueOrThrow({ where: { id: card.id } })).issuerKeyVersion).toBe(0x72);
    expect((await currentIssuerKey(db(), ISSUER)).version).toBe(0x72);

    // Aoi's card never met the issuer: it trusts 70, whose chain passes the compromised 71, so no token it
    // could check can be made: the issuer refuses the load with the reason instead of granting a token the card refuses.
    const aoi = await currentCard(nameOf("Aoi Shimizu"));
    expect(aoi.issuerKeyVersion).toBe(0x70);
    const { loadFileHash } = await import("@/lib/core/card");
    expect(aoi.platformType).toBe(100);
    const hash = loadFileHash(loadFileOf(AIDS.metroCycle, "transit"));
    const { reply } = await ask<"loading-permission-request", "loading-permission-refusal">("METRO01", "loading-permission-request", {
      platformType: 100,
      kind: "first-load",
      applicationId: AIDS.metroCycle,
      cardId: aoi.cardId,
      loadFileHash: hash,
    });
    expect(reply.header.type).toBe("loading-permission-refusal");
    expect(JSON.stringify(reply)).toMatch(/declared compromised/);
    // Hinata's card met the issuer (72): its loads are granted.
    const { reply: granted } = await ask<"loading-permission-request", "loading-permission-grant">("METRO01", "loading-permission-request", {
      platformType: 200,
      kind: "first-load",
      applicationId: AIDS.metroCycle,
      cardAttributeData: await attributeData(reader.card.image()),
      loadFileHash: hash,
    });
    expect(granted.header.type).toBe("loading-permission-grant");
    expect(granted.issuerKeyUpdates).toBeUndefined();
  });

  it("a reload on a reissued card that trusts the compromised 71 is refused the same way, and filed with its card", async () => {
    const original = await db().loadingPermission.findFirstOrThrow({
      where: { cardId: hana.old.id, provider: { companyId: "METRO01" }, application: { aid: AIDS.metroPass }, status: "confirmed" },
    });
    const { loadFileHash } = await import("@/lib/core/card");
    const { reply } = await askMethod1Reload<"reload-permission-refusal">("METRO01", {
      applicationId: AIDS.metroPass,
      originalMessageId: original.messageId,
      cardId: hana.reissued.cardId,
      loadFileHash: loadFileHash(loadFileOf(AIDS.metroPass, "transit")),
    });
    expect(reply).toMatchObject({ header: { type: "reload-permission-refusal" }, reason: "other", originalMessageId: original.messageId });
    expect(reply.text).toMatch(/version 71 was declared compromised/);
    expect(await db().loadingPermission.findUniqueOrThrow({ where: { messageId: reply.header.messageId } })).toMatchObject({
      status: "refused",
      kind: "reload",
      cardId: hana.reissued.id,
      originalMessageId: original.messageId,
    });
  });
});

/** Puts the wallet image (still at 70) at 71 with the issuer's own signed update, as the first test's contact did. */
async function contactTo71(transmit: (apdu: Uint8Array) => Promise<Uint8Array>, v71: { keyUpdate: Uint8Array | null }) {
  const { decodeIssuerKeyUpdate } = await import("@/lib/core/card");
  const decoded = decodeIssuerKeyUpdate(v71.keyUpdate!);
  if (!decoded.ok) throw new Error(decoded.error);
  const r = await applyIssuerKeyUpdates(transmit, [decoded.value]);
  if (!r.ok || r.value.to !== 0x71) throw new Error(JSON.stringify(r));
}
