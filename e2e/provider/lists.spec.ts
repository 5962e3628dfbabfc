import { expect, test, type Page } from "../fixtures/test";
import { ACCOUNTS } from "../fixtures/accounts";
import { screenshot } from "../fixtures/screenshot";
import { givenNameOf, searchFor } from "../fixtures/people";

/**
 * The provider's growing lists (Metro's saved sign-in): sortable by index-backed keys, keyset pages,
 * and the CSV of the whole list in the same order; the messages page the same way, one kind a tab.
 */

/** The `after` of a keyset page: what the page's "Next" carries (base64url of the last row's sort value and id). */
const cursor = (value: string, id: string) => Buffer.from(JSON.stringify([value, id])).toString("base64url");

async function csvRows(page: Page, url: string): Promise<string[][]> {
  const response = await page.request.get(url);
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toBe("text/csv; charset=utf-8");
  const lines = (await response.text())
    .replace(/^\uFEFF/, "")
    .trimEnd()
    .split("\r\n");
  return lines.map((l) => l.split(","));
}

test("load records sort by message id both ways, page after a row, and their CSV has the same rows in the same order", async ({ page }) => {
  await page.goto("/provider/records");
  const table = page.getByRole("table", { name: "Load records" });
  const header = table.getByRole("columnheader", { name: /Message id/ });
  await expect(table.getByRole("columnheader", { name: /Recorded/ })).toHaveAttribute("aria-sort", "descending");
  await expect(header).toHaveAttribute("aria-sort", "none");
  await header.getByRole("link").click();
  await page.waitForURL(/sort=messageId&dir=asc/);
  await expect(header).toHaveAttribute("aria-sort", "ascending");
  const links = table.locator("tbody tr td:first-child a");
  const messageIds = async () => (await links.allTextContents()).map((s) => s.trim());
  const ascending = await messageIds();
  expect(ascending.length).toBeGreaterThan(3);
  expect(ascending).toEqual([...ascending].sort());

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download CSV" }).click()]);
  expect(download.suggestedFilename()).toBe("load-records.csv");
  const rows = await csvRows(page, "/provider/records/export?sort=messageId&dir=asc");
  expect(rows[0]![0]).toBe("message_id");
  expect(rows.slice(1).map((r) => r[0])).toEqual(ascending);

  // The page after the third row: what follows it, and "First page" back to the start.
  const third = (await links.nth(2).getAttribute("href"))!.split("/").at(-1)!;
  await page.goto(`/provider/records?sort=messageId&dir=asc&after=${cursor(ascending[2]!, third)}`);
  await expect(header).toHaveAttribute("aria-sort", "ascending");
  expect(await messageIds()).toEqual(ascending.slice(3));
  await page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name: "First page" }).click();
  await page.waitForURL((url) => !url.search.includes("after="));
  await expect(links).toHaveCount(ascending.length);
  await expect(page.getByRole("link", { name: "First page" })).toHaveCount(0);

  await header.getByRole("link").click();
  await page.waitForURL(/sort=messageId&dir=desc/);
  await expect(header).toHaveAttribute("aria-sort", "descending");
  expect(await messageIds()).toEqual([...ascending].reverse());
});

test("customers sort by name, keep the search, and their CSV follows the page", async ({ page }) => {
  await page.goto("/provider/customers");
  const table = page.getByRole("table", { name: "Customers" });
  const header = table.getByRole("columnheader", { name: /^Name/ });
  await expect(table.getByRole("columnheader", { name: /Since/ })).toHaveAttribute("aria-sort", "descending");
  await header.getByRole("link").click();
  await page.waitForURL(/sort=name&dir=asc/);
  await expect(header).toHaveAttribute("aria-sort", "ascending");
  const numbers = async () => (await table.locator("tbody tr td:first-child").allTextContents()).map((s) => s.trim());
  const byName = await numbers();
  expect(byName.length).toBeGreaterThan(3);
  const rows = await csvRows(page, "/provider/customers/export?sort=name&dir=asc");
  expect(rows[0]).toEqual(["customer_no", "name", "birth_date", "loads", "created_at"]);
  expect(rows.slice(1).map((r) => r[0])).toEqual(byName);
  await expect(page.getByRole("link", { name: "Download CSV" })).toHaveAttribute("href", "/provider/customers/export?sort=name&dir=asc");

  // A search keeps the sort (hidden fields), and the CSV link carries both.
  await page.getByRole("searchbox", { name: "Name or customer number" }).fill(givenNameOf("Yuki Yamamoto"));
  await page.getByRole("button", { name: "Search" }).click();
  await page.waitForURL(new RegExp(searchFor("Yuki Yamamoto")));
  expect(page.url()).toMatch(/sort=name&dir=asc/);
  await expect(table.getByRole("row")).toHaveCount(2);
  await expect(page.getByRole("link", { name: "Download CSV" })).toHaveAttribute(
    "href",
    `/provider/customers/export?${searchFor("Yuki Yamamoto")}&sort=name&dir=asc`,
  );
});

