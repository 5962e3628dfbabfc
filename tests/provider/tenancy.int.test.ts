import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { getCustomer } from "@/lib/server/data/provider/customers";
import { startFirstLoad } from "@/lib/server/data/provider/first-load";
import { abandonPermissions, getPermissionViews, recordCardLoad } from "@/lib/server/data/provider/permissions";
import {
  advanceReloadCase,
  CaseNotFoundError,
  confirmReloadCase,
  finishReloadCase,
  getReloadCase,
  openReloadCase,
  syncReloadCase,
} from "@/lib/server/data/provider/reload";
import { testDatabase } from "../helpers/db";
import { AIDS, currentCard, DeskCard, desks, freshDemoWorld, grantsOf, walletImage } from "./helpers";
import { nameOf } from "../helpers/people";

beforeAll(freshDemoWorld, 180_000);
afterAll(() => db().$disconnect());

describe(`a desk reaches only its own provider's data, on ${testDatabase().kind}`, () => {
  it("another provider's case, permission and customer read as missing, and nothing changes", async () => {
    const metro = await desks.metro();
    const hoshi = await desks.hoshi();
    const aoi = await currentCard(nameOf("Aoi Shimizu"));
    const card = new DeskCard(await walletImage(aoi.surfaceNumber));
    const opened = await openReloadCase(metro, { ...(await card.read()), applicationAids: [AIDS.metroPass] });
    const started = await startFirstLoad(metro, {
      card: await card.read(),
      applicationAids: [AIDS.metroCycle],
      customer: { kind: "new", fullName: nameOf("Aoi Shimizu"), birthDate: null, email: null, phone: null, address: null },
      declaredIncomeMinor: null,
      existingLimitsMinor: null,
    });
    if (!started.ok) throw new Error("first load refused");
    const grant = grantsOf(started.value.applications)[0]!;

    expect(await getReloadCase(hoshi, opened.id)).toBeNull();
    await expect(advanceReloadCase(hoshi, opened.id)).rejects.toBeInstanceOf(CaseNotFoundError);
    await expect(confirmReloadCase(hoshi, opened.id)).rejects.toBeInstanceOf(CaseNotFoundError);
    await expect(syncReloadCase(hoshi, opened.id)).rejects.toBeInstanceOf(CaseNotFoundError);
    expect(await finishReloadCase(hoshi, opened.id)).toBeNull();
    expect(await getPermissionViews(hoshi, [grant.permissionId])).toEqual([]);
    expect(await recordCardLoad(hoshi, grant.permissionId, await card.load(grant))).toMatchObject({ ok: false, error: { loadRecordId: null } });
    await abandonPermissions(hoshi, [grant.permissionId], { code: "cancelled" });
    expect((await db().spPermission.findUniqueOrThrow({ where: { id: grant.permissionId } })).status).toBe("granted");
    const customer = await db().spLoadRecord.findFirstOrThrow({ where: { messageId: grant.messageId }, select: { customerId: true } });
    expect(await getCustomer(hoshi, customer.customerId)).toBeNull();
    expect(await getCustomer(metro, customer.customerId)).not.toBeNull();
  });
});
