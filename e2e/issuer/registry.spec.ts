import { expect, test } from "../fixtures/test";
import { nameOf, searchFor } from "../fixtures/people";

test("cards: search, lineage of a reissued card, applications with their message ids", async ({ page }) => {
  await page.goto(`/issuer/cards?${searchFor("Yuki Yamamoto")}`);
  const rows = page.getByRole("table", { name: "Cards" }).getByRole("row");
  await expect(rows).toHaveCount(3); // header + her first card + the reissued one
  await rows.filter({ hasText: "active" }).getByRole("link").click();
  const lineage = page.getByTestId("lineage");
  await expect(lineage).toContainText(/Replaces\s*[0-9A-F]{16}/);
  await expect(lineage).toContainText("request #");
  const apps = page.getByRole("table", { name: "Applications on the card" });
  await expect(apps).toContainText("Metro Pass");
  await expect(apps).toContainText(/RECARD01-METRO01-I\d{10}/);
  await expect(apps).toContainText("reload");
  await lineage.getByTestId("old-card-id").click();
  await expect(page.getByTestId("card-facts")).toContainText("terminated");
  await expect(page.getByRole("form", { name: /Report the card/ })).toHaveCount(0);
});

test("cardholders: basic information and issuing a new card", async ({ page }) => {
  await page.goto(`/issuer/cardholders?${searchFor("Hinata Ogawa")}`);
  await page.getByRole("link", { name: nameOf("Hinata Ogawa") }).click();
  await expect(page.getByRole("heading", { name: nameOf("Hinata Ogawa") })).toBeVisible();
  await expect(page.getByRole("table", { name: "The cardholder's cards" }).getByRole("row")).toHaveCount(2);
  const form = page.getByRole("form", { name: "Issue a new card" });
  await form.getByRole("button", { name: "Issue card" }).click();
  await expect(page.locator("#platformType-error")).toHaveText("Choose platform type 100 or 200.");
  await form.getByLabel("Platform type").selectOption("100");
  await form.getByRole("button", { name: "Issue card" }).click();
  await expect(page.getByRole("main").getByRole("status")).toContainText(/Card ending \d{4} personalised \(platform 100\)/);
  await page.reload();
  await expect(page.getByRole("table", { name: "The cardholder's cards" }).getByRole("row")).toHaveCount(3);
});

test("loading permissions: filter by provider and status", async ({ page }) => {
  await page.goto("/issuer/permissions");
  await page.getByLabel("Provider").selectOption("HOSHI01");
  await page.getByLabel("Status").selectOption("confirmed");
  await page.getByRole("button", { name: "Filter" }).click();
  await page.waitForURL(/provider=HOSHI01/);
  const table = page.getByRole("table", { name: "Loading permissions" });
  const count = await table.getByRole("row").count();
  expect(count).toBeGreaterThan(1);
  for (let i = 1; i < count; i++) {
    await expect(table.getByRole("row").nth(i)).toContainText("HOSHI01");
    await expect(table.getByRole("row").nth(i)).toContainText("confirmed");
  }
});
