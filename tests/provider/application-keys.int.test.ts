/**
 * A provider application's own keys (its security domain on the card), run by the provider's server
 * through the desk (lib/server/data/provider/application-keys.ts, lib/server/card-relay.ts): Hoshi's
 * server gives Hoshi Credit its keys right after the desk installed it on a platform-200 card, then reads
 * the holder reference through its own channel; the issuer's channel and Metro's are refused with their
 * status words; nothing the desk relays contains a key.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromHex, toHex } from "@/lib/core/bytes";
import { terminal } from "@/lib/core/card";
import { SECURITY_LEVEL } from "@/lib/core/card/scp03";
import { initializeUpdateCommand, openSecureChannel } from "@/lib/core/card/scp03-host";
import { readCreditInOwnChannel } from "@/lib/core/card/ssd";
import type { ProviderActor } from "@/lib/server/auth/session";
import { db } from "@/lib/server/db";
import { applicationKeysFor, continueApplicationKeys, startApplicationKeys, type ApplicationKeyPurpose } from "@/lib/server/data/provider/application-keys";
import { startFirstLoad } from "@/lib/server/data/provider/first-load";
import { recordCardLoad } from "@/lib/server/data/provider/permissions";
import { isdKeysForCard } from "@/lib/server/issuer/keys";
import { testDatabase } from "../helpers/db";
import { AIDS, currentCard, DeskCard, desks, freshDemoWorld, grantsOf, walletImage } from "./helpers";
import { nameOf } from "../helpers/people";

beforeAll(freshDemoWorld, 180_000);
afterAll(() => db().$disconnect());

/** The desk's side: start, then relay each command to the card and post every answer so far. Returns the result and what crossed the desk. */
async function relay(actor: ProviderActor, card: DeskCard, purpose: ApplicationKeyPurpose, messageId: string) {
  const crossed: string[] = [];
  const started = await startApplicationKeys(actor, { purpose, messageId });
  if (!started.ok) return { outcome: started, crossed };
  crossed.push(started.value.ticket);
  let step = started.value.step;
  const responses: Uint8Array[] = [];
  for (let round = 0; round < 20 && step.kind === "command"; round++) {
    crossed.push(step.apdu);
    const answer = await card.transmit(fromHex(step.apdu));
    crossed.push(toHex(answer));
    responses.push(answer);
    const next = await continueApplicationKeys(actor, { ticket: started.value.ticket, responses });
    if (!next.ok) return { outcome: next, crossed };
    step = next.value;
  }
  return { outcome: step.kind === "done" ? ({ ok: true, value: step.result } as const) : ({ ok: false, error: { code: "unfinished" } } as const), crossed };
}

