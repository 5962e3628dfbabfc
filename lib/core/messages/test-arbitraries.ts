/**
 * fast-check generators of valid messages of every type (test support only: imported by the
 * *.test.ts files, never by the app).
 */
import fc from "fast-check";
import { toBase64Url, toHex } from "../bytes";
import { MAX_SEQUENCE, formatMessageId } from "../message-id";
import { MESSAGE_TYPES, SENDER_ROLE, type MessageType } from "./message-types";
import {
  CARD_INFORMATION_NG_REASONS,
  HOT_LIST_REASONS,
  MESSAGE_VERSION,
  PERMISSION_REFUSAL_REASONS,
  REISSUANCE_NOT_FOUND_REASONS,
  RELOAD_ONLY_REFUSAL_REASONS,
  type ChargeLine,
  type Message,
  type MessageHeader,
  type MessageOf,
  type ReissuePair,
} from "./schemas";

const MIN_TIME = Date.UTC(2000, 0, 1);
const MAX_TIME = Date.UTC(2099, 0, 1);

export const companyIdArb = fc.stringMatching(/^[A-Z0-9]{4,12}$/);
const sequenceArb = fc.integer({ min: 1, max: MAX_SEQUENCE });
const bytesHex = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max }).map(toHex);
const bytesB64 = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max }).map(toBase64Url);
export const cardIdArb = bytesHex(8, 8);
const aidArb = bytesHex(5, 16);
const sha256Arb = bytesHex(32, 32);
const attributeDataArb = bytesB64(16, 96);
const tokenArb = bytesB64(1, 128);
const surfaceArb = fc.stringMatching(/^\d{4}$/);
const textArb = fc.string({ minLength: 1, maxLength: 80, unit: "grapheme" });

/** An instant as a message timestamp, with or without milliseconds (both are accepted). */
const instant = (ms: number, withMillis: boolean) => {
  const iso = new Date(ms).toISOString();
  return withMillis ? iso : `${iso.slice(0, 19)}Z`;
};

type Context = {
  issuer: string;
  provider: string;
  time: number;
  withMillis: boolean;
  seq: number;
  replySeq: number;
};

const contextArb: fc.Arbitrary<Context> = fc
  .record({
    issuer: companyIdArb,
    provider: companyIdArb,
    time: fc.integer({ min: MIN_TIME, max: MAX_TIME }),
    withMillis: fc.boolean(),
    seq: sequenceArb,
    replySeq: sequenceArb,
  })
  .filter((c) => c.issuer !== c.provider);

const id = (c: Context, direction: "I" | "P", sequence: number) =>
  formatMessageId({ issuerCompanyId: c.issuer, providerCompanyId: c.provider, direction, sequence });

function header<T extends MessageType>(type: T, c: Context, reply: boolean): MessageHeader<T> {
  const fromIssuer = SENDER_ROLE[type] === "issuer";
  return {
    type,
    version: MESSAGE_VERSION,
    senderCompanyId: fromIssuer ? c.issuer : c.provider,
    receiverCompanyId: fromIssuer ? c.provider : c.issuer,
    messageId: id(c, fromIssuer ? "I" : "P", c.seq),
    timestamp: instant(c.time, c.withMillis),
    ...(reply ? { inReplyTo: id(c, fromIssuer ? "P" : "I", c.replySeq) } : {}),
  } as MessageHeader<T>;
}

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const withoutUndefined = <T extends object>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

/** A card reference consistent with the platform type (100: card id; 200: attribute data). */
const cardReferenceArb = fc.oneof(
  fc.record({ platformType: fc.constant(100 as const), cardId: cardIdArb }),
  fc.record({ platformType: fc.constant(200 as const), cardAttributeData: attributeDataArb }),
  fc.record({ platformType: fc.constant(999 as const), cardId: cardIdArb }),
  fc.record({ platformType: fc.constant(999 as const), cardAttributeData: attributeDataArb }),
);
/** attribute-data-invalid cannot be the reason on platform 100 (rules.ts). */
const pfFitsReason = (r: { platformType: number; reason: string }) => !(r.platformType === 100 && r.reason === "attribute-data-invalid");
const anyPf = fc.constantFrom(100 as const, 200 as const, 999 as const);

/** Distinct card ids paired up, reissued before the message time. */
const pairsArb = (time: number, withMillis: boolean) =>
  fc.uniqueArray(cardIdArb, { minLength: 2, maxLength: 24 }).chain((ids) =>
    fc.array(fc.integer({ min: 0, max: 10 * 86_400_000 }), { minLength: ids.length >> 1, maxLength: ids.length >> 1 }).map((ages) =>
      ages.map((age, i): ReissuePair => ({
        oldCardId: ids[2 * i]!,
        reissuedCardId: ids[2 * i + 1]!,
        reissuedAt: instant(Math.max(MIN_TIME, time - age), withMillis),
      })),
    ),
  );

