import { expect, test } from "../fixtures/test";
import { ACCOUNTS } from "../fixtures/accounts";

const NUL_MESSAGE = "Remove the control characters (such as NUL) from this field.";

test.describe("a NUL in a search box is a field error, not an HTTP 500", () => {
  for (const [account, path] of [
    ["issuer", "/issuer/cards"],
    ["issuer", "/issuer/cardholders"],
    ["issuer", "/issuer/permissions"],
    ["metro", "/provider/customers"],
    ["metro", "/provider/records"],
    ["metro", "/provider/reissuance"],
  ] as const) {
    test(`${path}`, async ({ browser }) => {
      const context = await browser.newContext({ storageState: ACCOUNTS[account].state });
      const page = await context.newPage();
      const response = await page.goto(`${path}?q=Sato%00`);
      expect(response?.status()).toBe(200);
      await expect(page.locator("#q-error")).toHaveText(NUL_MESSAGE);
      await context.close();
    });
  }
});

test.describe("numbers are required", () => {
  test.use({ storageState: ACCOUNTS.metro.state });

  test("an emptied credit policy field is a field error, and nothing is saved", async ({ page }) => {
    await page.goto("/provider/settings");
    const field = page.getByLabel(/Minimum annual income/);
    await field.fill("");
    await page.getByRole("button", { name: "Save a new policy version" }).click();
    await expect(page.locator("#minAnnualIncome-error")).toHaveText("Enter an amount.");
    await expect(page.getByText(/Saved as policy/)).toHaveCount(0);
  });
});
