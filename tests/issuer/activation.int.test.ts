import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { ACTIVATION_DEADLINE_DAYS, activateCard, listOverdueActivations } from "@/lib/server/data/issuer/activation";
import { fileReissueRequest, withdrawReissueRequest } from "@/lib/server/data/issuer/reissue";
import { confirmReloadCase, openReloadCase, recordReloadLoad } from "@/lib/server/data/provider/reload";
import { testDatabase } from "../helpers/db";
import { issuerActor } from "./helpers";
import { activateAsCardholder, AIDS, currentCard, DeskCard, desks, freshDemoWorld, grantsOf, reissue, walletImage } from "../provider/helpers";
import { nameOf } from "../helpers/people";

beforeAll(freshDemoWorld, 180_000);
afterAll(() => db().$disconnect());

const DAY = 24 * 60 * 60 * 1000;

const cardRow = (id: string) => db().card.findUniqueOrThrow({ where: { id }, select: { status: true, activatedAt: true, terminatedAt: true } });
const walletState = async (surfaceNumber: string) => (await db().walletCard.findUniqueOrThrow({ where: { surfaceNumber } })).state;

async function cardholderOf(fullName: string) {
  const holder = await db().cardholder.findFirstOrThrow({ where: { fullName } });
  const user = await db().user.findFirstOrThrow({ where: { cardholderId: holder.id } });
  return { kind: "cardholder" as const, userId: user.id, label: `${fullName} (cardholder)`, cardholderId: holder.id };
}

/** Metro's desk: open, confirm, and load every permission granted, as the desk's browser does. */
async function metroReloads(card: DeskCard) {
  const metro = await desks.metro();
  const opened = await openReloadCase(metro, { ...(await card.read()), applicationAids: [AIDS.metroPass] });
  expect(opened.outcome).toBe("in_progress");
  const confirmed = await confirmReloadCase(metro, opened.id);
  const recorded = [];
  for (const grant of grantsOf(confirmed.applications))
    recorded.push((await recordReloadLoad(metro, opened.id, grant.permissionId, await card.load(grant))).recorded);
  return { confirmed, recorded };
}

