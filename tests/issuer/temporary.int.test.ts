/**
 * Temporary cards (issue 14): a lost card replaced by a temporary card (short expiry, marked temporary)
 * that providers treat like any reissued card; the permanent card later replaces it by the same
 * methods, and the application reloaded on the temporary card follows to the permanent one.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadFileHash } from "@/lib/core/card";
import type { MessageOf } from "@/lib/core/messages";
import { db } from "@/lib/server/db";
import { activateCard } from "@/lib/server/data/issuer/activation";
import { approveReissueRequest, fileReissueRequest, issuePermanentCard, TEMPORARY_CARD_DAYS } from "@/lib/server/data/issuer/reissue";
import { decodeStored } from "@/lib/server/exchange/inbox";
import { testDatabase } from "../helpers/db";
import { AIDS, ask, currentCard, freshDemoWorld, issuerActor, loadFileOf, loadWithToken, sendAsProvider, walletImage } from "./helpers";
import { nameOf } from "../helpers/people";

// The issuer's messages stay in its outbox: what it sends is read from there.
vi.mock("@/lib/server/exchange/delivery", () => ({ deliverNow: vi.fn(async () => []), deliverSoon: vi.fn(), deliverOne: vi.fn() }));

beforeAll(freshDemoWorld, 180_000);
afterAll(() => db().$disconnect());

const HASH = loadFileHash(loadFileOf(AIDS.metroPass, "transit"));

/** Metro reloads Metro Pass on `card` (method 1) under `originalMessageId`; returns the reply type and the grant's message id. */
async function metroReload(card: { cardId: string; surfaceNumber: string }, originalMessageId: string) {
  const { reply } = await ask<"reload-permission-request", "reload-permission-grant" | "reload-permission-refusal">("METRO01", "reload-permission-request", {
    platformType: 100,
    kind: "reload",
    applicationId: AIDS.metroPass,
    originalMessageId,
    cardId: card.cardId,
    loadFileHash: HASH,
  });
  if (reply.header.type !== "reload-permission-grant") return { reply };
  const grant = reply as MessageOf<"reload-permission-grant">;
  const { loaded } = await loadWithToken(await walletImage(card.surfaceNumber), grant.permissionToken, AIDS.metroPass, "transit");
  if (!loaded.ok) throw new Error("the card refused the reload");
  // Keep the wallet image in step with the card (as the desk's return does).
  await sendAsProvider("METRO01", "load-confirmation", {
    platformType: 100,
    permissionMessageId: grant.header.messageId,
    applicationId: AIDS.metroPass,
    outcome: { status: "loaded", receipt: Buffer.from(loaded.value.receipt).toString("base64url") },
  });
  return { reply, messageId: grant.header.messageId };
}

const pairsTo = async (provider: string, oldCardId: string) =>
  (await db().outboxMessage.findMany({ where: { receiverCompanyId: provider, type: "reissuance-notification" } }))
    .flatMap((r) => (decodeStored(r.jws) as MessageOf<"reissuance-notification">).pairs)
    .filter((p) => p.oldCardId === oldCardId);

describe(`temporary cards on ${testDatabase().kind}`, () => {
  it("a temporary card for a lost one, reloaded by Metro; the permanent card replaces it after activation and the reload follows", async () => {
    const actor = await issuerActor();
    const lost = await currentCard(nameOf("Hana Sato"));
    const holder = await db().cardholder.findFirstOrThrow({ where: { fullName: nameOf("Hana Sato") } });
    const filed = await fileReissueRequest(
      { kind: "cardholder", userId: holder.id, label: "Hana", cardholderId: holder.id },
      { cardUuid: lost.id, reason: "lost" },
    );
    if (!filed.ok) throw new Error(filed.error.message);
    const approved = await approveReissueRequest(actor, filed.value.requestId, { temporary: true });
    if (!approved.ok) throw new Error(approved.error.message);
    const temporary = await db().card.findUniqueOrThrow({ where: { id: approved.value.reissuedCardUuid } });
    expect(temporary).toMatchObject({ temporary: true, status: "active", previousCardId: lost.id });
    expect(temporary.expiresAt.getTime() - temporary.issuedAt.getTime()).toBe(TEMPORARY_CARD_DAYS * 24 * 60 * 60 * 1000);
    // Providers treat it like any reissued card: Fig. 12 old → temporary.
    expect(await pairsTo("METRO01", lost.cardId)).toEqual([expect.objectContaining({ reissuedCardId: temporary.cardId })]);
    const original = await db().loadingPermission.findFirstOrThrow({ where: { cardId: lost.id, application: { aid: AIDS.metroPass }, status: "confirmed" } });
    const onTemporary = await metroReload(temporary, original.messageId);
    expect(onTemporary.reply.header.type).toBe("reload-permission-grant");

    // The permanent card: issued (waiting for activation), the temporary card still works.
    const permanent = await issuePermanentCard(actor, temporary.id);
    if (!permanent.ok) throw new Error(permanent.error.message);
    const card = await db().card.findUniqueOrThrow({ where: { id: permanent.value.reissuedCardUuid } });
    expect(card).toMatchObject({ temporary: false, status: "issued", previousCardId: temporary.id });
    expect((await db().card.findUniqueOrThrow({ where: { id: temporary.id } })).status).toBe("active");
    expect(await db().reissueRequest.count({ where: { oldCardId: temporary.id, reason: "permanent", status: "approved" } })).toBe(1);
    // Metro loaded on the temporary card, so it is told temporary → permanent. Sakura's load on the lost card
    // was never reloaded, so it is told the whole chain (any generation): lost → temporary → permanent.
    expect(await pairsTo("METRO01", temporary.cardId)).toEqual([expect.objectContaining({ reissuedCardId: card.cardId })]);
    expect(await pairsTo("SAKURA01", temporary.cardId)).toEqual([expect.objectContaining({ reissuedCardId: card.cardId })]);
    expect(await pairsTo("SAKURA01", lost.cardId)).toEqual([
      expect.objectContaining({ reissuedCardId: temporary.cardId }),
      expect.objectContaining({ reissuedCardId: temporary.cardId }),
    ]);
    expect(await issuePermanentCard(actor, lost.id)).toMatchObject({ ok: false, error: { code: "not-found" } }); // not a temporary card

    // Before activation the issuer refuses the reload; after it, the reload on the temporary card follows.
    const early = await metroReload(card, onTemporary.messageId!);
    expect(early.reply).toMatchObject({ header: { type: "reload-permission-refusal" }, reason: "other" });
    expect(await activateCard({ kind: "cardholder", userId: holder.id, label: "Hana", cardholderId: holder.id }, card.id)).toMatchObject({ ok: true });
    expect((await db().card.findUniqueOrThrow({ where: { id: temporary.id } })).status).toBe("terminated");
    const after = await metroReload(card, onTemporary.messageId!);
    expect(after.reply.header.type).toBe("reload-permission-grant");
    expect(await db().cardApplication.count({ where: { cardId: card.id, status: "loaded" } })).toBe(1);
  });
});
