/**
 * Shapes of the communication data (zod, strict: unknown fields are refused). These schemas check
 * each field on its own; rules that relate fields to each other (message id pairs, platform type
 * against content, duplicates, totals) live in rules.ts so each gets its own refusal code.
 */
import { z } from "zod";
import { fromBase64Url, toBase64Url } from "../bytes";
import { COMPANY_ID_PATTERN, parseMessageId } from "../message-id";
import { PLATFORM_TYPES } from "./platform-type";
import type { MessageType } from "./message-types";

/** Message format version; a receiver refuses any other (`unsupported-version`). */
export const MESSAGE_VERSION = 1;

/** Most reissue pairs one message may carry (Fig. 12 is a list; a day's reissues fit in a few). */
export const MAX_REISSUE_PAIRS = 1000;
/**
 * Most pairs one batched notification may carry (issue 16: the reissues of a bulk approval or a
 * renewal batch, one message per provider and delivery round; about 110 bytes a pair).
 */
export const MAX_BATCH_PAIRS = 5000;
/** Most lines one charge statement may carry. */
export const MAX_CHARGE_LINES = 10_000;

/** Reason codes of a loading or reload permission refusal. */
export const PERMISSION_REFUSAL_REASONS = [
  "no-contract",
  "contract-suspended",
  "application-not-registered",
  "application-not-approved",
  "card-not-found",
  "card-blocked",
  "card-terminated",
  "attribute-data-invalid",
  "original-not-found",
  "original-not-loaded",
  "not-a-reissued-card",
  "other",
] as const;
export type PermissionRefusalReason = (typeof PERMISSION_REFUSAL_REASONS)[number];

/** Reasons that only make sense when refusing a reload (they speak of the old card). */
export const RELOAD_ONLY_REFUSAL_REASONS = [
  "original-not-found",
  "original-not-loaded",
  "not-a-reissued-card",
] as const satisfies readonly PermissionRefusalReason[];

/** Why a Fig. 19 pull finds no reissue pairs for the provider (step 409). */
export const REISSUANCE_NOT_FOUND_REASONS = ["not-a-reissued-card", "no-application-of-yours-on-old-card"] as const;
export type ReissuanceNotFoundReason = (typeof REISSUANCE_NOT_FOUND_REASONS)[number];

/** Why a Fig. 15 reply says NG (step 1005). */
export const CARD_INFORMATION_NG_REASONS = [
  "attribute-data-invalid",
  "card-not-found",
  "not-a-reissued-card",
  "application-not-on-old-card",
  "old-load-not-successful",
] as const;
export type CardInformationNgReason = (typeof CARD_INFORMATION_NG_REASONS)[number];

/** Why a card is on the hot list: the report that blocked it (steps 401/801, lost or stolen). */
export const HOT_LIST_REASONS = ["lost", "stolen"] as const;
export type HotListReason = (typeof HOT_LIST_REASONS)[number];

/** Why a card leaves the hot list. */
export const UNBLOCK_REASONS = ["report-withdrawn"] as const;

/** Most load message ids one card-blocked message may carry (one provider's loads on one card). */
export const MAX_BLOCKED_LOADS = 1000;

/** How a charge line arose (claim 13: the reissue charge is kept apart from the normal one). */
export const CHARGE_KINDS = ["normal-load", "reissue-reload"] as const;

// ---------------------------------------------------------------------------------------------
// Fields

const UTC_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{3}))?Z$/;

/** True for "YYYY-MM-DDTHH:MM:SSZ" or with milliseconds, naming a real calendar instant in UTC. */
export function isUtcInstant(text: string): boolean {
  const m = UTC_INSTANT.exec(text);
  if (!m) return false;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return false;
  // Date.parse rolls 2025-02-30 over to March: compare the calendar fields back.
  return new Date(ms).toISOString().slice(0, 19) === text.slice(0, 19);
}

