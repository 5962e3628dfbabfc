import { expect, test } from "../fixtures/test";
import { ACCOUNTS, type AccountKey } from "../fixtures/accounts";
import { englishLeftovers } from "../fixtures/english-leftovers";
import { m } from "../fixtures/messages";
import { DETAIL_PAGES, PORTAL_PAGES } from "../fixtures/pages";
import { kanaOf, nameOf, searchFor, shownName } from "../fixtures/people";
import { screenshot } from "../fixtures/screenshot";
import { as, checkReload, presentationCode, readCard, takeCard } from "../provider/desk-helpers";

/**
 * Every page of every portal, opened by a demo account in a Japanese browser, is in Japanese: no
 * missing message (test.ts) and no English written in the code (fixtures/english-leftovers.ts).
 */
for (const [key, paths] of Object.entries(PORTAL_PAGES) as [AccountKey, string[]][]) {
  for (const path of paths) {
    test(`${path} (${key}) is in Japanese`, async ({ browser }) => {
      const context = await browser.newContext({ storageState: ACCOUNTS[key].state, locale: "ja-JP" });
      const page = await context.newPage();
      await page.goto(path);
      await expect(page.locator("html")).toHaveAttribute("lang", "ja");
      await page.waitForLoadState("networkidle");
      expect(await englishLeftovers(page), `${path}: English on the Japanese page`).toEqual([]);
      await context.close();
    });
  }
}

for (const { account, list, link } of DETAIL_PAGES) {
  test(`the first detail page of ${list} (${account}) is in Japanese`, async ({ browser }) => {
    const context = await browser.newContext({ storageState: ACCOUNTS[account].state, locale: "ja-JP" });
    const page = await context.newPage();
    await page.goto(list);
    const hrefs = await page.locator("main a[href]").evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
    const detail = hrefs.find((href) => link.test(href));
    expect(detail, `a link like ${link} on ${list}`).toBeTruthy();
    await page.goto(detail!);
    await expect(page.locator("html")).toHaveAttribute("lang", "ja");
    await page.waitForLoadState("networkidle");
    expect(await englishLeftovers(page), `${detail}: English on the Japanese page`).toEqual([]);
    await context.close();
  });
}

test("stored reasons are codes rendered in Japanese: the audit log and the card's audit trail, not English as recorded", async ({ browser }) => {
  const context = await browser.newContext({ storageState: ACCOUNTS.issuer.state, locale: "ja-JP" });
  const page = await context.newPage();
  for (const path of ["/issuer/audit", "/issuer"]) {
    await page.goto(path);
    const reasons = page.getByTestId("audit-reason");
    await expect(reasons.first()).toBeVisible();
    // Page words, not data: a reason is never marked translate="no" (which the English check would skip).
    expect(await page.locator('[translate="no"] [data-testid="audit-reason"]').count(), path).toBe(0);
    for (const text of await reasons.allTextContents()) expect(text, path).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    // The demo database has no entry from before the codes.
    expect(await page.getByTestId("audit-legacy").count(), path).toBe(0);
    expect(await englishLeftovers(page), `${path}: English on the Japanese page`).toEqual([]);
  }
  await context.close();
});

test("a credit examination's notes are rendered in Japanese on the customer page (Hoshi)", async ({ browser }) => {
  const context = await browser.newContext({ storageState: ACCOUNTS.hoshi.state, locale: "ja-JP" });
  const page = await context.newPage();
  await page.goto("/provider/customers");
  const hrefs = await page.locator("main a[href]").evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
  // The first customer with an examination on file (a customer whose loads were all reloads has none of its own).
  let detail: string | undefined;
  const notes = page.getByTestId("examination-notes");
  for (const href of hrefs.filter((h) => /^\/provider\/customers\/[^/?]+$/.test(h)).slice(0, 10)) {
    await page.goto(href);
    if ((await notes.count()) > 0) {
      detail = href;
      break;
    }
  }
  expect(detail, "a Hoshi customer with an examination").toBeTruthy();
  await expect(notes.first()).toBeVisible();
  for (const text of await notes.allTextContents()) expect(text).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
  expect(await englishLeftovers(page), `${detail}: English on the Japanese page`).toEqual([]);
  await context.close();
});

