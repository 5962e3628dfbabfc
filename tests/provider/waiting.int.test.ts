import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/server/db";
import { advanceReloadCase, openReloadCase } from "@/lib/server/data/provider/reload";
import { testDatabase } from "../helpers/db";
import { AIDS, DeskCard, desks, freshDemoWorld, reissue, walletImage } from "./helpers";
import { nameOf } from "../helpers/people";

// The issuer is unreachable until `online` is set: delivery attempts fail as a network failure would.
const control = vi.hoisted(() => ({ online: false }));
vi.mock("@/lib/server/exchange/delivery", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/server/exchange/delivery")>();
  return { ...real, deliverNow: async (ids: string[]) => (control.online ? real.deliverNow(ids) : ids.map(() => "retry" as const)) };
});

beforeAll(freshDemoWorld, 180_000);
afterAll(() => db().$disconnect());

describe(`waiting for the issuer, on ${testDatabase().kind}`, () => {
  it("a pull the issuer has not answered leaves the case waiting; checking again sends nothing twice and continues when the answer is in", async () => {
    const metro = await desks.metro();
    await db().serviceProvider.update({ where: { companyId: "METRO01" }, data: { reissueInfoDelivery: "pull" } });
    const { approval } = await reissue(nameOf("Mei Ito"));
    const card = new DeskCard(await walletImage(approval.surfaceNumber));

    const opened = await openReloadCase(metro, { ...(await card.read()), applicationAids: [AIDS.metroPass] });
    expect(opened).toMatchObject({ outcome: "in_progress", isWaiting: true });
    expect(opened.applications[0]?.state).toBe("waiting-issuer");
    expect(opened.steps.at(-1)).toMatchObject({ step: "408", code: "pull-waiting", outcome: "waiting" });

    const again = await advanceReloadCase(metro, opened.id);
    expect(again.isWaiting).toBe(true);
    const requests = () => db().outboxMessage.count({ where: { ownerCompanyId: "METRO01", type: "reissuance-information-request" } });
    expect(await requests()).toBe(1);

    // The issuer is back: the outbox delivers what it kept (as the worker would), then the desk checks again.
    control.online = true;
    const { deliverNow, dueOutboxIds } = await import("@/lib/server/exchange/delivery");
    await deliverNow(await dueOutboxIds(50, new Date(Date.now() + 3600_000)));
    const resumed = await advanceReloadCase(metro, opened.id);
    expect(resumed.isWaiting).toBe(false);
    expect(resumed.applications[0]?.state).toBe("reloadable");
    expect(resumed.steps.map((s) => s.step)).toContain("409");
    expect(await requests()).toBe(1);
  });
});
