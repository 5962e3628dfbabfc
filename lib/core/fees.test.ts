import { describe, expect, it } from "vitest";
import { calendarDateIn, feeChangeStart, feeTimeline, startOfDayIn, zoneOffsetMinutes } from "./fees";

const NOW = new Date("2026-11-30T23:40:00Z"); // 2026-12-01 08:40 in Tokyo

describe("days in the provider's time zone", () => {
  it("knows Tokyo is UTC+9 and New York changes with daylight saving", () => {
    expect(zoneOffsetMinutes(NOW, "Asia/Tokyo")).toBe(540);
    expect(zoneOffsetMinutes(new Date("2026-07-01T12:00:00Z"), "America/New_York")).toBe(-240);
    expect(zoneOffsetMinutes(new Date("2026-12-01T12:00:00Z"), "America/New_York")).toBe(-300);
  });
  it("names the day of an instant and the instant a day starts", () => {
    expect(calendarDateIn(NOW, "Asia/Tokyo")).toBe("2026-12-01");
    expect(calendarDateIn(NOW, "UTC")).toBe("2026-11-30");
    expect(startOfDayIn("2027-01-01", "Asia/Tokyo").toISOString()).toBe("2026-12-31T15:00:00.000Z");
    // The day daylight saving starts in New York (2026-03-08) still starts at local midnight, EST.
    expect(startOfDayIn("2026-03-08", "America/New_York").toISOString()).toBe("2026-03-08T05:00:00.000Z");
    expect(startOfDayIn("2026-03-09", "America/New_York").toISOString()).toBe("2026-03-09T04:00:00.000Z");
  });
});

describe("when a fee change takes effect", () => {
  it("is now without a date, and now for today in Tokyo (already tomorrow in UTC terms)", () => {
    expect(feeChangeStart(null, NOW)).toEqual({ ok: true, validFrom: NOW });
    expect(feeChangeStart("2026-12-01", NOW)).toEqual({ ok: true, validFrom: NOW });
  });
  it("is the start of a later Tokyo day", () => {
    expect(feeChangeStart("2026-12-02", NOW)).toEqual({ ok: true, validFrom: new Date("2026-12-01T15:00:00Z") });
  });
  it("refuses a day that has passed in Tokyo, even if it is still that day in UTC", () => {
    expect(feeChangeStart("2026-11-30", NOW)).toEqual({ ok: false, refusal: "in-the-past" });
  });
  it("refuses more than two years ahead", () => {
    expect(feeChangeStart("2028-11-30", NOW).ok).toBe(true);
    expect(feeChangeStart("2028-12-02", NOW)).toEqual({ ok: false, refusal: "too-far-ahead" });
  });
});

describe("an application's fee timeline", () => {
  const fee = (iso: string, normal: number) => ({ validFrom: new Date(iso), normalFeeMinor: normal, reissueFeeMinor: normal / 2, currency: "JPY" });
  it("splits versions into the one in force, those to come and earlier ones", () => {
    const rows = [fee("2025-01-01T00:00:00Z", 400), fee("2027-01-01T00:00:00Z", 600), fee("2026-06-01T00:00:00Z", 500), fee("2027-06-01T00:00:00Z", 700)];
    const t = feeTimeline(rows, NOW);
    expect(t.current?.normalFeeMinor).toBe(500);
    expect(t.upcoming.map((r) => r.normalFeeMinor)).toEqual([600, 700]);
    expect(t.past.map((r) => r.normalFeeMinor)).toEqual([400]);
  });
  it("has nothing in force before the first version starts", () => {
    expect(feeTimeline([fee("2027-01-01T00:00:00Z", 600)], NOW)).toMatchObject({ current: null, past: [] });
  });
});
