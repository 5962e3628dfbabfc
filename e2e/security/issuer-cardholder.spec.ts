import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { ACCOUNTS } from "../fixtures/accounts";

/**
 * A cardholder sees and reports only their own cards: Kenji replaying Hana's own report and
 * presentation requests (her card bound in them) is answered "not found", her card is untouched,
 * and her card's pages are 404 for him. Other roles never reach the cardholder's actions.
 */

type Captured = { url: string; headers: Record<string, string>; body: Buffer };

async function capture(page: Page, submit: () => Promise<void>): Promise<Captured> {
  let captured: Captured | null = null;
  await page.route("**/*", async (route) => {
    const request = route.request();
    if (request.method() === "POST" && request.headers()["next-action"]) {
      captured = { url: request.url(), headers: request.headers(), body: request.postDataBuffer() ?? Buffer.alloc(0) };
      await route.abort();
    } else {
      await route.continue();
    }
  });
  await submit();
  await expect.poll(() => captured !== null).toBe(true);
  await page.unroute("**/*");
  return captured!;
}

async function replay(request: APIRequestContext, c: Captured, baseURL: string) {
  const headers: Record<string, string> = { "next-action": c.headers["next-action"]!, "content-type": c.headers["content-type"]!, accept: "text/x-component", origin: baseURL };
  if (c.headers["next-router-state-tree"]) headers["next-router-state-tree"] = c.headers["next-router-state-tree"];
  const response = await request.post(c.url, { headers, data: c.body });
  return { status: response.status(), text: await response.text() };
}

test("Kenji cannot see, report or present Hana's card", async ({ browser, baseURL }) => {
  const hana = await browser.newContext({ storageState: ACCOUNTS.hana.state });
  const page = await hana.newPage();
  await page.goto("/cardholder");
  const last4 = (await page.getByRole("heading", { name: /^Card ending \d{4}$/ }).first().textContent())!.slice(-4);
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
  expect(reported.text).toContain("No such card or request.");
  const presented = await replay(kenji.request, present, baseURL!);
  expect(presented.text).toContain("You have no such card.");
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
