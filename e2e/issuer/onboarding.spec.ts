import { expect, test } from "@playwright/test";
import { expectSignedInAs, signIn } from "../fixtures/sign-in";

test("the issuer creates a cardholder with a kanji name and invites them; the cardholder sets a password once and signs in", async ({ page, browser }) => {
  await page.goto("/issuer/cardholders");
  await page.getByRole("link", { name: "New cardholder" }).click();
  const form = page.getByRole("form", { name: "New cardholder" });
  await form.getByLabel("Full name").fill("高橋 美咲");
  await form.getByLabel("Date of birth").fill("1992-03-14");
  await form.getByLabel("Occupation").fill("Engineer");
  await form.getByLabel("Annual income (JPY)").fill("5400000");
  await form.getByLabel("Postal code").fill("1000005");
  await form.getByLabel(/^Address/).fill("1-1 Marunouchi, Chiyoda-ku, Tokyo");
  const email = `misaki.${Date.now()}@example.jp`;
  await form.getByLabel("E-mail").fill(email);
  await form.getByLabel("Phone").fill("080-5555-1212");
  await form.getByLabel("Language of notices").selectOption("ja");
  await form.getByRole("button", { name: "Create and issue the first card" }).click();
  // A kanji name without its reading is refused, with the field named.
  await expect(page.locator("#new-holder-fullNameKana-error")).toHaveText("A name in kanji needs its reading in kana.");
  await form.getByLabel("Reading in kana").fill("たかはし みさき");
  await form.getByRole("button", { name: "Create and issue the first card" }).click();

  await expect(page.getByRole("heading", { name: "高橋 美咲" })).toBeVisible();
  await expect(page.getByRole("main")).toContainText(/first card ending \d{4} was personalised/);
  await expect(page.getByRole("table", { name: "The cardholder's cards" }).getByRole("row")).toHaveCount(2);
  await page.getByRole("button", { name: "Create invitation link" }).click();
  const message = page.getByRole("form", { name: "Invite to the portal" }).getByRole("status");
  await expect(message).toContainText("/invite/");
  const link = (await message.textContent())!.match(/https?:\/\/\S+\/invite\/[A-Za-z0-9_-]+/)![0];

  const visitor = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const cardholder = await visitor.newPage();
  await cardholder.goto(link);
  await expect(cardholder.getByText(`Welcome, 高橋 美咲`)).toBeVisible();
  await cardholder.getByLabel("Password", { exact: true }).fill("misaki-password-1");
  await cardholder.getByLabel("Password again").fill("misaki-password-1");
  await cardholder.getByRole("button", { name: "Set password" }).click();
  await cardholder.waitForURL(/\/signin/);
  await signIn(cardholder, email, "misaki-password-1");
  await cardholder.waitForURL(/\/cardholder/);
  await expectSignedInAs(cardholder, "高橋 美咲");
  await cardholder.goto("/cardholder/notices");
  await expect(cardholder.getByRole("list", { name: "Notices" })).toContainText("新しいカード");
  // The link is spent.
  await cardholder.goto(link);
  await expect(cardholder.getByRole("main").getByRole("alert")).toContainText("already used");
  await visitor.close();
});
