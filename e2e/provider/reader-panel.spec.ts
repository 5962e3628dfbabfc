import { expect, test } from "../fixtures/test";
import { ACCOUNTS } from "../fixtures/accounts";
import { t, type Locale } from "../fixtures/messages";
import { screenshot } from "../fixtures/screenshot";
import { fakeSerialBundle, insertImageFile, readCard, testCardImage } from "./desk-helpers";

/**
 * Issue 3's reader panel at a real desk page, in Chromium: the in-browser simulator, and a Web Serial
 * port stand-in that drives the real PN532 framing code against the PN532 emulator. Both show the
 * APDU trace (command, response, status word and its meaning).
 */
test("the reader panel talks to a simulated card and shows the APDU trace", async ({ page }) => {
  const card = await testCardImage(100, "e2e/reader-panel/simulator");
  await page.goto("/provider/desk");
  const panel = page.locator("section").filter({ has: page.getByRole("heading", { name: "Card reader" }) });
  await expect(page.getByText("connected (Simulator)")).toBeVisible();
  await expect(page.getByTestId("card-presence")).toHaveText("no card");
  await insertImageFile(page, card.json);
  await expect(page.getByTestId("card-presence")).toHaveText("card present");
  await readCard(page);
  await expect(page.getByTestId("card-reading")).toContainText(card.cardId);

  const trace = page.getByRole("table", { name: "APDU trace: each command sent to the card and its answer" });
  const rows = trace.getByRole("row");
  await expect(rows).toHaveCount(5); // header + SELECT, GET DATA DF70, GET DATA 45, GET STATUS
  await expect(rows.nth(1)).toContainText("00A4040008A000000151000000");
  await expect(rows.nth(2)).toContainText("80CADF7000");
  await expect(rows.nth(2)).toContainText("DF70020064");
  await expect(rows.nth(3)).toContainText(`4508${card.cardId}`);
  await expect(rows.nth(4)).toContainText("6A88");
  await expect(rows.nth(4)).toContainText("Referenced data not found");
  // The same exchanges are shown under the step that made them.
  await page.getByTestId("card-op").getByText("4 APDUs").click();
  await expect(page.getByTestId("card-op")).toContainText("80CADF7000");

  await panel.getByRole("button", { name: "Clear trace" }).click();
  await expect(rows).toHaveCount(2); // header + "No APDU exchanged yet."
  await expect(trace).toContainText("No APDU exchanged yet.");
});

test("the reader panel drives a PN532 on Web Serial (injected stand-in port) and shows the trace", async ({ page }) => {
  const card = await testCardImage(200, "e2e/reader-panel/webserial");
  await page.addInitScript({ content: `window.__CARD_IMAGE__ = ${JSON.stringify(card.json)};\n${await fakeSerialBundle()}` });
  await page.goto("/provider/desk");
  await expect(page.getByText("connected (Simulator)")).toBeVisible();
  await page.getByRole("button", { name: "Disconnect" }).click();
  await page.getByRole("radio", { name: /Web Serial \(PN532\)/ }).check();
  await page.getByRole("button", { name: "Connect" }).click();
  await expect(page.getByText("connected (Web Serial (PN532))")).toBeVisible();
  await expect(page.getByTestId("card-presence")).toHaveText("card present");

  await readCard(page);
  const reading = page.getByTestId("card-reading");
  await expect(reading).toContainText("Type 200");
  await expect(reading).toContainText("90 bytes");
  await expect(reading).not.toContainText(card.cardId); // platform 200 never reveals its id

  const rows = page.getByRole("table", { name: "APDU trace: each command sent to the card and its answer" }).getByRole("row");
  await expect(rows).toHaveCount(5);
  await expect(rows.nth(2)).toContainText("DF700200C8");
  await expect(rows.nth(3)).toContainText("80CADF7A00");
  await expect(rows.nth(3)).toContainText("9000");

  // The card leaves the PN532's field: the panel says so.
  await page.evaluate(() => (window as unknown as { __fakeSerial: { remove(): void } }).__fakeSerial.remove());
  await expect(page.getByTestId("card-presence")).toHaveText("no card", { timeout: 5000 });
});

test("the APDU trace fits its panel and wraps long commands, at a desktop and a phone width (screenshots in the test's output)", async ({ page }, testInfo) => {
  const card = await testCardImage(200, "e2e/reader-panel/wrap");
  for (const viewport of [
    { width: 1440, height: 1000, name: "desktop" },
    { width: 390, height: 900, name: "narrow" },
  ]) {
    await page.setViewportSize(viewport);
    await page.goto("/provider/desk");
    await expect(page.getByText("connected (Simulator)")).toBeVisible();
    await insertImageFile(page, card.json);
    await readCard(page);
    const trace = page.getByTestId("apdu-trace");
    // Platform 200: GET DATA DF7A answers 90 bytes of attribute data, the longest response of a read.
    await expect(trace.getByRole("row")).toHaveCount(5);
    const fit = await trace.evaluate((table) => {
      const panel = table.closest("section")!;
      const t = table.getBoundingClientRect();
      const p = panel.getBoundingClientRect();
      const region = table.parentElement!;
      const cells = [...table.querySelectorAll("td, th")].map((c) => c.scrollWidth - c.clientWidth);
      return {
        inside: t.left >= p.left - 0.5 && t.right <= p.right + 0.5,
        overflowingCells: cells.filter((d) => d > 1).length,
        regionOverflow: region.scrollWidth - region.clientWidth,
        pageOverflow: document.documentElement.scrollWidth - window.innerWidth,
      };
    });
    expect(fit, viewport.name).toEqual({ inside: true, overflowingCells: 0, regionOverflow: 0, pageOverflow: 0 });
    await page
      .locator("section")
      .filter({ has: page.getByRole("heading", { name: "Card reader" }) })
      .screenshot({ path: testInfo.outputPath(`apdu-trace-${viewport.name}.png`) });
  }
});

test("a file that is not a card image is refused in the clerk's language, naming the field as the file has it", async ({ browser }, testInfo) => {
  const cases: { locale: Locale; browserLocale: string }[] = [
    { locale: "en", browserLocale: "en-US" },
    { locale: "ja", browserLocale: "ja-JP" },
  ];
  for (const { locale, browserLocale } of cases) {
    const context = await browser.newContext({ storageState: ACCOUNTS.metro.state, locale: browserLocale });
    const page = await context.newPage();
    await page.goto("/provider/desk");
    const simulator = t(locale, "common.reader.transports.simulator.label");
    await expect(page.getByText(t(locale, "common.reader.connected", { transport: simulator }))).toBeVisible();
    const field = page.getByLabel(t(locale, "common.reader.imageFile.label"));
    const error = (problem: string, values: Record<string, string | number> = {}) =>
      t(locale, "common.reader.imageFile.invalid", {
        problem: t(locale, `common.reader.imageFile.problems.${problem}`, { path: "", expected: "", ...values }),
      });
    await field.setInputFiles({ name: "notes.json", mimeType: "application/json", buffer: Buffer.from("{ not json") });
    await expect(page.getByText(error("not-json"))).toBeVisible();
    await field.setInputFiles({ name: "old.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify({ version: 1, pin: "1234" })) });
    await expect(page.getByText(error("unknown-field", { path: "image.pin" }))).toBeVisible();
    await screenshot(page, testInfo, `desk-card-image-refused-${locale}`);
    await expect(page.getByTestId("card-presence")).toHaveText(t(locale, "common.reader.noCard"));
    await context.close();
  }
});
