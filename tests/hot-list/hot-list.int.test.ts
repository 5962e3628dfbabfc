/**
 * The hot list (issue 12): card-blocked at report time to every provider with an application on the
 * card (platform 100: the card id; platform 200: only that provider's load message ids), applied once
 * (a duplicate is replayed), card-unblocked when the report is withdrawn (reinstate), the desk's
 * refusal, and the terminals' endpoint (changes since a cursor, ETag, per-provider authentication).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MessageOf } from "@/lib/core/messages";
import type { ProviderActor } from "@/lib/server/auth/session";
import { db } from "@/lib/server/db";
import { approveReissueRequest, fileReissueRequest, rejectReissueRequest, withdrawReissueRequest, type Reporter } from "@/lib/server/data/issuer/reissue";
import { startFirstLoad } from "@/lib/server/data/provider/first-load";
import { checkCardAtDesk, createTerminalToken, findBlockedLoad, serveHotList, type HotListRequest } from "@/lib/server/data/provider/hot-list";
import { openReloadCase } from "@/lib/server/data/provider/reload";
import { deliverNow } from "@/lib/server/exchange/delivery";
import { decodeStored, receiveMessage } from "@/lib/server/exchange/inbox";
import { SW, terminal } from "@/lib/core/card";
import { terminateChipInHand } from "@/lib/server/data/issuer/chip";
import { testDatabase } from "../helpers/db";
import { AIDS, currentCard, freshDemoWorld, issuerActor } from "../issuer/helpers";
import { DeskCard, desks, reissue, walletImage } from "../provider/helpers";
import { nameOf } from "../helpers/people";

beforeAll(freshDemoWorld, 180_000);
afterAll(() => db().$disconnect());

async function cardholder(fullName: string): Promise<Reporter> {
  const holder = await db().cardholder.findFirstOrThrow({ where: { fullName }, select: { id: true } });
  const user = await db().user.findFirst({ where: { cardholderId: holder.id }, select: { id: true } });
  return { kind: "cardholder", userId: user?.id ?? holder.id, label: `${fullName} (cardholder)`, cardholderId: holder.id };
}

async function operator(): Promise<Reporter> {
  const a = await issuerActor();
  return { kind: "operator", userId: a.id, label: `${a.name} (${a.email})` };
}

async function sentByIssuer<T extends "card-blocked" | "card-unblocked">(type: T, since: Date) {
  const rows = await db().outboxMessage.findMany({
    where: { ownerCompanyId: "RECARD01", type, createdAt: { gte: since } },
    orderBy: { receiverCompanyId: "asc" },
  });
  return rows.map((r) => ({ id: r.id, receiver: r.receiverCompanyId, jws: r.jws, message: decodeStored(r.jws) as MessageOf<T> }));
}

const hotListRows = (provider: string) => db().spHotListEntry.findMany({ where: { providerCompanyId: provider }, orderBy: { changeSeq: "asc" } });

function request(provider: ProviderActor | null, companyId: string, extra: Partial<HotListRequest> = {}): HotListRequest {
  return {
    companyId,
    bearer: null,
    sessionProvider: provider?.providerCompanyId ?? null,
    sessionOtherRole: false,
    since: null,
    format: null,
    accept: null,
    ifNoneMatch: null,
    ...extra,
  };
}

describe(`the hot list on ${testDatabase().kind}`, () => {
  const t0 = new Date();

  it("platform 100: a lost report sends exactly one card-blocked with the card id to each provider with an application on the card, and their desks refuse it", async () => {
    const hana = await currentCard(nameOf("Hana Sato"));
    const providersOnCard = (
      await db().loadingPermission.findMany({ where: { cardId: hana.id, status: "confirmed" }, select: { provider: { select: { companyId: true } } } })
    ).map((p) => p.provider.companyId);
    const expected = [...new Set(providersOnCard)].sort();
    expect(expected).toEqual(["METRO01", "SAKURA01"]);

    const filed = await fileReissueRequest(await cardholder(nameOf("Hana Sato")), { cardUuid: hana.id, reason: "lost" });
    expect(filed).toMatchObject({ ok: true, value: { blocked: true, hotList: expected } });
    if (!filed.ok) return;
    const sent = await sentByIssuer("card-blocked", t0);
    expect(sent.map((s) => s.receiver)).toEqual(expected);
    for (const s of sent) expect(s.message).toMatchObject({ platformType: 100, cardId: hana.cardId, reason: "lost" });
    expect(await db().cardBlock.count({ where: { cardId: hana.id } })).toBe(2);

    await deliverNow(filed.value.outboxIds);
    for (const provider of expected) {
      expect(await hotListRows(provider)).toEqual([expect.objectContaining({ status: "blocked", cardId: hana.cardId, reason: "lost", changeSeq: 1n })]);
    }
    // A provider with nothing on the card hears nothing.
    expect(await hotListRows("HOSHI01")).toEqual([]);

    const metro = await desks.metro();
    expect(await checkCardAtDesk(metro, { platformType: 100, cardId: hana.cardId })).toMatchObject({ code: "card-blocked", reason: "lost" });
    const reload = await openReloadCase(metro, {
      platformType: 100,
      cardId: hana.cardId,
      cardAttributeData: null,
      surfaceNumberLast4: hana.surfaceNumber.slice(-4),
      isCardLocked: false,
      applicationAids: [AIDS.metroPass],
    });
    expect(reload).toMatchObject({ outcome: "refused", refusal: { code: "card-blocked", step: "hot list" } });
    expect(reload.refusal?.params).toMatchObject({ hotListReason: "lost" });
    const first = await startFirstLoad(metro, {
      card: { platformType: 100, cardId: hana.cardId, cardAttributeData: null, surfaceNumberLast4: null, isCardLocked: false },
      applicationAids: [AIDS.metroCycle],
      customer: { kind: "new", fullName: "Finder of the card" },
      declaredIncomeMinor: 5_000_000,
      existingLimitsMinor: 0,
      reloadCaseId: null,
    } as Parameters<typeof startFirstLoad>[1]);
    expect(first).toMatchObject({ ok: false, error: { refusal: { code: "card-blocked" } } });
    // Nothing was asked of the issuer for the blocked card.
    expect(await db().outboxMessage.count({ where: { ownerCompanyId: "METRO01", createdAt: { gte: t0 } } })).toBe(0);
  });

  it("a duplicate card-blocked is replayed, not applied again", async () => {
    const [metroBlock] = (await sentByIssuer("card-blocked", t0)).filter((s) => s.receiver === "METRO01");
    const before = await hotListRows("METRO01");
    const again = await receiveMessage(metroBlock!.jws, "online");
    expect(again).toMatchObject({ status: "replayed" });
    expect(await hotListRows("METRO01")).toEqual(before);
    expect(await db().inboxMessage.count({ where: { ownerCompanyId: "METRO01", messageId: metroBlock!.message.header.messageId } })).toBe(1);
  });

  it("platform 200: each provider gets only the message ids of its own loads, never a card id", async () => {
    const kenji = await currentCard(nameOf("Kenji Watanabe"));
    const since = new Date();
    const filed = await fileReissueRequest(await operator(), { cardUuid: kenji.id, reason: "stolen" });
    expect(filed).toMatchObject({ ok: true, value: { blocked: true, hotList: ["HOSHI01", "SAKURA01"] } });
    if (!filed.ok) return;
    const sent = await sentByIssuer("card-blocked", since);
    expect(sent.map((s) => s.receiver)).toEqual(["HOSHI01", "SAKURA01"]);
    for (const s of sent) {
      const own = (
        await db().loadingPermission.findMany({
          where: { cardId: kenji.id, status: "confirmed", provider: { companyId: s.receiver } },
          select: { messageId: true },
        })
      )
        .map((p) => p.messageId)
        .sort();
      expect(s.message).toMatchObject({ platformType: 200, reason: "stolen", loadMessageIds: own });
      expect(s.message.loadMessageIds!.every((id) => id.startsWith(`RECARD01-${s.receiver}-I`))).toBe(true);
      expect(s.jws).not.toContain(kenji.cardId);
      expect(JSON.stringify(s.message)).not.toContain(kenji.cardId);
    }
    await deliverNow(filed.value.outboxIds);
    const hoshiLoads = sent.find((s) => s.receiver === "HOSHI01")!.message.loadMessageIds!;
    expect(await findBlockedLoad(db(), "HOSHI01", [hoshiLoads[0]!])).toMatchObject({ code: "card-blocked", reason: "stolen" });
    // Another provider's message ids are not on Hoshi's list.
    const sakuraLoads = sent.find((s) => s.receiver === "SAKURA01")!.message.loadMessageIds!;
    expect(await findBlockedLoad(db(), "HOSHI01", sakuraLoads)).toBeNull();
    expect((await hotListRows("HOSHI01")).map((r) => r.cardId)).toEqual([null]);
  });

  it("the terminals' endpoint: changes since a cursor, ETag/304, JSON and CSV, and only the provider's own desks and terminals", async () => {
    const metro = await desks.metro();
    const sakura = await desks.sakura();
    const hana = (await db().card.findMany({ where: { cardholder: { fullName: nameOf("Hana Sato") } }, orderBy: { generation: "desc" }, take: 1 }))[0]!;

    const all = await serveHotList(request(metro, "METRO01"));
    expect(all.status).toBe(200);
    const body = JSON.parse(all.body) as { cursor: number; entries: { status: string; cardId: string | null; changeSeq: number }[] };
    expect(body.entries).toEqual([expect.objectContaining({ status: "blocked", cardId: hana.cardId, changeSeq: 1 })]);
    expect(body.cursor).toBe(1);
    expect(all.headers.etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(await serveHotList(request(metro, "METRO01", { ifNoneMatch: all.headers.etag! }))).toMatchObject({ status: 304, body: "" });
    const nothingNew = await serveHotList(request(metro, "METRO01", { since: "1" }));
    expect(JSON.parse(nothingNew.body)).toMatchObject({ cursor: 1, entries: [] });

    // A terminal token of Metro reads Metro's list, as CSV too.
    const token = await createTerminalToken(metro, "Gate 3, Shibuya");
    const csv = await serveHotList(request(null, "METRO01", { bearer: token.token, format: "csv" }));
    expect(csv.status).toBe(200);
    expect(csv.headers["content-type"]).toContain("text/csv");
    expect(csv.body.split("\r\n")[1]).toBe(
      `1,blocked,100,${hana.cardId},,lost,${body.entries[0] ? JSON.parse(all.body).entries[0].blockedAt : ""},,${JSON.parse(all.body).entries[0].blockMessageId}`,
    );

    // Refusals: another provider (session or token), another role, no credential, a bad token or cursor.
    expect((await serveHotList(request(sakura, "METRO01"))).status).toBe(403);
    const sakuraToken = await createTerminalToken(sakura, "Sakura counter");
    const foreign = await serveHotList(request(null, "METRO01", { bearer: sakuraToken.token }));
    expect(foreign.status).toBe(403);
    expect(foreign.body).not.toContain(hana.cardId);
    expect((await serveHotList(request(null, "METRO01", { sessionOtherRole: true }))).status).toBe(403);
    expect((await serveHotList(request(null, "METRO01"))).status).toBe(401);
    expect((await serveHotList(request(null, "METRO01", { bearer: "rct_" + "A".repeat(43) }))).status).toBe(401);
    expect((await serveHotList(request(null, "METRO01", { bearer: "" }))).status).toBe(401);
    expect((await serveHotList(request(metro, "METRO01", { since: "-1" }))).status).toBe(400);
    expect((await serveHotList(request(metro, "METRO01", { format: "xml" }))).status).toBe(400);
    await db().spTerminalToken.update({ where: { id: token.id }, data: { revokedAt: new Date() } });
    expect((await serveHotList(request(null, "METRO01", { bearer: token.token }))).status).toBe(401);
  });

  it("reinstate: Hana withdraws her report, every provider gets card-unblocked once, the cursor shows the change, and the desk accepts the card again", async () => {
    const hana = await currentCard(nameOf("Hana Sato"));
    const request0 = await db().reissueRequest.findFirstOrThrow({ where: { oldCardId: hana.id, status: "pending" } });
    const since = new Date();
    // Another cardholder cannot withdraw it; a reason is required.
    expect(await withdrawReissueRequest(await cardholder(nameOf("Kenji Watanabe")), request0.id, "Found it in my bag.")).toMatchObject({
      ok: false,
      error: { code: "not-found" },
    });
    expect(await withdrawReissueRequest(await cardholder(nameOf("Hana Sato")), request0.id, "ok")).toMatchObject({
      ok: false,
      error: { code: "reason-required" },
    });

    const withdrawn = await withdrawReissueRequest(await cardholder(nameOf("Hana Sato")), request0.id, "Found it in my coat pocket.");
    expect(withdrawn).toMatchObject({ ok: true, value: { unblocked: ["METRO01", "SAKURA01"] } });
    if (!withdrawn.ok) return;
    expect(await db().card.findUniqueOrThrow({ where: { id: hana.id } })).toMatchObject({ status: "active", blockedAt: null });
    expect((await db().walletCard.findUniqueOrThrow({ where: { surfaceNumber: hana.surfaceNumber } })).state).toBe("in_hand");
    expect(await db().reissueRequest.findUniqueOrThrow({ where: { id: request0.id } })).toMatchObject({
      status: "withdrawn",
      withdrawalReason: "Found it in my coat pocket.",
    });
    const audit = await db().auditLog.findFirstOrThrow({ where: { action: "reissue.withdraw", subjectId: request0.id } });
    // The cardholder's own words are data (the note), apart from any system-written reason.
    expect(audit).toMatchObject({ actorLabel: `${nameOf("Hana Sato")} (cardholder)`, reason: null, note: "Found it in my coat pocket.", legacyReason: null });

    const sent = await sentByIssuer("card-unblocked", since);
    expect(sent.map((s) => s.receiver)).toEqual(["METRO01", "SAKURA01"]);
    const blocks = await db().cardBlock.findMany({ where: { requestId: request0.id }, orderBy: { providerCompanyId: "asc" } });
    for (const [i, s] of sent.entries())
      expect(s.message).toMatchObject({ platformType: 100, cardId: hana.cardId, blockMessageId: blocks[i]!.blockMessageId, unblockReason: "report-withdrawn" });
    await deliverNow(withdrawn.value.outboxIds);
    // A duplicate is replayed.
    expect(await receiveMessage(sent[0]!.jws, "online")).toMatchObject({ status: "replayed" });

    const metro = await desks.metro();
    expect(await checkCardAtDesk(metro, { platformType: 100, cardId: hana.cardId })).toBeNull();
    const changes = JSON.parse((await serveHotList(request(metro, "METRO01", { since: "1" }))).body) as {
      cursor: number;
      entries: { status: string; changeSeq: number }[];
    };
    expect(changes).toMatchObject({ cursor: 2, entries: [{ status: "unblocked", changeSeq: 2 }] });
    // Withdrawn once: a second time is refused and sends nothing.
    expect(await withdrawReissueRequest(await cardholder(nameOf("Hana Sato")), request0.id, "Found it again.")).toMatchObject({
      ok: false,
      error: { code: "already-decided" },
    });
    expect(await sentByIssuer("card-unblocked", since)).toHaveLength(2);
  });

  it("a card-unblocked that overtakes its card-blocked leaves the card usable", async () => {
    const aoi = await currentCard(nameOf("Aoi Shimizu"));
    const loaded = await db().loadingPermission.count({ where: { cardId: aoi.id, status: "confirmed" } });
    expect(loaded).toBeGreaterThan(0);
    const filed = await fileReissueRequest(await operator(), { cardUuid: aoi.id, reason: "lost" });
    if (!filed.ok) throw new Error(filed.error.message);
    const withdrawn = await withdrawReissueRequest(await operator(), filed.value.requestId, "The cardholder found it at home.");
    if (!withdrawn.ok) throw new Error(withdrawn.error.message);
    await deliverNow(withdrawn.value.outboxIds);
    await deliverNow(filed.value.outboxIds);
    for (const provider of filed.value.hotList) {
      const rows = await db().spHotListEntry.findMany({
        where: {
          providerCompanyId: provider,
          blockMessageId: { in: (await db().cardBlock.findMany({ where: { requestId: filed.value.requestId } })).map((b) => b.blockMessageId) },
        },
      });
      expect(rows).toEqual([expect.objectContaining({ status: "unblocked" })]);
    }
  });

  it("a report cannot be withdrawn once a reissued card exists, or after the policy's window; a rejected one can", async () => {
    const kenji = await currentCard(nameOf("Kenji Watanabe"));
    const pending = await db().reissueRequest.findFirstOrThrow({ where: { oldCardId: kenji.id, status: "pending" } });
    const later = new Date(Date.now() + 31 * 86_400_000);
    expect(await withdrawReissueRequest(await operator(), pending.id, "Found it after a month.", later)).toMatchObject({
      ok: false,
      error: { code: "window-closed" },
    });
    const actor = await issuerActor();
    expect(await rejectReissueRequest(actor, pending.id, "Please come to a branch with your identity document.")).toMatchObject({ ok: true });
    const since = new Date();
    expect(await withdrawReissueRequest(await operator(), pending.id, "Rejected; the cardholder found the card.")).toMatchObject({
      ok: true,
      value: { unblocked: ["HOSHI01", "SAKURA01"] },
    });
    const sent = await sentByIssuer("card-unblocked", since);
    for (const s of sent) expect(JSON.stringify(s.message)).not.toContain(kenji.cardId);

    const hana = await currentCard(nameOf("Hana Sato"));
    const filed = await fileReissueRequest(await operator(), { cardUuid: hana.id, reason: "stolen" });
    if (!filed.ok) throw new Error(filed.error.message);
    expect(await approveReissueRequest(actor, filed.value.requestId)).toMatchObject({ ok: true });
    expect(await withdrawReissueRequest(await operator(), filed.value.requestId, "Found after the reissue.")).toMatchObject({
      ok: false,
      error: { code: "already-reissued" },
    });
  });

  it("a chip the issuer holds (a damaged card handed in) is terminated through the reader and refuses SELECT of every application", async () => {
    const mei = await currentCard(nameOf("Mei Ito"));
    const walletOf = async (surfaceNumber: string) => new DeskCard(await walletImage(surfaceNumber));
    const before = await walletOf(mei.surfaceNumber);
    const aids = before.card.image().applications.map((a) => a.aid);
    expect(aids.length).toBeGreaterThan(0);
    for (const aid of aids) expect((await terminal.selectApplication(before.transmit, aid)).ok).toBe(true);
    // Still in Mei's hands: the issuer cannot reach the chip.
    expect(await terminateChipInHand(await issuerActor(), mei.id)).toMatchObject({ ok: false, error: { code: "not-in-hand" } });

    await reissue(nameOf("Mei Ito"), "damaged");
    expect(await db().walletCard.findUniqueOrThrow({ where: { surfaceNumber: mei.surfaceNumber } })).toMatchObject({ state: "surrendered" });
    const done = await terminateChipInHand(await issuerActor(), mei.id);
    expect(done).toMatchObject({ ok: true, value: { alreadyTerminated: false } });
    const after = await walletOf(mei.surfaceNumber);
    expect(after.card.image().lifeCycle).toBe("TERMINATED");
    for (const aid of [...aids, "A000000151000000"]) {
      const selected = await terminal.selectApplication(after.transmit, aid);
      expect(selected).toMatchObject({ ok: false, error: { sw: SW.FUNCTION_NOT_SUPPORTED } });
    }
    expect(await db().auditLog.findFirst({ where: { action: "card.chip-terminate", subjectId: mei.id } })).toMatchObject({
      data: expect.objectContaining({ sw: "9000" }),
    });
    // Once is enough: a second run changes nothing.
    expect(await terminateChipInHand(await issuerActor(), mei.id)).toMatchObject({ ok: true, value: { alreadyTerminated: true } });
    expect(await terminateChipInHand(await issuerActor(), "00000000-0000-4000-8000-000000000000")).toMatchObject({ ok: false, error: { code: "not-found" } });
  });
});
