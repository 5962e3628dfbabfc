import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { fromBase64Url, toBase64Url } from "@/lib/core/bytes";
import { applyIssuerKeyUpdates, decodeIssuerKeyUpdate, loadFileHash, readIssuerKeyVersion, type CardImage } from "@/lib/core/card";
import type { MessageOf } from "@/lib/core/messages";
import { db } from "@/lib/server/db";
import { checkRecordedLoad, listIssuerCardKeys, startIssuerKeyRotation } from "@/lib/server/data/issuer/card-keys";
import { issueNewCard } from "@/lib/server/data/issuer/issuance";
import { currentIssuerKey, issuerKeyHistory, openAttributeData } from "@/lib/server/issuer/key-history";
import { DEMO_ISSUER_KEYS } from "@/lib/secrets/demo-issuer-keys";
import { testDatabase } from "../helpers/db";
import {
  AIDS,
  ask,
  askMethod1Reload,
  attributeData,
  currentCard,
  freshDemoWorld,
  insert,
  ISSUER,
  issuerActor,
  loadFileOf,
  loadWithToken,
  reissueActivated,
  sendAsProvider,
  walletImage,
} from "./helpers";
import { nameOf } from "../helpers/people";

// The issuer's replies stay in its outbox: the providers' side is not under test here.
vi.mock("@/lib/server/exchange/delivery", () => ({ deliverNow: vi.fn(async () => []), deliverSoon: vi.fn(), deliverOne: vi.fn() }));

beforeAll(freshDemoWorld, 180_000);
afterAll(() => db().$disconnect());

type Grant = MessageOf<"loading-permission-grant">;
const HASH = { metroCycle: loadFileHash(loadFileOf(AIDS.metroCycle, "transit")), hoshiRewards: loadFileHash(loadFileOf(AIDS.hoshiRewards, "loyalty")) };

async function grantPf100(cardId: string): Promise<Grant> {
  const { reply } = await ask<"loading-permission-request", "loading-permission-grant">("METRO01", "loading-permission-request", {
    platformType: 100,
    kind: "first-load",
    applicationId: AIDS.metroCycle,
    cardId,
    loadFileHash: HASH.metroCycle,
  });
  expect(reply.header.type).toBe("loading-permission-grant");
  return reply;
}

async function grantPf200(image: CardImage): Promise<Grant> {
  const { reply } = await ask<"loading-permission-request", "loading-permission-grant">("HOSHI01", "loading-permission-request", {
    platformType: 200,
    kind: "first-load",
    applicationId: AIDS.hoshiRewards,
    cardAttributeData: await attributeData(image),
    loadFileHash: HASH.hoshiRewards,
  });
  expect(reply.header.type).toBe("loading-permission-grant");
  return reply;
}

async function confirm(provider: "METRO01" | "HOSHI01", platformType: 100 | 200, grant: Grant, receipt: Uint8Array) {
  const { outcome } = await sendAsProvider(provider, "load-confirmation", {
    platformType,
    permissionMessageId: grant.header.messageId,
    applicationId: grant.applicationId,
    outcome: { status: "loaded", receipt: toBase64Url(receipt) },
  });
  expect(outcome).toMatchObject({ status: "processed", outcome: { code: "load-confirmed" } });
}

