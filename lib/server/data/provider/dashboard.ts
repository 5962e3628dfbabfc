import "server-only";
import type { ProviderActor } from "../../auth/session";
import { db } from "./db";
import { startOfUtcDay, startOfUtcMonth } from "../time";

export type ProviderDashboard = {
  customers: number;
  loadsToday: number;
  reloadsToday: number;
  loadedApplications: number;
  reissueNoticesReceived: number;
  chargesThisMonth: { normalMinor: number; reissueMinor: number; currency: string };
};

/** Live figures for the provider desk's overview, scoped to the signed-in desk's provider. */
export async function getProviderDashboard(actor: ProviderActor, now = new Date()): Promise<ProviderDashboard> {
  const providerCompanyId = actor.providerCompanyId;
  const today = startOfUtcDay(now);
  const [company, customers, loadsToday, reloadsToday, loaded, notices, charges] = await Promise.all([
    db().spCompany.findUniqueOrThrow({ where: { providerCompanyId }, select: { currency: true } }),
    db().spCustomer.count({ where: { providerCompanyId } }),
    db().spLoadRecord.count({ where: { providerCompanyId, kind: "first_load", status: "loaded", loadedAt: { gte: today } } }),
    db().spLoadRecord.count({ where: { providerCompanyId, kind: "reload", status: "loaded", loadedAt: { gte: today } } }),
    db().spLoadRecord.count({ where: { providerCompanyId, status: "loaded" } }),
    db().spReissueNotice.count({ where: { providerCompanyId } }),
    db().spUserCharge.groupBy({
      by: ["kind"],
      where: { providerCompanyId, chargedAt: { gte: startOfUtcMonth(now) } },
      _sum: { amountMinor: true },
    }),
  ]);
  const sum = (k: string) => charges.find((c) => c.kind === k)?._sum.amountMinor ?? 0;
  return {
    customers,
    loadsToday,
    reloadsToday,
    loadedApplications: loaded,
    reissueNoticesReceived: notices,
    chargesThisMonth: { normalMinor: sum("normal_load"), reissueMinor: sum("reissue_reload"), currency: company.currency },
  };
}
