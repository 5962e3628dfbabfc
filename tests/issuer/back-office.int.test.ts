import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { MessageOf } from "@/lib/core/messages";
import { monthOf } from "@/lib/core/months";
import type { CardholderActor } from "@/lib/server/auth/session";
import { db } from "@/lib/server/db";
import { decodeStored } from "@/lib/server/exchange/inbox";
import { listMyCards } from "@/lib/server/data/cardholder/cards";
import { presentMyCard, reportMyCard } from "@/lib/server/data/cardholder/reissue";
import { issueMonthlyStatement, listCharges, setFeeSchedule } from "@/lib/server/data/issuer/charges";
import { issueNewCard } from "@/lib/server/data/issuer/issuance";
import { registerApplication, setApplicationStatus, setContractStatus, setReissueInfoDelivery } from "@/lib/server/data/issuer/providers";
import { activateCard } from "@/lib/server/data/issuer/activation";
import { approveReissueRequest, rejectReissueRequest } from "@/lib/server/data/issuer/reissue";
import { testDatabase } from "../helpers/db";
import { currentCard, freshDemoWorld, issuerActor } from "./helpers";
import { nameOf } from "../helpers/people";

vi.mock("@/lib/server/exchange/delivery", () => ({ deliverNow: vi.fn(async () => []), deliverSoon: vi.fn(), deliverOne: vi.fn() }));

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

describe(`charges and statements (claim 13) on ${testDatabase().kind}`, () => {
  it("a monthly statement per platform type bills each charge once and sends the totals by kind", async () => {
    const actor = await issuerActor();
    const metro = await db().serviceProvider.findUniqueOrThrow({ where: { companyId: "METRO01" } });
    const thisMonth = monthOf(new Date());
    const charges = await db().providerCharge.findMany({ where: { providerId: metro.id }, orderBy: { chargedAt: "desc" }, select: { chargedAt: true } });
    const period = charges.map((c) => monthOf(c.chargedAt)).find((p) => p < thisMonth)!;
    const result = await issueMonthlyStatement(actor, metro.id, period);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const statements = await db().chargeStatement.findMany({
      where: { providerId: metro.id, period },
      include: { charges: { include: { permission: { include: { card: true } } } } },
    });
    expect(statements.length).toBe(result.value.statements.length);
    for (const s of statements) {
      expect(s.charges.every((c) => c.permission.card?.platformType === s.platformType)).toBe(true);
      const row = await db().outboxMessage.findUniqueOrThrow({ where: { messageId: s.messageId! } });
      const message = decodeStored(row.jws) as MessageOf<"charge-statement">;
      expect(message).toMatchObject({
        platformType: s.platformType,
        period,
        currency: "JPY",
        totals: { normalLoad: s.normalTotalMinor, reissueReload: s.reissueTotalMinor, grand: s.totalMinor },
      });
      expect(message.lines).toHaveLength(s.charges.length);
    }
    const inMonth = await listCharges(actor, { providerId: metro.id, period });
    expect(inMonth.rows.every((c) => c.statement?.period === period)).toBe(true);
    expect(await issueMonthlyStatement(actor, metro.id, period)).toMatchObject({ ok: false, error: { code: "already-issued" } });
    expect(await issueMonthlyStatement(actor, metro.id, thisMonth)).toMatchObject({ ok: false, error: { code: "period-open" } });
    expect(await issueMonthlyStatement(actor, metro.id, "2001-01")).toMatchObject({ ok: false, error: { code: "nothing-to-bill" } });
  });

  it("a new fee schedule starts now and is audited; the earlier one stays in the history", async () => {
    const actor = await issuerActor();
    const app = await db().registeredApplication.findUniqueOrThrow({ where: { aid: "F0524300010001" } });
    expect(
      await setFeeSchedule(
        actor,
        { providerId: app.providerId, applicationId: app.id, normalLoadFeeMinor: 350, reissueReloadFeeMinor: 120, currency: "JPY" },
        "Yearly price review.",
      ),
    ).toEqual({ ok: true });
    const schedules = await db().feeSchedule.findMany({ where: { applicationId: app.id }, orderBy: { validFrom: "desc" } });
    expect(schedules).toHaveLength(2);
    expect(schedules[0]).toMatchObject({ normalLoadFeeMinor: 350, reissueReloadFeeMinor: 120 });
    expect(await db().auditLog.count({ where: { action: "fees.set" } })).toBe(1);
  });
});

