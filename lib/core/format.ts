/** Display formatting shared by server and browser. Money is integer minor units with a currency. */

const MINOR_DIGITS: Record<string, number> = { JPY: 0, KRW: 0, USD: 2, EUR: 2, GBP: 2 };

/** Major units (what Intl and next-intl's format.number take) from integer minor units: ¥1200 → 1200, $12.00 → 12. */
export function minorToMajor(amountMinor: number, currency: string): number {
  return amountMinor / 10 ** (MINOR_DIGITS[currency] ?? 2);
}

/**
 * "¥1,200" / "$12.00" from minor units, grouped for `locale` ("ja" gives "￥1,200"). In components use
 * the request's locale (useLocale / getLocale), see docs/i18n.md.
 */
export function formatMoney(amountMinor: number, currency: string, locale: string = "en-US"): string {
  const digits = MINOR_DIGITS[currency] ?? 2;
  return new Intl.NumberFormat(locale, { style: "currency", currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(
    amountMinor / 10 ** digits,
  );
}

/** "2026-11-28 11:20 UTC": instants are stored and shown in UTC so every party reads the same time. */
export function formatInstant(date: Date | string): string {
  const d = typeof date === "string" ? new Date(date) : date;
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** "2026-11-28" */
export function formatDate(date: Date | string): string {
  const d = typeof date === "string" ? new Date(date) : date;
  return d.toISOString().slice(0, 10);
}

/** Surface number with all but the last four digits hidden: "•••• •••• •••• 4821". */
export function maskSurfaceNumber(surfaceNumber: string): string {
  return `•••• •••• •••• ${surfaceNumber.slice(-4)}`;
}

/** Surface number in groups of four, as printed on the plastic. */
export function groupSurfaceNumber(surfaceNumber: string): string {
  return surfaceNumber.replace(/(\d{4})(?=\d)/g, "$1 ");
}

/** An ICU `select` key for a stored code ("no-contract" → "no_contract"): ICU keys cannot hold a hyphen. */
export function selectKey(code: string): string {
  return code.replaceAll("-", "_");
}
