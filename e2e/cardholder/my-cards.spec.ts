import { expect, test } from "../fixtures/test";

/** Hana's self-service portal (saved sign-in). Files nothing: the journeys report her card. */

test("my cards: masked number, platform type in words, the applications on it", async ({ page }) => {
  await page.goto("/cardholder");
  const panel = page.getByTestId(/^card-\d{4}$/).first();
  await expect(panel).toContainText("Type 100 — card id readable (method 1)");
  await expect(panel).toContainText(/•••• •••• •••• \d{4}/);
  const apps = panel.getByRole("list", { name: /Applications on card ending/ });
  await expect(apps).toContainText("Metro Pass");
  await expect(apps).toContainText("Sakura Points");
  // Only the last four digits are ever shown.
  expect(await page.getByRole("main").textContent()).not.toMatch(/\d{16}|\d{4} \d{4} \d{4} \d{4}/);
});

test("present at a desk: a one-time code with its expiry, a new one on demand", async ({ page }) => {
  await page.goto("/cardholder");
  await page.getByRole("button", { name: "Present at a desk" }).click();
  const code = page.getByTestId("presentation-code");
  await expect(code).toHaveText(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  await expect(page.getByRole("main").getByRole("status")).toContainText(/Valid once, until [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{2}:\d{2} GMT\+9\./); // Tokyo time: the account's time zone
  const first = await code.textContent();
  await page.getByRole("button", { name: "New code" }).click();
  await expect(code).not.toHaveText(first!);
});

test("the report form explains the consequence and needs a reason and a confirmation", async ({ page }) => {
  await page.goto("/cardholder");
  await page.getByRole("link", { name: "Report lost, stolen or damaged" }).click();
  await page.getByRole("button", { name: "Report and request a new card" }).click();
  await expect(page.locator("#reason-error")).toHaveText("Choose what happened to the card.");
  await expect(page.locator("#confirm-error")).toHaveText("Confirm the report to continue.");
  await page.getByRole("radio", { name: /^Stolen/ }).check();
  await expect(page.getByTestId("report-consequence")).toContainText("blocked at once");
  await page.getByRole("radio", { name: /^Damaged/ }).check();
  await expect(page.getByTestId("report-consequence")).toContainText("keeps working");
  // Leaving without confirming files nothing.
  await page.goto("/cardholder");
  await expect(page.getByTestId("request-status")).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Report lost, stolen or damaged" })).toBeVisible();
});

test("a card that is not hers is not found", async ({ page }) => {
  const response = await page.goto("/cardholder/cards/00000000-0000-4000-8000-000000000000/report");
  expect(response?.status()).toBe(404);
});
