/**
 * Value carried over (issue 12): each provider's ledger of its application's value (set at load and
 * at desk reads), frozen when the card is blocked (a later change is refused by the hot list), and
 * installed on the reissued card by the reload through the applet's install parameters, with the
 * transfer in the ledger and the issuer's record of it for the cardholder. Method 1 (a transit
 * balance, Hana / Metro) and method 2 (points, Kenji / Sakura).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terminal } from "@/lib/core/card";
import type { CardholderActor, ProviderActor } from "@/lib/server/auth/session";
import { db } from "@/lib/server/db";
import { listMyCards } from "@/lib/server/data/cardholder/cards";
import { fileReissueRequest } from "@/lib/server/data/issuer/reissue";
import { confirmReloadCase, openReloadCase, recordReloadLoad } from "@/lib/server/data/provider/reload";
import { recordDeskRead } from "@/lib/server/data/provider/value-ledger";
import { deliverNow } from "@/lib/server/exchange/delivery";
import { testDatabase } from "../helpers/db";
import { AIDS, currentCard, freshDemoWorld, issuerActor } from "../issuer/helpers";
import { DeskCard, desks, grantsOf, reissue, walletImage } from "../provider/helpers";
import { nameOf } from "../helpers/people";

beforeAll(freshDemoWorld, 180_000);
afterAll(() => db().$disconnect());

async function cardholderActor(email: string): Promise<CardholderActor> {
  const u = await db().user.findUniqueOrThrow({ where: { email } });
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: "cardholder",
    tenantId: u.cardholderId!,
    cardholderId: u.cardholderId!,
    companyName: "ReCard Card Co.",
  };
}

async function reportAndDeliver(fullName: string, reason: "lost" | "stolen") {
  const card = await currentCard(fullName);
  const a = await issuerActor();
  const filed = await fileReissueRequest({ kind: "operator", userId: a.id, label: a.name }, { cardUuid: card.id, reason });
  if (!filed.ok) throw new Error(filed.error.message);
  await deliverNow(filed.value.outboxIds);
  return card;
}

async function reloadAtDesk(actor: ProviderActor, card: DeskCard, aid: string) {
  const opened = await openReloadCase(actor, { ...(await card.read()), applicationAids: [aid] });
  expect(opened.outcome).toBe("in_progress");
  const confirmed = await confirmReloadCase(actor, opened.id);
  const [grant] = grantsOf(confirmed.applications);
  if (!grant) throw new Error(`no grant: ${JSON.stringify(confirmed.refusal)}`);
  const { recorded } = await recordReloadLoad(actor, opened.id, grant.permissionId, await card.load(grant));
  return { grant, recorded };
}

const ledgerOf = (provider: string, loadRecordId: string) =>
  db().spValueLedger.findMany({ where: { providerCompanyId: provider, loadRecordId }, orderBy: [{ at: "asc" }, { event: "asc" }] });

describe(`value carried over on ${testDatabase().kind}`, () => {
  it("method 1: Hana's transit balance is read at the desk, frozen at the block, refused when changed afterwards, and carried over to the reissued card", async () => {
    const metro = await desks.metro();
    const hana = await currentCard(nameOf("Hana Sato"));
    const read = await recordDeskRead(metro, { platformType: 100, cardId: hana.cardId, aid: AIDS.metroPass }, { valueMinor: 1240, unit: "JPY" });
    expect(read).toMatchObject({ ok: true });
    const oldLoad = await db().spLoadRecord.findFirstOrThrow({
      where: { providerCompanyId: "METRO01", cardId: hana.cardId, applicationAid: AIDS.metroPass, status: "loaded" },
    });
    expect(oldLoad).toMatchObject({ valueMinor: 1240, valueUnit: "JPY", valueFrozenAt: null });

    await reportAndDeliver(nameOf("Hana Sato"), "lost");
    const frozen = await db().spLoadRecord.findUniqueOrThrow({ where: { id: oldLoad.id } });
    expect(frozen.valueFrozenAt).not.toBeNull();
    // Spent on the lost card after the block: refused by the hot list, the ledger keeps the attempt.
    const spent = await recordDeskRead(metro, { platformType: 100, cardId: hana.cardId, aid: AIDS.metroPass }, { valueMinor: 1000, unit: "JPY" });
    expect(spent).toMatchObject({ ok: false, refusal: { code: "value-change-after-block" } });
    expect(await db().spLoadRecord.findUniqueOrThrow({ where: { id: oldLoad.id } })).toMatchObject({ valueMinor: 1240 });
    // Another provider cannot touch Metro's ledger: it has no load record for it.
    expect(
      await recordDeskRead(await desks.sakura(), { platformType: 100, cardId: hana.cardId, aid: AIDS.metroPass }, { valueMinor: 1, unit: "JPY" }),
    ).toMatchObject({ ok: false, refusal: { code: "no-load-record" } });

    const { approval } = await reissue(nameOf("Hana Sato"), "lost");
    const card = new DeskCard(await walletImage(approval.surfaceNumber));
    const { grant, recorded } = await reloadAtDesk(metro, card, AIDS.metroPass);
    expect(grant.installParams).toEqual({ kind: "transit", balance: 1240, currency: "JPY" });
    expect(recorded).toMatchObject({ ok: true, value: { status: "loaded" } });
    await terminal.selectApplication(card.transmit, AIDS.metroPass);
    expect(await terminal.readBalance(card.transmit)).toEqual({ ok: true, value: { balance: 1240, currency: "JPY" } });

    const reload = await db().spLoadRecord.findFirstOrThrow({ where: { providerCompanyId: "METRO01", previousLoadId: oldLoad.id, status: "loaded" } });
    expect(reload).toMatchObject({ valueMinor: 1240, valueUnit: "JPY" });
    expect((await ledgerOf("METRO01", oldLoad.id)).map((e) => [e.event, e.valueMinor])).toEqual([
      ["load", 2000], // the seed's load: what the application was installed with
      ["desk_read", 1240],
      ["frozen", 1240],
      ["refused_after_block", 1000],
      ["transfer_out", 1240],
    ]);
    expect(await ledgerOf("METRO01", reload.id)).toEqual([expect.objectContaining({ event: "transfer_in", valueMinor: 1240, counterpartLoadId: oldLoad.id })]);

    // The issuer learns it from the load confirmation; the cardholder sees it on the new card.
    const issuerApp = await db().cardApplication.findFirstOrThrow({ where: { permission: { messageId: reload.messageId } } });
    expect(issuerApp).toMatchObject({ carriedOverMinor: 1240, carriedOverUnit: "JPY" });
    const mine = await listMyCards(await cardholderActor("hana@recard.test"));
    const onNew = mine.current.find((c) => c.surfaceNumber === approval.surfaceNumber)!.applications.find((a) => a.name === "Metro Pass");
    expect(onNew?.carriedOver).toEqual({ valueMinor: 1240, unit: "JPY", fromCardLast4: hana.surfaceNumber.slice(-4) });
  });

  it("method 2: Kenji's Sakura points are frozen by message id at the block and carried over on the reissued platform-200 card", async () => {
    const sakura = await desks.sakura();
    const kenji = await currentCard(nameOf("Kenji Watanabe"));
    const permission = await db().loadingPermission.findFirstOrThrow({ where: { cardId: kenji.id, status: "confirmed", provider: { companyId: "SAKURA01" } } });
    const read = await recordDeskRead(
      sakura,
      { platformType: 200, loadMessageId: permission.messageId, aid: AIDS.sakuraPoints },
      { valueMinor: 350, unit: "PTS" },
    );
    expect(read).toMatchObject({ ok: true });
    const oldLoad = await db().spLoadRecord.findUniqueOrThrow({
      where: { providerCompanyId_messageId: { providerCompanyId: "SAKURA01", messageId: permission.messageId } },
    });

    await reportAndDeliver(nameOf("Kenji Watanabe"), "stolen");
    expect((await db().spLoadRecord.findUniqueOrThrow({ where: { id: oldLoad.id } })).valueFrozenAt).not.toBeNull();
    expect(
      await recordDeskRead(sakura, { platformType: 200, loadMessageId: permission.messageId, aid: AIDS.sakuraPoints }, { valueMinor: 351, unit: "PTS" }),
    ).toMatchObject({
      ok: false,
      refusal: { code: "value-change-after-block" },
    });

    const { approval } = await reissue(nameOf("Kenji Watanabe"), "stolen");
    const card = new DeskCard(await walletImage(approval.surfaceNumber));
    const { grant, recorded } = await reloadAtDesk(sakura, card, AIDS.sakuraPoints);
    expect(grant.installParams).toEqual({ kind: "loyalty", points: 350 });
    expect(recorded).toMatchObject({ ok: true });
    // Platform 200: the points are read only inside a secure channel (here the issuer's).
    await terminal.selectApplication(card.transmit, AIDS.sakuraPoints);
    expect(await terminal.readPoints(card.transmit)).toMatchObject({ ok: false, error: { sw: 0x6982 } });
    expect(await card.inApplication(AIDS.sakuraPoints, terminal.readPoints)).toEqual({ ok: true, value: 350 });
    const reload = await db().spLoadRecord.findFirstOrThrow({ where: { providerCompanyId: "SAKURA01", previousLoadId: oldLoad.id, status: "loaded" } });
    expect(await ledgerOf("SAKURA01", reload.id)).toEqual([expect.objectContaining({ event: "transfer_in", valueMinor: 350, valueUnit: "PTS" })]);
    expect(await db().cardApplication.findFirstOrThrow({ where: { permission: { messageId: reload.messageId } } })).toMatchObject({
      carriedOverMinor: 350,
      carriedOverUnit: "PTS",
    });
  });
});