/** A hot list card reference: a card id on platform 100, the provider's load message ids on 200. */
const hotListFieldsArb = (c: Context) =>
  fc
    .record({
      ref: fc.oneof(
        cardIdArb.map((cardId) => ({ platformType: 100 as const, cardId })),
        fc
          .uniqueArray(sequenceArb, { minLength: 1, maxLength: 12 })
          .map((seqs) => ({ platformType: 200 as const, loadMessageIds: seqs.map((s) => id(c, "I", s)) })),
      ),
      reason: fc.constantFrom(...HOT_LIST_REASONS),
      age: fc.integer({ min: 0, max: 30 * 86_400_000 }),
    })
    .map(({ ref, reason, age }) => ({ ...ref, reason, blockedAt: instant(Math.max(MIN_TIME, c.time - age), c.withMillis), age }));

const cardBlockedArb = (c: Context) => hotListFieldsArb(c).map(({ age: _age, ...rest }) => ({ header: header("card-blocked", c, false), ...rest }));
const cardUnblockedArb = (c: Context) =>
  fc.tuple(hotListFieldsArb(c), sequenceArb, fc.integer({ min: 0, max: 1 })).map(([{ age, ...rest }, blockSeq, early]) => ({
    header: header("card-unblocked", c, false),
    ...rest,
    blockMessageId: id(c, "I", blockSeq),
    unblockReason: "report-withdrawn" as const,
    unblockedAt: instant(Math.max(MIN_TIME, c.time - Math.floor(age * early * 0.5)), c.withMillis),
  }));

