import { createTranslator } from "use-intl/core";
import { describe, expect, test } from "vitest";
import { LOCALES, type AppLocale } from "@/lib/i18n/locales";
import { messagesFor } from "@/lib/i18n/messages";
import { formatInstant, formatMoney } from "../format";
import {
  DeliveryErrorSchema,
  DeliveryReceiptSchema,
  DELIVERY_ERROR_CODES,
  InboxResultSchema,
  MessageOutcomeSchema,
  OUTCOME_CODES,
  readDeliveryError,
  readDeliveryReceipt,
  readInboxResult,
  replayableResult,
  type DeliveryError,
  type MessageOutcome,
  type OutcomeCode,
} from "./outcome";
import { describeDeliveryError, describeMessageRefusal, describeOutcome, describeReceipt, type ExchangeWordsContext } from "./outcome-words";
import { REFUSAL_CODES } from "./refusal";
import { BATCH_PAIR_REFUSALS } from "./rules";
import { CARD_INFORMATION_NG_REASONS, PERMISSION_REFUSAL_REASONS, REISSUANCE_NOT_FOUND_REASONS } from "./schemas";

const ID = "RECARD01-METRO01-I0000000042";
const REQ = "RECARD01-METRO01-P0000000041";
const AID = "F0524300010001";

/** One example of every outcome code (the type makes a new code without an example fail to compile). */
const EXAMPLES: { [C in OutcomeCode]: Extract<MessageOutcome, { code: C }>["params"] } = {
  "pairs-stored": { pairs: 2, stored: 1 },
  "pairs-batch-stored": { pairs: 5, stored: 1, known: 1, refused: 3, refusedPairs: [{ pair: 1, code: "conflicts-with-known-pair" }] },
  "reissue-info-none": { reason: "not-a-reissued-card" },
  "inquiry-reply-unmatched": { messageId: ID },
  "inquiry-reply-repeated": { requestMessageId: REQ, replyMessageId: ID },
  "inquiry-reply-stored": { aid: AID, reissue: "NG", originalMessageId: null, reason: "old-load-not-successful" },
  "grant-unmatched": { messageId: ID },
  "grant-late": { messageId: ID, requestMessageId: REQ, status: "abandoned" },
  "grant-mismatch": { messageId: ID, requestMessageId: REQ, mismatch: "load-file" },
  "grant-stored": { messageId: ID, kind: "reload", aid: AID, loadRecordOpened: false },
  "refusal-unmatched": { messageId: ID },
  "refusal-late": { messageId: ID, requestMessageId: REQ, status: "granted" },
  "refusal-stored": { kind: "first-load", aid: AID, reason: "card-blocked" },
  "statement-stored": { period: "2026-11", platformType: 100, lines: 1, totalMinor: 1200, currency: "JPY", alreadyStored: true },
  "block-already-lifted": { blockMessageId: ID, ref: { platformType: 100, cardId: "0123456789ABCDEF", loads: 0 } },
  "card-blocked": { ref: { platformType: 200, cardId: null, loads: 2 }, reason: "stolen", frozen: 1 },
  "unblock-repeated": { blockMessageId: ID },
  "card-unblocked": { ref: { platformType: 100, cardId: "0123456789ABCDEF", loads: 0 } },
  "delivery-mode-stored": { delivery: "pull", effectiveAt: "2026-11-30T10:00:00.000Z", applied: false },
  "permission-granted": { kind: "reload", aid: AID, messageId: ID, originalMessageId: "RECARD01-METRO01-I0000000001" },
  "permission-refused": { kind: "first-load", aid: AID, reason: "no-contract", messageId: ID },
  "reissue-info-given": { cardId: "0123456789ABCDEF", pairs: 1 },
  "reissue-info-withheld": { reason: "no-application-of-yours-on-old-card" },
  "inquiry-ok": { aid: AID, originalMessageId: ID },
  "inquiry-ng": { aid: AID, reason: "application-not-on-old-card" },
  "confirmation-unknown-permission": { messageId: ID },
  "confirmation-wrong-application": { messageId: ID, aid: AID, permittedAid: "F0524300010002" },
  "confirmation-repeated": { messageId: ID },
  "confirmation-of-refusal": { messageId: ID },
  "load-failed": { messageId: ID, statusWord: "6985" },
  "receipt-refused": { messageId: ID },
  "reload-duplicate": { originalMessageId: REQ, otherMessageId: ID },
  "load-confirmed": { application: "Metro Cycle", messageId: ID, kind: "reissue_reload", amountMinor: 100, currency: "JPY" },
  "uncoded-answer": {},
};
const outcomes = OUTCOME_CODES.map((code) => ({ code, params: EXAMPLES[code] }) as MessageOutcome);

