/**
 * Issue 15: a provider sees whether the issuer has it on push or pull, and since when, without reading
 * an issuer table: the issuer's signed `reissue-delivery-mode`, sent when it sets or changes the mode,
 * stored by the provider in sp_delivery_modes. Both parties on one database; a replay is answered from
 * the inbox and changes nothing; a message older than the mode held is kept out.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MessageOf } from "@/lib/core/messages";
import { db } from "@/lib/server/db";
import { announceDeliveryModes, setReissueInfoDelivery } from "@/lib/server/data/issuer/providers";
import { getDeliveryMode, storeDeliveryMode } from "@/lib/server/data/provider/delivery-mode";
import { decodeStored, receiveMessage } from "@/lib/server/exchange/inbox";
import { testDatabase } from "../helpers/db";
import { freshDemoWorld, issuerActor } from "../issuer/helpers";
import { desks } from "./helpers";

beforeAll(freshDemoWorld, 180_000);
afterAll(() => db().$disconnect());

async function sent(receiver: string, since: Date) {
  const rows = await db().outboxMessage.findMany({
    where: { ownerCompanyId: "RECARD01", receiverCompanyId: receiver, type: "reissue-delivery-mode", createdAt: { gte: since } },
    orderBy: { createdAt: "asc" },
  });
  return rows.map((r) => ({ jws: r.jws, status: r.status, message: decodeStored(r.jws) as MessageOf<"reissue-delivery-mode"> }));
}

describe(`the delivery mode told to providers, on ${testDatabase().kind}`, () => {
  it("the issuer's change reaches the provider signed; a replay changes nothing; an older message is kept out; other providers see only their own", async () => {
    const issuer = await issuerActor();
    const sakura = await desks.sakura();
    const metro = await desks.metro();
    const sakuraRow = await db().serviceProvider.findUniqueOrThrow({ where: { companyId: "SAKURA01" }, select: { id: true, reissueInfoDelivery: true } });
    const t0 = new Date(Date.now() - 1000);

    // Opening traffic: every active provider learns the mode in force.
    expect((await announceDeliveryModes(issuer)).length).toBeGreaterThanOrEqual(3);
    expect(await getDeliveryMode(sakura)).toMatchObject({ delivery: sakuraRow.reissueInfoDelivery });

    // The issuer switches Sakura to the other mode: one signed message, delivered, stored with its time.
    const other = sakuraRow.reissueInfoDelivery === "push" ? "pull" : "push";
    const at = new Date(Date.now() + 60_000);
    expect(await setReissueInfoDelivery(issuer, sakuraRow.id, other, at)).toEqual({ ok: true, value: null });
    const messages = await sent("SAKURA01", t0);
    const last = messages.at(-1)!;
    expect(last.message).toMatchObject({ platformType: 100, delivery: other, effectiveAt: at.toISOString() });
    expect(last.status).toBe("delivered");
    const stored = await getDeliveryMode(sakura);
    expect(stored).toMatchObject({ delivery: other, effectiveAt: at, messageId: last.message.header.messageId });

    // Replayed: answered from the inbox, nothing changes.
    expect(await receiveMessage(last.jws, "online")).toMatchObject({ status: "replayed" });
    expect(await getDeliveryMode(sakura)).toEqual(stored);
    expect(await db().inboxMessage.count({ where: { ownerCompanyId: "SAKURA01", messageId: last.message.header.messageId } })).toBe(1);

    // An unchanged mode sends nothing.
    expect(await setReissueInfoDelivery(issuer, sakuraRow.id, other, at)).toMatchObject({ ok: false, error: { code: "unchanged" } });
    expect(await sent("SAKURA01", t0)).toHaveLength(messages.length);

    // A message older than the mode held (arriving late) is recorded but does not replace it.
    const older: MessageOf<"reissue-delivery-mode"> = {
      ...last.message,
      header: { ...last.message.header, messageId: "RECARD01-SAKURA01-I9999999999" },
      delivery: sakuraRow.reissueInfoDelivery,
      effectiveAt: t0.toISOString(),
    };
    const outcome = await db().$transaction((tx) => storeDeliveryMode(tx, "SAKURA01", older, new Date()));
    expect(outcome.data).toMatchObject({ applied: false });
    expect(await getDeliveryMode(sakura)).toEqual(stored);

    // Metro's row is Metro's: Sakura's change did not touch it.
    expect((await getDeliveryMode(metro))?.messageId).not.toBe(stored!.messageId);
    // Back again, later: replaced.
    const later = new Date(at.getTime() + 60_000);
    expect(await setReissueInfoDelivery(issuer, sakuraRow.id, sakuraRow.reissueInfoDelivery, later)).toEqual({ ok: true, value: null });
    expect(await getDeliveryMode(sakura)).toMatchObject({ delivery: sakuraRow.reissueInfoDelivery, effectiveAt: later });
  });
});