describe(`issuer card key rotation on ${testDatabase().kind}`, () => {
  let beforeRotation: string;
  let hana: Awaited<ReturnType<typeof reissueActivated>>;

  it("before any rotation: the configured version '70' alone signs, every card holds it, grants carry no key update", async () => {
    const actor = await issuerActor();
    expect((await listIssuerCardKeys(actor)).map((k) => [k.versionHex, k.state, k.configured])).toEqual([["70", "current", true]]);
    const card = await currentCard(nameOf("Aoi Shimizu"));
    expect(card.issuerKeyVersion).toBe(0x70);
    const grant = await grantPf100(card.cardId);
    expect(grant.issuerKeyUpdates).toBeUndefined();
    const { loaded } = await loadWithToken(await walletImage(card.surfaceNumber), grant.permissionToken, AIDS.metroCycle, "transit");
    if (!loaded.ok) throw new Error(loaded.error.meaning);
    await confirm("METRO01", 100, grant, loaded.value.receipt);
    beforeRotation = grant.header.messageId;
    expect((await db().loadingPermission.findUniqueOrThrow({ where: { messageId: beforeRotation } })).issuerKeyVersion).toBe(0x70);
  });

  it("a card reissued before any rotation holds '70' (the reload below asks for it after two)", async () => {
    hana = await reissueActivated(nameOf("Hana Sato"));
    expect(hana.reissued.issuerKeyVersion).toBe(0x70);
  });

  it("an operator of an issuer this deployment does not host is refused, and nothing changes", async () => {
    const actor = { ...(await issuerActor()), issuerCompanyId: "OTHER01", tenantId: "OTHER01" };
    expect(await startIssuerKeyRotation(actor, "Someone else's rotation.")).toMatchObject({ ok: false, error: { code: "not-found" } });
    expect(await db().issuerCardKey.count()).toBe(0);
    expect(await db().auditLog.count({ where: { action: "issuer-key.rotate" } })).toBe(0);
  });

  it("a rotation makes '71' current and keeps '70' retired; private keys are stored wrapped, the audit names version and fingerprint only", async () => {
    const actor = await issuerActor();
    const rotated = await startIssuerKeyRotation(actor, "Yearly key rotation.");
    expect(rotated).toMatchObject({ ok: true, value: { versionHex: "71", previousHex: "70" } });
    const keys = await listIssuerCardKeys(actor);
    expect(keys.map((k) => [k.versionHex, k.state, k.configured])).toEqual([
      ["71", "current", false],
      ["70", "retired", true],
    ]);
    expect(keys[1]!.cards).toBeGreaterThan(0);
    const rows = await db().issuerCardKey.findMany({ orderBy: { version: "asc" } });
    expect(rows[0]!.wrappedPrivateKeys).toBeNull();
    const current = await currentIssuerKey(db(), ISSUER);
    const d = current.privateKeys().signing.privateKeyJwk.d!;
    expect(Buffer.from(rows[1]!.wrappedPrivateKeys!).toString("latin1")).not.toContain(d);
    expect(JSON.stringify(rows[1])).not.toContain(d);
    const audit = await db().auditLog.findFirstOrThrow({ where: { action: "issuer-key.rotate" } });
    expect(audit.data).toEqual({ version: "71", previous: "70", fingerprint: keys[0]!.fingerprint });
    expect(JSON.stringify([audit.data, audit.reason])).not.toMatch(/"d"|privateKey|jwk/i);
    // The update to '71' is signed by '70' and names it.
    const update = decodeIssuerKeyUpdate(new Uint8Array(rows[1]!.keyUpdate!));
    expect(update).toMatchObject({ ok: true, value: { oldVersion: 0x70, newVersion: 0x71 } });
  });

  it("a load confirmed before the rotation still verifies: its token with key '70', its receipt with the card's key", async () => {
    const check = await checkRecordedLoad(await issuerActor(), beforeRotation);
    expect(check).toEqual({ token: { ok: true, version: 0x70 }, receipt: { ok: true, confirmationCounter: expect.any(Number) } });
    // Seeded loads (no recorded key version) verify with whichever version signed them.
    const seeded = await db().loadingPermission.findFirstOrThrow({ where: { status: "confirmed", issuerKeyVersion: null } });
    expect((await checkRecordedLoad(await issuerActor(), seeded.messageId))?.token).toEqual({ ok: true, version: 0x70 });
  });

  it("a card that has not learned '71': its attribute data still opens (key history); the grant carries the update; the card refuses the token until it takes the update", async () => {
    const card = await currentCard(nameOf("Hinata Ogawa")); // PF200, still at '70'
    const image = await walletImage(card.surfaceNumber);
    expect(await openAttributeData(db(), ISSUER, fromBase64Url(await attributeData(image)))).toEqual({
      ok: true,
      value: { cardId: card.cardId, version: 0x70 },
    });
    const grant = await grantPf200(image);
    expect(grant.issuerKeyUpdates).toHaveLength(1);
    expect((await db().loadingPermission.findUniqueOrThrow({ where: { messageId: grant.header.messageId } })).issuerKeyVersion).toBe(0x71);
    // Without the update the card does not trust the new signature.
    const refused = await loadWithToken(image, grant.permissionToken, AIDS.hoshiRewards, "loyalty");
    expect(refused.loaded).toMatchObject({ ok: false, error: { sw: 0x6982 } });
    // The desk sends the update (no keys, outside a channel), then the load goes through.
    const { card: sim, transmit } = insert(image);
    const updates = grant.issuerKeyUpdates!.map((u) => {
      const d = decodeIssuerKeyUpdate(fromBase64Url(u));
      if (!d.ok) throw new Error(d.error);
      return d.value;
    });
    expect(await applyIssuerKeyUpdates(transmit, updates)).toEqual({ ok: true, value: { from: 0x70, to: 0x71, applied: [0x71] } });
    // A platform-200 card lists its key versions only inside the ISD's channel: the chip's memory says it.
    expect(await readIssuerKeyVersion(transmit)).toMatchObject({ ok: false, error: { sw: 0x6982 } });
    expect(sim.image().securityDomain?.issuerKeyVersion).toBe(0x71);
    const updated = sim.image();
    const { loaded } = await loadWithToken(updated, grant.permissionToken, AIDS.hoshiRewards, "loyalty");
    if (!loaded.ok) throw new Error(loaded.error.meaning);
    await confirm("HOSHI01", 200, grant, loaded.value.receipt);
    expect((await db().card.findUniqueOrThrow({ where: { id: card.id } })).issuerKeyVersion).toBe(0x71);
    // Its attribute data is now sealed to the '71' key.
    expect(await openAttributeData(db(), ISSUER, fromBase64Url(await attributeData(updated)))).toEqual({
      ok: true,
      value: { cardId: card.cardId, version: 0x71 },
    });
  });

  it("a card issued after the rotation holds '71' from the start: no update in its grants", async () => {
    const actor = await issuerActor();
    const holder = await db().cardholder.findFirstOrThrow({ where: { fullName: nameOf("Aoi Shimizu") } });
    const issued = await issueNewCard(actor, holder.id, 100);
    if (!issued.ok) throw new Error(issued.error.message);
    const row = await db().card.findUniqueOrThrow({ where: { id: issued.value.id } });
    expect(row.issuerKeyVersion).toBe(0x71);
    const image = await walletImage(row.surfaceNumber);
    expect(await readIssuerKeyVersion(insert(image).transmit)).toEqual({ ok: true, value: 0x71 });
    const grant = await grantPf100(row.cardId);
    expect(grant.issuerKeyUpdates).toBeUndefined();
    expect((await loadWithToken(image, grant.permissionToken, AIDS.metroCycle, "transit")).loaded.ok).toBe(true);
  });

  it("a second rotation: a card still at '70' gets both updates in order; '70' and '71' stay in the history", async () => {
    const actor = await issuerActor();
    expect(await startIssuerKeyRotation(actor, "Second rotation.")).toMatchObject({ ok: true, value: { versionHex: "72" } });
    expect((await issuerKeyHistory(db(), ISSUER)).map((k) => [k.version, k.state])).toEqual([
      [0x72, "current"],
      [0x71, "retired"],
      [0x70, "retired"],
    ]);
    const card = await currentCard(nameOf("Tsumugi Fujita")); // PF100, still at '70'
    const grant = await grantPf100(card.cardId);
    expect(
      grant.issuerKeyUpdates?.map((u) => decodeIssuerKeyUpdate(fromBase64Url(u))).map((d) => (d.ok ? [d.value.oldVersion, d.value.newVersion] : null)),
    ).toEqual([
      [0x70, 0x71],
      [0x71, 0x72],
    ]);
    expect((await checkRecordedLoad(actor, beforeRotation))?.token).toEqual({ ok: true, version: 0x70 });
    // The '71' key still opens what a '71' card sends, and the first version stays usable for '70' cards.
    expect(DEMO_ISSUER_KEYS.signing.publicKeyJwk).toEqual((await issuerKeyHistory(db(), ISSUER)).at(-1)!.signingPublicKeyJwk);
  });

  it("a reload permission for the reissued card still at '70': signed with '72', both updates in order; the card takes them, then the token", async () => {
    const original = await db().loadingPermission.findFirstOrThrow({
      where: { cardId: hana.old.id, provider: { companyId: "METRO01" }, application: { aid: AIDS.metroPass }, status: "confirmed" },
    });
    const { reply } = await askMethod1Reload<"reload-permission-grant">("METRO01", {
      applicationId: AIDS.metroPass,
      originalMessageId: original.messageId,
      cardId: hana.reissued.cardId,
      loadFileHash: loadFileHash(loadFileOf(AIDS.metroPass, "transit")),
    });
    expect(reply.header.type).toBe("reload-permission-grant");
    expect(
      reply.issuerKeyUpdates?.map((u) => decodeIssuerKeyUpdate(fromBase64Url(u))).map((d) => (d.ok ? [d.value.oldVersion, d.value.newVersion] : null)),
    ).toEqual([
      [0x70, 0x71],
      [0x71, 0x72],
    ]);
    expect(await db().loadingPermission.findUniqueOrThrow({ where: { messageId: reply.header.messageId } })).toMatchObject({
      kind: "reload",
      originalMessageId: original.messageId,
      issuerKeyVersion: 0x72,
    });
    const image = await walletImage(hana.reissued.surfaceNumber);
    expect((await loadWithToken(image, reply.permissionToken, AIDS.metroPass, "transit")).loaded).toMatchObject({ ok: false, error: { sw: 0x6982 } });
    const { card: sim, transmit } = insert(image);
    const updates = reply.issuerKeyUpdates!.map((u) => {
      const d = decodeIssuerKeyUpdate(fromBase64Url(u));
      if (!d.ok) throw new Error(d.error);
      return d.value;
    });
    expect(await applyIssuerKeyUpdates(transmit, updates)).toMatchObject({ ok: true, value: { from: 0x70, to: 0x72 } });
    expect((await loadWithToken(sim.image(), reply.permissionToken, AIDS.metroPass, "transit")).loaded.ok).toBe(true);
  });
});