/** The timestamp form used in messages: `Date#toISOString()` (UTC, milliseconds, "Z"). */
export function toMessageTimestamp(date: Date): string {
  return date.toISOString();
}

/** A company id: the issuer's or a provider's (message-id.ts). */
export const CompanyIdSchema = z.string().regex(COMPANY_ID_PATTERN, "must be a company id: 4 to 12 upper-case letters or digits");

/** A message id `<issuer>-<provider>-<I|P><10 digits>`; malformed ids are `invalid-message-id`. */
export const MessageIdSchema = z.string().superRefine((id, ctx) => {
  const parsed = parseMessageId(id);
  if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.error, params: { refusal: "invalid-message-id" } });
});

/** A UTC instant (see isUtcInstant). */
export const TimestampSchema = z.string().refine(isUtcInstant, "must be a UTC ISO-8601 instant such as 2025-04-01T09:30:00Z or 2025-04-01T09:30:00.000Z");

/** Platform type 100, 200 or 999 (Figs. 12 and 15, "PF type"). */
export const PlatformTypeSchema = z.union([z.literal(PLATFORM_TYPES.METHOD_1), z.literal(PLATFORM_TYPES.METHOD_2), z.literal(PLATFORM_TYPES.UNKNOWN)], {
  error: "must be a platform type: 100, 200 or 999",
});

/** ISO 7816-5 AID: 5 to 16 bytes (RID + PIX), upper-case hex. */
export const ApplicationIdSchema = z.string().regex(/^(?:[0-9A-F]{2}){5,16}$/, "must be an AID: 5 to 16 bytes as upper-case hex");

/** The card id (GET DATA tag 45) on platform-100 cards: 8 bytes, upper-case hex. */
export const CardIdSchema = z.string().regex(/^[0-9A-F]{16}$/, "must be a card id: 16 upper-case hex digits");

/** A SHA-256 digest (the load file hash), upper-case hex. */
export const Sha256HexSchema = z.string().regex(/^[0-9A-F]{64}$/, "must be a SHA-256 digest: 64 upper-case hex digits");

/** Last 4 digits of the number printed on the card ("a number described in a card surface"). */
export const SurfaceNumberLast4Schema = z.string().regex(/^\d{4}$/, "must be the last 4 digits of the surface number");

/** ISO 7816-4 status word other than 9000 (a failed load never ends in 9000). */
export const FailureStatusWordSchema = z
  .string()
  .regex(/^[69][0-9A-F]{3}$/, "must be a status word: 4 upper-case hex digits starting with 6 or 9")
  .refine((sw) => sw !== "9000", "9000 means success: a failed load carries the status word that refused it");

/** Opaque bytes as unpadded base64url, in canonical form, between `min` and `max` bytes long. */
export function base64UrlBytesSchema(min: number, max: number) {
  return z.string().superRefine((text, ctx) => {
    let bytes: Uint8Array;
    try {
      bytes = fromBase64Url(text);
    } catch {
      ctx.addIssue({ code: "custom", message: "must be unpadded base64url (RFC 4648 §5)" });
      return;
    }
    // One byte string, one text: padding and non-zero spare bits would let the same bytes be
    // signed under two spellings.
    if (toBase64Url(bytes) !== text) {
      ctx.addIssue({ code: "custom", message: "must be canonical unpadded base64url (no '=', zero spare bits)" });
      return;
    }
    if (bytes.length < min || bytes.length > max) {
      ctx.addIssue({ code: "custom", message: `must encode ${min} to ${max} bytes (got ${bytes.length})` });
    }
  });
}

/** Card attribute data (tag DF7A): ciphertext only the issuer can open, fresh on every read. */
export const CardAttributeDataSchema = base64UrlBytesSchema(16, 1024);
/** The card-bound loading permission token made by the card module (opaque here). */
export const PermissionTokenSchema = base64UrlBytesSchema(1, 4096);
/**
 * The issuer's signed key updates the card must take before the token (PUT KEY data, old version
 * first; made by the card module, opaque here): present only when the card has not learned the key
 * that signed the token.
 */
