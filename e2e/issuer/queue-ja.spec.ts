import { mkdirSync } from "node:fs";
import { expect, test, type Browser, type Page, type TestInfo } from "../fixtures/test";
import { ACCOUNTS } from "../fixtures/accounts";
import { englishLeftovers } from "../fixtures/english-leftovers";
import { m, pattern, type Locale } from "../fixtures/messages";
import { nameOf } from "../fixtures/people";

/**
 * The issuer's part of the main journey in Japanese (issue 15): an operator reports Riku Yamaguchi's
 * card on his behalf, then approves the request from the queue and reads the worded outcome, every
 * element found through the message files (not English words); times in Tokyo whatever the browser's
 * zone. Screenshots of the queue and a card page in both languages go to test-results/screenshots/.
 * Riku's card is touched by no other spec.
 */

const RIKU = nameOf("Riku Yamaguchi");

async function open(browser: Browser, locale: Locale) {
  // The browser runs in UTC: the times shown must still be Tokyo's (the account's zone).
  const context = await browser.newContext({ storageState: ACCOUNTS.issuer.state, locale: locale === "ja" ? "ja-JP" : "en-US", timezoneId: "UTC" });
  return { context, page: await context.newPage() };
}

async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  mkdirSync("test-results/screenshots", { recursive: true });
  const path = `test-results/screenshots/${name}.png`;
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: "image/png" });
}

/** The first card of a cardholder, from the card list's search. */
async function openCardOf(page: Page, locale: Locale, cardholder: string): Promise<void> {
  await page.goto(`/issuer/cards?q=${encodeURIComponent(cardholder.split(" ")[0]!)}`);
  const table = page.getByRole("table", { name: m(locale, "issuer.cards.title") });
  await table.getByRole("row").filter({ hasText: cardholder }).getByRole("link").first().click();
  await expect(page.getByTestId("card-facts")).toBeVisible();
}

test("in Japanese: a report on the cardholder's behalf, then its approval from the queue, worded and in Tokyo time", async ({ browser }, testInfo) => {
  const { context, page } = await open(browser, "ja");
  await openCardOf(page, "ja", RIKU);
  await expect(page.locator("html")).toHaveAttribute("lang", "ja");
  await expect(page.getByRole("heading", { level: 1 })).toContainText(m("ja", "issuer.card.title", { number: "" }).trim());
  // Issued at: shown in Tokyo (JST), not in the browser's UTC.
  await expect(page.getByTestId("card-facts")).toContainText("JST");
  await screenshot(page, testInfo, "issuer-card-ja");

  const form = page.getByRole("form", { name: pattern("ja", "cardholder.reportForm.formLabel") });
  await form.getByRole("radio", { name: new RegExp(`^${m("ja", "cardholder.reportForm.reasons.damaged.label")}`) }).check();
  await form.getByRole("checkbox", { name: m("ja", "cardholder.reportForm.confirmOnBehalf") }).check();
  await form.getByRole("button", { name: m("ja", "cardholder.reportForm.submit") }).click();
  const filed = m("ja", "issuer.card.flash.reported").split("{requestNo}")[0]!;
  await expect(page.getByRole("main").getByRole("status").filter({ hasText: filed })).toBeVisible();

  await page.goto("/issuer/reissues");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(m("ja", "issuer.reissues.title"));
  const riku = page.getByRole("article", { name: pattern("ja", "issuer.reissues.request.label", { cardholder: RIKU }) });
  await expect(riku).toContainText(m("ja", "issuer.words.reason.damaged"));
  await expect(riku.getByRole("list", { name: m("ja", "issuer.reissues.check.label") }).getByRole("listitem")).toHaveCount(4);
  await expect(riku).toContainText(m("ja", "issuer.reissues.request.reported", { at: "" }).trim());
  await expect(riku).toContainText("JST");

  // A rejection without a reason: the schema's own message, in Japanese; nothing is decided.
  await riku.getByRole("button", { name: m("ja", "issuer.reissues.forms.reject"), exact: true }).click();
  await expect(riku.getByText(m("ja", "issuer.errors.rejectReason"))).toBeVisible();

  await riku.getByRole("button", { name: m("ja", "issuer.reissues.forms.approve") }).click();
  const decisions = page.getByRole("status", { name: m("ja", "issuer.reissues.decisions.label") });
  const approved = m("ja", "issuer.reissues.decisions.approved", { cardholder: RIKU }).split("{temporary")[0]!;
  await expect(decisions).toContainText(new RegExp(approved.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace("\\{requestNo\\}", "\\d+")));
  // Platform 200: the providers ask at the visit, said in Japanese.
  await expect(decisions).toContainText(m("ja", "issuer.reissues.decisions.inquiry").replace(/^\{count, plural, other \{|\}\}$/g, ""));
  await expect(riku).toHaveCount(0);
  const row = page
    .getByRole("table", { name: m("ja", "issuer.reissues.queue.latest") })
    .getByRole("row")
    .filter({ hasText: RIKU });
  await expect(row).toContainText(m("ja", "common.status.approved"));
  await expect(row).toContainText("JST");
  expect(await englishLeftovers(page), "English on the Japanese queue").toEqual([]);
  await screenshot(page, testInfo, "issuer-reissue-queue-after-approval-ja");
  await context.close();
});

for (const locale of ["en", "ja"] as const) {
  test(`screenshots of the issuer's reissue queue and a card page in ${locale}`, async ({ browser }, testInfo) => {
    const { context, page } = await open(browser, locale);
    await page.goto("/issuer/reissues");
    await expect(page.locator("html")).toHaveAttribute("lang", locale);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(m(locale, "issuer.reissues.title"));
    await screenshot(page, testInfo, `issuer-reissue-queue-${locale}-h15h`);
    await openCardOf(page, locale, RIKU);
    await expect(page.getByRole("region", { name: m(locale, "issuer.card.reader.title") })).toBeVisible();
    await screenshot(page, testInfo, `issuer-card-${locale}`);
    await context.close();
  });
}
