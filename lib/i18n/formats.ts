/**
 * Named formats for next-intl's formatters (format.dateTime(d, "dateTime"), format.number(n, "yen")).
 * The time zone comes from the request (the account's), so "dateTime" is the person's local time.
 */
import type { Formats } from "next-intl";

export const FORMATS = {
  dateTime: {
    /** 2026/12/01 / Dec 1, 2026 */
    date: { year: "numeric", month: "short", day: "numeric" },
    /** with the time and the zone: "Dec 1, 2026, 12:20 JST" / "2026年12月1日 12:20 JST" */
    dateTime: { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" },
    /** the time only, with the zone */
    time: { hour: "2-digit", minute: "2-digit", timeZoneName: "short" },
  },
  number: {
    /** Japanese yen: no minor unit, grouped ("¥12,000", "￥12,000"). */
    yen: { style: "currency", currency: "JPY", maximumFractionDigits: 0 },
  },
} satisfies Formats;