export const IssuerKeyUpdatesSchema = z.array(base64UrlBytesSchema(1, 512)).min(1).max(15);
/** The card's signed load receipt (opaque here). */
export const ReceiptSchema = base64UrlBytesSchema(1, 4096);

/** Text for people (refusal explanations), 1 to 500 characters. */
export const HumanTextSchema = z.string().min(1, "must not be empty").max(500, "must be at most 500 characters");

/** A charge period: one calendar month, YYYY-MM. */
export const PeriodSchema = z.string().regex(/^\d{4}-(?:0[1-9]|1[0-2])$/, "must be a calendar month as YYYY-MM");

/** An ISO 4217 currency code. */
export const CurrencySchema = z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 currency code such as JPY");

/** Money in integer minor units of the statement's currency, never negative (STYLE.md, convention 8). */
export const AmountMinorSchema = z.number({ error: "must be a number" }).int("must be a whole number of minor units").min(0, "must not be negative");

// ---------------------------------------------------------------------------------------------
// Header

const headerFields = <T extends MessageType>(type: T) => ({
  type: z.literal(type),
  version: z.literal(MESSAGE_VERSION),
  senderCompanyId: CompanyIdSchema,
  receiverCompanyId: CompanyIdSchema,
  messageId: MessageIdSchema,
  timestamp: TimestampSchema,
});

/** Header of a message that may answer another (inReplyTo optional). */
function headerSchema<T extends MessageType>(type: T) {
  return z.strictObject({ ...headerFields(type), inReplyTo: MessageIdSchema.optional() });
}

/** Header of a reply: inReplyTo names the request it answers (message-types.ts, REPLY_TO). */
function replyHeaderSchema<T extends MessageType>(type: T) {
  return z.strictObject({ ...headerFields(type), inReplyTo: MessageIdSchema });
}

// ---------------------------------------------------------------------------------------------
// Shared parts

/** One old card ↔ reissued card pair (Fig. 12; stored as Fig. 13). */
export const ReissuePairSchema = z.strictObject({
  oldCardId: CardIdSchema,
  reissuedCardId: CardIdSchema,
  reissuedAt: TimestampSchema,
});

const ReissuePairsSchema = z
  .array(ReissuePairSchema)
  .min(1, "must list at least one pair")
  .max(MAX_REISSUE_PAIRS, `must list at most ${MAX_REISSUE_PAIRS} pairs`);

/** Most reload permissions one answer may hand over (one per load still to reload of that provider). */
export const MAX_CARRIED_PERMISSIONS = 100;

/**
 * A reload permission the issuer hands over inside its answer (issue 12: fewer round trips): the same
 * card-bound token a reload-permission-grant carries, for one load still to reload, bound to the newest
 * card the answer names. `messageId` is the permission's own message id (direction I).
 */
export const CarriedReloadPermissionSchema = z.strictObject({
  messageId: MessageIdSchema,
  applicationId: ApplicationIdSchema,
  originalMessageId: MessageIdSchema,
  loadFileHash: Sha256HexSchema,
  permissionToken: PermissionTokenSchema,
  expiresAt: TimestampSchema,
});

const CarriedReloadPermissionsSchema = z
  .array(CarriedReloadPermissionSchema)
  .min(1, "must list at least one permission when present")
  .max(MAX_CARRIED_PERMISSIONS, `must list at most ${MAX_CARRIED_PERMISSIONS} permissions`);

const cardReference = {
  cardId: CardIdSchema.optional(),
  cardAttributeData: CardAttributeDataSchema.optional(),
  surfaceNumberLast4: SurfaceNumberLast4Schema.optional(),
};

// ---------------------------------------------------------------------------------------------
// 1. Loading permission request (first load)

