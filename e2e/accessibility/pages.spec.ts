import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "../fixtures/test";
import { ACCOUNTS, type AccountKey } from "../fixtures/accounts";
import { PORTAL_PAGES } from "../fixtures/pages";

/**
 * Every main page of every portal, in English and in Japanese, passes axe-core's WCAG 2.1 A/AA rules
 * with no serious or critical violation (STACK.md: @axe-core/playwright 4.13 needs a page from browser.newContext()).
 */
const PAGES = PORTAL_PAGES;

/**
 * Axe measures colours as they are painted: a control that changes state after hydration (the desk's
 * "Take the card" is enabled once its tab id is known) animates its colours for a moment, and a frame in
 * the middle of that transition is not what a person reads. Measure once the page is quiet.
 */
async function settled(page: Page): Promise<void> {
  await page.waitForLoadState("networkidle");
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== "running"));
}

/** Each page in English and in Japanese: the demo accounts follow the browser's language (docs/i18n.md). */
const LANGUAGES = [
  { browserLocale: "en-US", lang: "en" },
  { browserLocale: "ja-JP", lang: "ja" },
] as const;

for (const { browserLocale, lang } of LANGUAGES) {
  for (const [key, paths] of Object.entries(PAGES) as [AccountKey, string[]][]) {
    for (const path of paths) {
      test(`${path} (${key}, ${lang}) has no serious accessibility violation`, async ({ browser }) => {
        const context = await browser.newContext({ storageState: ACCOUNTS[key].state, locale: browserLocale });
        const page = await context.newPage();
        await page.goto(path);
        await page.waitForLoadState("load");
        await expect(page.locator("html")).toHaveAttribute("lang", lang);
        await settled(page);
        const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
        const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
        expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.length}× e.g. ${v.nodes[0]?.target.join(" ")})`)).toEqual([]);
        await context.close();
      });
    }
  }

  test(`the sign-in page (${lang}) has no serious accessibility violation`, async ({ browser }) => {
    const context = await browser.newContext({ storageState: { cookies: [], origins: [] }, locale: browserLocale });
    const page = await context.newPage();
    await page.goto("/signin");
    await expect(page.locator("html")).toHaveAttribute("lang", lang);
    const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    expect(results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);
    await context.close();
  });
}
