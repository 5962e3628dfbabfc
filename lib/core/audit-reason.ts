/**
 * Why an issuer's audit row was written, as a code and parameters (never a sentence): the audit
 * pages render it in the reader's language from messages/<locale>/issuer.json ("auditReasons").
 * A person's own words (an operator's rejection or override reason, the reason typed for a policy
 * or contract change) are data beside it, in the row's `note`, shown as typed. Rows written before
 * the codes keep their English sentence in `legacy_reason`, shown as stored.
 */
import { z } from "zod";
import { selectKey } from "./format";
import { RECEIPT_PROBLEMS } from "./card/receipt";
import { CARD_INFORMATION_NG_REASONS, PERMISSION_REFUSAL_REASONS } from "./messages/schemas";

const Last4 = z.string().regex(/^\d{4}$/, "last four digits only");
const MessageId = z.string().max(80);
const CompanyId = z.string().max(40);
const Hex2 = z.string().regex(/^[0-9A-F]{2}$/);
const Sw = z.string().regex(/^[0-9A-F]{4}$/, "a status word, e.g. 6A84");
const PlatformType = z.union([z.literal(100), z.literal(200)]);
const Currency = z.string().regex(/^[A-Z]{3}$/);
const Count = z.number().int().min(0);
const RequestReason = z.enum(["lost", "stolen", "damaged", "renewal", "permanent"]);

/** Each reason code with the parameters it carries (validated when written and when read). */
export const AuditReasonParamsSchemas = {
  "card-issued": z.object({ platformType: PlatformType, holderNo: z.string().max(40), first: z.boolean() }),
  "card-activated": z.object({ by: z.enum(["cardholder", "desk"]) }),
  "card-replaced": z.object({ last4: Last4, activated: z.boolean(), wasBlocked: z.boolean() }),
  "cardholder-created": z.object({ holderNo: z.string().max(40) }),
  "cardholder-invited": z.object({ holderNo: z.string().max(40), until: z.iso.date() }),
  "cardholder-account": z.object({}),
  "card-issuer-key-updated": z.object({ from: Hex2, to: Hex2 }),
  "reissue-info-given": z.object({ provider: CompanyId }),
  "reissue-info-not-given": z.object({ provider: CompanyId, why: z.enum(["not-a-reissued-card", "no-application-of-yours-on-old-card"]) }),
  "card-inquiry-ok": z.object({ provider: CompanyId, originalMessageId: MessageId }),
  "card-inquiry-ng": z.object({ provider: CompanyId, ngReason: z.enum(CARD_INFORMATION_NG_REASONS) }),
  "renewal-started": z.object({ runNo: Count, total: Count, month: z.string().regex(/^\d{4}-\d{2}$/) }),
  "renewal-bureau-file": z.object({ runNo: Count, cards: Count }),
  "chip-terminate-refused": z.object({ sw: Sw }),
  "chip-terminated": z.object({ messageId: MessageId }),
  "statement-issued": z.object({
    period: z.string().regex(/^\d{4}-\d{2}$/),
    provider: CompanyId,
    platformType: PlatformType,
    normalMinor: z.number().int(),
    reissueMinor: z.number().int(),
    currency: Currency,
  }),
  "delivery-mode": z.object({ mode: z.enum(["push", "pull"]) }),
  "application-registered": z.object({ name: z.string().max(120), aid: z.string().max(32), provider: CompanyId }),
  "reissue-approved": z.object({ reason: RequestReason, override: z.boolean() }),
  "reissue-requested": z.object({ last4: Last4, reason: RequestReason, by: z.enum(["cardholder", "operator"]) }),
  "card-blocked-reported": z.object({ reason: z.enum(["lost", "stolen"]) }),
  "card-reinstated": z.object({ requestNo: Count, last4: Last4, status: z.enum(["issued", "active"]) }),
  "permission-granted": z.object({}),
  "reload-granted": z.object({ originalMessageId: MessageId, carrier: z.string().max(60).optional() }),
  "permission-refused": z.object({ refusal: z.enum(PERMISSION_REFUSAL_REASONS) }),
  "load-failed": z.object({ sw: Sw }),
  // Why the receipt did not verify (issue 15): a code; rows from before it have none.
  "receipt-refused": z.object({ problem: z.enum(RECEIPT_PROBLEMS).optional() }),
  "reload-duplicate": z.object({ originalMessageId: MessageId, reloadedUnder: MessageId }),
  "user-charge-ignored": z.object({ chargeKind: z.enum(["normal-load", "reissue-reload"]), permissionKind: z.enum(["first_load", "reload"]) }),
  "permission-confirmed": z.object({ counter: Count, kind: z.enum(["normal_load", "reissue_reload"]) }),
} as const;

