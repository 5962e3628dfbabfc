import { describe, expect, it } from "vitest";
import { JAPANESE_SCRIPT } from "@/lib/i18n/test-words";
import { LOCALES, NOTICE_CODES, parseNotice, renderNotice, type Notice } from "./notices";

const SAMPLES: Notice[] = [
  { code: "card-reported", params: { last4: "4821", reason: "lost", requestNo: 12 } },
  { code: "card-blocked", params: { last4: "4821", reason: "stolen" } },
  { code: "card-unblocked", params: { last4: "4821" } },
  { code: "reissue-approved", params: { last4: "4821", requestNo: 12 } },
  { code: "reissue-rejected", params: { last4: "4821", requestNo: 12 } },
  { code: "card-shipped", params: { last4: "0007", platformType: 200, kind: "renewal" } },
  { code: "card-activated", params: { last4: "0007" } },
  { code: "application-reloaded", params: { last4: "0007", application: "Metro Pass", provider: "Metro Transit" } },
];

describe("notice templates", () => {
  it("render every code in English and Japanese, naming the card by its last four digits", () => {
    expect(SAMPLES.map((s) => s.code).sort()).toEqual([...NOTICE_CODES].sort());
    for (const notice of SAMPLES) {
      for (const locale of LOCALES) {
        const { subject, text } = renderNotice(notice, locale, { rejectionReason: "Try another reader." });
        expect(subject).toMatch(locale === "ja" ? /^【ReCard】/ : /^ReCard: /);
        expect(`${subject} ${text}`).toContain(notice.params.last4);
        expect(JAPANESE_SCRIPT.test(subject + text)).toBe(locale === "ja");
      }
    }
  });

  it("a reload notice names the reissue fee the provider charged, when it said", () => {
    const charged: Notice = {
      code: "application-reloaded",
      params: { last4: "0007", application: "Metro Pass", provider: "Metro Transit", charge: { amountMinor: 200, currency: "JPY" } },
    };
    expect(renderNotice(charged, "en", {}).text).toContain(
      "Metro Transit reloaded Metro Pass on your card ending 0007. Metro Transit charged you its reissue fee of ¥200.",
    );
    expect(renderNotice(charged, "ja", {}).text).toContain("再発行手数料 ￥200");
    expect(renderNotice(SAMPLES[7]!, "en", {}).text).not.toContain("fee");
  });

  it("a rejection carries the issuer's reason, read at render time", () => {
    expect(renderNotice(SAMPLES[4]!, "en", { rejectionReason: "Try another reader." }).text).toContain("Try another reader.");
    expect(renderNotice(SAMPLES[4]!, "ja", {}).text).not.toContain("理由");
  });

  it("refuses a stored notice with a card number or an unknown code", () => {
    expect(parseNotice("card-activated", { last4: "4821" })).toEqual({ code: "card-activated", params: { last4: "4821" } });
    expect(parseNotice("card-activated", { last4: "4111111111114821" })).toBeNull();
    expect(parseNotice("card-exploded", { last4: "4821" })).toBeNull();
  });
});
