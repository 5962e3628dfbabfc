/**
 * Calendar months in UTC as "YYYY-MM": the period of a monthly charge statement (claim 13) and the
 * bars of the charge charts. UTC, so the issuer and every provider put an instant in the same month.
 */

/** "2026-11" for an instant (its UTC month). */
export function monthOf(at: Date): string {
  return at.toISOString().slice(0, 7);
}

/** The instants a "YYYY-MM" month spans: from `start` up to, not including, `end`. */
export function monthRange(month: string): { start: Date; end: Date } {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return { start: new Date(Date.UTC(y, m - 1, 1)), end: new Date(Date.UTC(y, m, 1)) };
}

/** The last `count` UTC months ending with the one containing `now`, oldest first, and the instant the oldest begins. */
export function lastMonths(now: Date, count: number): { months: string[]; since: Date } {
  const year = now.getUTCFullYear();
  const first = now.getUTCMonth() - (count - 1);
  const months = Array.from({ length: count }, (_, i) => monthOf(new Date(Date.UTC(year, first + i, 1))));
  return { months, since: new Date(Date.UTC(year, first, 1)) };
}

/** A month's charges by kind, in minor units. */
export type MonthTotals = { month: string; normalMinor: number; reissueMinor: number };

/** Claims 13/14: normal-load and reissue-reload amounts summed per month of `months` (in that order); charges in any other month are left out. */
export function totalsByMonth(
  months: readonly string[],
  charges: Iterable<{ kind: "normal_load" | "reissue_reload"; amountMinor: number; chargedAt: Date }>,
): MonthTotals[] {
  const totals = new Map(months.map((month) => [month, { month, normalMinor: 0, reissueMinor: 0 }]));
  for (const c of charges) {
    const m = totals.get(monthOf(c.chargedAt));
    if (!m) continue;
    if (c.kind === "normal_load") m.normalMinor += c.amountMinor;
    else m.reissueMinor += c.amountMinor;
  }
  return [...totals.values()];
}
