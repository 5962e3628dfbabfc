/**
 * Opening traffic for a demo database: the issuer tells each provider its reissuance delivery mode, closes the last two months and sends each provider
 * its monthly charge statements (claim 13) through the real exchange — signed, written to the
 * issuer's outbox, delivered and processed by each provider's inbox — so both messages pages show
 * real messages from the first start. Uses the app's data layer, so DATABASE_URL must point at the
 * seeded database in this process.
 */
import type { IssuerActor } from "../../lib/server/auth/session";

function closedPeriods(now: Date, count: number): string[] {
  const out: string[] = [];
  for (let back = count; back >= 1; back--) {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
    out.push(`${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`);
  }
  return out;
}

/** Issues and delivers the statements of the last `months` closed months; returns how many messages. */
export async function sendOpeningTraffic(options: { now: Date; months?: number; log?: (line: string) => void }): Promise<number> {
  const { wireParties } = await import("../../lib/server/wiring");
  wireParties();
  const { db } = await import("../../lib/server/db");
  const { issueMonthlyStatement } = await import("../../lib/server/data/issuer/charges");
  const { announceDeliveryModes } = await import("../../lib/server/data/issuer/providers");
  const { deliverNow } = await import("../../lib/server/exchange/delivery");
  const { stopExchangeQueue } = await import("../../lib/server/exchange/queue");
  const user = await db().user.findUniqueOrThrow({ where: { email: "issuer@recard.test" } });
  const issuer = await db().issuerCompany.findFirstOrThrow();
  const actor: IssuerActor = {
    id: user.id,
    email: user.email,
    name: user.name,
    role: "issuer",
    tenantId: issuer.companyId,
    issuerCompanyId: issuer.companyId,
    companyName: issuer.name,
  };
  const providers = await db().serviceProvider.findMany({ where: { contractStatus: "active" }, orderBy: { companyId: "asc" } });
  let sent = 0;
  try {
    // Each provider learns how the issuer delivers its reissuance information (push or pull).
    sent += (await announceDeliveryModes(actor, options.now)).length;
    for (const period of closedPeriods(options.now, options.months ?? 2)) {
      for (const provider of providers) {
        const result = await issueMonthlyStatement(actor, provider.id, period, options.now);
        if (!result.ok) continue; // nothing to bill that month
        await deliverNow(result.value.outboxIds);
        sent += result.value.outboxIds.length;
      }
    }
  } finally {
    await stopExchangeQueue();
    await db().$disconnect(); // this process is done with the database; the app opens its own pool
  }
  options.log?.(`sent ${sent} opening message${sent === 1 ? "" : "s"} (delivery modes, charge statements) through the exchange`);
  return sent;
}