/** Provider asks to load an application the first time; card reference by platform type (steps 405/804). */
export const LoadingPermissionRequestSchema = z.strictObject({
  header: headerSchema("loading-permission-request"),
  platformType: PlatformTypeSchema,
  kind: z.literal("first-load"),
  applicationId: ApplicationIdSchema,
  ...cardReference,
  loadFileHash: Sha256HexSchema,
});

// 2. Grant or refusal

/** Issuer grants a first load; its header message id is the permission's message id (step 807). */
export const LoadingPermissionGrantSchema = z.strictObject({
  header: replyHeaderSchema("loading-permission-grant"),
  platformType: PlatformTypeSchema,
  kind: z.literal("first-load"),
  applicationId: ApplicationIdSchema,
  loadFileHash: Sha256HexSchema,
  permissionToken: PermissionTokenSchema,
  issuerKeyUpdates: IssuerKeyUpdatesSchema.optional(),
  expiresAt: TimestampSchema,
});

const PermissionRefusalReasonSchema = z.enum(PERMISSION_REFUSAL_REASONS, {
  error: `must be one of ${PERMISSION_REFUSAL_REASONS.join(", ")}`,
});

/** Issuer refuses a first load, with a reason code and a human text. */
export const LoadingPermissionRefusalSchema = z.strictObject({
  header: replyHeaderSchema("loading-permission-refusal"),
  platformType: PlatformTypeSchema,
  kind: z.literal("first-load"),
  applicationId: ApplicationIdSchema,
  reason: PermissionRefusalReasonSchema,
  text: HumanTextSchema,
});

// 3. Load confirmation

/** What the card did with the load: its receipt, or the status word that refused it. */
export const LoadOutcomeSchema = z.discriminatedUnion(
  "status",
  [
    z.strictObject({ status: z.literal("loaded"), receipt: ReceiptSchema }),
    z.strictObject({ status: z.literal("failed"), statusWord: FailureStatusWordSchema }),
  ],
  { error: 'status must be "loaded" or "failed"' },
);

/** Provider reports the load result under a permission, with the card's receipt. */
export const LoadConfirmationSchema = z.strictObject({
  header: headerSchema("load-confirmation"),
  platformType: PlatformTypeSchema,
  permissionMessageId: MessageIdSchema,
  applicationId: ApplicationIdSchema,
  outcome: LoadOutcomeSchema,
  /** A reload that installed the old card's value (a balance in minor units of a currency, or points "PTS"). */
  carriedOver: z
    .strictObject({
      valueMinor: AmountMinorSchema,
      unit: z.string().regex(/^(?:[A-Z]{3}|PTS)$/, "must be an ISO 4217 currency code or PTS (points)"),
    })
    .optional(),
  /**
   * What the provider charged the cardholder for this load (claim 14: its normal fee, or its distinct
   * reissue fee for a reload), so the cardholder's page can show it. Only with a load that succeeded.
   */
  userCharge: z
    .strictObject({
      kind: z.enum(["normal-load", "reissue-reload"], { error: 'kind must be "normal-load" or "reissue-reload"' }),
      amountMinor: AmountMinorSchema,
      currency: CurrencySchema,
    })
    .optional(),
});

// 4. Reissuance notification (Fig. 12, steps 403/505)

/** Fig. 12, steps 403/505: old card id ↔ reissued card id pairs pushed to the provider (PF 100). */
export const ReissuanceNotificationSchema = z.strictObject({
  header: headerSchema("reissuance-notification"),
  platformType: PlatformTypeSchema,
  pairs: ReissuePairsSchema,
  /** Reload permissions for this provider's loads still to reload, bound to the newest reissued card. */
  reloadPermissions: CarriedReloadPermissionsSchema.optional(),
});

