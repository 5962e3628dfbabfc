import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import type { CardholderActor } from "@/lib/server/auth/session";
import { listMyCards } from "@/lib/server/data/cardholder/cards";
import { currentFee, listDeskApplications } from "@/lib/server/data/provider/catalog";
import { getCreditPolicy } from "@/lib/server/data/provider/credit-policy";
import { statementsSent } from "@/lib/server/db";
import { listFeeSchedules, scheduleFee, withdrawScheduledFee } from "@/lib/server/data/provider/fees";
import { startFirstLoad } from "@/lib/server/data/provider/first-load";
import { recordCardLoad } from "@/lib/server/data/provider/permissions";
import { createTranslator } from "use-intl/core";
import { messagesFor } from "@/lib/i18n/messages";
import { feeScheduleFormSchema } from "@/lib/validation/provider-desk";
import { testDatabase } from "../helpers/db";
import { AIDS, currentCard, DeskCard, desks, freshDemoWorld, grantsOf, walletImage } from "./helpers";
import { nameOf } from "../helpers/people";

const FeeScheduleFormSchema = feeScheduleFormSchema(createTranslator({ locale: "en", messages: messagesFor("en"), namespace: "provider.validation" }));

/**
 * A provider's fees to its users (issue 15, claim 14): versions scheduled now or from a later Tokyo
 * day, withdrawn before they start, each provider only ever touching its own; a load is charged at the
 * version in force, and the charge reaches the issuer in the load confirmation and the cardholder's page.
 * Clocks are injected.
 */
beforeAll(freshDemoWorld, 180_000);
afterAll(() => db().$disconnect());

const NOW = new Date("2026-11-30T23:40:00Z"); // 2026-12-01 08:40 in Tokyo

