import { mkdirSync } from "node:fs";
import { expect, test, type Browser, type Page, type TestInfo } from "../fixtures/test";
import { ACCOUNTS, type AccountKey } from "../fixtures/accounts";
import enCardholder from "../../messages/en/cardholder.json" with { type: "json" };
import jaCardholder from "../../messages/ja/cardholder.json" with { type: "json" };
import enCommon from "../../messages/en/common.json" with { type: "json" };
import jaCommon from "../../messages/ja/common.json" with { type: "json" };
import { t } from "../fixtures/messages";
import { shownName } from "../fixtures/people";
import { presentationCode, readCard, takeCard } from "../provider/desk-helpers";

/**
 * The cardholder's portal in English and in Japanese (issue 15): found through the message files, not
 * through English words; times in the account's zone (Asia/Tokyo for the demo people), whatever the
 * browser's; a missing message fails the test (e2e/fixtures/test.ts). Screenshots of the cardholder's
 * page, the issuer's reissue queue and the provider desk in both languages are attached to the report
 * and written to test-results/screenshots/.
 */
const LANGUAGES = [
  { browserLocale: "en-US", locale: "en", cardholder: enCardholder, common: enCommon },
  { browserLocale: "ja-JP", locale: "ja", cardholder: jaCardholder, common: jaCommon },
] as const;

async function open(browser: Browser, account: AccountKey, browserLocale: string) {
  // The browser runs in UTC: the times shown must still be Tokyo's (the account's zone).
  const context = await browser.newContext({ storageState: ACCOUNTS[account].state, locale: browserLocale, timezoneId: "UTC" });
  return { context, page: await context.newPage() };
}

async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  mkdirSync("test-results/screenshots", { recursive: true });
  const path = `test-results/screenshots/${name}.png`;
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: "image/png" });
}

for (const lang of LANGUAGES) {
  test.describe(`in ${lang.locale}`, () => {
    test(`the cardholder's page speaks ${lang.locale} and shows Tokyo time`, async ({ browser }, testInfo) => {
      const { context, page } = await open(browser, "hana", lang.browserLocale);
      await page.goto("/cardholder");
      await expect(page.locator("html")).toHaveAttribute("lang", lang.locale);
      await expect(page.getByRole("heading", { level: 1 })).toContainText(shownName("Hana Sato", lang.locale));
      await expect(page.getByRole("button", { name: lang.common.shell.signOut })).toBeVisible();
      await expect(page.getByRole("navigation", { name: lang.common.shell.navLabel }).getByRole("link", { name: lang.cardholder.nav.notices })).toBeVisible();
      const panel = page
        .locator("[data-testid^=card-]")
        .filter({ has: page.getByRole("button", { name: lang.cardholder.present.present }) })
        .first();
      await expect(panel).toBeVisible();
      await screenshot(page, testInfo, `cardholder-${lang.locale}`);

      // A presentation code is valid until a time: shown in Tokyo, in the page's language.
      await panel.getByRole("button", { name: lang.cardholder.present.present }).click();
      const until = page.getByRole("main").getByRole("status").locator("time");
      await expect(until).toBeVisible();
      const instant = new Date((await until.getAttribute("datetime"))!);
      const tokyo = new Intl.DateTimeFormat(lang.locale, {
        year: "numeric",
        month: "short",
        day: "numeric",
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
        timeZoneName: "short",
        timeZone: "Asia/Tokyo",
      }).format(instant);
      await expect(until).toHaveText(tokyo);
      expect(tokyo).toMatch(lang.locale === "ja" ? /JST$/ : /GMT\+9$/);

      // The report form's own messages, and its consequences, in the page's language.
      await page.getByRole("link", { name: lang.cardholder.page.report }).first().click();
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(lang.cardholder.reportPage.title);
      await page.getByRole("button", { name: lang.cardholder.reportForm.submit }).click();
      await expect(page.locator("#reason-error")).toHaveText(lang.cardholder.reportForm.errors.reason);
      await expect(page.locator("#confirm-error")).toHaveText(lang.cardholder.reportForm.errors.confirm);
      await page.getByRole("radio", { name: new RegExp(`^${lang.cardholder.reportForm.reasons.stolen.label}`) }).check();
      await expect(page.getByTestId("report-consequence")).toContainText(lang.cardholder.reportForm.blocks.split("{last4}")[1]!.slice(0, 12));

      await page.goto("/cardholder/notices");
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(lang.cardholder.notices.title);
      await screenshot(page, testInfo, `cardholder-notices-${lang.locale}`);
      await context.close();
    });

    test(`screenshots of the issuer's reissue queue and the provider desk in ${lang.locale}`, async ({ browser }, testInfo) => {
      const issuer = await open(browser, "issuer", lang.browserLocale);
      await issuer.page.goto("/issuer/reissues");
      await expect(issuer.page.locator("html")).toHaveAttribute("lang", lang.locale);
      await expect(issuer.page.getByRole("button", { name: lang.common.shell.signOut })).toBeVisible();
      await screenshot(issuer.page, testInfo, `issuer-reissue-queue-${lang.locale}`);
      await issuer.context.close();

      const desk = await open(browser, "metro", lang.browserLocale);
      await desk.page.goto("/provider/desk");
      await expect(desk.page.locator("html")).toHaveAttribute("lang", lang.locale);
      await expect(desk.page.getByRole("button", { name: lang.common.shell.signOut })).toBeVisible();
      await screenshot(desk.page, testInfo, `desk-before-reading-${lang.locale}`);

      // Hana presents her card; the desk's customer panel names her from Metro's own record, with her reading.
      const hana = await open(browser, "hana", lang.browserLocale);
      await takeCard(desk.page, await presentationCode(hana.page, lang.locale), lang.locale);
      await readCard(desk.page, lang.locale);
      const guide = desk.page.getByTestId("card-guide");
      await expect(guide).toContainText(shownName("Hana Sato", lang.locale));
      await screenshot(desk.page, testInfo, `desk-customer-${lang.locale}`);
      await desk.page.getByRole("button", { name: t(lang.locale, "provider.desk.visit.end", { source: "presented" }) }).click();
      await expect(desk.page.getByTestId("card-return")).toBeVisible();
      await Promise.all([desk.context.close(), hana.context.close()]);
    });
  });
}