/**
 * Issue 16: the Fig. 12 pairs of many reissues at once (a bulk approval, a renewal batch), one message
 * per provider and delivery round. Unlike `reissuance-notification`, a bad pair does not refuse the
 * message: the receiver checks each pair on its own (`checkBatchPair`), stores the good ones, and
 * refuses a bad one alone with its reason code. No reload permissions ride along: the cards of a bulk
 * approval wait for their activation, and a card waiting carries none.
 */
export const ReissuanceNotificationBatchSchema = z.strictObject({
  header: headerSchema("reissuance-notification-batch"),
  platformType: PlatformTypeSchema,
  pairs: z.array(ReissuePairSchema).min(1, "must list at least one pair").max(MAX_BATCH_PAIRS, `must list at most ${MAX_BATCH_PAIRS} pairs`),
});

// 5. Reissuance information request / reply (Fig. 19, steps 408/409)

/** Fig. 19, step 408: provider asks for the pairs of a reissued card id it read (PF 100). */
export const ReissuanceInformationRequestSchema = z.strictObject({
  header: headerSchema("reissuance-information-request"),
  platformType: PlatformTypeSchema,
  reissuedCardId: CardIdSchema,
});

/** Fig. 19, step 409: the Fig. 12 pairs, or why there are none (PF 100). */
export const ReissuanceInformationReplySchema = z.strictObject({
  header: replyHeaderSchema("reissuance-information-reply"),
  platformType: PlatformTypeSchema,
  result: z.discriminatedUnion(
    "status",
    [
      z.strictObject({ status: z.literal("found"), pairs: ReissuePairsSchema, reloadPermissions: CarriedReloadPermissionsSchema.optional() }),
      z.strictObject({
        status: z.literal("not-found"),
        reason: z.enum(REISSUANCE_NOT_FOUND_REASONS, {
          error: `must be one of ${REISSUANCE_NOT_FOUND_REASONS.join(", ")}`,
        }),
      }),
    ],
    { error: 'status must be "found" or "not-found"' },
  ),
});

// 6. Card information inquiry / reply (Figs. 10, 11, 15; steps 1001, 1104, 1004/1005)

/** Steps 1001/1104: card attribute data + application id, for the issuer to decrypt (PF 200). */
export const CardInformationInquirySchema = z.strictObject({
  header: headerSchema("card-information-inquiry"),
  platformType: PlatformTypeSchema,
  cardAttributeData: CardAttributeDataSchema,
  applicationId: ApplicationIdSchema,
  surfaceNumberLast4: SurfaceNumberLast4Schema.optional(),
});

/** Fig. 15, steps 1004/1005: reissue OK with the original permission's message id, or NG (PF 200). */
export const CardInformationReplySchema = z.strictObject({
  header: replyHeaderSchema("card-information-reply"),
  platformType: PlatformTypeSchema,
  result: z.discriminatedUnion(
    "reissue",
    [
      z.strictObject({ reissue: z.literal("OK"), originalMessageId: MessageIdSchema, reloadPermission: CarriedReloadPermissionSchema.optional() }),
      z.strictObject({
        reissue: z.literal("NG"),
        reason: z.enum(CARD_INFORMATION_NG_REASONS, {
          error: `must be one of ${CARD_INFORMATION_NG_REASONS.join(", ")}`,
        }),
      }),
    ],
    { error: 'reissue must be "OK" or "NG"' },
  ),
});

// 7. Reload permission request / grant / refusal

/** Provider asks to reload on the reissued card, naming the original permission (DESIGN.md flow 7). */
export const ReloadPermissionRequestSchema = z.strictObject({
  header: headerSchema("reload-permission-request"),
  platformType: PlatformTypeSchema,
  kind: z.literal("reload"),
  applicationId: ApplicationIdSchema,
  originalMessageId: MessageIdSchema,
  ...cardReference,
  loadFileHash: Sha256HexSchema,
});