test("messages: one kind a tab, sorted by message id, with the CSV of that kind", async ({ page }) => {
  await page.goto("/provider/messages");
  await expect(page.getByRole("tab", { name: /Received/ })).toHaveAttribute("aria-selected", "true");
  await page.getByRole("tab", { name: /Sent/ }).click();
  await page.waitForURL(/kind=sent/);
  await expect(page.getByRole("tab", { name: /Sent/ })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByRole("link", { name: "Download CSV" })).toHaveAttribute("href", "/provider/messages/export?kind=sent");
  await page.getByRole("tab", { name: /Received/ }).click();
  await page.waitForURL((url) => !url.search.includes("kind="));
  // What the issuer told Metro when the exchange opened (delivery mode, statements).
  const table = page.getByRole("table", { name: "Received messages" });
  const header = table.getByRole("columnheader", { name: /Message id/ });
  await expect(table.getByRole("columnheader", { name: /^Received/ })).toHaveAttribute("aria-sort", "descending");
  await header.getByRole("link").click();
  await page.waitForURL(/sort=messageId&dir=asc/);
  await expect(header).toHaveAttribute("aria-sort", "ascending");
  const ids = (await table.locator("tbody tr td:nth-child(3)").allTextContents()).map((s) => s.trim());
  expect(ids.length).toBeGreaterThan(1);
  expect(ids.every((id) => id.startsWith("RECARD01-METRO01-I"))).toBe(true);
  expect(ids).toEqual([...ids].sort());

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download CSV" }).click()]);
  expect(download.suggestedFilename()).toBe("messages-received.csv");
  const rows = await csvRows(page, "/provider/messages/export?sort=messageId&dir=asc");
  expect(rows[0]!.slice(0, 3)).toEqual(["received_at", "message_id", "type"]);
  expect(rows.slice(1).map((r) => r[1])).toEqual(ids);
  // The issuer's export is not the provider's to download.
  expect((await page.request.get("/issuer/messages/export?kind=sent")).status()).toBe(403);
});

test("charges to users sort by amount both ways and keep the kind, page from a cursor, and their CSV has the same rows", async ({ page }) => {
  await page.goto("/provider/charges?kind=normal");
  const table = page.getByRole("table", { name: "Charges to users" });
  const amount = table.getByRole("columnheader", { name: /Amount/ });
  const charged = table.getByRole("columnheader", { name: /Charged/ });
  await expect(charged).toHaveAttribute("aria-sort", "descending");
  await amount.getByRole("link").click();
  await page.waitForURL(/kind=normal&sort=amount&dir=asc/);
  await expect(amount).toHaveAttribute("aria-sort", "ascending");
  const loads = table.locator("tbody tr td:last-child a");
  const messageIds = async () => (await loads.allTextContents()).map((s) => s.trim());
  const shown = await messageIds();
  expect(shown.length).toBeGreaterThan(2);
  await expect(table).not.toContainText("reissue");

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download CSV" }).click()]);
  expect(download.suggestedFilename()).toBe("user-charges.csv");
  const rows = await csvRows(page, "/provider/charges/export?kind=normal&sort=amount&dir=asc");
  expect(rows[0]).toEqual(["charged_at", "customer_no", "customer", "application_aid", "kind", "amount_minor", "currency", "message_id"]);
  expect(rows.slice(1).map((r) => r[7])).toEqual(shown);
  expect(new Set(rows.slice(1).map((r) => r[4]))).toEqual(new Set(["normal_load"]));
  const amounts = rows.slice(1).map((r) => Number(r[5]));
  expect(amounts).toEqual([...amounts].sort((a, b) => a - b));
  await amount.getByRole("link").click();
  await page.waitForURL(/sort=amount&dir=desc/);
  await expect(amount).toHaveAttribute("aria-sort", "descending");
  expect((await messageIds()).sort()).toEqual([...shown].sort());

  // Oldest first, then the page that starts at the third charge's time (a cursor just before it: the
  // smallest id), and "First page" back; the kind stays.
  await charged.getByRole("link").click();
  await page.waitForURL(/kind=normal&sort=charged&dir=asc/);
  const byTime = await csvRows(page, "/provider/charges/export?kind=normal&sort=charged&dir=asc");
  expect(await messageIds()).toEqual(byTime.slice(1).map((r) => r[7]));
  const from = byTime[3]![0]!;
  await page.goto(`/provider/charges?kind=normal&sort=charged&dir=asc&after=${cursor(from, "00000000-0000-0000-0000-000000000000")}`);
  expect(await messageIds()).toEqual(byTime.filter((r, i) => i > 0 && r[0]! >= from).map((r) => r[7]));
  expect((await messageIds()).length).toBeLessThan(shown.length);
  await page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name: "First page" }).click();
  await page.waitForURL((url) => !url.search.includes("after=") && url.search.includes("kind=normal"));
  await expect(loads).toHaveCount(shown.length);
  // The issuer's exports are not the provider's (the provider's own export holds only its rows: tests/provider/lists.int.test.ts).
  expect((await page.request.get("/issuer/permissions/export")).status()).toBe(403);
});