/** The words of `locale`, failing on any missing key or broken argument (as the pages' missing-key mark would). */
function words(locale: AppLocale): { ctx: ExchangeWordsContext; errors: string[] } {
  const errors: string[] = [];
  const t = createTranslator({
    locale,
    messages: messagesFor(locale),
    namespace: "common.exchangeWords",
    onError: (e) => errors.push(`${locale}: ${e.code} ${e.message}`),
  });
  return {
    ctx: { t: (key, values) => t(key as never, values as never), instant: formatInstant, money: (m, c) => formatMoney(m, c, locale) },
    errors,
  };
}

describe("message outcome codes → words", () => {
  test("every example is a valid outcome (the schema and the examples agree)", () => {
    expect(Object.keys(EXAMPLES).sort()).toEqual([...OUTCOME_CODES].sort());
    for (const o of outcomes) expect(MessageOutcomeSchema.safeParse(o).success, o.code).toBe(true);
  });

  for (const locale of LOCALES) {
    test(`${locale}: every outcome, refusal, delivery error and reason has its words`, () => {
      const { ctx, errors } = words(locale);
      const rendered = new Set<string>();
      for (const o of outcomes) rendered.add(describeOutcome(o, ctx));
      for (const code of REFUSAL_CODES) rendered.add(describeMessageRefusal({ code, field: "pairs[2].oldCardId" }, ctx));
      const errorsOf: DeliveryError[] = [
        { v: 2, code: "transport.http-status", params: { status: 503 } },
        { v: 2, code: "transport.unreachable", params: {} },
        { v: 2, code: "transport.unreadable-answer", params: { status: 200 } },
        { v: 2, code: "receiver.failed", params: {} },
        { v: 2, code: "receiver.refused", params: { refusal: { code: "bad-signature" } } },
      ];
      expect(errorsOf.map((e) => e.code)).toEqual([...DELIVERY_ERROR_CODES]);
      for (const e of errorsOf) rendered.add(describeDeliveryError(e, ctx));
      // Every value of every enum a parameter names, through the outcome that renders it.
      for (const reason of PERMISSION_REFUSAL_REASONS)
        rendered.add(describeOutcome({ code: "refusal-stored", params: { kind: "reload", aid: AID, reason } }, ctx));
      for (const reason of CARD_INFORMATION_NG_REASONS) rendered.add(describeOutcome({ code: "inquiry-ng", params: { aid: AID, reason } }, ctx));
      for (const reason of REISSUANCE_NOT_FOUND_REASONS) rendered.add(describeOutcome({ code: "reissue-info-none", params: { reason } }, ctx));
      const pairs = BATCH_PAIR_REFUSALS.map((code, pair) => ({ pair, code }));
      rendered.add(describeOutcome({ code: "pairs-batch-stored", params: { pairs: 9, stored: 0, known: 0, refused: 9, refusedPairs: pairs } }, ctx));
      rendered.add(describeReceipt({ v: 2, status: "replayed", outcome: outcomes[0]! }, ctx));
      rendered.add(describeReceipt({ v: 2, status: "refused", refusal: { code: "wrong-receiver" } }, ctx));
      expect(errors).toEqual([]);
      for (const text of rendered) {
        expect(text.trim(), text).not.toBe("");
        expect(text, text).not.toMatch(/exchangeWords|\{|\}|undefined|NaN/);
      }
    });
  }

  test("English and Japanese say it in their own words, with the parameters in both", () => {
    const en = words("en").ctx;
    const ja = words("ja").ctx;
    const grant = outcomes.find((o) => o.code === "grant-stored")!;
    expect(describeOutcome(grant, en)).toBe(`Reload permission ${ID} for ${AID} received (no load record opened: one exists)`);
    expect(describeOutcome(grant, ja)).toBe(`${AID} の再ロード許可 ${ID} を受信（ロード記録は既にあるため作成せず）`);
    const batch = outcomes.find((o) => o.code === "pairs-batch-stored")!;
    expect(describeOutcome(batch, en)).toBe(
      "5 old ↔ reissued card pairs received in a batch, 1 new, 1 already known, 3 refused (pair 1: conflicts with a pair already held, …)",
    );
    expect(
      describeOutcome(
        outcomes.find((o) => o.code === "statement-stored")!,
        en,
      ),
    ).toBe("Charge statement 2026-11 (platform 100): 1 line, total ¥1,200 (already stored)");
    expect(describeMessageRefusal({ code: "platform-type-unknown", field: "platformType" }, en)).toBe(
      "unknown platform type (Fig. 18: refused, never guessed) (field platformType)",
    );
    expect(describeMessageRefusal({ code: "platform-type-unknown", field: "platformType" }, ja)).toBe(
      "不明なプラットフォーム種別です（図18：推測せず拒否）（項目 platformType）",
    );
    expect(describeDeliveryError({ v: 2, code: "transport.http-status", params: { status: 503 } }, en)).toBe("the receiver's server answered HTTP 503");
    expect(describeDeliveryError({ v: 2, code: "transport.http-status", params: { status: 503 } }, ja)).toBe("受信側のサーバーが HTTP 503 を返しました");
  });

  test("a missing key is seen: a translator without the words reports it", () => {
    const errors: string[] = [];
    const t = createTranslator({
      locale: "en",
      messages: { common: { exchangeWords: {} } },
      namespace: "common.exchangeWords",
      onError: (e) => errors.push(e.code),
    });
    describeOutcome(outcomes[0]!, { t: (key, values) => t(key as never, values as never), instant: formatInstant, money: formatMoney });
    expect(errors).toEqual(["MISSING_MESSAGE"]);
  });
});