/** Issuer grants a reload; its own message id is the new permission's. */
export const ReloadPermissionGrantSchema = z.strictObject({
  header: replyHeaderSchema("reload-permission-grant"),
  platformType: PlatformTypeSchema,
  kind: z.literal("reload"),
  applicationId: ApplicationIdSchema,
  originalMessageId: MessageIdSchema,
  loadFileHash: Sha256HexSchema,
  permissionToken: PermissionTokenSchema,
  issuerKeyUpdates: IssuerKeyUpdatesSchema.optional(),
  expiresAt: TimestampSchema,
});

/** Issuer refuses a reload, with a reason code and a human text. */
export const ReloadPermissionRefusalSchema = z.strictObject({
  header: replyHeaderSchema("reload-permission-refusal"),
  platformType: PlatformTypeSchema,
  kind: z.literal("reload"),
  applicationId: ApplicationIdSchema,
  originalMessageId: MessageIdSchema,
  reason: PermissionRefusalReasonSchema,
  text: HumanTextSchema,
});

// 8. Charge statement (claim 13)

/** One charged permission (claim 13: normal load or reissue reload). */
export const ChargeLineSchema = z.strictObject({
  permissionMessageId: MessageIdSchema,
  applicationId: ApplicationIdSchema,
  kind: z.enum(CHARGE_KINDS, { error: `must be one of ${CHARGE_KINDS.join(", ")}` }),
  amountMinor: AmountMinorSchema,
  chargedAt: TimestampSchema,
});

/** Claim 13: the issuer's monthly charges to a provider, totals per kind and grand total. */
export const ChargeStatementSchema = z.strictObject({
  header: headerSchema("charge-statement"),
  platformType: PlatformTypeSchema,
  period: PeriodSchema,
  currency: CurrencySchema,
  lines: z.array(ChargeLineSchema).max(MAX_CHARGE_LINES, `must list at most ${MAX_CHARGE_LINES} lines`),
  totals: z.strictObject({
    normalLoad: AmountMinorSchema,
    reissueReload: AmountMinorSchema,
    grand: AmountMinorSchema,
  }),
});

// 9. Hot list: card blocked / unblocked

const blockedLoadsSchema = z
  .array(MessageIdSchema)
  .min(1, "must list at least one message id")
  .max(MAX_BLOCKED_LOADS, `must list at most ${MAX_BLOCKED_LOADS} message ids`);

const hotListFields = {
  platformType: PlatformTypeSchema,
  /** Platform 100: the blocked card's id. */
  cardId: CardIdSchema.optional(),
  /** Platform 200: the message ids of the permissions under which this provider loaded on the card. */
  loadMessageIds: blockedLoadsSchema.optional(),
  reason: z.enum(HOT_LIST_REASONS, { error: `must be one of ${HOT_LIST_REASONS.join(", ")}` }),
  blockedAt: TimestampSchema,
};

/** Issuer → provider at report time: the card is blocked; refuse it at desks and gates. */
export const CardBlockedSchema = z.strictObject({
  header: headerSchema("card-blocked"),
  ...hotListFields,
});

/** Issuer → provider: a report was withdrawn; the block named by blockMessageId is lifted. */
export const CardUnblockedSchema = z.strictObject({
  header: headerSchema("card-unblocked"),
  ...hotListFields,
  blockMessageId: MessageIdSchema,
  unblockReason: z.enum(UNBLOCK_REASONS, { error: `must be one of ${UNBLOCK_REASONS.join(", ")}` }),
  unblockedAt: TimestampSchema,
});

// 10. Reissuance information delivery mode (issue 15)

/** How the issuer delivers reissuance information to a provider (Fig. 12 push, Fig. 19 pull). */
export const REISSUE_DELIVERY_MODES = ["push", "pull"] as const;

/**
 * Issuer → provider when the issuer sets or changes the provider's delivery mode (and once when the
 * exchange opens): push at reissue time (Fig. 4 step 403, Fig. 12) or pull at reload time (Fig. 19,
 * steps 408/409), in force since `effectiveAt`. The provider may not read the issuer's tables: this is
 * how it learns it. Method 1 only: platform-100 cards are the ones whose reissues are pushed or pulled.
 */
