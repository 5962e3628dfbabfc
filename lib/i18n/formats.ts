/**
 * Named formats for next-intl's formatters (format.dateTime(d, "dateTime"), format.number(n, "yen")).
 * The time zone comes from the request (the account's), so "dateTime" is the person's local time.
 */
import type { Formats } from "next-intl";

export const FORMATS = {
  dateTime: {
    /** "Dec 1, 2026" / "2026年12月1日" */
    date: { year: "numeric", month: "short", day: "numeric" },
    /** with the time and the zone: "Dec 1, 2026, 13:20 GMT+9" / "2026年12月1日 13:20 JST" */
    dateTime: { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" },
    /** the time only, with the zone */
    time: { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" },
    /** a month: "Dec 2026" / "2026年12月" (a card's expiry) */
    month: { year: "numeric", month: "short" },
  },
  number: {
    /** Japanese yen: no minor unit, grouped ("¥12,000", "￥12,000"). */
    yen: { style: "currency", currency: "JPY", maximumFractionDigits: 0 },
  },
} satisfies Formats;
