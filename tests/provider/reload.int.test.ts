import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { recordCardLoad } from "@/lib/server/data/provider/permissions";
import { confirmReloadCase, openReloadCase, recordReloadLoad, type ReloadCaseView } from "@/lib/server/data/provider/reload";
import { testDatabase } from "../helpers/db";
import { AIDS, currentCard, DeskCard, desks, freshDemoWorld, grantsOf, reissue, walletImage } from "./helpers";
import { nameOf } from "../helpers/people";

beforeAll(freshDemoWorld, 180_000);
afterAll(() => db().$disconnect());

async function chargesFor(providerCompanyId: string, previousLoadId: string) {
  return db().spUserCharge.findMany({ where: { providerCompanyId, loadRecord: { previousLoadId, status: "loaded" } } });
}

/** Open, confirm, load every grant and record it, as the desk does; returns the case and the card. */
async function reloadAtDesk(actor: Awaited<ReturnType<typeof desks.metro>>, card: DeskCard, aids: string[]) {
  const opened = await openReloadCase(actor, { ...(await card.read()), applicationAids: aids });
  if (opened.outcome !== "in_progress") return { opened, confirmed: null as ReloadCaseView | null, recorded: [] };
  const confirmed = await confirmReloadCase(actor, opened.id);
  const recorded = [];
  for (const grant of grantsOf(confirmed.applications))
    recorded.push((await recordReloadLoad(actor, opened.id, grant.permissionId, await card.load(grant))).recorded);
  return { opened, confirmed, recorded };
}