export const ReissueDeliveryModeSchema = z.strictObject({
  header: headerSchema("reissue-delivery-mode"),
  platformType: PlatformTypeSchema,
  delivery: z.enum(REISSUE_DELIVERY_MODES, { error: `must be one of ${REISSUE_DELIVERY_MODES.join(", ")}` }),
  effectiveAt: TimestampSchema,
});

// ---------------------------------------------------------------------------------------------
// The union

/** One schema per message type, keyed by header.type. */
export const MESSAGE_SCHEMAS = {
  "loading-permission-request": LoadingPermissionRequestSchema,
  "loading-permission-grant": LoadingPermissionGrantSchema,
  "loading-permission-refusal": LoadingPermissionRefusalSchema,
  "load-confirmation": LoadConfirmationSchema,
  "reissuance-notification": ReissuanceNotificationSchema,
  "reissuance-notification-batch": ReissuanceNotificationBatchSchema,
  "reissuance-information-request": ReissuanceInformationRequestSchema,
  "reissuance-information-reply": ReissuanceInformationReplySchema,
  "card-information-inquiry": CardInformationInquirySchema,
  "card-information-reply": CardInformationReplySchema,
  "reload-permission-request": ReloadPermissionRequestSchema,
  "reload-permission-grant": ReloadPermissionGrantSchema,
  "reload-permission-refusal": ReloadPermissionRefusalSchema,
  "charge-statement": ChargeStatementSchema,
  "card-blocked": CardBlockedSchema,
  "card-unblocked": CardUnblockedSchema,
  "reissue-delivery-mode": ReissueDeliveryModeSchema,
} as const satisfies { [T in MessageType]: z.ZodType<{ header: { type: T } }> };

/** The message types, inferred from their schemas. */
export type LoadingPermissionRequest = z.infer<typeof LoadingPermissionRequestSchema>;
export type LoadingPermissionGrant = z.infer<typeof LoadingPermissionGrantSchema>;
export type LoadingPermissionRefusal = z.infer<typeof LoadingPermissionRefusalSchema>;
export type ReloadPermissionRequest = z.infer<typeof ReloadPermissionRequestSchema>;
export type ReloadPermissionGrant = z.infer<typeof ReloadPermissionGrantSchema>;
export type ReloadPermissionRefusal = z.infer<typeof ReloadPermissionRefusalSchema>;
export type ChargeStatement = z.infer<typeof ChargeStatementSchema>;
export type CardBlocked = z.infer<typeof CardBlockedSchema>;
export type CardUnblocked = z.infer<typeof CardUnblockedSchema>;
export type ReissuePair = z.infer<typeof ReissuePairSchema>;
export type CarriedReloadPermission = z.infer<typeof CarriedReloadPermissionSchema>;
export type ChargeLine = z.infer<typeof ChargeLineSchema>;

/** Any message the two companies exchange; discriminated by header.type. */
export type Message = { [T in MessageType]: z.infer<(typeof MESSAGE_SCHEMAS)[T]> }[MessageType];

/** The message of one type. */
export type MessageOf<T extends MessageType> = Extract<Message, { header: { type: T } }>;

/** The header of a `type` message (Figs. 12 and 15, "header"). */
export type MessageHeader<T extends MessageType = MessageType> = MessageOf<T>["header"];

/** One handler per message type; a missing one is a compile error (exhaustive by construction). */
export type MessageHandlers<R> = { readonly [T in MessageType]: (message: MessageOf<T>) => R };

/**
 * Calls the handler for the message's type. TypeScript cannot narrow a union through the nested
 * header.type, so this takes the place of an exhaustive switch over message types.
 */
export function matchMessage<R>(message: Message, handlers: MessageHandlers<R>): R {
  const handler = handlers[message.header.type] as (m: Message) => R;
  return handler(message);
}