describe("stored shapes: version 2, and rows from before", () => {
  test("version-2 values read as codes", () => {
    const result = { v: 2, status: "processed", outcome: outcomes[0], enqueued: ["x"] };
    expect(InboxResultSchema.safeParse(result).success).toBe(true);
    expect(readInboxResult(result)).toEqual({ kind: "coded", value: result });
    const receipt = { v: 2, status: "refused", refusal: { code: "bad-signature" } };
    expect(DeliveryReceiptSchema.safeParse(receipt).success).toBe(true);
    expect(readDeliveryReceipt(receipt)).toEqual({ kind: "coded", value: receipt });
    const error = { v: 2, code: "transport.unreachable", params: {} };
    expect(DeliveryErrorSchema.safeParse(error).success).toBe(true);
    expect(readDeliveryError(error, null)).toEqual({ kind: "coded", value: error });
  });

  test("a sentence is not a code: outcomes and refusals take no free text", () => {
    expect(MessageOutcomeSchema.safeParse({ code: "pairs-stored", params: { pairs: 1, stored: 1, note: "1 pair received" } }).success).toBe(false);
    expect(
      InboxResultSchema.safeParse({ v: 2, status: "refused", refusal: { code: "bad-signature", message: "the signature does not verify" }, enqueued: [] })
        .success,
    ).toBe(false);
  });

  test("rows stored before version 2 are shown as they are, marked legacy", () => {
    expect(readInboxResult({ status: "processed", summary: "1 old ↔ reissued card pair received, 1 new", enqueued: [] })).toEqual({
      kind: "legacy",
      text: "1 old ↔ reissued card pair received, 1 new",
    });
    expect(readDeliveryReceipt({ status: "processed", summary: "Granted X" })).toEqual({ kind: "legacy", text: "processed: Granted X" });
    expect(readDeliveryError(null, "http://peer: HTTP 503")).toEqual({ kind: "legacy", text: "http://peer: HTTP 503" });
    expect(readDeliveryError(null, null)).toBeNull();
    expect(readInboxResult(null)).toBeNull();
  });

  test("a replay of a row from before answers codes: its refusal by code and field, its sentence not at all", () => {
    expect(
      replayableResult({ status: "refused", summary: "x", enqueued: [], refusal: { code: "wrong-direction", message: "y", field: "header.type" } }),
    ).toEqual({
      v: 2,
      status: "refused",
      refusal: { code: "wrong-direction", field: "header.type" },
      enqueued: [],
    });
    expect(replayableResult({ status: "processed", summary: "Granted X", enqueued: ["a"] })).toEqual({
      v: 2,
      status: "processed",
      outcome: { code: "uncoded-answer", params: {} },
      enqueued: ["a"],
    });
  });
});
