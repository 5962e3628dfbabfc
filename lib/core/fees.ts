/**
 * A provider's fees to its users (claim 14: a normal-load fee and a distinct reissue fee), as a
 * schedule of versions: each row is in force from its `validFrom` until the next one. A change takes
 * effect at once or at the start of a later day in the provider's time zone, so a desk never charges
 * a fee that was not yet announced, and a charge already made keeps the amount it was made at.
 */

/** The time zone a provider's "effective from" dates are days of (the demo companies are in Japan). */
export const PROVIDER_TIME_ZONE = "Asia/Tokyo";

/** How far ahead a change may be scheduled. */
export const MAX_SCHEDULE_DAYS = 730;

/** The offset of `timeZone` from UTC at `instant`, in minutes (Asia/Tokyo: +540). */
export function zoneOffsetMinutes(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/** The calendar date (YYYY-MM-DD) of `instant` in `timeZone`. */
export function calendarDateIn(instant: Date, timeZone: string): string {
  return new Date(instant.getTime() + zoneOffsetMinutes(instant, timeZone) * 60_000).toISOString().slice(0, 10);
}

/** The instant a calendar day (YYYY-MM-DD) starts in `timeZone`. */
export function startOfDayIn(date: string, timeZone: string): Date {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  // Two passes settle the offset across a daylight-saving change on that day.
  let start = utcMidnight - zoneOffsetMinutes(new Date(utcMidnight), timeZone) * 60_000;
  start = utcMidnight - zoneOffsetMinutes(new Date(start), timeZone) * 60_000;
  return new Date(start);
}

export type FeeChangeRefusal = "in-the-past" | "too-far-ahead";

/**
 * When a change asked for `effectiveFrom` (a calendar date, or null for "now") starts: now for today
 * or no date, the start of that day in the provider's time zone for a later day.
 */
export function feeChangeStart(
  effectiveFrom: string | null,
  now: Date,
  timeZone = PROVIDER_TIME_ZONE,
): { ok: true; validFrom: Date } | { ok: false; refusal: FeeChangeRefusal } {
  if (effectiveFrom === null) return { ok: true, validFrom: now };
  const today = calendarDateIn(now, timeZone);
  if (effectiveFrom < today) return { ok: false, refusal: "in-the-past" };
  if (effectiveFrom === today) return { ok: true, validFrom: now };
  const latest = calendarDateIn(new Date(now.getTime() + MAX_SCHEDULE_DAYS * 86_400_000), timeZone);
  if (effectiveFrom > latest) return { ok: false, refusal: "too-far-ahead" };
  return { ok: true, validFrom: startOfDayIn(effectiveFrom, timeZone) };
}

export type ScheduledFee = { validFrom: Date; normalFeeMinor: number; reissueFeeMinor: number; currency: string };
export type FeeTimeline<F extends ScheduledFee> = { current: F | null; upcoming: F[]; past: F[] };

/** One application's schedule seen at `now`: the version in force, those still to come (soonest first), and earlier ones (latest first). */
export function feeTimeline<F extends ScheduledFee>(rows: readonly F[], now: Date): FeeTimeline<F> {
  const sorted = [...rows].sort((a, b) => b.validFrom.getTime() - a.validFrom.getTime());
  const upcoming = sorted.filter((r) => r.validFrom > now).reverse();
  const started = sorted.filter((r) => r.validFrom <= now);
  return { current: started[0] ?? null, upcoming, past: started.slice(1) };
}
