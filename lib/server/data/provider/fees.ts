import "server-only";
import { feeChangeStart, feeTimeline, PROVIDER_TIME_ZONE, type FeeChangeRefusal, type FeeTimeline } from "@/lib/core/fees";
import { err, ok, type Result } from "@/lib/core/result";
import type { ProviderActor } from "../../auth/session";
import { db } from "./db";
import { applicationsOf, findApplication } from "./catalog";

/**
 * The provider's fees to its users (claim 14), kept as versions in sp_fee_schedules: the desk charges
 * the version in force when the card's receipt is recorded (permissions.ts `recordCardLoad`), and a
 * charge keeps its amount (sp_user_charges). A change takes effect at once or from the start of a later
 * day in the provider's time zone; one that has not started yet can be withdrawn. Only the signed-in
 * provider's own rows are ever read or written.
 */

export type FeeVersion = {
  id: string;
  validFrom: Date;
  normalFeeMinor: number;
  reissueFeeMinor: number;
  currency: string;
  createdAt: Date;
  /** Who scheduled it (null: the seeded schedule). */
  createdBy: string | null;
};

export type ApplicationFees = { aid: string; name: string } & FeeTimeline<FeeVersion>;

/** Every application of the signed-in provider with its fee in force, the changes to come and the earlier versions. */
export async function listFeeSchedules(actor: ProviderActor, now = new Date()): Promise<{ timeZone: string; applications: ApplicationFees[] }> {
  const providerCompanyId = actor.providerCompanyId;
  const rows = await db().spFeeSchedule.findMany({ where: { providerCompanyId }, orderBy: { validFrom: "desc" } });
  const authorIds = [...new Set(rows.map((r) => r.createdByUserId).filter((id): id is string => id !== null))];
  const authors = authorIds.length
    ? new Map((await db().user.findMany({ where: { id: { in: authorIds }, providerCompanyId }, select: { id: true, name: true } })).map((u) => [u.id, u.name]))
    : new Map<string, string>();
  const applications = applicationsOf(providerCompanyId).map((app) => {
    const versions: FeeVersion[] = rows
      .filter((r) => r.applicationAid === app.aid)
      .map((r) => ({
        id: r.id,
        validFrom: r.validFrom,
        normalFeeMinor: r.normalFeeMinor,
        reissueFeeMinor: r.reissueFeeMinor,
        currency: r.currency,
        createdAt: r.createdAt,
        createdBy: r.createdByUserId ? (authors.get(r.createdByUserId) ?? null) : null,
      }));
    return { aid: app.aid, name: app.name, ...feeTimeline(versions, now) };
  });
  return { timeZone: PROVIDER_TIME_ZONE, applications };
}

export type FeeScheduleRefusal = { code: "unknown-application" | FeeChangeRefusal | "already-scheduled"; field: "applicationAid" | "effectiveFrom" };

/** Schedules a new version of one application's fees (effective now for no date or today). */
export async function scheduleFee(
  actor: ProviderActor,
  input: { applicationAid: string; normalFeeMinor: number; reissueFeeMinor: number; effectiveFrom: string | null },
  now = new Date(),
): Promise<Result<{ id: string; validFrom: Date; immediate: boolean }, FeeScheduleRefusal>> {
  const providerCompanyId = actor.providerCompanyId;
  if (!findApplication(providerCompanyId, input.applicationAid)) return err({ code: "unknown-application", field: "applicationAid" });
  const start = feeChangeStart(input.effectiveFrom, now);
  if (!start.ok) return err({ code: start.refusal, field: "effectiveFrom" });
  const company = await db().spCompany.findUniqueOrThrow({ where: { providerCompanyId }, select: { currency: true } });
  const created = await db().spFeeSchedule.createManyAndReturn({
    data: [
      {
        providerCompanyId,
        applicationAid: input.applicationAid,
        normalFeeMinor: input.normalFeeMinor,
        reissueFeeMinor: input.reissueFeeMinor,
        currency: company.currency,
        validFrom: start.validFrom,
        createdByUserId: actor.id,
        createdAt: now,
      },
    ],
    skipDuplicates: true,
    select: { id: true },
  });
  if (created.length === 0) return err({ code: "already-scheduled", field: "effectiveFrom" });
  return ok({ id: created[0]!.id, validFrom: start.validFrom, immediate: start.validFrom.getTime() === now.getTime() });
}

/**
 * Withdraws a change that has not taken effect. One in force (or of another provider, or unknown) is
 * refused: a fee that was ever in force may have been charged and stays in the history.
 */
export async function withdrawScheduledFee(actor: ProviderActor, id: string, now = new Date()): Promise<Result<{ aid: string }, { code: "not-scheduled" }>> {
  const row = await db().spFeeSchedule.findFirst({ where: { id, providerCompanyId: actor.providerCompanyId }, select: { applicationAid: true } });
  // The condition on valid_from is in the delete itself: a change that starts between the read and the delete is kept.
  const deleted = await db().spFeeSchedule.deleteMany({ where: { id, providerCompanyId: actor.providerCompanyId, validFrom: { gt: now } } });
  if (!row || deleted.count !== 1) return err({ code: "not-scheduled" });
  return ok({ aid: row.applicationAid });
}