describe(`a provider application's own keys, on ${testDatabase().kind}`, () => {
  it("Hoshi's server keys Hoshi Credit at install and reads the holder reference through its own channel; the ISD's and Metro's channels are refused", async () => {
    const hoshi = await desks.hoshi();
    const metro = await desks.metro();
    const holder = await currentCard(nameOf("Hinata Ogawa"));
    const card = new DeskCard(await walletImage(holder.surfaceNumber));
    const started = await startFirstLoad(hoshi, {
      card: await card.read(),
      applicationAids: [AIDS.hoshiCredit],
      customer: { kind: "new", fullName: nameOf("Hinata Ogawa"), birthDate: new Date("1992-08-08"), email: null, phone: null, address: null },
      declaredIncomeMinor: 4_100_000,
      existingLimitsMinor: 10_000,
    });
    if (!started.ok) throw new Error(JSON.stringify(started.error));
    const grant = grantsOf(started.value.applications)[0]!;
    const customerNo = started.value.customer.customerNo;
    expect(card.card.image().platformType).toBe(200);
    expect(await recordCardLoad(hoshi, grant.permissionId, await card.load(grant))).toMatchObject({ ok: true });

    // Another company cannot start a conversation about Hoshi's load, nor continue Hoshi's.
    expect(await startApplicationKeys(metro, { purpose: "establish", messageId: grant.messageId })).toMatchObject({ ok: false, error: { code: "not-found" } });

    // Same card session as the install: the server gives the application its keys.
    const established = await relay(hoshi, card, "establish", grant.messageId);
    expect(established.outcome).toEqual({ ok: true, value: { purpose: "establish", keyVersion: 1 } });
    const keys = applicationKeysFor("HOSHI01", AIDS.hoshiCredit, grant.messageId);
    expect(card.card.image().applications.find((a) => a.aid === AIDS.hoshiCredit)?.domain?.scp03.enc).toBe(toHex(keys.enc));

    // A later visit (power cycle): the holder reference through Hoshi's own channel.
    card.card.powerOff();
    card.card.powerOn();
    const read = await relay(hoshi, card, "read", grant.messageId);
    expect(read.outcome).toEqual({ ok: true, value: { purpose: "read", limitMinor: 400_000, currency: "JPY", holderReference: customerNo } });
    // Not in the install session any more: the card refuses a second key establishment, and the desk hears why (6985).
    expect((await relay(hoshi, card, "establish", grant.messageId)).outcome).toMatchObject({ ok: false, error: { code: "card-refused", sw: "6985" } });
    // Nothing that crossed the desk holds a key, and the holder reference crossed it only encrypted (level 33).
    for (const text of [...established.crossed, ...read.crossed]) {
      for (const key of [keys.enc, keys.mac, keys.dek]) expect(text.toUpperCase()).not.toContain(toHex(key));
      expect(text.toUpperCase()).not.toContain(toHex(new TextEncoder().encode(customerNo)));
    }

    // Metro's ticket cannot drive Hoshi's conversation.
    const hoshiTicket = await startApplicationKeys(hoshi, { purpose: "read", messageId: grant.messageId });
    if (!hoshiTicket.ok) throw new Error("no ticket");
    expect(await continueApplicationKeys(metro, { ticket: hoshiTicket.value.ticket, responses: [] })).toMatchObject({
      ok: false,
      error: { code: "ticket-invalid" },
    });
    const tampered = `${hoshiTicket.value.ticket.slice(0, -2)}${hoshiTicket.value.ticket.slice(-2) === "AA" ? "AB" : "AA"}`;
    expect(await continueApplicationKeys(hoshi, { ticket: tampered, responses: [] })).toMatchObject({ ok: false, error: { code: "ticket-invalid" } });
    expect(await continueApplicationKeys(hoshi, { ticket: hoshiTicket.value.ticket, responses: [] }, new Date(Date.now() + 6 * 60_000))).toMatchObject({
      ok: false,
      error: { code: "ticket-expired" },
    });

    // The issuer's ISD keys on Hoshi Credit: INITIALIZE UPDATE for the ISD's version answers the usual shape (a
    // platform-200 card never tells which versions exist) with a cryptogram the issuer's host refuses, and
    // without a channel the application answers nothing (6982, docs/card.md "Private reads").
    const isd = isdKeysForCard(card.card.image().cardId);
    const isdKeys = { enc: fromHex(isd.enc), mac: fromHex(isd.mac), dek: fromHex(isd.dek) };
    await terminal.selectApplication(card.transmit, AIDS.hoshiCredit);
    const kvn = isd.keyVersion.toString(16).toUpperCase().padStart(2, "0");
    expect(toHex(await card.transmit(initializeUpdateCommand(isd.keyVersion, fromHex("0102030405060708"))))).toMatch(
      new RegExp(`^0{20}${kvn}0360[0-9A-F]{32}9000$`),
    );
    expect(
      await openSecureChannel(card.transmit, { keys: isdKeys, keyVersion: 0, level: SECURITY_LEVEL.C_MAC, hostChallenge: fromHex("0102030405060708") }),
    ).toMatchObject({
      ok: false,
      error: { step: "INITIALIZE UPDATE", meaning: expect.stringMatching(/card cryptogram/) },
    });
    expect(await terminal.readCreditInfo(card.transmit)).toMatchObject({ ok: false, error: { sw: 0x6982 } });
    // Metro's keys for the same application and load (Metro's master diversification): refused the same way.
    const metroKeys = applicationKeysFor("METRO01", AIDS.hoshiCredit, grant.messageId);
    expect(await readCreditInOwnChannel(card.transmit, { aid: AIDS.hoshiCredit, keys: metroKeys, hostChallenge: fromHex("0102030405060708") })).toMatchObject({
      ok: false,
      error: { meaning: expect.stringMatching(/card cryptogram/) },
    });
    // The issuer still manages the card through the ISD (GET STATUS lists Hoshi Credit).
    await terminal.selectIsd(card.transmit);
    const channel = await openSecureChannel(card.transmit, {
      keys: isdKeys,
      keyVersion: 0,
      level: SECURITY_LEVEL.C_MAC,
      hostChallenge: fromHex("0102030405060708"),
    });
    expect(channel.ok && (await terminal.getStatus(channel.value.transmit, "applications"))).toMatchObject({
      ok: true,
      value: expect.arrayContaining([expect.objectContaining({ aid: AIDS.hoshiCredit })]),
    });
    // Hoshi rotates its keys (01 → 02 inside its own channel); the read follows the version the card holds; Metro cannot rotate them.
    expect(await startApplicationKeys(metro, { purpose: "rotate", messageId: grant.messageId })).toMatchObject({ ok: false, error: { code: "not-found" } });
    const rotated = await relay(hoshi, card, "rotate", grant.messageId);
    expect(rotated.outcome).toEqual({ ok: true, value: { purpose: "rotate", from: 1, to: 2 } });
    const keys2 = applicationKeysFor("HOSHI01", AIDS.hoshiCredit, grant.messageId, 2);
    expect(card.card.image().applications.find((a) => a.aid === AIDS.hoshiCredit)?.domain?.scp03).toMatchObject({ keyVersion: 2, enc: toHex(keys2.enc) });
    expect((await relay(hoshi, card, "read", grant.messageId)).outcome).toEqual({
      ok: true,
      value: { purpose: "read", limitMinor: 400_000, currency: "JPY", holderReference: customerNo },
    });
    for (const text of rotated.crossed)
      for (const key of [keys.enc, keys.mac, keys.dek, keys2.enc, keys2.mac, keys2.dek]) expect(text.toUpperCase()).not.toContain(toHex(key));
    // The desk's check after a load ("verify"): the same channel reads what the application holds; Metro cannot ask.
    const verified = await relay(hoshi, card, "verify", grant.messageId);
    expect(verified.outcome).toEqual({
      ok: true,
      value: { purpose: "verify", kind: "credit", valueMinor: 400_000, currency: "JPY", holderReference: customerNo, keyVersion: 2 },
    });
    for (const text of verified.crossed) expect(text.toUpperCase()).not.toContain(toHex(new TextEncoder().encode(customerNo)));
    expect(await startApplicationKeys(metro, { purpose: "verify", messageId: grant.messageId })).toMatchObject({ ok: false, error: { code: "not-found" } });
  });

  it("a Metro transit application: keys at install too, but no holder reference to read", async () => {
    const metro = await desks.metro();
    const holder = await currentCard(nameOf("Aoi Shimizu"));
    const card = new DeskCard(await walletImage(holder.surfaceNumber));
    const started = await startFirstLoad(metro, {
      card: await card.read(),
      applicationAids: [AIDS.metroCycle],
      customer: { kind: "new", fullName: nameOf("Aoi Shimizu"), birthDate: new Date("1990-01-01"), email: null, phone: null, address: null },
      declaredIncomeMinor: null,
      existingLimitsMinor: null,
    });
    if (!started.ok) throw new Error(JSON.stringify(started.error));
    const grant = grantsOf(started.value.applications)[0]!;
    expect(await recordCardLoad(metro, grant.permissionId, await card.load(grant))).toMatchObject({ ok: true });
    expect((await relay(metro, card, "establish", grant.messageId)).outcome).toEqual({ ok: true, value: { purpose: "establish", keyVersion: 1 } });
    expect(await startApplicationKeys(metro, { purpose: "read", messageId: grant.messageId })).toMatchObject({ ok: false, error: { code: "not-credit" } });
    // The desk's check that the load works through Metro's own channel (what the desk does on platform 200;
    // Aoi's platform-100 card answers it the same way).
    expect(card.card.image().platformType).toBe(100);
    expect((await relay(metro, card, "verify", grant.messageId)).outcome).toMatchObject({
      ok: true,
      value: { purpose: "verify", kind: "transit", currency: "JPY", holderReference: null, keyVersion: 1 },
    });
    // A later visit: Metro rotates the transit application's keys.
    card.card.powerOff();
    card.card.powerOn();
    expect((await relay(metro, card, "rotate", grant.messageId)).outcome).toEqual({ ok: true, value: { purpose: "rotate", from: 1, to: 2 } });
    expect(await startApplicationKeys(metro, { purpose: "read", messageId: "RECARD01-METRO01-I9999999999" })).toMatchObject({
      ok: false,
      error: { code: "not-found" },
    });
  });
});
