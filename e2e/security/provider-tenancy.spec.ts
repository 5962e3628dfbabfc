import { expect, test } from "../fixtures/test";
import { ACCOUNTS } from "../fixtures/accounts";

/** A provider desk cannot read another provider's record by guessing its id (route handler, page, server action). */
test("Hoshi's desk cannot read a Metro load record", async ({ browser }) => {
  const metro = await browser.newContext({ storageState: ACCOUNTS.metro.state });
  const metroPage = await metro.newPage();
  await metroPage.goto("/provider/records");
  const firstLink = metroPage.getByRole("table", { name: "Load records" }).getByRole("cell").getByRole("link").first();
  const href = await firstLink.getAttribute("href");
  const messageId = (await firstLink.textContent())!.trim();
  const id = href!.split("/").at(-1)!;
  expect(messageId).toMatch(/^RECARD01-METRO01-I\d{10}$/);

  const own = await metroPage.request.get(`/api/provider/load-records/${id}`);
  expect(own.status()).toBe(200);
  expect((await own.json()).messageId).toBe(messageId);

  const hoshi = await browser.newContext({ storageState: ACCOUNTS.hoshi.state });
  const hoshiPage = await hoshi.newPage();
  const guessed = await hoshiPage.request.get(`/api/provider/load-records/${id}`);
  expect(guessed.status()).toBe(404);
  expect(await guessed.text()).not.toContain(messageId);

  const page = await hoshiPage.goto(`/provider/records/${id}`);
  expect(page?.status()).toBe(404);
  await expect(hoshiPage.getByTestId("load-record")).toHaveCount(0);
  // The provider portal's own not-found, inside its shell: the navigation stays.
  await expect(hoshiPage.getByRole("heading", { name: "Nothing here" })).toBeVisible();
  await expect(hoshiPage.getByRole("link", { name: "Back to the overview" })).toHaveAttribute("href", "/provider");
  await expect(hoshiPage.getByRole("navigation").getByRole("link", { name: "Desk" })).toBeVisible();

  await hoshiPage.goto("/provider/records");
  await hoshiPage.getByRole("textbox", { name: "Message id" }).fill(messageId);
  await hoshiPage.getByRole("button", { name: "Find" }).click();
  await expect(hoshiPage.getByRole("main").getByRole("alert")).toHaveText(`No load record of yours has message id ${messageId}.`);
  await expect(hoshiPage.getByRole("table", { name: "Load records" })).not.toContainText(messageId);

  // The same lookup works for its owner.
  await metroPage.getByRole("textbox", { name: "Message id" }).fill(messageId);
  await metroPage.getByRole("button", { name: "Find" }).click();
  await expect(metroPage.getByRole("status")).toContainText("Found");

  await metro.close();
  await hoshi.close();
});

test("the provider's CSV exports hold the session's provider's rows only, and answer no other role", async ({ browser }) => {
  const metro = await browser.newContext({ storageState: ACCOUNTS.metro.state });
  const hoshi = await browser.newContext({ storageState: ACCOUNTS.hoshi.state });
  const body = async (context: typeof metro, path: string) => {
    const response = await context.request.get(path);
    expect(response.status(), path).toBe(200);
    return response.text();
  };
  // Each provider's charges and reissuance pairs name only its own message ids (RECARD01-<provider>-I…).
  for (const path of ["/provider/charges/export", "/provider/reissuance/export", "/provider/records/export"]) {
    const ofMetro = await body(metro, path);
    const ofHoshi = await body(hoshi, path);
    expect(ofMetro, path).not.toContain("-HOSHI01-");
    expect(ofHoshi, path).not.toContain("-METRO01-");
  }
  expect(await body(metro, "/provider/charges/export")).toContain("-METRO01-");
  await metro.close();
  await hoshi.close();
  for (const key of ["issuer", "hana"] as const) {
    const other = await browser.newContext({ storageState: ACCOUNTS[key].state });
    for (const path of ["/provider/charges/export", "/provider/reissuance/export"]) {
      const response = await other.request.get(path, { maxRedirects: 0 });
      expect(response.status(), `${key} ${path}`).toBe(403);
      expect(await response.text()).not.toContain("message_id");
    }
    await other.close();
  }
});
