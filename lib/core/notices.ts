/**
 * Notices to cardholders: stored as a code and parameters (never sentences), rendered here in the
 * cardholder's language for the e-mail and the in-portal inbox. Parameters name a card by the last
 * four digits of its surface number only, so no notice can carry a card number.
 */
import { z } from "zod";
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
  "card-shipped": z.object({ last4: Last4, platformType: z.union([z.literal(100), z.literal(200)]), kind: z.enum(["first", "reissue", "renewal", "temporary"]) }),
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

const REASON: Record<Locale, Record<"lost" | "stolen" | "damaged" | "hot-list" | "other", string>> = {
  en: { lost: "lost", stolen: "stolen", damaged: "damaged", "hot-list": "on the issuer's hot list", other: "blocked by the issuer" },
  ja: { lost: "紛失", stolen: "盗難", damaged: "破損", "hot-list": "発行者のホットリスト掲載", other: "発行者による停止" },
};

const KIND: Record<Locale, Record<"first" | "reissue" | "renewal" | "temporary", string>> = {
  en: { first: "new card", reissue: "replacement card", renewal: "renewed card", temporary: "temporary card" },
  ja: { first: "新しいカード", reissue: "再発行カード", renewal: "更新カード", temporary: "仮カード" },
};

const FOOTER: Record<Locale, string> = {
  en: "\n\nSign in to the ReCard portal to see your cards and notices.\nReCard Card Co.",
  ja: "\n\nカードとお知らせは ReCard ポータルにサインインしてご確認ください。\nReCard Card Co.",
};

function body(locale: Locale, notice: Notice, extras: NoticeExtras): RenderedNotice {
  const en = locale === "en";
  switch (notice.code) {
    case "card-reported": {
      const p = notice.params;
      return en
        ? { subject: `We received your report for the card ending ${p.last4}`, text: `Your card ending ${p.last4} was reported ${REASON.en[p.reason]} (request #${p.requestNo}). We are examining the request for a new card and will tell you the decision.` }
        : { subject: `末尾 ${p.last4} のカードの届出を受け付けました`, text: `末尾 ${p.last4} のカードについて「${REASON.ja[p.reason]}」の届出を受け付けました（申請番号 ${p.requestNo}）。再発行の審査結果はあらためてお知らせします。` };
    }
    case "card-blocked": {
      const p = notice.params;
      return en
        ? { subject: `Your card ending ${p.last4} is blocked`, text: `Your card ending ${p.last4} is blocked (${REASON.en[p.reason]}). Nothing can be loaded on it any more.` }
        : { subject: `末尾 ${p.last4} のカードを停止しました`, text: `末尾 ${p.last4} のカードを停止しました（${REASON.ja[p.reason]}）。このカードには今後アプリケーションを搭載できません。` };
    }
    case "card-unblocked": {
      const p = notice.params;
      return en
        ? { subject: `Your card ending ${p.last4} works again`, text: `The block on your card ending ${p.last4} was lifted. You can use it again.` }
        : { subject: `末尾 ${p.last4} のカードの停止を解除しました`, text: `末尾 ${p.last4} のカードの停止を解除しました。再びご利用いただけます。` };
    }
    case "reissue-approved": {
      const p = notice.params;
      return en
        ? { subject: `Your request #${p.requestNo} was approved`, text: `We approved your request #${p.requestNo} for a new card to replace the card ending ${p.last4}. The new card is on its way.` }
        : { subject: `申請番号 ${p.requestNo} を承認しました`, text: `末尾 ${p.last4} のカードの再発行申請（申請番号 ${p.requestNo}）を承認しました。新しいカードをお届けします。` };
    }
    case "reissue-rejected": {
      const p = notice.params;
      const why = extras.rejectionReason?.trim();
      return en
        ? { subject: `Your request #${p.requestNo} was not approved`, text: `We could not approve your request #${p.requestNo} for the card ending ${p.last4}.${why ? `\nReason given by the issuer: ${why}` : ""}` }
        : { subject: `申請番号 ${p.requestNo} は承認されませんでした`, text: `末尾 ${p.last4} のカードの再発行申請（申請番号 ${p.requestNo}）は承認されませんでした。${why ? `\n発行者からの理由：${why}` : ""}` };
    }
    case "card-shipped": {
      const p = notice.params;
      const activate = p.kind === "first" ? "" : en ? " Activate it in the portal when it arrives." : " 届きましたらポータルで有効化してください。";
      return en
        ? { subject: `Your ${KIND.en[p.kind]} ending ${p.last4} was made`, text: `Your ${KIND.en[p.kind]} ending ${p.last4} was personalised and sent to you.${activate}` }
        : { subject: `${KIND.ja[p.kind]}（末尾 ${p.last4}）を発行しました`, text: `${KIND.ja[p.kind]}（末尾 ${p.last4}）を作成し、発送しました。${activate}` };
    }
    case "card-activated": {
      const p = notice.params;
      return en
        ? { subject: `Your card ending ${p.last4} is active`, text: `Your card ending ${p.last4} is now active. Your providers can reload your applications on it at their desks.` }
        : { subject: `末尾 ${p.last4} のカードを有効化しました`, text: `末尾 ${p.last4} のカードが有効になりました。各事業者の窓口でアプリケーションを再搭載できます。` };
    }
    case "application-reloaded": {
      const p = notice.params;
      const fee = p.charge ? formatMoney(p.charge.amountMinor, p.charge.currency) : null;
      return en
        ? {
            subject: `${p.application} is on your card ending ${p.last4}`,
            text: `${p.provider} reloaded ${p.application} on your card ending ${p.last4}.${fee ? ` ${p.provider} charged you its reissue fee of ${fee}.` : ""}`,
          }
        : {
            subject: `${p.application} を末尾 ${p.last4} のカードに再搭載しました`,
            text: `${p.provider} が ${p.application} を末尾 ${p.last4} のカードに再搭載しました。${fee ? `${p.provider} の再発行手数料 ${fee} が請求されます。` : ""}`,
          };
    }
    default:
      return assertNever(notice, "notice");
  }
}

/** The notice in words, in `locale`. */
export function renderNotice(notice: Notice, locale: Locale, extras: NoticeExtras = {}): RenderedNotice {
  const { subject, text } = body(locale, notice, extras);
  return { subject: `ReCard: ${subject}`, text: text + FOOTER[locale] };
}

/** A card's last four digits, the only part of a card number a notice may name. */
export function last4(surfaceNumber: string): string {
  return surfaceNumber.slice(-4);
}