describe(`providers and applications on ${testDatabase().kind}`, () => {
  it("contract status, delivery and application decisions are audited; invalid transitions are refused", async () => {
    const actor = await issuerActor();
    const sakura = await db().serviceProvider.findUniqueOrThrow({ where: { companyId: "SAKURA01" } });
    expect(await setContractStatus(actor, sakura.id, "suspended", "Unpaid invoices.")).toEqual({ ok: true, value: null });
    expect(await setContractStatus(actor, sakura.id, "suspended", "Again.")).toMatchObject({ ok: false, error: { code: "unchanged" } });
    expect(await setContractStatus(actor, sakura.id, "active", "Paid.")).toEqual({ ok: true, value: null });
    expect(await setReissueInfoDelivery(actor, sakura.id, "pull")).toEqual({ ok: true, value: null });
    expect(await setReissueInfoDelivery(actor, sakura.id, "push")).toEqual({ ok: true, value: null });

    const registered = await registerApplication(actor, sakura.id, {
      aid: "F0524300030003",
      name: "Sakura Gift",
      kind: "loyalty",
      version: "1",
      loadFileHash: "A".repeat(64),
    });
    expect(registered.ok).toBe(true);
    expect(
      await registerApplication(actor, sakura.id, { aid: "F0524300030003", name: "Again", kind: "loyalty", version: "1", loadFileHash: "B".repeat(64) }),
    ).toMatchObject({ ok: false, error: { code: "aid-taken", field: "aid" } });
    const id = registered.ok ? registered.value.id : "";
    expect(await setApplicationStatus(actor, id, "approved", "Security review passed.")).toEqual({ ok: true, value: null });
    expect(await setApplicationStatus(actor, id, "approved", "Twice.")).toMatchObject({ ok: false, error: { code: "invalid-transition" } });
    expect(await setApplicationStatus(actor, id, "revoked", "Vulnerability found.")).toEqual({ ok: true, value: null });
    const actions = (await db().auditLog.findMany({ where: { subjectId: { in: [sakura.id, id] } }, orderBy: { id: "asc" } })).map((a) => a.action);
    expect(actions).toEqual([
      "contract.status",
      "contract.status",
      "provider.reissue-delivery",
      "provider.reissue-delivery",
      "application.register",
      "application.approve",
      "application.revoke",
    ]);
  });

  it("issues a new card of the chosen platform type into the cardholder's wallet", async () => {
    const holder = await db().cardholder.findFirstOrThrow({ where: { fullName: nameOf("Hinata Ogawa") } });
    const issued = await issueNewCard(await issuerActor(), holder.id, 100);
    expect(issued.ok).toBe(true);
    if (!issued.ok) return;
    expect(await db().card.findUniqueOrThrow({ where: { id: issued.value.id } })).toMatchObject({
      platformType: 100,
      status: "active",
      generation: 1,
      cardholderId: holder.id,
    });
    expect((await db().walletCard.findUniqueOrThrow({ where: { surfaceNumber: issued.value.surfaceNumber } })).state).toBe("in_hand");
  });
});

describe(`the cardholder's view on ${testDatabase().kind}`, () => {
  it("follows a request to its rejection reason, then to the reissued card with the applications to reload and where", async () => {
    const hana = await cardholderActor("hana@recard.test");
    const kenji = await cardholderActor("kenji@recard.test");
    const card = await currentCard(nameOf("Hana Sato"));
    expect(await reportMyCard(kenji, { cardUuid: card.id, reason: "stolen" })).toMatchObject({ ok: false, error: { code: "not-found" } });
    expect(await presentMyCard(kenji, card.id)).toMatchObject({ ok: false, error: { code: "not-found" } });
    // A card id that is not a UUID (a tampered request) reads as missing too, rather than failing in the database.
    expect(await reportMyCard(kenji, { cardUuid: "not-a-card", reason: "stolen" })).toMatchObject({ ok: false, error: { code: "not-found" } });
    expect(await presentMyCard(kenji, "not-a-card")).toMatchObject({ ok: false, error: { code: "not-found" } });

    const first = await reportMyCard(hana, { cardUuid: card.id, reason: "damaged", statement: "Scratched chip." });
    await rejectReissueRequest(await issuerActor(), first.ok ? first.value.requestId : "", "Please try the card again at a terminal first.");
    let mine = await listMyCards(hana);
    expect(mine.current[0]!.requests[0]).toMatchObject({ status: "rejected", rejectionReason: "Please try the card again at a terminal first." });

    const second = await reportMyCard(hana, { cardUuid: card.id, reason: "lost" });
    expect(second).toMatchObject({ ok: true, value: { blocked: true } });
    expect(await presentMyCard(hana, card.id)).toMatchObject({ ok: false, error: { code: "not-in-hand" } });
    const approved = await approveReissueRequest(await issuerActor(), second.ok ? second.value.requestId : "");
    // The new card waits for Hana's activation; the lost card, blocked, is listed beside it until then.
    mine = await listMyCards(hana);
    expect(mine.current.map((c) => [c.id, c.status])).toEqual([
      [approved.ok ? approved.value.reissuedCardUuid : "", "issued"],
      [card.id, "blocked"],
    ]);
    expect(mine.current[0]).toMatchObject({ replacedCardSurfaceNumber: card.surfaceNumber, replacedCardStatus: "blocked" });
    expect(mine.earlier).toEqual([]);
    expect(await activateCard({ kind: "cardholder", userId: hana.id, label: hana.name, cardholderId: hana.cardholderId }, mine.current[0]!.id)).toMatchObject({
      ok: true,
    });
    mine = await listMyCards(hana);
    expect(mine.current).toHaveLength(1);
    expect(mine.current[0]!.reloadGuide).toEqual({
      oldCardLast4: card.surfaceNumber.slice(-4),
      applications: [
        { name: "Metro Pass", providerName: "Metro Transit", kind: "transit", reloaded: false, fromCardLast4: card.surfaceNumber.slice(-4) },
        { name: "Sakura Points", providerName: "Sakura Points", kind: "loyalty", reloaded: false, fromCardLast4: card.surfaceNumber.slice(-4) },
      ],
    });
    expect(mine.earlier.map((c) => c.id)).toEqual([card.id]);
    const code = await presentMyCard(hana, mine.current[0]!.id);
    expect(code).toMatchObject({
      ok: true,
      value: { code: expect.stringMatching(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/), last4: mine.current[0]!.surfaceNumber.slice(-4) },
    });
  });
});
