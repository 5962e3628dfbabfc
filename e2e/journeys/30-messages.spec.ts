import { readFileSync } from "node:fs";
import { expect, test, type Page } from "../fixtures/test";
import { ACCOUNTS } from "../fixtures/accounts";
import { englishLeftovers } from "../fixtures/english-leftovers";

/**
 * Issue 4: the messages pages show the real traffic of the journeys before this file (reissue
 * notifications, permissions, inquiries), and a message exported as a file imports through the same
 * checks as online delivery.
 */

async function openMessages(page: Page, portal: "issuer" | "provider") {
  await page.goto(`/${portal}/messages`);
  await expect(page.getByRole("heading", { name: "Messages" })).toBeVisible();
}

test("the issuer sees what it sent and what it received, delivered, with the receivers' answers", async ({ browser }) => {
  const context = await browser.newContext({ storageState: ACCOUNTS.issuer.state });
  const page = await context.newPage();
  await openMessages(page, "issuer");
  await page.getByRole("tab", { name: /Sent/ }).click();
  const sent = page.getByRole("table", { name: "Sent messages" });
  const notification = sent.getByRole("row").filter({ hasText: "reissuance-notification" }).filter({ hasText: "METRO01" }).first();
  await expect(notification).toContainText("delivered");
  // The receiver's answer, rendered from its code: "processed: 1 old ↔ reissued card pair received, 1 new".
  await expect(notification).toContainText(/(processed|replayed): \d+ old ↔ reissued card pairs? received/);
  await expect(notification.locator("[data-outcome]")).toHaveAttribute("data-outcome", "pairs-stored");
  await page.getByRole("tab", { name: /Received/ }).click();
  await expect(
    page
      .getByRole("table", { name: "Received messages" })
      .getByRole("row")
      .filter({ hasText: /permission-request|card-information-inquiry/ })
      .first(),
  ).toBeVisible();
  // Reading one message shows its signed content (here a Fig. 12 notification: PF 100, the pair).
  await page.getByRole("tab", { name: /Sent/ }).click();
  await notification.getByRole("link").first().click();
  await expect(page.getByTestId("message-json")).toContainText('"type": "reissuance-notification"');
  await expect(page.getByTestId("message-json")).toContainText('"platformType": 100');
  await context.close();
});

test("the same answers read in Japanese: rendered from their codes, no English left", async ({ browser }) => {
  const context = await browser.newContext({ storageState: ACCOUNTS.issuer.state, locale: "ja-JP" });
  const page = await context.newPage();
  await page.goto("/issuer/messages");
  await expect(page.locator("html")).toHaveAttribute("lang", "ja");
  await page.getByRole("tab").nth(1).click(); // sent
  const notification = page.getByRole("row").filter({ hasText: "reissuance-notification" }).filter({ hasText: "METRO01" }).first();
  await expect(notification).toContainText(/(処理済み|再送として応答)：旧カード↔再発行カードのペアを\d+件受信/);
  await page.getByRole("tab").nth(0).click(); // received
  await expect(page.locator("[data-outcome]").first()).toBeVisible();
  expect(await englishLeftovers(page)).toEqual([]);
  await context.close();
});

test("a message exported as a file imports as a replay at its receiver and is refused elsewhere", async ({ browser }) => {
  const issuer = await browser.newContext({ storageState: ACCOUNTS.issuer.state });
  const issuerPage = await issuer.newPage();
  await openMessages(issuerPage, "issuer");
  await issuerPage.getByRole("tab", { name: /Sent/ }).click();
  const row = issuerPage
    .getByRole("table", { name: "Sent messages" })
    .getByRole("row")
    .filter({ hasText: "reissuance-notification" })
    .filter({ hasText: "METRO01" })
    .first();
  const messageId = (await row.getByRole("link").first().textContent())!.trim();
  const downloadPromise = issuerPage.waitForEvent("download");
  await row.getByRole("link", { name: "Export" }).click();
  const download = await downloadPromise;
  const path = await download.path();
  expect(readFileSync(path, "utf8")).toMatch(/^ReCard-Message-File v1\r?\n/);
  expect(download.suggestedFilename()).toContain(messageId);

  const metro = await browser.newContext({ storageState: ACCOUNTS.metro.state });
  const metroPage = await metro.newPage();
  await openMessages(metroPage, "provider");
  await metroPage.getByLabel("Message file", { exact: true }).setInputFiles(path);
  await metroPage.getByRole("button", { name: "Import" }).click();
  await expect(metroPage.getByRole("main").getByRole("status")).toContainText(`${messageId} was already received; nothing was done twice`);

  const hoshi = await browser.newContext({ storageState: ACCOUNTS.hoshi.state });
  const hoshiPage = await hoshi.newPage();
  await openMessages(hoshiPage, "provider");
  await hoshiPage.getByLabel("Message file", { exact: true }).setInputFiles(path);
  await hoshiPage.getByRole("button", { name: "Import" }).click();
  await expect(hoshiPage.getByRole("main").getByRole("alert")).toContainText("wrong-receiver");
  // The refusal in words from its code (messages/en/common.json, exchangeWords.refusals), not the log's sentence.
  await expect(hoshiPage.getByRole("main").getByRole("alert")).toContainText("addressed to another company");

  await Promise.all([issuer.close(), metro.close(), hoshi.close()]);
});

test("cardholders have no messages, and each company sees only its own", async ({ browser }) => {
  const hana = await browser.newContext({ storageState: ACCOUNTS.hana.state });
  const response = await hana.request.get("/api/messages");
  expect(response.status()).toBe(403);
  const file = await hana.request.get("/api/messages/RECARD01-METRO01-I0000000001/file");
  expect(file.status()).toBe(403);

  const hoshi = await browser.newContext({ storageState: ACCOUNTS.hoshi.state });
  const sent = await (await hoshi.request.get("/api/messages?kind=sent")).json();
  const received = await (await hoshi.request.get("/api/messages?kind=received")).json();
  expect(sent.companyId).toBe("HOSHI01");
  expect(sent.sent.length).toBeGreaterThan(0);
  for (const m of sent.sent) expect(m.messageId).toMatch(/^RECARD01-HOSHI01-P/);
  expect(received.received.length).toBeGreaterThan(0);
  for (const m of received.received) expect(m.messageId).toMatch(/^RECARD01-HOSHI01-I/);
  // Its CSV of either kind is its own too; the issuer's export is refused.
  expect(await (await hoshi.request.get("/provider/messages/export?kind=received")).text()).not.toMatch(/RECARD01-(?!HOSHI01-)[A-Z0-9]+-[IP]\d{10}/);
  expect((await hoshi.request.get("/issuer/messages/export")).status()).toBe(403);
  expect((await hana.request.get("/provider/messages/export")).status()).toBe(403);
  // Metro's message file is not Hoshi's to download.
  const metroFile = await hoshi.request.get("/api/messages/RECARD01-METRO01-I0000000001/file");
  expect(metroFile.status()).toBe(404);
  await Promise.all([hana.close(), hoshi.close()]);
});
