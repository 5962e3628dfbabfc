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
