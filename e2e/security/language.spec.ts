import { expect, test } from "../fixtures/test";
import { PASSWORD } from "../fixtures/accounts";
import en from "../../messages/en/auth.json" with { type: "json" };
import ja from "../../messages/ja/auth.json" with { type: "json" };
import enCommon from "../../messages/en/common.json" with { type: "json" };
import jaCommon from "../../messages/ja/common.json" with { type: "json" };

/**
 * The language of a page (docs/i18n.md): the account's, then the switcher's cookie, then the browser's
 * Accept-Language, then English; without any /en or /ja in the URL. Words come from the message files.
 */

test.describe("signed out", () => {
  test.use({ locale: "ja-JP" });

  test("a Japanese browser gets Japanese; the switcher changes it to English and back, in a cookie", async ({ page, context }) => {
    await page.goto("/signin");
    await expect(page.locator("html")).toHaveAttribute("lang", "ja");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(ja.signIn.title);
    await expect(page.getByLabel(ja.signIn.email)).toBeVisible();

    const switcher = page.getByRole("group", { name: jaCommon.language.label });
    await expect(switcher.getByRole("button", { name: "日本語" })).toHaveAttribute("aria-pressed", "true");
    await switcher.getByRole("button", { name: "English" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(en.signIn.title);
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    expect((await context.cookies()).find((c) => c.name === "NEXT_LOCALE")?.value).toBe("en");
    await page.reload();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(en.signIn.title);

    await page.getByRole("group", { name: enCommon.language.label }).getByRole("button", { name: "日本語" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(ja.signIn.title);
  });

  test("a refused sign-in is worded in the page's language", async ({ page }) => {
    await page.goto("/signin");
    await page.getByLabel(ja.signIn.email).fill("nobody@recard.test");
    await page.getByLabel(ja.signIn.password).fill("wrong-password");
    await page.getByRole("button", { name: ja.signIn.submit, exact: true }).click();
    await expect(page.getByRole("main").getByRole("alert")).toHaveText(ja.signIn.errors.invalid);
  });
});

test.describe("signed in", () => {
  test.use({ locale: "en-US" });

  // A seeded cardholder no other test signs in as: the choice is stored on the account.
  const email = "hinata.ogawa@mail.example";

  test("the choice is stored on the account and follows the person to another browser", async ({ page, browser }) => {
    await page.goto("/signin");
    await page.getByLabel(en.signIn.email).fill(email);
    await page.getByLabel(en.signIn.password).fill(PASSWORD);
    await page.getByRole("button", { name: en.signIn.submit, exact: true }).click();
    await expect(page.getByRole("button", { name: enCommon.shell.signOut })).toBeVisible();
    await expect(page.locator("html")).toHaveAttribute("lang", "en");

    await page.getByRole("group", { name: enCommon.language.label }).getByRole("button", { name: "日本語" }).click();
    await expect(page.getByRole("button", { name: jaCommon.shell.signOut })).toBeVisible();
    await expect(page.locator("html")).toHaveAttribute("lang", "ja");

    // Another browser, in English, no cookie: the account's language wins over Accept-Language.
    const other = await browser.newContext({ locale: "en-US" });
    try {
      const second = await other.newPage();
      await second.goto("/signin");
      await expect(second.getByRole("heading", { level: 1 })).toHaveText(en.signIn.title);
      await second.getByLabel(en.signIn.email).fill(email);
      await second.getByLabel(en.signIn.password).fill(PASSWORD);
      await second.getByRole("button", { name: en.signIn.submit, exact: true }).click();
      await expect(second.getByRole("button", { name: jaCommon.shell.signOut })).toBeVisible();
      await expect(second.locator("html")).toHaveAttribute("lang", "ja");
    } finally {
      await other.close();
    }

    // Back to English, so the account is as seeded for anyone after.
    await page.getByRole("group", { name: jaCommon.language.label }).getByRole("button", { name: "English" }).click();
    await expect(page.getByRole("button", { name: enCommon.shell.signOut })).toBeVisible();
  });
});
