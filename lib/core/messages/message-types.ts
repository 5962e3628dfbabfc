/**
 * The message types the card issuer and the service providers exchange, who sends each one, what it
 * answers, and which reissue method it belongs to (Fig. 18 needs the last one).
 */
export const MESSAGE_TYPES = [
  "loading-permission-request",
  "loading-permission-grant",
  "loading-permission-refusal",
  "load-confirmation",
  "reissuance-notification",
  "reissuance-notification-batch",
  "reissuance-information-request",
  "reissuance-information-reply",
  "card-information-inquiry",
  "card-information-reply",
  "reload-permission-request",
  "reload-permission-grant",
  "reload-permission-refusal",
  "charge-statement",
  "card-blocked",
  "card-unblocked",
  "reissue-delivery-mode",
] as const;

export type MessageType = (typeof MESSAGE_TYPES)[number];

/** The two kinds of company; the card issuer is one company, providers are many. */
export type CompanyRole = "issuer" | "provider";

/** True when `value` is a known message type string. */
export function isMessageType(value: unknown): value is MessageType {
  return typeof value === "string" && (MESSAGE_TYPES as readonly string[]).includes(value);
}

/**
 * Who sends each type. It fixes the direction letter of the message id (I or P) and which of the
 * sender and receiver is the issuer part and which the provider part.
 */
export const SENDER_ROLE = {
  "loading-permission-request": "provider",
  "loading-permission-grant": "issuer",
  "loading-permission-refusal": "issuer",
  "load-confirmation": "provider",
  "reissuance-notification": "issuer",
  "reissuance-notification-batch": "issuer",
  "reissuance-information-request": "provider",
  "reissuance-information-reply": "issuer",
  "card-information-inquiry": "provider",
  "card-information-reply": "issuer",
  "reload-permission-request": "provider",
  "reload-permission-grant": "issuer",
  "reload-permission-refusal": "issuer",
  "charge-statement": "issuer",
  "card-blocked": "issuer",
  "card-unblocked": "issuer",
  "reissue-delivery-mode": "issuer",
} as const satisfies Record<MessageType, CompanyRole>;

/**
 * The request type each reply answers (its header.inReplyTo names a message of that type). Replies
 * must carry inReplyTo; the codec checks the id's shape and pair, the inbox checks the type.
 */
export const REPLY_TO = {
  "loading-permission-grant": "loading-permission-request",
  "loading-permission-refusal": "loading-permission-request",
  "reissuance-information-reply": "reissuance-information-request",
  "card-information-reply": "card-information-inquiry",
  "reload-permission-grant": "reload-permission-request",
  "reload-permission-refusal": "reload-permission-request",
} as const satisfies Partial<Record<MessageType, MessageType>>;

/** Which reissue method a type belongs to: "method-1", "method-2", or "neutral" (either). */
export type PlatformScope = "method-1" | "method-2" | "neutral";

/**
 * Method 1 carries card ids (Fig. 12, Fig. 19 steps 408/409), so its messages only exist for
 * platform 100; method 2 carries attribute data and message ids (Figs. 10, 11, 15), so platform 200.
 * Loading, reloading and charging happen on both platforms: the platform type still decides which
 * card reference and which provider records (Fig. 14 by card id, Fig. 17 by message id) apply.
 */
export const PLATFORM_SCOPE = {
  "loading-permission-request": "neutral",
  "loading-permission-grant": "neutral",
  "loading-permission-refusal": "neutral",
  "load-confirmation": "neutral",
  "reissuance-notification": "method-1",
  // Issue 16: the pairs of many reissues in one signed message (bulk approvals and renewal runs).
  "reissuance-notification-batch": "method-1",
  "reissuance-information-request": "method-1",
  "reissuance-information-reply": "method-1",
  "card-information-inquiry": "method-2",
  "card-information-reply": "method-2",
  "reload-permission-request": "neutral",
  "reload-permission-grant": "neutral",
  "reload-permission-refusal": "neutral",
  "charge-statement": "neutral",
  // The hot list: platform 100 names the card id, platform 200 the message ids of the receiving
  // provider's own loads (it blocks its records without learning a card id).
  "card-blocked": "neutral",
  "card-unblocked": "neutral",
  // How the issuer delivers the method-1 reissuance information (push, Fig. 12, or pull, Fig. 19).
  "reissue-delivery-mode": "method-1",
} as const satisfies Record<MessageType, PlatformScope>;

const typesIn = (scope: PlatformScope): readonly MessageType[] => MESSAGE_TYPES.filter((type) => PLATFORM_SCOPE[type] === scope);

/** Types that only exist for platform type 100 (method 1). */
export const METHOD_1_ONLY_TYPES: readonly MessageType[] = typesIn("method-1");
/** Types that only exist for platform type 200 (method 2). */
export const METHOD_2_ONLY_TYPES: readonly MessageType[] = typesIn("method-2");
/** Types used on both platforms; their platform type selects the branch. */
export const PLATFORM_NEUTRAL_TYPES: readonly MessageType[] = typesIn("neutral");
