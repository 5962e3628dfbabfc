import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toBase64Url } from "@/lib/core/bytes";
import { terminal } from "@/lib/core/card";
import { db } from "@/lib/server/db";
import { startFirstLoad, type FirstLoadInput } from "@/lib/server/data/provider/first-load";
import { recordCardLoad } from "@/lib/server/data/provider/permissions";
import { testDatabase } from "../helpers/db";
import { AIDS, currentCard, DeskCard, desks, freshDemoWorld, grantsOf, walletImage } from "./helpers";
import { nameOf } from "../helpers/people";

beforeAll(freshDemoWorld, 180_000);
afterAll(() => db().$disconnect());

const newCustomer = (fullName: string): FirstLoadInput["customer"] => ({
  kind: "new",
  fullName,
  birthDate: new Date("1992-08-08"),
  email: null,
  phone: null,
  address: null,
});

async function firstLoad(desk: "metro" | "hoshi", fullName: string, aid: string, extra: Partial<FirstLoadInput> = {}) {
  const actor = await desks[desk]();
  const holder = await currentCard(fullName);
  const card = new DeskCard(await walletImage(holder.surfaceNumber));
  const started = await startFirstLoad(actor, {
    card: await card.read(),
    applicationAids: [aid],
    customer: newCustomer(fullName),
    declaredIncomeMinor: null,
    existingLimitsMinor: null,
    ...extra,
  });
  if (!started.ok) throw new Error(JSON.stringify(started.error));
  return { actor, card, started: started.value, grant: grantsOf(started.value.applications)[0] };
}

