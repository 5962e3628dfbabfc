import { describe, expect, it } from "vitest";
import { LOCALES, type AppLocale } from "@/lib/i18n/locales";
import type { AppMessages } from "@/lib/i18n/messages";
import { messagesWithout, strictWords } from "@/lib/i18n/test-words";
import {
  AUDIT_REASON_CODES,
  auditReason,
  describeAuditReason,
  parseAuditReason,
  type AuditReason,
  type AuditReasonCode,
  type AuditReasonParams,
} from "./audit-reason";
import { RECEIPT_PROBLEMS } from "./card/receipt";

/** One example of every code (a Record: a new code without an example fails the type check). */
const EXAMPLES: { [C in AuditReasonCode]: AuditReasonParams<C> } = {
  "card-issued": { platformType: 100, holderNo: "CH-000123", first: true },
  "card-activated": { by: "desk" },
  "card-replaced": { last4: "1234", activated: true, wasBlocked: true },
  "cardholder-created": { holderNo: "CH-000123" },
  "cardholder-invited": { holderNo: "CH-000123", until: "2026-12-08" },
  "cardholder-account": {},
  "card-issuer-key-updated": { from: "70", to: "71" },
  "reissue-info-given": { provider: "METRO01" },
  "reissue-info-not-given": { provider: "METRO01", why: "no-application-of-yours-on-old-card" },
  "card-inquiry-ok": { provider: "HOSHI01", originalMessageId: "RECARD01-HOSHI01-000001" },
  "card-inquiry-ng": { provider: "HOSHI01", ngReason: "application-not-on-old-card" },
  "renewal-started": { runNo: 3, total: 5, month: "2027-01" },
  "renewal-bureau-file": { runNo: 3, cards: 1 },
  "chip-terminate-refused": { sw: "6985" },
  "chip-terminated": { messageId: "RECARD01-RECARD01-000009" },
  "statement-issued": { period: "2026-11", provider: "METRO01", platformType: 200, normalMinor: 3000, reissueMinor: 500, currency: "JPY" },
  "delivery-mode": { mode: "pull" },
  "application-registered": { name: "Metro Cycle", aid: "F0524300010002", provider: "METRO01" },
  "reissue-approved": { reason: "stolen", override: true },
  "reissue-requested": { last4: "1234", reason: "lost", by: "operator" },
  "card-blocked-reported": { reason: "stolen" },
  "card-reinstated": { requestNo: 12, last4: "1234", status: "issued" },
  "permission-granted": {},
  "reload-granted": { originalMessageId: "RECARD01-METRO01-000001", carrier: "reissuance-notification" },
  "permission-refused": { refusal: "application-not-approved" },
  "load-failed": { sw: "6A84" },
  "receipt-refused": { problem: "card-binding" },
  "reload-duplicate": { originalMessageId: "RECARD01-METRO01-000001", reloadedUnder: "RECARD01-METRO01-000002" },
  "user-charge-ignored": { chargeKind: "reissue-reload", permissionKind: "first_load" },
  "permission-confirmed": { counter: 4, kind: "reissue_reload" },
};

/** The words of one locale, throwing on a missing message instead of printing its key. */
const wordsIn = (locale: AppLocale, messages?: AppMessages) => strictWords(locale, "issuer.auditReasons", messages);

const all = () => AUDIT_REASON_CODES.map((code) => auditReason(code, EXAMPLES[code] as never));

describe("audit reasons (store codes, render words)", () => {
  it("every code has words in every locale, with its values in them", () => {
    for (const locale of LOCALES) {
      const words = wordsIn(locale);
      for (const reason of all()) {
        const text = describeAuditReason(reason, words);
        expect(text, `${locale} ${reason.code}`).not.toMatch(/auditReasons|\{|\}/);
      }
    }
    const ja = wordsIn("ja");
    expect(describeAuditReason(auditReason("load-failed", { sw: "6A84" }), ja)).toBe(
      "カードがステータスワード 6A84（このロードファイルに必要なメモリがカードにありません）でロードを拒否しました。",
    );
    expect(describeAuditReason(auditReason("reissue-approved", { reason: "lost", override: false }), wordsIn("en"))).toBe(
      "Card reported lost; examination passed.",
    );
    expect(describeAuditReason(auditReason("statement-issued", EXAMPLES["statement-issued"]), wordsIn("en"))).toBe(
      "2026-11 statement to METRO01 (platform 200): normal ¥3,000, reissue ¥500.",
    );
  });

  it("a refused receipt says why in words of every verifier code, in both languages; rows from before the code say none was recorded", () => {
    for (const locale of LOCALES) {
      const words = wordsIn(locale);
      const texts = RECEIPT_PROBLEMS.map((problem) => describeAuditReason(auditReason("receipt-refused", { problem }), words));
      const before = describeAuditReason(auditReason("receipt-refused", {}), words);
      expect(new Set([...texts, before]).size, locale).toBe(RECEIPT_PROBLEMS.length + 1);
      if (locale === "ja") for (const text of [...texts, before]) expect(text).not.toMatch(/[a-z]{3,}/);
    }
    expect(describeAuditReason(auditReason("receipt-refused", { problem: "load-file-hash" }), wordsIn("en"))).toBe(
      "The card's receipt does not verify (it states another load file): nothing recorded.",
    );
    expect(parseAuditReason({ code: "receipt-refused", params: {} })).toEqual({ code: "receipt-refused", params: {} });
  });

  it("a code without words fails", () => {
    const reason = auditReason("permission-refused", { refusal: "no-contract" });
    expect(() => describeAuditReason(reason, wordsIn("ja", messagesWithout("ja", "issuer.auditReasons.permission-refused")))).toThrow();
  });

  it("checks parameters when written and when read", () => {
    expect(() => auditReason("load-failed", { sw: "not enough memory" })).toThrow();
    expect(() => auditReason("card-replaced", { last4: "4111111111111111", activated: false, wasBlocked: false })).toThrow();
    for (const reason of all()) expect(parseAuditReason(JSON.parse(JSON.stringify(reason)))).toEqual(reason);
    expect(parseAuditReason("Card reported lost; examination passed.")).toBeNull();
    expect(parseAuditReason({ code: "no-such-code", params: {} })).toBeNull();
    expect(parseAuditReason({ code: "load-failed", params: { sw: "x" } })).toBeNull();
  });

  it("keeps no sentence: every stored value is a code, an id or a number", () => {
    for (const reason of all() as AuditReason[])
      for (const value of Object.values(reason.params as Record<string, unknown>))
        if (typeof value === "string" && reason.code !== "application-registered") expect(value, reason.code).not.toMatch(/[a-z]+ [a-z]+ [a-z]+/);
  });
});