test("reissuance pairs sort by reissued card id, keep the search, and their CSV follows the page", async ({ page }) => {
  await page.goto("/provider/reissuance");
  const table = page.getByRole("table", { name: "Reissued card pairs" });
  const header = table.getByRole("columnheader", { name: /Reissued card id/ });
  await expect(table.getByRole("columnheader", { name: /^Received/ })).toHaveAttribute("aria-sort", "descending");
  await header.getByRole("link").click();
  await page.waitForURL(/sort=reissuedCardId&dir=asc/);
  await expect(header).toHaveAttribute("aria-sort", "ascending");
  const ids = async () => (await table.locator("tbody tr td:first-child").allTextContents()).map((s) => s.trim());
  const ascending = await ids();
  expect(ascending.length).toBeGreaterThan(0);
  expect(ascending).toEqual([...ascending].sort());
  const rows = await csvRows(page, "/provider/reissuance/export?sort=reissuedCardId&dir=asc");
  expect(rows[0]).toEqual(["reissued_card_id", "old_card_id", "reissued_at", "received_at", "via", "message_id"]);
  expect(rows.slice(1).map((r) => r[0])).toEqual(ascending);
  await page.getByRole("searchbox", { name: "Card id, message id or AID" }).fill(ascending[0]!.slice(0, 8));
  await page.getByRole("button", { name: "Search" }).click();
  await page.waitForURL(/q=/);
  expect(page.url()).toMatch(/sort=reissuedCardId&dir=asc/);
  await expect(table).toContainText(ascending[0]!);
  await expect(page.getByRole("link", { name: "Download CSV" })).toHaveAttribute(
    "href",
    `/provider/reissuance/export?q=${ascending[0]!.slice(0, 8)}&sort=reissuedCardId&dir=asc`,
  );
});

test("the reissuance page in English and Japanese: sortable headers, both lists' pages and the CSV in the reader's language (screenshots)", async ({
  browser,
}, testInfo) => {
  for (const [locale, words] of [
    ["en-US", { pairs: "Reissued card pairs", received: /^Received/, csv: "Download CSV", pairsPages: "Pages of reissued card pairs" }],
    ["ja-JP", { pairs: "再発行カードの組", received: /^受信日時/, csv: "CSVをダウンロード", pairsPages: "再発行カードの組のページ" }],
  ] as const) {
    const context = await browser.newContext({ storageState: ACCOUNTS.metro.state, locale, timezoneId: "UTC" });
    const page = await context.newPage();
    await page.goto("/provider/reissuance?sort=received&dir=asc");
    const table = page.getByRole("table", { name: words.pairs });
    await expect(table.getByRole("columnheader", { name: words.received })).toHaveAttribute("aria-sort", "ascending");
    await expect(page.getByRole("navigation", { name: words.pairsPages })).toHaveCount(1);
    await expect(page.getByRole("link", { name: words.csv })).toHaveAttribute("href", "/provider/reissuance/export?sort=received&dir=asc");
    await screenshot(page, testInfo, `provider-reissuance-${locale.slice(0, 2)}`);
    await context.close();
  }
});
