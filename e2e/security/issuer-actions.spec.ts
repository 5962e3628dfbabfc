import { expect, test, type Browser, type Locator, type Page } from "../fixtures/test";
import { ACCOUNTS, type AccountKey } from "../fixtures/accounts";
import { capture, replay, type Captured } from "../fixtures/replay";
import { nameOf, searchFor } from "../fixtures/people";

/**
 * Every issuer server action and route handler checks the session itself (STYLE.md 2): a provider
 * desk or a cardholder that replays the exact request an issuer operator's browser sends is refused,
 * and nothing changes. Requests are captured from the issuer's own page (and not let through), then
 * replayed with another account's cookies.
 */

async function contextOf(browser: Browser, key: AccountKey) {
  return browser.newContext({ storageState: ACCOUNTS[key].state });
}

const OTHERS: AccountKey[] = ["metro", "hana"];

test("issuer server actions refuse provider and cardholder sessions, and change nothing", async ({ browser, baseURL }) => {
  // Some twenty pages, captures and replays: past 60 s on a busy 2-core machine.
  test.slow();
  const issuer = await contextOf(browser, "issuer");
  const page = await issuer.newPage();
  const actions: { name: string; captured: Captured }[] = [];
  const grab = async (name: string, path: string, act: (page: Page) => Promise<void>) => {
    await page.goto(path);
    actions.push({ name, captured: await capture(page, () => act(page)) });
  };
  const mei = () => page.getByRole("article", { name: new RegExp(String.raw`from ${nameOf("Mei Ito")}$`) });

  await grab("approve a reissue", "/issuer/reissues", () => mei().getByRole("button", { name: "Approve and reissue" }).click());
  await grab("reject a reissue", "/issuer/reissues", async () => {
    await mei().getByLabel("Reason for the rejection").fill("Replayed by someone else.");
    await mei().getByRole("button", { name: "Reject" }).click();
  });
  await grab("update the policy", "/issuer/reissues/policy", async (p) => {
    await p.getByLabel("Reissues allowed per cardholder per year").fill("9");
    await p.getByLabel("Reason for the change").fill("Replayed by someone else.");
    await p.getByRole("button", { name: "Save policy" }).click();
  });
  await page.goto(`/issuer/cards?${searchFor("Aoi Shimizu")}`);
  const aoiCard = (await page.getByRole("table", { name: "Cards" }).getByRole("row").nth(1).getByRole("link").getAttribute("href"))!;
  await grab("report on a cardholder's behalf", aoiCard, async (p) => {
    await p.getByRole("radio", { name: /^Stolen/ }).check();
    await p.getByRole("checkbox", { name: /The cardholder confirmed/ }).check();
    await p.getByRole("button", { name: "Report and request a new card" }).click();
  });
  await page.goto(`/issuer/cardholders?${searchFor("Aoi Shimizu")}`);
  const aoi = (await page.getByRole("link", { name: nameOf("Aoi Shimizu") }).getAttribute("href"))!;
  await grab("issue a card", aoi, async (p) => {
    await p.getByLabel("Platform type").selectOption("200");
    await p.getByRole("button", { name: "Issue card" }).click();
  });
  const sakuraForm = (p: Page, name: string): Locator => p.getByRole("form", { name });
  await grab("suspend a contract", "/issuer/providers", async (p) => {
    const f = sakuraForm(p, "Contract status of Sakura Points");
    await f.getByLabel("Contract status").selectOption("suspended");
    await f.getByLabel("Reason").fill("Replayed by someone else.");
    await f.getByRole("button", { name: "Change contract" }).click();
  });
  await grab("switch reissuance delivery", "/issuer/providers", async (p) => {
    const f = sakuraForm(p, "Reissuance information delivery to Sakura Points");
    await f.getByLabel("Reissuance information (platform 100)").selectOption("pull");
    await f.getByRole("button", { name: "Save delivery" }).click();
  });
  await grab("register an application", "/issuer/providers", async (p) => {
    await p.getByText("Register an application for Sakura Points").click();
    const f = sakuraForm(p, "Register an application for Sakura Points");
    await f.getByLabel("AID").fill("F0524300030077");
    await f.getByLabel("Name").fill("Replayed App");
    await f.getByLabel("Load file SHA-256").fill("CD".repeat(32));
    await f.getByRole("button", { name: "Register" }).click();
  });
  await grab("approve an application", "/issuer/providers", async (p) => {
    const row = p.getByRole("table", { name: "Applications of Sakura Points" }).getByRole("row").filter({ hasText: "Sakura Premium" });
    await row.getByLabel("Reason").fill("Replayed by someone else.");
    await row.getByRole("button", { name: "Approve" }).click();
  });
  await grab("change fees", "/issuer/charges", async (p) => {
    await p.getByRole("table", { name: "Fee schedules" }).getByRole("row").filter({ hasText: "Sakura Points" }).first().getByText("Change").click();
    const f = p.getByRole("form", { name: "Fees for Sakura Points" });
    await f.getByLabel("Normal load fee (¥)").fill("1");
    await f.getByLabel("Reason").fill("Replayed by someone else.");
    await f.getByRole("button", { name: "Save fees" }).click();
  });
  await grab("issue a statement", "/issuer/charges", async (p) => {
    // No provider chosen: harmless when the issuer itself replays it (the control below).
    await p.getByRole("form", { name: "Issue a monthly statement" }).getByRole("button", { name: "Issue and send" }).click();
  });

  // The capture is sound: the issuer's own replay of the harmless one reaches the action.
  const statement = actions.find((a) => a.name === "issue a statement")!;
  const own = await replay(issuer.request, statement.captured, baseURL!);
  expect(own.status).toBe(200);
  expect(own.text).toContain("Choose a provider.");

  // Another role is refused: by the proxy before the action runs (403), or by the action's own
  // authorize() if it ever gets that far. Either way it learns nothing.
  for (const key of OTHERS) {
    const other = await contextOf(browser, key);
    for (const { name, captured } of actions) {
      const answer = await replay(other.request, captured, baseURL!);
      expect(answer.status !== 200 || answer.text.includes("This needs an issuer account."), `${key}: ${name} (${answer.status})`).toBe(true);
      expect(answer.text, `${key}: ${name}`).not.toContain(nameOf("Mei Ito"));
    }
    await other.close();
  }

  // Nothing changed.
  await page.goto("/issuer/reissues");
  await expect(mei()).toContainText("damaged"); // still in the pending queue
  await page.goto(aoiCard);
  await expect(page.getByTestId("card-facts")).toContainText("active");
  await expect(page.getByRole("list").filter({ hasText: /#\d+ · stolen/ })).toHaveCount(0);
  await page.goto(aoi);
  await expect(page.getByRole("table", { name: "The cardholder's cards" }).getByRole("row")).toHaveCount(2);
  await page.goto("/issuer/reissues/policy");
  await expect(page.getByLabel("Reissues allowed per cardholder per year")).not.toHaveValue("9");
  await page.goto("/issuer/providers");
  await expect(page.getByRole("form", { name: "Contract status of Sakura Points" }).getByLabel("Contract status")).toHaveValue("active");
  await expect(
    page.getByRole("form", { name: "Reissuance information delivery to Sakura Points" }).getByLabel("Reissuance information (platform 100)"),
  ).toHaveValue("push");
  const apps = page.getByRole("table", { name: "Applications of Sakura Points" });
  await expect(apps).not.toContainText("Replayed App");
  await expect(apps.getByRole("row").filter({ hasText: "Sakura Premium" })).toContainText("pending");
  await page.goto("/issuer/audit");
  await expect(page.getByRole("table", { name: "Audit log" })).not.toContainText("Replayed by someone else.");
  await issuer.close();
});

test("the live reissue queue feed answers only issuer sessions", async ({ browser }) => {
  for (const key of OTHERS) {
    const other = await contextOf(browser, key);
    const response = await other.request.get("/issuer/reissues/feed", { maxRedirects: 0 });
    expect(response.status(), key).toBe(403);
    expect(await response.text()).not.toContain(nameOf("Mei Ito"));
    await other.close();
  }
  const anonymous = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const response = await anonymous.request.get("/issuer/reissues/feed", { maxRedirects: 0 });
  expect([307, 401]).toContain(response.status());
  await anonymous.close();
  const issuer = await contextOf(browser, "issuer");
  const own = await issuer.request.get("/issuer/reissues/feed");
  expect(own.status()).toBe(200);
  expect((await own.json()).pending.some((r: { cardholder: { name: string } }) => r.cardholder.name === nameOf("Mei Ito"))).toBe(true);
  await issuer.close();
});

test("the CSV exports answer only issuer sessions", async ({ browser }) => {
  const exports = {
    "/issuer/cards/export": "surface_number",
    "/issuer/charges/export": "charged_at",
    "/issuer/cardholders/export": "holder_no",
    "/issuer/permissions/export": "request_message_id",
    "/issuer/audit/export": "subject_type",
  };
  for (const [path, firstColumn] of Object.entries(exports)) {
    for (const key of OTHERS) {
      const other = await contextOf(browser, key);
      const response = await other.request.get(path, { maxRedirects: 0 });
      expect(response.status(), `${key} ${path}`).toBe(403);
      expect(await response.text()).not.toContain(firstColumn);
      await other.close();
    }
    const anonymous = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const response = await anonymous.request.get(path, { maxRedirects: 0 });
    expect([307, 401]).toContain(response.status());
    expect(await response.text()).not.toContain(firstColumn);
    await anonymous.close();
  }
  const issuer = await contextOf(browser, "issuer");
  for (const [path, firstColumn] of Object.entries(exports)) expect(await (await issuer.request.get(path)).text(), path).toContain(firstColumn);
  await issuer.close();
});
