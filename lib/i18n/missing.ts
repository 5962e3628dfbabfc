/**
 * What a missing or broken message renders as (docs/i18n.md, "Missing keys fail tests"). Instead of
 * next-intl's silent `namespace.key`, a marked key: every Playwright test fails when one appears on a
 * page (e2e/fixtures/test.ts looks for MISSING_MARK), and the error is logged where it happened.
 */
import type { IntlError } from "next-intl";

/** Characters no translation uses: e2e/fixtures/test.ts searches the page for them. */
export const MISSING_MARK = "⟦i18n:";

export function missingMessageFallback({ namespace, key }: { namespace?: string; key: string; error: IntlError }): string {
  return `${MISSING_MARK}${namespace ? `${namespace}.` : ""}${key}⟧`;
}

export function reportIntlError(error: IntlError): void {
  console.error(`[i18n] ${error.code}: ${error.message}`);
}
