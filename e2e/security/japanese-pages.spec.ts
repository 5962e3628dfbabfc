import { expect, test } from "../fixtures/test";
import { ACCOUNTS, type AccountKey } from "../fixtures/accounts";
import { englishLeftovers } from "../fixtures/english-leftovers";
import { DETAIL_PAGES, PORTAL_PAGES } from "../fixtures/pages";

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