const byType: { [T in MessageType]: (c: Context) => fc.Arbitrary<MessageOf<T>> } = {
  "loading-permission-request": (c) =>
    fc
      .record({ ref: cardReferenceArb, applicationId: aidArb, surfaceNumberLast4: optional(surfaceArb), loadFileHash: sha256Arb })
      .map(({ ref, ...rest }) => withoutUndefined({ header: header("loading-permission-request", c, false), ...ref, kind: "first-load" as const, ...rest })),
  "loading-permission-grant": (c) =>
    fc
      .record({
        platformType: anyPf,
        applicationId: aidArb,
        loadFileHash: sha256Arb,
        permissionToken: tokenArb,
        ttl: fc.integer({ min: 1000, max: 86_400_000 }),
      })
      .map(({ ttl, ...rest }) => ({
        header: header("loading-permission-grant", c, true),
        kind: "first-load" as const,
        ...rest,
        expiresAt: instant(c.time + ttl, c.withMillis),
      })),
  "loading-permission-refusal": (c) =>
    fc
      .record({
        platformType: anyPf,
        applicationId: aidArb,
        reason: fc.constantFrom(...PERMISSION_REFUSAL_REASONS.filter((r) => !(RELOAD_ONLY_REFUSAL_REASONS as readonly string[]).includes(r))),
        text: textArb,
      })
      .filter(pfFitsReason)
      .map((rest) => ({ header: header("loading-permission-refusal", c, true), kind: "first-load" as const, ...rest })),
  "load-confirmation": (c) =>
    fc
      .record({
        platformType: anyPf,
        permissionSeq: sequenceArb,
        applicationId: aidArb,
        outcome: fc.oneof(
          tokenArb.map((receipt) => ({ status: "loaded" as const, receipt })),
          fc.stringMatching(/^6[0-9A-F]{3}$/).map((statusWord) => ({ status: "failed" as const, statusWord })),
        ),
      })
      .map(({ permissionSeq, ...rest }) => ({
        header: header("load-confirmation", c, false),
        ...rest,
        permissionMessageId: id(c, "I", permissionSeq),
      })),
  "reissuance-notification": (c) =>
    pairsArb(c.time, c.withMillis).map((pairs) => ({ header: header("reissuance-notification", c, false), platformType: 100 as const, pairs })),
  "reissuance-notification-batch": (c) =>
    pairsArb(c.time, c.withMillis).map((pairs) => ({ header: header("reissuance-notification-batch", c, false), platformType: 100 as const, pairs })),
  "reissuance-information-request": (c) =>
    cardIdArb.map((reissuedCardId) => ({ header: header("reissuance-information-request", c, false), platformType: 100 as const, reissuedCardId })),
  "reissuance-information-reply": (c) =>
    fc
      .oneof(
        pairsArb(c.time, c.withMillis).map((pairs) => ({ status: "found" as const, pairs })),
        fc.constantFrom(...REISSUANCE_NOT_FOUND_REASONS).map((reason) => ({ status: "not-found" as const, reason })),
      )
      .map((result) => ({ header: header("reissuance-information-reply", c, true), platformType: 100 as const, result })),
  "card-information-inquiry": (c) =>
    fc
      .record({ cardAttributeData: attributeDataArb, applicationId: aidArb, surfaceNumberLast4: optional(surfaceArb) })
      .map((rest) => withoutUndefined({ header: header("card-information-inquiry", c, false), platformType: 200 as const, ...rest })),
  "card-information-reply": (c) =>
    fc
      .oneof(
        sequenceArb.map((s) => ({ reissue: "OK" as const, originalMessageId: id(c, "I", s) })),
        fc.constantFrom(...CARD_INFORMATION_NG_REASONS).map((reason) => ({ reissue: "NG" as const, reason })),
      )
      .map((result) => ({ header: header("card-information-reply", c, true), platformType: 200 as const, result })),
  "reload-permission-request": (c) =>
    fc
      .record({ ref: cardReferenceArb, applicationId: aidArb, originalSeq: sequenceArb, surfaceNumberLast4: optional(surfaceArb), loadFileHash: sha256Arb })
      .map(({ ref, originalSeq, ...rest }) =>
        withoutUndefined({
          header: header("reload-permission-request", c, false),
          ...ref,
          kind: "reload" as const,
          originalMessageId: id(c, "I", originalSeq),
          ...rest,
        }),
      ),
  "reload-permission-grant": (c) =>
    fc
      .record({
        platformType: anyPf,
        applicationId: aidArb,
        originalSeq: sequenceArb,
        loadFileHash: sha256Arb,
        permissionToken: tokenArb,
        ttl: fc.integer({ min: 1000, max: 86_400_000 }),
      })
      .map(({ ttl, originalSeq, ...rest }) => ({
        header: header("reload-permission-grant", c, true),
        kind: "reload" as const,
        originalMessageId: id(c, "I", originalSeq),
        ...rest,
        expiresAt: instant(c.time + ttl, c.withMillis),
      })),
  "reload-permission-refusal": (c) =>
    fc
      .record({
        platformType: anyPf,
        applicationId: aidArb,
        originalSeq: sequenceArb,
        reason: fc.constantFrom(...PERMISSION_REFUSAL_REASONS),
        text: textArb,
      })
      .filter(pfFitsReason)
      .map(({ originalSeq, ...rest }) => ({
        header: header("reload-permission-refusal", c, true),
        kind: "reload" as const,
        originalMessageId: id(c, "I", originalSeq),
        ...rest,
      })),
  "charge-statement": (c) => {
    const month = new Date(c.time);
    const start = Date.UTC(month.getUTCFullYear(), month.getUTCMonth(), 1);
    const period = new Date(start).toISOString().slice(0, 7);
    return fc
      .record({
        platformType: fc.constantFrom(100 as const, 200 as const),
        currency: fc.constantFrom("JPY", "EUR", "USD"),
        seqs: fc.uniqueArray(sequenceArb, { maxLength: 30 }),
      })
      .chain(({ seqs, ...rest }) =>
        fc
          .tuple(
            ...seqs.map((s) =>
              fc
                .record({
                  applicationId: aidArb,
                  kind: fc.constantFrom("normal-load" as const, "reissue-reload" as const),
                  amountMinor: fc.integer({ min: 0, max: 10_000_000 }),
                  offset: fc.integer({ min: 0, max: 27 * 86_400_000 }),
                })
                .map(({ offset, ...line }): ChargeLine => ({ permissionMessageId: id(c, "I", s), ...line, chargedAt: instant(start + offset, c.withMillis) })),
            ),
          )
          .map((lines) => {
            const sum = (kind: ChargeLine["kind"]) => lines.filter((l) => l.kind === kind).reduce((a, l) => a + l.amountMinor, 0);
            const normalLoad = sum("normal-load");
            const reissueReload = sum("reissue-reload");
            return {
              header: header("charge-statement", c, false),
              ...rest,
              period,
              lines,
              totals: { normalLoad, reissueReload, grand: normalLoad + reissueReload },
            };
          }),
      );
  },
  "card-blocked": cardBlockedArb,
  "card-unblocked": cardUnblockedArb,
  "reissue-delivery-mode": (c) =>
    fc.record({ delivery: fc.constantFrom("push" as const, "pull" as const), age: fc.integer({ min: 0, max: 400 * 86_400_000 }) }).map(({ delivery, age }) => ({
      header: header("reissue-delivery-mode", c, false),
      platformType: 100 as const,
      delivery,
      effectiveAt: instant(Math.max(MIN_TIME, c.time - age), c.withMillis),
    })),
};

/** A valid message of the given type. */
export function messageArb<T extends MessageType>(type: T): fc.Arbitrary<MessageOf<T>> {
  return contextArb.chain((c) => byType[type](c) as fc.Arbitrary<MessageOf<T>>);
}

/** A valid message of any type. */
export const anyMessageArb: fc.Arbitrary<Message> = fc.oneof(...MESSAGE_TYPES.map((t) => messageArb(t) as fc.Arbitrary<Message>));
