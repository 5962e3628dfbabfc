import { expect, test } from "../fixtures/test";

/** The issuer's growing lists: sortable by index-backed keys, keyset pages, CSV export of the whole list. */

test("the card list sorts by surface number both ways, keeps the filters, and its CSV has the same rows in the same order", async ({ page }) => {
  await page.goto("/issuer/cards?platform=200");
  const table = page.getByRole("table", { name: "Cards" });
  const header = table.getByRole("columnheader", { name: /Surface number/ });
  await expect(table.getByRole("columnheader", { name: /Issued/ })).toHaveAttribute("aria-sort", "descending");
  await expect(header).toHaveAttribute("aria-sort", "none");
  await header.getByRole("link").click();
  await page.waitForURL(/sort=surface&dir=asc/);
  expect(page.url()).toContain("platform=200");
  await expect(header).toHaveAttribute("aria-sort", "ascending");
  const surfaces = async () => (await table.locator("tbody tr td:first-child").allTextContents()).map((s) => s.replace(/\s/g, ""));
  const ascending = await surfaces();
  expect(ascending.length).toBeGreaterThan(3);
  expect(ascending).toEqual([...ascending].sort());
  await header.getByRole("link").click();
  await page.waitForURL(/sort=surface&dir=desc/);
  await expect(header).toHaveAttribute("aria-sort", "descending");
  expect(await surfaces()).toEqual([...ascending].reverse());

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download CSV" }).click()]);
  expect(download.suggestedFilename()).toBe("cards.csv");
  const response = await page.request.get("/issuer/cards/export?platform=200&sort=surface&dir=desc");
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toBe("text/csv; charset=utf-8");
  const lines = (await response.text())
    .replace(/^\uFEFF/, "")
    .trimEnd()
    .split("\r\n");
  expect(lines[0]).toBe("surface_number,card_id,platform_type,status,cardholder,holder_no,issued_at,generation,applications");
  const rows = lines.slice(1).map((l) => l.split(","));
  expect(rows.map((r) => r[0])).toEqual([...ascending].reverse());
  expect(new Set(rows.map((r) => r[2]))).toEqual(new Set(["200"]));
});

test("loading permissions sort by message id both ways, keep the filters, page from a cursor, and their CSV has the same rows", async ({ page }) => {
  await page.goto("/issuer/permissions?provider=METRO01");
  const table = page.getByRole("table", { name: "Loading permissions" });
  const header = table.getByRole("columnheader", { name: /Message id/ });
  await expect(table.getByRole("columnheader", { name: /Decided/ })).toHaveAttribute("aria-sort", "descending");
  await header.getByRole("link").click();
  await page.waitForURL(/provider=METRO01&sort=messageId&dir=asc/);
  await expect(header).toHaveAttribute("aria-sort", "ascending");
  const ids = async () => (await table.locator("tbody tr td:first-child").allTextContents()).map((s) => s.trim());
  const ascending = await ids();
  expect(ascending.length).toBeGreaterThan(2);
  expect(ascending).toEqual([...ascending].sort());
  expect(ascending.every((id) => id.includes("-METRO01-"))).toBe(true);

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download CSV" }).click()]);
  expect(download.suggestedFilename()).toBe("permissions.csv");
  const response = await page.request.get("/issuer/permissions/export?provider=METRO01&sort=messageId&dir=asc");
  expect(response.status()).toBe(200);
  const lines = (await response.text())
    .replace(/^\uFEFF/, "")
    .trimEnd()
    .split("\r\n");
  expect(lines[0]!.split(",").slice(0, 3)).toEqual(["message_id", "request_message_id", "provider"]);
  expect(lines.slice(1).map((l) => l.split(",")[0])).toEqual(ascending);

  // The page after the second message id (unique: the id in the cursor is not compared), then "First page".
  const after = Buffer.from(JSON.stringify([ascending[1], "00000000-0000-0000-0000-000000000000"])).toString("base64url");
  await page.goto(`/issuer/permissions?provider=METRO01&sort=messageId&dir=asc&after=${after}`);
  expect(await ids()).toEqual(ascending.slice(2));
  await page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name: "First page" }).click();
  await page.waitForURL((url) => !url.search.includes("after=") && url.search.includes("provider=METRO01"));
  expect(await ids()).toEqual(ascending);
  await header.getByRole("link").click();
  await page.waitForURL(/sort=messageId&dir=desc/);
  expect(await ids()).toEqual([...ascending].reverse());
});

test("cardholders sort by name, keep the search, and their CSV follows the page", async ({ page }) => {
  await page.goto("/issuer/cardholders");
  const table = page.getByRole("table", { name: "Cardholders" });
  const header = table.getByRole("columnheader", { name: /^Name/ });
  await expect(table.getByRole("columnheader", { name: /^Number/ })).toHaveAttribute("aria-sort", "ascending");
  await header.getByRole("link").click();
  await page.waitForURL(/sort=name&dir=asc/);
  await expect(header).toHaveAttribute("aria-sort", "ascending");
  const numbers = async () => (await table.locator("tbody tr td:first-child").allTextContents()).map((s) => s.trim());
  const byName = await numbers();
  expect(byName.length).toBeGreaterThan(3);
  const response = await page.request.get("/issuer/cardholders/export?sort=name&dir=asc");
  const lines = (await response.text())
    .replace(/^\uFEFF/, "")
    .trimEnd()
    .split("\r\n");
  expect(lines[0]).toBe("holder_no,name,email,cards,cards_in_use,identity_verified,fraud_flag,created_at");
  expect(lines.slice(1, byName.length + 1).map((l) => l.split(",")[0])).toEqual(byName);
  await page.getByRole("textbox", { name: "Search" }).fill("Hinata");
  await page.getByRole("button", { name: "Search" }).click();
  await page.waitForURL(/q=Hinata/);
  expect(page.url()).toMatch(/sort=name&dir=asc/);
  await expect(table.getByRole("row")).toHaveCount(2);
  await expect(page.getByRole("link", { name: "Download CSV" })).toHaveAttribute("href", "/issuer/cardholders/export?q=Hinata&sort=name&dir=asc");
  // The provider's session cannot download it.
  const desk = await page.request.get("/provider/charges/export");
  expect(desk.status()).toBe(403);
});