test("the sign-in page is in Japanese", async ({ browser }) => {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] }, locale: "ja-JP" });
  const page = await context.newPage();
  await page.goto("/signin");
  await expect(page.locator("html")).toHaveAttribute("lang", "ja");
  expect(await englishLeftovers(page)).toEqual([]);
  await context.close();
});

test("a cardholder's name is in kanji with its reading: over it (ruby) in Japanese, in brackets in English (the issuer's cardholder pages)", async ({
  browser,
}, testInfo) => {
  for (const locale of ["ja", "en"] as const) {
    const context = await browser.newContext({
      storageState: ACCOUNTS.issuer.state,
      locale: locale === "ja" ? "ja-JP" : "en-US",
      viewport: { width: 1440, height: 1000 },
    });
    const page = await context.newPage();
    await page.goto(`/issuer/cardholders?${searchFor("Hana Sato")}`);
    const link = page.getByRole("main").getByRole("link", { name: shownName("Hana Sato", locale) });
    await expect(link).toHaveCount(1);
    await expect(link).toContainText(shownName("Hana Sato", locale));
    await screenshot(page, testInfo, `issuer-cardholders-${locale}`);
    await link.click();
    const heading = page.getByRole("heading", { level: 1 });
    await expect(heading).toContainText(shownName("Hana Sato", locale));
    if (locale === "ja") {
      // Furigana: each part of the name carries its own reading.
      await expect(heading.locator("ruby rt")).toHaveText(kanaOf("Hana Sato").split(" "));
      expect(await englishLeftovers(page), "English on the cardholder's page").toEqual([]);
    } else {
      await expect(heading.getByTestId("person-name-reading")).toHaveText(`(${kanaOf("Hana Sato")})`);
    }
    await screenshot(page, testInfo, `issuer-cardholder-${locale}`);
    // The registry is searched by the reading too.
    await page.goto(`/issuer/cardholders?q=${encodeURIComponent(kanaOf("Hana Sato").split(" ")[0]!)}`);
    await expect(page.getByRole("main").getByRole("link", { name: shownName("Hana Sato", locale) })).toHaveCount(1);
    expect(nameOf("Hana Sato")).toMatch(/\p{Script=Han}/u);
    await context.close();
  }
});

test("the desk's recent cases name applications in words, the AID only as the secondary line of one not ours (Hoshi, refused 1107)", async ({
  browser,
}, testInfo) => {
  const kenji = await as(browser, "kenji");
  const context = await browser.newContext({ storageState: ACCOUNTS.hoshi.state, locale: "ja-JP", viewport: { width: 1440, height: 1000 } });
  const desk = await context.newPage();
  await takeCard(desk, await presentationCode(kenji.page), "ja");
  await readCard(desk, "ja");
  // Sakura's application on Kenji's card: the issuer answers NG (step 1107).
  await checkReload(desk, { names: ["Hoshi Credit"], aid: "F0524300030001" }, "ja");
  await expect(desk.getByTestId("refusal").first()).toBeVisible({ timeout: 90_000 });
  await desk.getByRole("button", { name: m("ja", "provider.reload.finish") }).click();
  await expect(desk.getByTestId("card-return")).toBeVisible({ timeout: 90_000 });
  await desk.goto("/provider/desk");
  const recent = desk.getByRole("table", { name: m("ja", "provider.deskPage.recent") });
  const applications = recent.getByRole("row").nth(1).getByTestId("case-application");
  await expect(applications.filter({ hasText: "Hoshi Credit" })).toHaveCount(1);
  const notOurs = applications.filter({ hasText: m("ja", "provider.deskPage.notOurs") });
  await expect(notOurs).toHaveCount(1);
  await expect(notOurs).toContainText("F0524300030001");
  // Never the AID as the application's name: it is the secondary line, after the words.
  expect((await notOurs.innerText()).trim().startsWith("F0524300030001")).toBe(false);
  expect(await englishLeftovers(desk), "English on the Japanese desk").toEqual([]);
  await screenshot(desk, testInfo, "desk-recent-cases-ja");
  await Promise.all([kenji.context.close(), context.close()]);
});
