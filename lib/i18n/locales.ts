/**
 * The portal's languages and how a request picks one (docs/i18n.md). Pure: used by the request
 * config (server), the language switcher (browser) and tests.
 */

export const LOCALES = ["en", "ja"] as const;
export type AppLocale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: AppLocale = "en";
/** The language switcher's cookie (the name next-intl uses for its own locale cookie). */
export const LOCALE_COOKIE = "NEXT_LOCALE";
/** Times are shown in UTC when the account has no time zone (and to signed-out visitors). */
export const DEFAULT_TIME_ZONE = "UTC";

/** The name of each language in itself, for the switcher. */
export const LOCALE_NAMES: Record<AppLocale, string> = { en: "English", ja: "日本語" };

export function isLocale(value: unknown): value is AppLocale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/**
 * The best of our locales for an Accept-Language header ("ja-JP,ja;q=0.9,en;q=0.8"), by quality then
 * order; null when none matches. Only the primary subtag counts: en-US and en-GB are both `en`.
 */
export function localeFromAcceptLanguage(header: string | null | undefined): AppLocale | null {
  if (!header) return null;
  const ranges = header
    .split(",")
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      const quality = q ? Number(q.slice(2)) : 1;
      return { primary: tag.trim().toLowerCase().split("-")[0] ?? "", quality: Number.isFinite(quality) ? quality : 0, index };
    })
    .filter((r) => r.primary && r.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  for (const range of ranges) if (isLocale(range.primary)) return range.primary;
  return null;
}

/**
 * The locale of a request: the account's chosen language, then the switcher's cookie, then the
 * browser's Accept-Language, then English.
 */
export function resolveLocale(input: { account?: string | null; cookie?: string | null; acceptLanguage?: string | null }): AppLocale {
  if (isLocale(input.account)) return input.account;
  if (isLocale(input.cookie)) return input.cookie;
  return localeFromAcceptLanguage(input.acceptLanguage) ?? DEFAULT_LOCALE;
}

/** True for an IANA time zone name this runtime knows ("Asia/Tokyo", "UTC"). */
export function isTimeZone(value: unknown): value is string {
  if (typeof value !== "string" || value.length === 0 || value.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