describe(`the reload desk on ${testDatabase().kind}`, () => {
  it("method 1 with the pushed notification: old examination reused, reissue fee charged, the application works; a second reload is refused with one charge", async () => {
    const metro = await desks.metro();
    const { old, approval } = await reissue(nameOf("Hana Sato"), "lost");
    expect(approval.notified).toContain("METRO01");
    const card = new DeskCard(await walletImage(approval.surfaceNumber));
    const oldLoad = await db().spLoadRecord.findFirstOrThrow({ where: { providerCompanyId: "METRO01", cardId: old.cardId, applicationAid: AIDS.metroPass } });

    const { opened, recorded } = await reloadAtDesk(metro, card, [AIDS.metroPass]);
    expect(opened.method).toBe(1);
    expect(opened.steps.map((s) => s.step)).toEqual(expect.arrayContaining(["1801–1804", "702–703", "704", "706", "708"]));
    const app = opened.applications[0]!;
    expect(app.state).toBe("reloadable");
    expect(app.old?.examination?.id).toBe(oldLoad.creditInvestigationId);
    expect(app.fee).toMatchObject({ reissueFeeMinor: 200, normalFeeMinor: 500 });
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ ok: true, value: { status: "loaded", charge: { kind: "reissue_reload", amountMinor: 200 } } });

    const reload = await db().spLoadRecord.findFirstOrThrow({ where: { providerCompanyId: "METRO01", previousLoadId: oldLoad.id } });
    expect(reload).toMatchObject({ kind: "reload", status: "loaded", cardId: approval.reissuedCardId, creditInvestigationId: oldLoad.creditInvestigationId });
    expect(await db().spCreditInvestigation.count({ where: { providerCompanyId: "METRO01", customerId: oldLoad.customerId } })).toBe(1); // claim 12: not redone
    // The issuer verified the receipt: the application is on the reissued card in its records too.
    const issuerPermission = await db().loadingPermission.findUniqueOrThrow({ where: { messageId: reload.messageId } });
    expect(issuerPermission).toMatchObject({
      status: "confirmed",
      kind: "reload",
      originalMessageId: oldLoad.messageId,
      userChargeKind: "reissue_reload",
      userChargeMinor: 200,
      userChargeCurrency: "JPY",
    });
    // The application works on the card.
    const selected = await import("@/lib/core/card").then(({ terminal }) => terminal.selectApplication(card.transmit, AIDS.metroPass));
    expect(selected.ok).toBe(true);

    // Second attempt for the same old load: refused, still one charge.
    const again = await openReloadCase(metro, { ...(await card.read()), applicationAids: [AIDS.metroPass] });
    expect(again.outcome).toBe("refused");
    expect(again.refusal).toMatchObject({ code: "already-reloaded", step: "708" });
    expect(await chargesFor("METRO01", oldLoad.id)).toHaveLength(1);
    const row = await db().spReloadCase.findUniqueOrThrow({ where: { id: again.id } });
    expect(row).toMatchObject({ outcome: "refused", refusalCode: "already-reloaded", refusalStep: "708" });
  });

  it("710: an application that was not on the old card is refused and can continue as a first load", async () => {
    const metro = await desks.metro();
    const hana = await currentCard(nameOf("Hana Sato"));
    const card = new DeskCard(await walletImage(hana.surfaceNumber));
    const opened = await openReloadCase(metro, { ...(await card.read()), applicationAids: [AIDS.metroCycle] });
    expect(opened.outcome).toBe("refused");
    expect(opened.refusal).toMatchObject({ code: "application-not-on-old-card", step: "710", canContinueAsFirstLoad: true });
    expect(opened.refusal).toMatchObject({ applicationAid: AIDS.metroCycle, params: {} });
  });

  it("method 1 by pull (Fig. 19): a provider set to pull is not notified; the desk asks, stores the pair via pull, and reloads two applications in one flow", async () => {
    const metro = await desks.metro();
    await db().serviceProvider.update({ where: { companyId: "METRO01" }, data: { reissueInfoDelivery: "pull" } });
    try {
      const { old, approval } = await reissue(nameOf("Mei Ito")); // PF100 with Metro Pass and Metro Cycle, damaged
      expect(approval.pullOnly).toContain("METRO01");
      expect(await db().spReissueNotice.count({ where: { providerCompanyId: "METRO01", oldCardId: old.cardId } })).toBe(0);
      const card = new DeskCard(await walletImage(approval.surfaceNumber));
      const { opened, confirmed, recorded } = await reloadAtDesk(metro, card, [AIDS.metroPass, AIDS.metroCycle]);
      expect(opened.steps.map((s) => s.step)).toEqual(expect.arrayContaining(["704 → 408", "409", "706"]));
      expect(await db().spReissueNotice.findFirst({ where: { providerCompanyId: "METRO01", reissuedCardId: approval.reissuedCardId } })).toMatchObject({
        via: "pull",
        oldCardId: old.cardId,
      });
      expect(grantsOf(confirmed!.applications)).toHaveLength(2);
      expect(recorded.map((r) => r.ok)).toEqual([true, true]);
      const reloads = await db().spLoadRecord.findMany({
        where: { providerCompanyId: "METRO01", cardId: approval.reissuedCardId, kind: "reload", status: "loaded" },
        include: { charge: true },
      });
      expect(reloads.map((r) => r.charge?.kind).sort()).toEqual(["reissue_reload", "reissue_reload"]);
      const after = await db().spReloadCase.findUniqueOrThrow({ where: { id: opened.id } });
      expect(after.outcome).toBe("reloaded");
    } finally {
      await db().serviceProvider.update({ where: { companyId: "METRO01" }, data: { reissueInfoDelivery: "push" } });
    }
  });

  it("707: a card that was never reissued, after asking the issuer", async () => {
    const metro = await desks.metro();
    const aoi = await currentCard(nameOf("Aoi Shimizu"));
    const card = new DeskCard(await walletImage(aoi.surfaceNumber));
    const opened = await openReloadCase(metro, { ...(await card.read()), applicationAids: [AIDS.metroPass] });
    expect(opened.outcome).toBe("refused");
    expect(opened.refusal).toMatchObject({ code: "not-a-reissued-card", step: "707", canContinueAsFirstLoad: true });
    expect(opened.steps.map((s) => s.step)).toContain("409");
  });

  it("method 2: Hoshi reloads Kenji's credit application by message id; asking about Sakura's application gets NG and no message id", async () => {
    const hoshi = await desks.hoshi();
    const { old, approval } = await reissue(nameOf("Kenji Watanabe"), "stolen");
    expect(approval.notified).toEqual([]);
    const card = new DeskCard(await walletImage(approval.surfaceNumber));
    const oldLoad = await db().spLoadRecord.findFirstOrThrow({
      where: { providerCompanyId: "HOSHI01", applicationAid: AIDS.hoshiCredit, customer: { fullName: nameOf("Kenji Watanabe") } },
    });
    expect(oldLoad.cardId).toBeNull();
    expect(old.platformType).toBe(200);

    const { opened, recorded } = await reloadAtDesk(hoshi, card, [AIDS.hoshiCredit]);
    expect(opened.method).toBe(2);
    expect(opened.steps.map((s) => s.step)).toEqual(expect.arrayContaining(["1102–1103", "1104", "1105", "1106"]));
    expect(opened.applications[0]?.old).toMatchObject({ messageId: oldLoad.messageId, examination: { id: oldLoad.creditInvestigationId } });
    expect(recorded[0]).toMatchObject({ ok: true, value: { charge: { kind: "reissue_reload", amountMinor: 300 } } });
    const credit = await import("@/lib/core/card").then(({ terminal }) => card.inApplication(AIDS.hoshiCredit, terminal.readCreditInfo));
    const investigation = await db().spCreditInvestigation.findUniqueOrThrow({ where: { id: oldLoad.creditInvestigationId! } });
    expect(credit).toMatchObject({ ok: true, value: { limit: investigation.limitMinor } });

    const foreign = await openReloadCase(hoshi, { ...(await card.read()), applicationAids: [AIDS.sakuraPoints] });
    expect(foreign.outcome).toBe("refused");
    expect(foreign.refusal).toMatchObject({ code: "application-not-on-old-card", step: "1107" });
    const inquiry = await db().spCardInquiry.findFirstOrThrow({ where: { providerCompanyId: "HOSHI01", applicationAid: AIDS.sakuraPoints } });
    expect(inquiry).toMatchObject({ reissueOk: false, originalMessageId: null, ngReason: "application-not-on-old-card" });
    expect(JSON.stringify(foreign)).not.toMatch(/RECARD01-SAKURA01/);
  });

  it("two desks at once on the same card and old load: one load, one charge; the other is refused before it loads", async () => {
    const sakura = await desks.sakura();
    const kenji = await currentCard(nameOf("Kenji Watanabe")); // reissued above
    const a = new DeskCard(await walletImage(kenji.surfaceNumber));
    const b = new DeskCard(await walletImage(kenji.surfaceNumber));
    const [caseA, caseB] = [
      await openReloadCase(sakura, { ...(await a.read()), applicationAids: [AIDS.sakuraPoints] }),
      await openReloadCase(sakura, { ...(await b.read()), applicationAids: [AIDS.sakuraPoints] }),
    ];
    expect(caseA.applications[0]?.state).toBe("reloadable");
    expect(caseB.applications[0]?.state).toBe("reloadable");
    const requestsBefore = await db().outboxMessage.count({ where: { ownerCompanyId: "SAKURA01", type: "reload-permission-request" } });
    const [confirmedA, confirmedB] = await Promise.all([confirmReloadCase(sakura, caseA.id), confirmReloadCase(sakura, caseB.id)]);
    // Each inquiry's "reissue OK" carried a permission (issue 12): neither desk asks again, and only one may use its own.
    expect(await db().outboxMessage.count({ where: { ownerCompanyId: "SAKURA01", type: "reload-permission-request" } })).toBe(requestsBefore);
    const granted = [confirmedA, confirmedB].filter((c) => grantsOf(c.applications).length === 1);
    const refused = [confirmedA, confirmedB].filter((c) => c.outcome === "refused");
    expect(granted).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.refusal).toMatchObject({ code: "reload-in-progress" });

    const winner = granted[0]!.id === caseA.id ? a : b;
    const grant = grantsOf(granted[0]!.applications)[0]!;
    const outcome = await winner.load(grant);
    // The same result posted twice at once (a double click): both answered, recorded once. The second waits
    // for the case's lock in the statement that reads the permission, so it read it as granted; its guarded
    // write finds it loaded, and it runs again reading it after the lock (answering the first result).
    const both = await Promise.all([0, 1].map(() => recordReloadLoad(sakura, granted[0]!.id, grant.permissionId, outcome)));
    expect(both.map((r) => r.recorded)).toMatchObject([{ ok: true }, { ok: true }]);
    // And once more, outside the case.
    expect(await recordCardLoad(sakura, grant.permissionId, outcome)).toMatchObject({ ok: true });
    const oldLoad = await db().spLoadRecord.findFirstOrThrow({
      where: { providerCompanyId: "SAKURA01", applicationAid: AIDS.sakuraPoints, customer: { fullName: nameOf("Kenji Watanabe") }, kind: "first_load" },
    });
    expect(await db().spLoadRecord.count({ where: { providerCompanyId: "SAKURA01", previousLoadId: oldLoad.id, status: "loaded" } })).toBe(1);
    expect(await chargesFor("SAKURA01", oldLoad.id)).toHaveLength(1);
  });
});