describe(`fees to users, on ${testDatabase().kind}`, () => {
  it("schedules a change from a later Tokyo day: the desk charges the old fees until then, the new ones after", async () => {
    const metro = await desks.metro();
    const scheduled = await scheduleFee(
      metro,
      { applicationAid: AIDS.metroCycle, normalFeeMinor: 350, reissueFeeMinor: 120, effectiveFrom: "2026-12-05" },
      NOW,
    );
    expect(scheduled).toMatchObject({ ok: true, value: { validFrom: new Date("2026-12-04T15:00:00Z"), immediate: false } });

    expect(await currentFee("METRO01", AIDS.metroCycle, NOW)).toMatchObject({ normalFeeMinor: 300, reissueFeeMinor: 100 });
    expect(await currentFee("METRO01", AIDS.metroCycle, new Date("2026-12-04T15:00:00Z"))).toMatchObject({ normalFeeMinor: 350, reissueFeeMinor: 120 });

    // The desk page reads every application's fee in force in one statement (issue 16), the same as currentFee.
    for (const at of [NOW, new Date("2026-12-04T15:00:00Z")]) {
      const before = statementsSent();
      const desk = await listDeskApplications(metro, at);
      expect(statementsSent() - before).toBe(1);
      expect(desk.map((a) => a.aid)).toEqual([AIDS.metroPass, AIDS.metroCycle]);
      for (const app of desk) expect(app.fee).toEqual(await currentFee("METRO01", app.aid, at));
    }
    expect((await listDeskApplications(metro, new Date("2000-01-01T00:00:00Z"))).map((a) => a.fee)).toEqual([null, null]);

    const listed = await listFeeSchedules(metro, NOW);
    const cycle = listed.applications.find((a) => a.aid === AIDS.metroCycle)!;
    expect(cycle.current).toMatchObject({ normalFeeMinor: 300, createdBy: null });
    expect(cycle.upcoming).toEqual([expect.objectContaining({ normalFeeMinor: 350, reissueFeeMinor: 120, createdBy: "Daichi Mori" })]);
    expect(listed.applications.map((a) => a.name)).toEqual(["Metro Pass", "Metro Cycle"]);
  });

  it("the credit policy with its company's currency in one statement; a provider without one examines strictly", async () => {
    const metro = await desks.metro();
    const row = await db().spCreditPolicy.findUnique({ where: { providerCompanyId: "METRO01" } });
    const company = await db().spCompany.findUniqueOrThrow({ where: { providerCompanyId: "METRO01" } });
    const before = statementsSent();
    const policy = await getCreditPolicy(metro);
    expect(statementsSent() - before).toBe(1);
    expect(policy.currency).toBe(company.currency);
    if (row) {
      expect(policy).toEqual({
        version: row.version,
        minAnnualIncomeMinor: row.minAnnualIncomeMinor,
        limitPercentOfIncome: row.limitPercentOfIncome,
        maxLimitMinor: row.maxLimitMinor,
        requiresInvestigation: row.requiresInvestigation,
        updatedAt: row.updatedAt,
        currency: company.currency,
      });
    }
    await db().spCreditPolicy.deleteMany({ where: { providerCompanyId: "METRO01" } });
    try {
      expect(await getCreditPolicy(metro)).toMatchObject({ version: "default", requiresInvestigation: true, maxLimitMinor: 0, currency: company.currency });
    } finally {
      if (row) await db().spCreditPolicy.create({ data: row });
    }
  });

  it("refuses another provider's application, a day already past in Tokyo, more than two years ahead, and a second change on the same day", async () => {
    const metro = await desks.metro();
    const input = { applicationAid: AIDS.metroPass, normalFeeMinor: 600, reissueFeeMinor: 250 };
    expect(await scheduleFee(metro, { ...input, applicationAid: AIDS.hoshiCredit, effectiveFrom: null }, NOW)).toEqual({
      ok: false,
      error: { code: "unknown-application", field: "applicationAid" },
    });
    expect(await scheduleFee(metro, { ...input, effectiveFrom: "2026-11-30" }, NOW)).toEqual({
      ok: false,
      error: { code: "in-the-past", field: "effectiveFrom" },
    });
    expect(await scheduleFee(metro, { ...input, effectiveFrom: "2029-01-01" }, NOW)).toEqual({
      ok: false,
      error: { code: "too-far-ahead", field: "effectiveFrom" },
    });
    expect((await scheduleFee(metro, { ...input, effectiveFrom: "2027-01-01" }, NOW)).ok).toBe(true);
    expect(await scheduleFee(metro, { ...input, normalFeeMinor: 700, effectiveFrom: "2027-01-01" }, NOW)).toEqual({
      ok: false,
      error: { code: "already-scheduled", field: "effectiveFrom" },
    });
    expect(await db().spFeeSchedule.count({ where: { providerCompanyId: "HOSHI01", applicationAid: AIDS.metroPass } })).toBe(0);
  });

  it("the form schema refuses negative, fractional and missing fees and a date that is not one, with the field named", () => {
    const errors = (v: Record<string, string>) => {
      const r = FeeScheduleFormSchema.safeParse({ applicationAid: AIDS.metroPass, normalFee: "500", reissueFee: "200", effectiveFrom: "", ...v });
      return r.success ? null : Object.keys(r.error.flatten().fieldErrors);
    };
    expect(errors({})).toBeNull();
    expect(errors({ normalFee: "-1" })).toEqual(["normalFee"]);
    expect(errors({ reissueFee: "12.5" })).toEqual(["reissueFee"]);
    expect(errors({ normalFee: "" })).toEqual(["normalFee"]);
    expect(errors({ effectiveFrom: "2026-02-30" })).toEqual(["effectiveFrom"]);
  });

  it("withdraws a change before it starts; one in force, or another provider's, is refused and kept", async () => {
    const metro = await desks.metro();
    const hoshi = await desks.hoshi();
    const later = await scheduleFee(metro, { applicationAid: AIDS.metroPass, normalFeeMinor: 800, reissueFeeMinor: 300, effectiveFrom: "2027-02-01" }, NOW);
    if (!later.ok) throw new Error(later.error.code);
    expect(await withdrawScheduledFee(hoshi, later.value.id, NOW)).toEqual({ ok: false, error: { code: "not-scheduled" } });
    expect(await withdrawScheduledFee(metro, later.value.id, new Date("2027-02-01T00:00:00Z"))).toEqual({ ok: false, error: { code: "not-scheduled" } }); // already 09:00 in Tokyo: in force
    expect(await withdrawScheduledFee(metro, later.value.id, NOW)).toEqual({ ok: true, value: { aid: AIDS.metroPass } });
    expect(await db().spFeeSchedule.count({ where: { id: later.value.id } })).toBe(0);
    const inForce = await db().spFeeSchedule.findFirstOrThrow({
      where: { providerCompanyId: "METRO01", applicationAid: AIDS.metroPass },
      orderBy: { validFrom: "asc" },
    });
    expect(await withdrawScheduledFee(metro, inForce.id, NOW)).toEqual({ ok: false, error: { code: "not-scheduled" } });
  });

  it("a first load after an immediate change is charged at the new fee, and the issuer and the cardholder see that charge", async () => {
    const metro = await desks.metro();
    const changed = await scheduleFee(metro, { applicationAid: AIDS.metroCycle, normalFeeMinor: 330, reissueFeeMinor: 110, effectiveFrom: null });
    expect(changed).toMatchObject({ ok: true, value: { immediate: true } });

    const holder = await currentCard(nameOf("Kenji Watanabe"));
    const card = new DeskCard(await walletImage(holder.surfaceNumber));
    const started = await startFirstLoad(metro, {
      card: await card.read(),
      applicationAids: [AIDS.metroCycle],
      customer: { kind: "new", fullName: nameOf("Kenji Watanabe"), birthDate: new Date("1985-09-30"), email: null, phone: null, address: null },
      declaredIncomeMinor: null,
      existingLimitsMinor: null,
    });
    if (!started.ok) throw new Error(JSON.stringify(started.error));
    const grant = grantsOf(started.value.applications)[0]!;
    const recorded = await recordCardLoad(metro, grant.permissionId, await card.load(grant));
    expect(recorded).toMatchObject({ ok: true, value: { charge: { kind: "normal_load", amountMinor: 330, currency: "JPY" } } });

    const confirmation = await db().outboxMessage.findFirstOrThrow({
      where: { ownerCompanyId: "METRO01", type: "load-confirmation" },
      orderBy: { createdAt: "desc" },
    });
    expect(JSON.parse(Buffer.from(confirmation.jws.split(".")[1]!, "base64url").toString("utf8"))).toMatchObject({
      userCharge: { kind: "normal-load", amountMinor: 330, currency: "JPY" },
    });
    expect(await db().loadingPermission.findUniqueOrThrow({ where: { messageId: grant.messageId } })).toMatchObject({
      status: "confirmed",
      userChargeKind: "normal_load",
      userChargeMinor: 330,
      userChargeCurrency: "JPY",
    });

    const u = await db().user.findUniqueOrThrow({ where: { email: "kenji@recard.test" } });
    const kenji: CardholderActor = {
      id: u.id,
      email: u.email,
      name: u.name,
      role: "cardholder",
      tenantId: u.cardholderId!,
      cardholderId: u.cardholderId!,
      companyName: "",
    };
    const mine = await listMyCards(kenji);
    const cycle = mine.current.flatMap((c) => c.applications).find((a) => a.name === "Metro Cycle");
    expect(cycle?.charge).toEqual({ kind: "normal_load", amountMinor: 330, currency: "JPY" });
    // The seeded loads carry the fee the seed charged: Kenji's Sakura Points, a normal load at ¥0.
    expect(mine.current.flatMap((c) => c.applications).find((a) => a.name === "Sakura Points")?.charge).toEqual({
      kind: "normal_load",
      amountMinor: 0,
      currency: "JPY",
    });
  });
});