describe(`activation of a card reissued for a lost, stolen or damaged card on ${testDatabase().kind}`, () => {
  it("a lost card's replacement waits `issued`; no desk reloads on it before the activation; the activation terminates the lost card and the reload then goes through", async () => {
    const { old, approval } = await reissue(nameOf("Hana Sato"), "lost", { activate: false });
    expect(await cardRow(approval.reissuedCardUuid)).toMatchObject({ status: "issued", activatedAt: null });
    // The lost card stays blocked (since the report) until the activation; its plastic is gone.
    expect(await cardRow(old.id)).toMatchObject({ status: "blocked", terminatedAt: null });
    expect(await walletState(old.surfaceNumber)).toBe("gone");
    expect(await walletState(approval.surfaceNumber)).toBe("in_hand");
    // Metro was told of the pair (Fig. 12) but the notification carries no reload permission for a waiting card.
    expect(approval.notified).toContain("METRO01");
    expect(await db().loadingPermission.count({ where: { cardId: approval.reissuedCardUuid } })).toBe(0);

    // Before the activation: the desk finds the old load, asks the issuer, and is refused with the reason.
    const card = new DeskCard(await walletImage(approval.surfaceNumber));
    const before = await metroReloads(card);
    expect(before.recorded).toHaveLength(0);
    const app = before.confirmed.applications[0]!;
    expect(app.state).toBe("refused");
    expect(app.refusal).toMatchObject({
      code: "issuer-refused",
      step: "permission",
      params: { issuerReason: "other", issuerText: expect.stringContaining("has not been activated by its cardholder yet") },
    });
    expect(await db().loadingPermission.count({ where: { cardId: approval.reissuedCardUuid, status: { not: "refused" } } })).toBe(0);
    expect(await cardRow(approval.reissuedCardUuid)).toMatchObject({ status: "issued" });

    // Hana activates it in the portal: active, the lost card terminated, its plastic still gone.
    await activateAsCardholder(approval.reissuedCardUuid);
    expect(await cardRow(approval.reissuedCardUuid)).toMatchObject({ status: "active", activatedAt: expect.any(Date) });
    expect(await cardRow(old.id)).toMatchObject({ status: "terminated", terminatedAt: expect.any(Date) });
    expect(await walletState(old.surfaceNumber)).toBe("gone");
    const audit = await db().auditLog.findMany({ where: { subjectId: old.id, action: "card.terminate" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.reason).toEqual({ code: "card-replaced", params: { last4: expect.stringMatching(/^\d{4}$/), activated: true, wasBlocked: true } });

    // Now the desk reloads (a new case: the refused one is on record).
    const after = await metroReloads(new DeskCard(await walletImage(approval.surfaceNumber)));
    expect(after.recorded).toEqual([expect.objectContaining({ ok: true, value: expect.objectContaining({ status: "loaded" }) })]);
  });

  it('method 2 (platform 200): the issuer answers "reissue OK" for a card waiting for activation but carries no permission, and refuses the one the desk asks for; after the activation Hoshi reloads', async () => {
    const hoshi = await desks.hoshi();
    const { approval } = await reissue(nameOf("Haruto Kobayashi"), "damaged", { activate: false });
    const reloadCase = async () => {
      const card = new DeskCard(await walletImage(approval.surfaceNumber));
      const opened = await openReloadCase(hoshi, { ...(await card.read()), applicationAids: [AIDS.hoshiCredit] });
      expect(opened.method).toBe(2);
      expect(opened.applications[0]!.state).toBe("reloadable"); // the Fig. 15 answer: reissue OK
      const confirmed = await confirmReloadCase(hoshi, opened.id);
      const recorded = [];
      for (const grant of grantsOf(confirmed.applications))
        recorded.push((await recordReloadLoad(hoshi, opened.id, grant.permissionId, await card.load(grant))).recorded);
      return { confirmed, recorded };
    };
    const before = await reloadCase();
    expect(before.recorded).toHaveLength(0);
    expect(before.confirmed.applications[0]).toMatchObject({
      state: "refused",
      refusal: { code: "issuer-refused", params: { issuerText: expect.stringContaining("has not been activated by its cardholder yet") } },
    });
    expect(await db().loadingPermission.count({ where: { cardId: approval.reissuedCardUuid, status: { not: "refused" } } })).toBe(0);

    await activateAsCardholder(approval.reissuedCardUuid);
    const after = await reloadCase();
    expect(after.recorded).toEqual([expect.objectContaining({ ok: true, value: expect.objectContaining({ status: "loaded" }) })]);
  });

  it("a damaged card keeps working until its replacement is activated; the activation terminates it and the plastic is handed back", async () => {
    const { old, approval } = await reissue(nameOf("Mei Ito"), "damaged", { activate: false });
    expect(await cardRow(old.id)).toMatchObject({ status: "active", terminatedAt: null });
    expect(await walletState(old.surfaceNumber)).toBe("in_hand");
    expect(await cardRow(approval.reissuedCardUuid)).toMatchObject({ status: "issued" });

    await activateAsCardholder(approval.reissuedCardUuid);
    expect(await cardRow(old.id)).toMatchObject({ status: "terminated", terminatedAt: expect.any(Date) });
    expect(await walletState(old.surfaceNumber)).toBe("surrendered");
    expect(await db().auditLog.count({ where: { subjectId: old.id, action: "card.terminate", reason: { path: ["params", "activated"], equals: true } } })).toBe(
      1,
    );
  });

  it("an unactivated reissued card is on the issuer's overview once the deadline has passed, with why it was made; the activation takes it off", async () => {
    const { approval } = await reissue(nameOf("Kenji Watanabe"), "stolen", { activate: false });
    const now = new Date();
    const listed = async (at: Date) => (await listOverdueActivations(at, 500)).cards.filter((c) => c.id === approval.reissuedCardUuid);
    expect(await listed(new Date(now.getTime() + (ACTIVATION_DEADLINE_DAYS - 1) * DAY))).toHaveLength(0);
    const late = new Date(now.getTime() + (ACTIVATION_DEADLINE_DAYS + 1) * DAY);
    expect(await listed(late)).toEqual([
      expect.objectContaining({
        surfaceNumber: approval.surfaceNumber,
        reason: "stolen",
        cardholder: expect.objectContaining({ fullName: nameOf("Kenji Watanabe") }),
      }),
    ]);
    expect((await listOverdueActivations(late, 500)).total).toBeGreaterThanOrEqual(1);

    await activateAsCardholder(approval.reissuedCardUuid);
    expect(await listed(late)).toHaveLength(0);
  });

  it("refusals: another cardholder cannot activate the card (it reads as missing) and nothing changes; a second activation is refused", async () => {
    const { old, approval } = await reissue(nameOf("Sota Hayashi"), "damaged", { activate: false });
    const hana = await cardholderOf(nameOf("Hana Sato"));
    expect(await activateCard(hana, approval.reissuedCardUuid)).toMatchObject({ ok: false, error: { code: "not-found", message: "No such card." } });
    expect(await cardRow(approval.reissuedCardUuid)).toMatchObject({ status: "issued", activatedAt: null });
    expect(await cardRow(old.id)).toMatchObject({ status: "active" });
    expect(await activateCard(hana, "not-a-uuid")).toMatchObject({ ok: false, error: { code: "not-found" } });

    const sota = await cardholderOf(nameOf("Sota Hayashi"));
    expect(await activateCard(sota, approval.reissuedCardUuid)).toMatchObject({ ok: true });
    expect(await activateCard(sota, approval.reissuedCardUuid)).toMatchObject({
      ok: false,
      error: { code: "not-waiting", message: "This card is already active." },
    });
    // The issuer's desk is refused the same way, and the old card cannot be activated at all.
    const operator = await issuerActor();
    expect(await activateCard({ kind: "operator", userId: operator.id, label: operator.name }, approval.reissuedCardUuid)).toMatchObject({
      ok: false,
      error: { code: "not-waiting" },
    });
    expect(await activateCard(sota, old.id)).toMatchObject({ ok: false, error: { code: "not-waiting", message: "This card cannot be activated." } });
    expect(await db().auditLog.count({ where: { subjectId: approval.reissuedCardUuid, action: "card.activate" } })).toBe(1);
  });

  it("a card replaced again before its activation cannot be activated; activating the latest card ends every earlier card still open", async () => {
    const first = await reissue(nameOf("Yui Matsumoto"), "damaged", { activate: false });
    // The new card is damaged in the post: the cardholder reports it (the first card still works).
    const second = await reissue(nameOf("Yui Matsumoto"), "damaged", { activate: false });
    expect(second.old.id).toBe(first.approval.reissuedCardUuid);
    const yui = await cardholderOf(nameOf("Yui Matsumoto"));
    expect(await activateCard(yui, first.approval.reissuedCardUuid)).toMatchObject({
      ok: false,
      error: { code: "not-waiting", message: expect.stringContaining("replaced by a later card") },
    });
    expect(await cardRow(first.old.id)).toMatchObject({ status: "active" });

    await activateAsCardholder(second.approval.reissuedCardUuid);
    expect(await cardRow(first.old.id)).toMatchObject({ status: "terminated" });
    expect(await cardRow(first.approval.reissuedCardUuid)).toMatchObject({ status: "terminated" });
    expect((await currentCard(nameOf("Yui Matsumoto"))).id).toBe(second.approval.reissuedCardUuid);
  });

  it("a new card lost in the post (reported before its activation) is blocked: nobody can activate it; withdrawing the report returns it to waiting, and then it activates", async () => {
    const { approval } = await reissue(nameOf("Haruto Kobayashi"), "damaged", { activate: false });
    const haruto = await cardholderOf(nameOf("Haruto Kobayashi"));
    const filed = await fileReissueRequest(haruto, { cardUuid: approval.reissuedCardUuid, reason: "lost", statement: "Never arrived" });
    expect(filed).toMatchObject({ ok: true, value: { blocked: true } });
    expect(
      await db().card.findUniqueOrThrow({ where: { id: approval.reissuedCardUuid }, select: { status: true, blockedFrom: true, activatedAt: true } }),
    ).toEqual({ status: "blocked", blockedFrom: "issued", activatedAt: null });
    expect(await walletState(approval.surfaceNumber)).toBe("gone");
    // Whoever has the card cannot activate it, at the portal or at the issuer's desk.
    expect(await activateCard(haruto, approval.reissuedCardUuid)).toEqual({
      ok: false,
      error: { code: "not-waiting", message: "This card was reported lost or stolen: it cannot be activated." },
    });
    const operator = await issuerActor();
    expect(await activateCard({ kind: "operator", userId: operator.id, label: operator.name }, approval.reissuedCardUuid)).toMatchObject({
      ok: false,
      error: { code: "not-waiting" },
    });

    // Found in the letterbox: the report is withdrawn and the card waits for its activation again (not active by the back door).
    if (!filed.ok) throw new Error("unreachable");
    expect(await withdrawReissueRequest(haruto, filed.value.requestId, "Found it in the letterbox")).toMatchObject({ ok: true });
    expect(
      await db().card.findUniqueOrThrow({ where: { id: approval.reissuedCardUuid }, select: { status: true, blockedFrom: true, activatedAt: true } }),
    ).toEqual({ status: "issued", blockedFrom: null, activatedAt: null });
    expect(await walletState(approval.surfaceNumber)).toBe("in_hand");
    expect(await activateCard(haruto, approval.reissuedCardUuid)).toMatchObject({ ok: true });
    expect(await cardRow(approval.reissuedCardUuid)).toMatchObject({ status: "active", activatedAt: expect.any(Date) });
  });
});
