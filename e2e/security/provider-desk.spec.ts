import { expect, test, type APIRequestContext, type Page } from "../fixtures/test";
import { ACCOUNTS } from "../fixtures/accounts";
import { as, checkReload, insertImageFile, readCard, testCardImage } from "../provider/desk-helpers";
import { searchFor } from "../fixtures/people";

/**
 * The desk's server actions and route handler check the session themselves: another provider
 * gets "no such case" exactly as for a missing one, and a cardholder or issuer session is refused
 * outright. Action ids are taken from the real page's own requests, then replayed with the other
 * party's cookies (what a curious or hostile client could do).
 */

type ActionCall = { id: string; url: string; body: string; headers: Record<string, string> };

function recordActions(page: Page): ActionCall[] {
  const calls: ActionCall[] = [];
  page.on("request", (r) => {
    const id = r.headers()["next-action"];
    if (id) calls.push({ id, url: r.url(), body: r.postData() ?? "", headers: r.headers() });
  });
  return calls;
}

async function replay(request: APIRequestContext, call: ActionCall, body: string): Promise<{ status: number; text: string; url: string }> {
  // The browser's own headers (action id, router state, origin) without its cookies: the context's own go instead.
  const headers = Object.fromEntries(Object.entries(call.headers).filter(([k]) => k !== "cookie" && !k.startsWith(":")));
  const res = await request.post(call.url, { headers, data: body });
  return { status: res.status(), text: await res.text(), url: res.url() };
}

test("reload-case actions: another desk sees no case, a cardholder and the issuer are refused", async ({ browser }) => {
  const metro = await as(browser, "metro");
  const calls = recordActions(metro.page);
  const card = await testCardImage(100, "e2e/security/desk");
  await metro.page.goto("/provider/desk");
  await insertImageFile(metro.page, card.json);
  await readCard(metro.page);
  await checkReload(metro.page, { names: ["Metro Pass"] });
  await expect(metro.page.getByTestId("refusal").first()).toContainText("Not a reissued card (step 707)");
  await metro.page.getByRole("button", { name: "Finish and return the card" }).click();
  await expect(metro.page.getByTestId("card-return")).toBeVisible();

  const start = calls.find((c) => c.body.startsWith('[{"card"'))!;
  const finish = calls.find((c) => /^\["[0-9a-f-]{36}"\]$/.test(c.body))!;
  expect(start).toBeDefined();
  expect(finish).toBeDefined();
  const caseId = JSON.parse(finish.body)[0] as string;

  // Metro itself may look at its case again.
  const own = await replay(metro.page.request, finish, finish.body);
  expect(own.status).toBe(200);
  expect(own.text).toContain(caseId);

  // Another desk: the action's own tenant check answers exactly as for a case that does not exist.
  const hoshi = await as(browser, "hoshi");
  const hoshiSees = await replay(hoshi.page.request, finish, finish.body);
  expect(hoshiSees.status).toBe(200);
  expect(hoshiSees.text).toContain("This desk has no such reload case.");
  expect(hoshiSees.text).not.toContain(caseId);
  expect(hoshiSees.text).not.toContain(card.cardId);
  const hoshiStart = await replay(hoshi.page.request, start, start.body.replace(card.cardId, "0123456789ABCDEF"));
  expect(hoshiStart.text).not.toContain(caseId);
  await hoshi.page.goto("/provider/desk");
  await expect(hoshi.page.getByRole("table", { name: "Recent reload cases" })).not.toContainText(card.cardId);

  // Another role never reaches the action (refused before it runs), and learns nothing.
  for (const key of ["hana", "issuer"] as const) {
    const other = await browser.newContext({ storageState: ACCOUNTS[key].state });
    for (const call of [start, finish]) {
      const r = await replay(other.request, call, call.body);
      expect(r.status, key).not.toBe(200);
      expect(r.text, key).not.toContain(caseId);
      expect(r.text, key).not.toContain(card.cardId);
    }
    await other.close();
  }
  const anonymous = await browser.newContext();
  const signedOut = await replay(anonymous.request, finish, finish.body);
  expect(signedOut.url).toContain("/signin");
  expect(signedOut.text).not.toContain(caseId);
  await anonymous.close();
  await Promise.all([metro.context.close(), hoshi.context.close()]);
});

test("the leave handler returns only this desk's card and refuses other roles", async ({ browser }) => {
  for (const key of ["hana", "issuer"] as const) {
    const other = await browser.newContext({ storageState: ACCOUNTS[key].state });
    const res = await other.request.post("/api/provider/desk/return", { data: { caseId: null } });
    expect(res.status(), key).toBe(403);
    await other.close();
  }
  const anonymous = await browser.newContext();
  expect((await anonymous.request.post("/api/provider/desk/return", { data: {} })).status()).toBe(401);
  await anonymous.close();

  const hoshi = await as(browser, "hoshi");
  const foreign = await hoshi.page.request.post("/api/provider/desk/return", {
    data: { leaseId: "00000000-0000-4000-8000-000000000000", caseId: "00000000-0000-4000-8000-000000000001" },
  });
  expect(foreign.status()).toBe(404);
  expect(await foreign.json()).toMatchObject({ error: "no-lease", case: "not-found" });
  const malformed = await hoshi.page.request.post("/api/provider/desk/return", { data: { leaseId: "not-a-uuid" } });
  expect(malformed.status()).toBe(400);
  await hoshi.context.close();
});

test("a customer of Metro is not found at Hoshi's desk (page), and Hoshi's customer list does not show it", async ({ browser }) => {
  const metro = await as(browser, "metro");
  await metro.page.goto(`/provider/customers?${searchFor("Hana Sato")}`);
  const link = metro.page.getByRole("table", { name: "Customers" }).getByRole("cell").getByRole("link").first();
  const href = (await link.getAttribute("href"))!;
  const customerNo = (await link.textContent())!.trim();
  expect(customerNo).toMatch(/^MET-\d{5}$/);
  const hoshi = await as(browser, "hoshi");
  const page = await hoshi.page.goto(href);
  expect(page?.status()).toBe(404);
  await expect(hoshi.page.getByTestId("customer")).toHaveCount(0);
  await hoshi.page.goto(`/provider/customers?q=${customerNo}`);
  await expect(hoshi.page.getByRole("table", { name: "Customers" })).not.toContainText(customerNo);
  await Promise.all([metro.context.close(), hoshi.context.close()]);
});
