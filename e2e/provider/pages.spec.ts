import { expect, test } from "../fixtures/test";
import { nameOf, givenNameOf } from "../fixtures/people";

/** The desk's record pages (Metro's saved sign-in): charges, customers, reissuance information, settings. */

test("charges: normal and reissue fees apart, by month, filterable", async ({ page }) => {
  await page.goto("/provider/charges");
  await expect(page.getByTestId("total-normal")).toHaveText(/^¥[\d,]+$/);
  await expect(page.getByTestId("total-reissue")).toHaveText(/^¥[\d,]+$/);
  const chart = page.getByRole("img", { name: "Charges to users by month" });
  await expect(chart).toBeVisible();
  await page.getByText("The figures as a table").click();
  await expect(page.getByRole("table", { name: "Charges by month" }).getByRole("row")).toHaveCount(13);
  await page.getByRole("link", { name: "Reissue", exact: true }).click();
  await expect(page).toHaveURL(/kind=reissue/);
  const rows = page.getByRole("table", { name: "Charges to users" }).getByRole("row");
  await expect(rows.nth(1)).toContainText("reissue");
  await expect(page.getByRole("table", { name: "Charges to users" })).not.toContainText("normal");
});

test("customers: search, then Figs. 14 and 17 for one customer", async ({ page }) => {
  await page.goto("/provider/customers");
  await page.getByRole("searchbox", { name: "Name or customer number" }).fill(givenNameOf("Yuki Yamamoto"));
  await page.getByRole("button", { name: "Search" }).click();
  const table = page.getByRole("table", { name: "Customers" });
  await expect(table.getByRole("row")).toHaveCount(2);
  await table.getByRole("cell").getByRole("link").click();
  await expect(page.getByRole("heading", { name: nameOf("Yuki Yamamoto") })).toBeVisible();
  // Reissued earlier: two card ids in Fig. 14, the reload linked to the first load in Fig. 17.
  await expect(page.getByRole("table", { name: /^Loads on card / })).toHaveCount(2);
  const byMessageId = page.getByRole("table", { name: "Loads by message id" });
  await expect(byMessageId).toContainText("reload");
  await expect(byMessageId).toContainText("¥200 reissue");
  await expect(byMessageId).toContainText("¥500 normal");
});

test("reissuance information: pairs received, with search", async ({ page }) => {
  await page.goto("/provider/reissuance");
  const pairs = page.getByRole("table", { name: "Reissued card pairs" });
  await expect(pairs.getByRole("row").nth(1)).toContainText("pushed by the issuer");
  const reissued = (await pairs.getByRole("row").nth(1).getByRole("cell").first().textContent())!.trim();
  await page.getByRole("searchbox", { name: "Card id, message id or AID" }).fill("FFFFFFFFFFFFFFFF");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(pairs).toContainText("No pair matches.");
  await page.getByRole("searchbox", { name: "Card id, message id or AID" }).fill(reissued.slice(0, 8));
  await page.getByRole("button", { name: "Search" }).click();
  await expect(pairs).toContainText(reissued);
});

test("settings: the credit policy validates each field and saves a new version", async ({ page }) => {
  await page.goto("/provider/settings");
  const form = page.getByRole("form", { name: "Credit policy" });
  await form.getByLabel("Credit limit, % of income").fill("140");
  await form.getByLabel("Minimum annual income (JPY)").fill("-5");
  await form.getByRole("button", { name: "Save a new policy version" }).click();
  await expect(page.locator("#limitPercentOfIncome-error")).toHaveText("0 to 100.");
  await expect(page.locator("#minAnnualIncome-error")).toHaveText("Cannot be negative.");
  await form.getByLabel("Credit limit, % of income").fill("0");
  await form.getByLabel("Minimum annual income (JPY)").fill("0");
  await form.getByRole("button", { name: "Save a new policy version" }).click();
  await expect(form.getByRole("status")).toContainText("Saved as policy METRO01-2025.2");
});

test("the desk page carries its language, not its words: the client components' words come with the scripts", async ({ page }) => {
  // Issue 16: the words as the intl providers' props were 46 kB of every desk page's payload
  // (docs/performance.md, "The words out of the page"); the scope modules of app/_intl bring them now.
  const response = await page.request.get("/provider/desk");
  expect(response.status()).toBe(200);
  const html = await response.text();
  expect(html).toContain(String.raw`\"locale\":\"en\"`);
  expect(html).not.toContain(String.raw`\"messages\":{`);
  expect(html).not.toContain(":props:messages:");
  // The desk's client components still speak: their words came with the scripts.
  await page.goto("/provider/desk");
  await expect(page.getByRole("button", { name: "Take the card" })).toBeVisible();
  await expect(page.getByText("No APDU exchanged yet.")).toBeVisible();
});
