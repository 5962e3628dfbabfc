import { m } from "../fixtures/messages";
import { expect, test } from "../fixtures/test";
import { ACCOUNTS } from "../fixtures/accounts";
import { capture, replay } from "../fixtures/replay";

/**
 * A cardholder sees and reports only their own cards: Kenji replaying Hana's own report and
 * presentation requests (her card bound in them) is answered "not found", her card is untouched,
 * and her card's pages are 404 for him. Other roles never reach the cardholder's actions.
 */

test("Kenji cannot see, report or present Hana's card", async ({ browser, baseURL }) => {
  const hana = await browser.newContext({ storageState: ACCOUNTS.hana.state });
  const page = await hana.newPage();
  await page.goto("/cardholder");
  const last4 = (await page
    .getByRole("heading", { name: /^Card ending \d{4}$/ })
    .first()
    .textContent())!.slice(-4);
  const reportHref = (await page.getByRole("link", { name: "Report lost, stolen or damaged" }).getAttribute("href"))!;
  const present = await capture(page, () => page.getByRole("button", { name: "Present at a desk" }).click());
  await page.goto(reportHref);
  const report = await capture(page, async () => {
    await page.getByRole("radio", { name: /^Stolen/ }).check();
    await page.getByRole("checkbox", { name: /I confirm this report/ }).check();
    await page.getByRole("button", { name: "Report and request a new card" }).click();
  });

  const kenji = await browser.newContext({ storageState: ACCOUNTS.kenji.state });
  const reported = await replay(kenji.request, report, baseURL!);
  expect(reported.status).toBe(200);
  expect(reported.text).toContain(m("en", "cardholder.refusals.not-found"));
  const presented = await replay(kenji.request, present, baseURL!);
  expect(presented.text).toContain(m("en", "cardholder.refusals.not-found"));
  expect(presented.text).not.toMatch(/"code":"[A-Z0-9]{4}-[A-Z0-9]{4}"/);

  const kenjiPage = await kenji.newPage();
  expect((await kenjiPage.goto(reportHref))?.status()).toBe(404);
  await kenjiPage.goto("/cardholder");
  await expect(kenjiPage.getByRole("main")).not.toContainText(last4);

  // Other roles never reach a cardholder's action.
  for (const key of ["issuer", "metro"] as const) {
    const other = await browser.newContext({ storageState: ACCOUNTS[key].state });
    const r = await replay(other.request, report, baseURL!);
    expect(r.status !== 200 || r.text.includes("This needs a cardholder account."), key).toBe(true);
    await other.close();
  }

  // Hana's card is as it was: active, no request.
  await page.goto("/cardholder");
  const panel = page.getByTestId(`card-${last4}`);
  await expect(panel.getByTestId("card-visual")).toContainText("active");
  await expect(panel.getByTestId("request-status")).toHaveCount(0);
  await Promise.all([hana.close(), kenji.close()]);
});
