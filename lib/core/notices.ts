/**
 * Notices to cardholders: stored as a code and parameters (never sentences), rendered here in the
 * cardholder's language for the e-mail and the in-portal inbox. Parameters name a card by the last
 * four digits of its surface number only, so no notice can carry a card number.
 */
import { createTranslator } from "use-intl/core";
import { z } from "zod";
import enEmail from "../../messages/en/email.json";
import jaEmail from "../../messages/ja/email.json";
import { formatMoney } from "./format";
import { assertNever } from "./result";

export const LOCALES = ["en", "ja"] as const;
export type Locale = (typeof LOCALES)[number];

const Last4 = z.string().regex(/^\d{4}$/, "last four digits only");

/** Each notice code with the parameters it carries (validated when written and when read). */
export const NoticeParamsSchemas = {
  "card-reported": z.object({ last4: Last4, reason: z.enum(["lost", "stolen", "damaged"]), requestNo: z.number().int() }),
  "card-blocked": z.object({ last4: Last4, reason: z.enum(["lost", "stolen", "hot-list", "other"]) }),
  "card-unblocked": z.object({ last4: Last4 }),
  "reissue-approved": z.object({ last4: Last4, requestNo: z.number().int() }),
  "reissue-rejected": z.object({ last4: Last4, requestNo: z.number().int() }),
  "card-shipped": z.object({
    last4: Last4,
    platformType: z.union([z.literal(100), z.literal(200)]),
    kind: z.enum(["first", "reissue", "renewal", "temporary"]),
  }),
  "card-activated": z.object({ last4: Last4 }),
  "application-reloaded": z.object({
    last4: Last4,
    application: z.string().max(80),
    provider: z.string().max(80),
    /** The provider's reissue fee it charged for the reload, as its load confirmation reported it (claim 14). */
    charge: z.object({ amountMinor: z.number().int().min(0), currency: z.string().regex(/^[A-Z]{3}$/) }).optional(),
  }),
} as const;

export type NoticeCode = keyof typeof NoticeParamsSchemas;
export const NOTICE_CODES = Object.keys(NoticeParamsSchemas) as NoticeCode[];
export type NoticeParams<C extends NoticeCode> = z.infer<(typeof NoticeParamsSchemas)[C]>;
export type Notice = { [C in NoticeCode]: { code: C; params: NoticeParams<C> } }[NoticeCode];

/** Facts read at render time from the issuer's records (the operator's rejection reason is not copied into the notice). */
export type NoticeExtras = { rejectionReason?: string | null };

export type RenderedNotice = { subject: string; text: string };

/** Validates a stored code + params pair; null when the row is not a notice this version knows. */
export function parseNotice(code: string, params: unknown): Notice | null {
  if (!(code in NoticeParamsSchemas)) return null;
  const parsed = NoticeParamsSchemas[code as NoticeCode].safeParse(params);
  return parsed.success ? ({ code, params: parsed.data } as Notice) : null;
}

const CATALOGUE = { en: enEmail, ja: jaEmail } as const;

/** The words of notices: messages/<locale>/email.json, through ICU as everywhere else (docs/i18n.md). */
function translator(locale: Locale) {
  return createTranslator({ locale, messages: { email: CATALOGUE[locale] as typeof enEmail }, namespace: "email" });
}

type T = ReturnType<typeof translator>;

/** A sentence, then optional ones after it (Japanese joins sentences without a space). */
function join(locale: Locale, first: string, ...more: (string | null)[]): string {
  return [first, ...more.filter((m): m is string => !!m)].join(locale === "ja" ? "" : " ");
}

function body(t: T, locale: Locale, notice: Notice, extras: NoticeExtras): RenderedNotice {
  switch (notice.code) {
    case "card-reported": {
      const p = notice.params;
      const args = { last4: p.last4, reason: t(`reason.${p.reason}`), requestNo: String(p.requestNo) };
      return { subject: t("notice.card-reported.subject", args), text: t("notice.card-reported.text", args) };
    }
    case "card-blocked": {
      const p = notice.params;
      const args = { last4: p.last4, reason: t(`reason.${p.reason}`) };
      return { subject: t("notice.card-blocked.subject", args), text: t("notice.card-blocked.text", args) };
    }
    case "card-unblocked":
      return { subject: t("notice.card-unblocked.subject", notice.params), text: t("notice.card-unblocked.text", notice.params) };
    case "reissue-approved": {
      const args = { last4: notice.params.last4, requestNo: String(notice.params.requestNo) };
      return { subject: t("notice.reissue-approved.subject", args), text: t("notice.reissue-approved.text", args) };
    }
    case "reissue-rejected": {
      const args = { last4: notice.params.last4, requestNo: String(notice.params.requestNo) };
      const why = extras.rejectionReason?.trim();
      const text = t("notice.reissue-rejected.text", args) + (why ? `\n${t("notice.reissue-rejected.why", { reason: why })}` : "");
      return { subject: t("notice.reissue-rejected.subject", args), text };
    }
    case "card-shipped": {
      const p = notice.params;
      const args = { last4: p.last4, kind: t(`kind.${p.kind}`) };
      return {
        subject: t("notice.card-shipped.subject", args),
        text: join(locale, t("notice.card-shipped.text", args), p.kind === "first" ? null : t("notice.card-shipped.activate")),
      };
    }
    case "card-activated":
      return { subject: t("notice.card-activated.subject", notice.params), text: t("notice.card-activated.text", notice.params) };
    case "application-reloaded": {
      const p = notice.params;
      const args = { last4: p.last4, application: p.application, provider: p.provider };
      const fee = p.charge
        ? t("notice.application-reloaded.fee", { provider: p.provider, fee: formatMoney(p.charge.amountMinor, p.charge.currency, locale) })
        : null;
      return { subject: t("notice.application-reloaded.subject", args), text: join(locale, t("notice.application-reloaded.text", args), fee) };
    }
    default:
      return assertNever(notice, "notice");
  }
}

/** The notice in words, in `locale`. */
export function renderNotice(notice: Notice, locale: Locale, extras: NoticeExtras = {}): RenderedNotice {
  const t = translator(locale);
  const { subject, text } = body(t, locale, notice, extras);
  return { subject: t("subject", { subject }), text: `${text}\n\n${t("footer")}` };
}
