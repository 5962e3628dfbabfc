import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { approveReissueRequest, fileReissueRequest } from "@/lib/server/data/issuer/reissue";
import { deliverOne } from "@/lib/server/exchange/delivery";
import { testDatabase } from "../helpers/db";
import { counted } from "../helpers/statements";
import { currentCard, freshDemoWorld, issuerActor } from "../issuer/helpers";
import { reloadAtDesk } from "../hot-list/reload-at-desk";
import { AIDS, DeskCard, desks, walletImage } from "../provider/helpers";

/**
 * Round trips to the database per flow (issue 16), counted at the connection (lib/server/db.ts
 * statementsSent: every statement, BEGIN and COMMIT included). The ceilings are today's counts with a
 * small margin for the queue's background work, so a regression to per-row queries fails here; the
 * issue's targets (≤ 20 statements per reload) are far below and tracked in docs/performance.md.
 */
beforeAll(freshDemoWorld, 180_000);
afterAll(() => db().$disconnect());

const measured: Record<string, number> = {};
afterAll(() => console.log(`[statements] ${JSON.stringify(measured)}`));

describe(`statements per flow on ${testDatabase().kind}`, () => {
  it("a reissue approval (two providers with applications on the card), and the delivery of one notification", async () => {
    const actor = await issuerActor();
    const old = await currentCard("Hana Sato");
    const filed = await fileReissueRequest({ kind: "operator", userId: actor.id, label: actor.name }, { cardUuid: old.id, reason: "lost" });
    if (!filed.ok) throw new Error(filed.error.message);
    // The heaviest approval: a temporary card, active at once, so the old card is terminated now and each
    // pushed notification carries its reload permissions (a card waiting for activation carries none).
    const approval = await counted(() => approveReissueRequest(actor, filed.value.requestId, { temporary: true }));
    if (!approval.value.ok) throw new Error(approval.value.error.message);
    measured.reissueApproval = approval.statements;
    expect(approval.value.value.outboxIds.length).toBeGreaterThanOrEqual(2);
    const delivery = await counted(() => deliverOne(approval.value.ok ? approval.value.value.outboxIds[0]! : ""));
    expect(delivery.value).toBe("delivered");
    measured.notificationDelivery = delivery.statements;
    for (const id of approval.value.value.outboxIds.slice(1)) await deliverOne(id);
    expect(approval.statements).toBeLessThanOrEqual(CEILING.reissueApproval);
    expect(delivery.statements).toBeLessThanOrEqual(CEILING.notificationDelivery);
  });

  it("a method-1 reload at the desk after a pushed notification (open, confirm, load, record)", async () => {
    const hana = await currentCard("Hana Sato");
    const card = new DeskCard(await walletImage(hana.surfaceNumber));
    const metro = await desks.metro();
    const reload = await counted(() => reloadAtDesk(metro, card, [AIDS.metroPass]));
    expect(reload.value.recorded.map((r) => r.ok)).toEqual([true]);
    measured.method1Reload = reload.statements;
    expect(reload.statements).toBeLessThanOrEqual(CEILING.method1Reload);
  });
});

const CEILING = { reissueApproval: 64, notificationDelivery: 14, method1Reload: 115 };