describe(`first loads and what the card does with a permission, on ${testDatabase().kind}`, () => {
  it("examines by the provider's policy: declined asks the issuer nothing; approved gets a permission, loads with the examined limit and charges the normal fee", async () => {
    const before = await db().outboxMessage.count({ where: { ownerCompanyId: "HOSHI01", type: "loading-permission-request" } });
    const declined = await firstLoad("hoshi", nameOf("Hinata Ogawa"), AIDS.hoshiCredit, { declaredIncomeMinor: 1_000_000, existingLimitsMinor: 0 });
    expect(declined.started.applications[0]).toMatchObject({
      examination: { outcome: "declined" },
      refusal: { code: "examination-declined" },
      permission: null,
    });
    expect(await db().outboxMessage.count({ where: { ownerCompanyId: "HOSHI01", type: "loading-permission-request" } })).toBe(before);
    // The examination is stored as codes with their values, not as sentences (store codes, render words).
    const declinedExam = await db().spCreditInvestigation.findUniqueOrThrow({ where: { id: declined.started.applications[0]!.examination!.id } });
    expect(declinedExam).toMatchObject({
      notes: [{ code: "income-below-minimum", incomeMinor: 1_000_000, minimumMinor: 2_000_000, currency: "JPY" }],
      legacyNotes: null,
    });
    expect(JSON.stringify(declinedExam.notes)).not.toMatch(/[a-z]+ [a-z]+/);
    expect(declined.started.applications[0]?.refusal?.params.notes).toEqual(declinedExam.notes);

    const { actor, card, started, grant } = await firstLoad("hoshi", nameOf("Hinata Ogawa"), AIDS.hoshiCredit, {
      declaredIncomeMinor: 4_100_000,
      existingLimitsMinor: 10_000,
    });
    expect(started.applications[0]?.examination).toMatchObject({ outcome: "approved", limitMinor: 400_000 });
    expect((await db().spCreditInvestigation.findUniqueOrThrow({ where: { id: started.applications[0]!.examination!.id } })).notes).toEqual([
      { code: "income-meets-minimum", incomeMinor: 4_100_000, minimumMinor: 2_000_000, currency: "JPY" },
      { code: "limit", limitMinor: 400_000, percent: 10, existingMinor: 10_000, currency: "JPY", capped: false },
    ]);
    expect(grant).toBeDefined();
    expect(grant!.installParams).toMatchObject({ kind: "credit", limit: 400_000, holderReference: started.customer.customerNo });
    const recorded = await recordCardLoad(actor, grant!.permissionId, await card.load(grant!));
    expect(recorded).toMatchObject({ ok: true, value: { status: "loaded", charge: { kind: "normal_load", amountMinor: 1500 } } });
    const record = await db().spLoadRecord.findUniqueOrThrow({
      where: { providerCompanyId_messageId: { providerCompanyId: "HOSHI01", messageId: grant!.messageId } },
    });
    expect(record).toMatchObject({ kind: "first_load", status: "loaded", cardId: null, platformType: 200 });
    expect((await db().loadingPermission.findUniqueOrThrow({ where: { messageId: grant!.messageId } })).status).toBe("confirmed");
    expect(await card.inApplication(AIDS.hoshiCredit, terminal.readCreditInfo)).toMatchObject({ ok: true, value: { limit: 400_000 } });
  });

  it("a tampered permission: the card refuses, nothing is recorded as loaded, nothing charged, the issuer is told the status word", async () => {
    const { actor, card, grant } = await firstLoad("metro", nameOf("Aoi Shimizu"), AIDS.metroCycle);
    const token = Buffer.from(grant!.permissionToken, "base64url");
    token[token.length - 5]! ^= 0x01; // inside the signature
    const outcome = await card.load(grant!, toBase64Url(token));
    expect(outcome).toMatchObject({ status: "failed", statusWord: 0x6982 });
    const recorded = await recordCardLoad(actor, grant!.permissionId, outcome);
    // The card's status word as it answered, not its meaning in words (rendered from the catalogue where shown).
    const failure = { code: "card-refused", step: expect.any(String), sw: "6982" };
    expect(recorded).toMatchObject({ ok: false, error: { code: "card-refused-load", params: { loadFailure: failure } } });
    const record = await db().spLoadRecord.findUniqueOrThrow({
      where: { providerCompanyId_messageId: { providerCompanyId: "METRO01", messageId: grant!.messageId } },
      include: { charge: true },
    });
    expect(record).toMatchObject({ status: "failed", loadedAt: null, charge: null, failure, legacyFailureReason: null });
    const permission = await db().spPermission.findUniqueOrThrow({ where: { id: grant!.permissionId } });
    expect(permission).toMatchObject({ status: "failed", failure, legacyFailureReason: null });
    expect(JSON.stringify(permission.failure)).not.toMatch(/Security status|not satisfied/i);
    // Recording the same permission again reads the stored code back.
    expect(await recordCardLoad(actor, grant!.permissionId, outcome)).toMatchObject({
      ok: false,
      error: { code: "card-refused-load", params: { loadFailure: failure } },
    });
    expect((await db().loadingPermission.findUniqueOrThrow({ where: { messageId: grant!.messageId } })).status).toBe("failed");
    expect((await terminal.selectApplication(card.transmit, AIDS.metroCycle)).ok).toBe(false);
  });

  it("a permission used on the wrong card: that card refuses it and nothing is recorded as loaded", async () => {
    const { actor, grant } = await firstLoad("metro", nameOf("Tsumugi Fujita"), AIDS.metroCycle);
    const other = await currentCard(nameOf("Ema Goto")); // PF100, another cardholder's card
    const wrong = new DeskCard(await walletImage(other.surfaceNumber));
    const outcome = await wrong.load(grant!);
    expect(outcome).toMatchObject({ status: "failed", statusWord: 0x6982 });
    expect(await recordCardLoad(actor, grant!.permissionId, outcome)).toMatchObject({ ok: false });
    expect(await db().spLoadRecord.count({ where: { providerCompanyId: "METRO01", messageId: grant!.messageId, status: "loaded" } })).toBe(0);
    expect(await db().spUserCharge.count({ where: { loadRecord: { messageId: grant!.messageId } } })).toBe(0);
  });

  it("a receipt that is not the card's receipt for this permission is not recorded as a load", async () => {
    const { actor, grant } = await firstLoad("metro", nameOf("Sakura Kimura"), AIDS.metroPass);
    const other = await db().spLoadRecord.findFirstOrThrow({ where: { providerCompanyId: "METRO01", status: "loaded", receipt: { not: null } } });
    const sent = await db().outboxMessage.count({ where: { ownerCompanyId: "METRO01", type: "load-confirmation" } });
    const recorded = await recordCardLoad(actor, grant!.permissionId, { status: "loaded", receipt: toBase64Url(other.receipt!) });
    expect(recorded).toMatchObject({
      ok: false,
      error: { code: "receipt-mismatch", params: { loadFailure: { code: "receipt-mismatch", problem: "message-id" } } },
    });
    expect((await db().spPermission.findUniqueOrThrow({ where: { id: grant!.permissionId } })).failure).toEqual({
      code: "receipt-mismatch",
      problem: "message-id",
    });
    expect(await db().spLoadRecord.count({ where: { providerCompanyId: "METRO01", messageId: grant!.messageId, status: "loaded" } })).toBe(0);
    expect(await db().outboxMessage.count({ where: { ownerCompanyId: "METRO01", type: "load-confirmation" } })).toBe(sent);
  });

  it("refuses an unknown platform type and a locked card before asking anything", async () => {
    const actor = await desks.metro();
    const base = { applicationAids: [AIDS.metroPass], customer: newCustomer("X Y"), declaredIncomeMinor: null, existingLimitsMinor: null };
    const card = { cardId: "0123456789ABCDEF", cardAttributeData: null, surfaceNumberLast4: null };
    expect(await startFirstLoad(actor, { ...base, card: { ...card, platformType: 999, isCardLocked: false } })).toMatchObject({
      ok: false,
      error: { refusal: { code: "unknown-platform-type", step: "1802" } },
    });
    expect(await startFirstLoad(actor, { ...base, card: { ...card, platformType: 100, isCardLocked: true } })).toMatchObject({
      ok: false,
      error: { refusal: { code: "card-locked" } },
    });
  });
});