export type AuditReasonCode = keyof typeof AuditReasonParamsSchemas;
export const AUDIT_REASON_CODES = Object.keys(AuditReasonParamsSchemas) as AuditReasonCode[];
export type AuditReasonParams<C extends AuditReasonCode> = z.infer<(typeof AuditReasonParamsSchemas)[C]>;
export type AuditReason = { [C in AuditReasonCode]: { code: C; params: AuditReasonParams<C> } }[AuditReasonCode];

/** Builds a reason, checking its parameters (a write with a wrong parameter is a bug: it throws). */
export function auditReason<C extends AuditReasonCode>(code: C, params: AuditReasonParams<C>): AuditReason {
  return { code, params: AuditReasonParamsSchemas[code].parse(params) } as AuditReason;
}

/** Reads a stored reason back; null when it is not one this version knows (shown as "—"). */
export function parseAuditReason(stored: unknown): AuditReason | null {
  const shape = z.object({ code: z.string(), params: z.unknown() }).safeParse(stored);
  if (!shape.success || !(shape.data.code in AuditReasonParamsSchemas)) return null;
  const parsed = AuditReasonParamsSchemas[shape.data.code as AuditReasonCode].safeParse(shape.data.params);
  return parsed.success ? ({ code: shape.data.code, params: parsed.data } as AuditReason) : null;
}

/** The parameters the words choose by (ICU `select`): their codes' hyphens become underscores, as ICU keys cannot hold one. */
const SELECTED = new Set(["why", "ngReason", "refusal", "chargeKind", "permissionKind", "mode", "by", "status", "reason", "kind", "problem"]);

/** The ICU values of a reason's parameters: booleans as "yes"/"no" and codes as keys for `select`. */
export function auditReasonValues(reason: AuditReason): Record<string, string | number> {
  const values: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(reason.params as Record<string, unknown>)) {
    if (typeof value === "boolean") values[key] = value ? "yes" : "no";
    else if (typeof value === "string") values[key] = SELECTED.has(key) ? selectKey(value) : value;
    else if (typeof value === "number") values[key] = value;
  }
  return values;
}

/** What the words need: the translator of `issuer.auditReasons`, status-word meanings and money in the reader's locale. */
export type AuditReasonWords = {
  readonly t: (key: string, values?: Record<string, string | number>) => string;
  readonly statusWord: (sw: number) => string;
  readonly money: (amountMinor: number, currency: string) => string;
};

/** A reason in the reader's language (messages/<locale>/issuer.json "auditReasons"). */
export function describeAuditReason(reason: AuditReason, words: AuditReasonWords): string {
  const { t } = words;
  const values = auditReasonValues(reason);
  switch (reason.code) {
    case "chip-terminate-refused":
    case "load-failed":
      return t(reason.code, { ...values, meaning: words.statusWord(parseInt(reason.params.sw, 16)) });
    case "statement-issued": {
      const p = reason.params;
      return t(reason.code, { ...values, normal: words.money(p.normalMinor, p.currency), reissue: words.money(p.reissueMinor, p.currency) });
    }
    case "receipt-refused":
      return t(reason.code, { problem: "none", ...values });
    case "reload-granted":
      return t(reason.code, { ...values, carrier: reason.params.carrier ?? "", hasCarrier: reason.params.carrier ? "yes" : "no" });
    default:
      return t(reason.code, values);
  }
}
