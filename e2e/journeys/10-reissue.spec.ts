import { expect, test, type Browser, type BrowserContext, type Page } from "../fixtures/test";
import { ACCOUNTS } from "../fixtures/accounts";
import { signIn } from "../fixtures/sign-in";
import { as as desk, checkReload, presentationCode, readCard, takeCard } from "../provider/desk-helpers";
import { nameOf, searchFor } from "../fixtures/people";

const LOAD = { timeout: 90_000 };

/**
 * Issue 5, the issuer's half of the patent end to end (Figs. 5, 9, 12, 13, 16). These journeys run
 * in order on the shared demo database and leave it as the reload journeys (20-…) expect: Hana's
 * platform-100 card reissued with Metro Transit and Sakura Points notified; Kenji's platform-200
 * card reissued with nobody notified. Each new card waits for activation (issue 14): the cardholder
 * activates it in the portal once it has arrived, which ends the card it replaces (a lost one was
 * blocked at the report; a damaged one worked until then).
 */
test.describe.configure({ mode: "serial" });

const ids: { hana?: { old: string; reissued: string }; kenji?: { old: string; reissued: string } } = {};

async function as(browser: Browser, key: keyof typeof ACCOUNTS): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ storageState: ACCOUNTS[key].state });
  return { context, page: await context.newPage() };
}

async function sakuraDesk(browser: Browser) {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await signIn(page, "desk@sakura.recard.test");
  await page.waitForURL("**/provider");
  return { context, page };
}

/** The cardholder reports the one card in use; returns its last four digits. */
async function reportCurrentCard(page: Page, reason: "Lost" | "Stolen" | "Damaged", statement: string): Promise<string> {
  await page.goto("/cardholder");
  const title = await page
    .getByRole("heading", { name: /^Card ending \d{4}$/ })
    .first()
    .textContent();
  const last4 = title!.slice(-4);
  await page.getByRole("link", { name: "Report lost, stolen or damaged" }).click();
  await expect(page.getByRole("heading", { name: "Report lost, stolen or damaged" })).toBeVisible();
  // The confirmation is required: without it the form says so next to the box.
  await page.getByRole("radio", { name: new RegExp(`^${reason}`) }).check();
  await page.getByLabel("Statement (optional)").fill(statement);
  await page.getByRole("button", { name: "Report and request a new card" }).click();
  await expect(page.locator("#confirm-error")).toHaveText("Confirm the report to continue.");
  await expect(page.getByTestId("report-consequence")).toContainText(reason === "Damaged" ? "keeps working" : "blocked at once");
  await page.getByRole("checkbox", { name: /I confirm this report/ }).check();
  await page.getByRole("button", { name: "Report and request a new card" }).click();
  await page.waitForURL(/\/cardholder\?reported=\d+/);
  await expect(page.getByRole("main").getByRole("status")).toContainText(/Request #\d+ received/);
  return last4;
}

/** The issuer approves the cardholder's pending request in the live queue; returns the confirmation. */
async function approveInQueue(page: Page, cardholder: string): Promise<string> {
  await page.goto("/issuer/reissues");
  const request = page.getByRole("article", { name: new RegExp(`from ${cardholder}$`) });
  await expect(request.getByRole("list", { name: "Examination checklist" })).toContainText("Identity verified");
  await expect(request).toContainText("examination passed");
  await request.getByRole("button", { name: "Approve and reissue" }).click();
  const done = page.getByRole("status", { name: "Decisions" });
  await expect(done).toContainText(`${cardholder}: Approved. New card ending`);
  await expect(request).toHaveCount(0); // the live queue drops it
  return (await done.textContent())!;
}

/** Old and reissued card ids, read from the issuer's card page of the reissued card. */
async function cardIdsAfterApproval(page: Page, cardholder: string) {
  await page.goto("/issuer/reissues");
  const row = page.getByRole("table", { name: "Latest decisions" }).getByRole("row").filter({ hasText: cardholder }).first();
  await row.getByRole("link", { name: /new card/ }).click();
  await expect(page.getByRole("heading", { name: /^Card \d/ })).toBeVisible();
  const reissued = (await page.getByTestId("card-id").textContent())!.trim();
  const old = (await page.getByTestId("old-card-id").textContent())!.trim();
  expect(reissued).toMatch(/^[0-9A-F]{16}$/);
  expect(old).toMatch(/^[0-9A-F]{16}$/);
  expect(old).not.toBe(reissued);
  return { old, reissued };
}

test("(a) Hana reports her platform-100 card lost, the issuer approves, Metro Transit and Sakura Points receive the old ↔ new pair; no desk reloads the new card before Hana activates it", async ({
  browser,
}) => {
  // A desk visit (relayed APDUs, a database transaction each) on top of four portals.
  test.setTimeout(240_000);
  const hana = await as(browser, "hana");
  const oldLast4 = await reportCurrentCard(hana.page, "Lost", "Left it on the Ginza line this morning.");
  const oldPanel = hana.page.getByTestId(`card-${oldLast4}`);
  await expect(oldPanel.getByTestId("card-visual")).toContainText("blocked");
  await expect(oldPanel.getByTestId("request-status")).toContainText("pending");
  await expect(oldPanel).toContainText("Nothing can be loaded on it any more");
  await expect(oldPanel.getByRole("button", { name: "Present at a desk" })).toHaveCount(0);

  const issuer = await as(browser, "issuer");
  const approved = await approveInQueue(issuer.page, nameOf("Hana Sato"));
  expect(approved).toContain(
    `Metro Transit and Sakura Points will reload their applications when ${nameOf("Hana Sato")} visits. Metro Transit and Sakura Points were told of the new card now.`,
  );
  ids.hana = await cardIdsAfterApproval(issuer.page, nameOf("Hana Sato"));
  // The new card waits for Hana's activation; the lost card stays blocked until then.
  await expect(issuer.page.getByTestId("card-facts")).toContainText("issued");
  await expect(issuer.page.getByRole("form", { name: "Activate the card at the desk" })).toBeVisible();
  const reissuedCardPage = issuer.page.url();
  await issuer.page.getByTestId("old-card-id").click();
  await expect(issuer.page.getByTestId("card-facts")).toContainText("blocked");
  await expect(issuer.page.getByTestId("new-card-id")).toHaveText(ids.hana.reissued);
  const oldCardPage = issuer.page.url();

  // The providers that had an application on the old card hold the pair (Fig. 13, provider side).
  const metro = await as(browser, "metro");
  await metro.page.goto("/provider/reissuance");
  await expect(metro.page.getByRole("main")).toContainText(ids.hana.old);
  await expect(metro.page.getByRole("main")).toContainText(ids.hana.reissued);
  const sakura = await sakuraDesk(browser);
  await sakura.page.goto("/provider/reissuance");
  await expect(sakura.page.getByRole("main")).toContainText(ids.hana.reissued);
  // Hoshi had nothing on Hana's card: it learns nothing.
  const hoshi = await as(browser, "hoshi");
  await hoshi.page.goto("/provider/reissuance");
  await expect(hoshi.page.getByRole("main")).not.toContainText(ids.hana.reissued);
  await expect(hoshi.page.getByRole("main")).not.toContainText(ids.hana.old);

  // Hana: the new card, what was on the old one and where to reload it; the old card in the history.
  await hana.page.goto("/cardholder");
  const newLast4 = approved.match(/New card ending (\d{4})/)![1]!;
  const newPanel = hana.page.getByTestId(`card-${newLast4}`);
  await expect(newPanel.getByTestId("card-visual")).toContainText("issued");
  const guide = newPanel.getByRole("region", { name: "Applications to reload" });
  await expect(guide).toContainText(`old card (ending ${oldLast4})`);
  await expect(guide).toContainText("Once you have activated this card");
  await expect(guide).toContainText("Metro Pass — reload at the Metro Transit desk");
  await expect(guide).toContainText("Sakura Points — reload at the Sakura Points desk");
  // The lost card, blocked, stays listed until the activation; nothing more to report on it.
  const lostPanel = hana.page.getByTestId(`card-${oldLast4}`);
  await expect(lostPanel).toContainText("this card ends for good when you activate the new one");
  await expect(lostPanel.getByRole("link", { name: "Report lost, stolen or damaged" })).toHaveCount(0);

  // Before activating it, Hana takes the new card to Metro's desk: the desk finds the old load (pushed
  // Fig. 12) and asks for a reload permission; the issuer refuses it, saying why; nothing is loaded.
  const metroDesk = await desk(browser, "metro");
  await takeCard(metroDesk.page, await presentationCode(hana.page));
  await expect(metroDesk.page.getByTestId("visit-card")).toContainText(`Card ending ${newLast4}`);
  await readCard(metroDesk.page);
  await checkReload(metroDesk.page, { names: ["Metro Pass"] });
  await metroDesk.page.getByRole("button", { name: "Confirm and reload Metro Pass" }).click();
  const steps = metroDesk.page.getByRole("list", { name: "Steps of the reload case" });
  await expect(steps).toContainText("Reload of Metro Pass refused by the issuer", LOAD);
  // The issuer's own words, shown with its refusal.
  await expect(metroDesk.page.getByRole("main")).toContainText("The card has not been activated by its cardholder yet");
  await expect(metroDesk.page.getByTestId("reload-result")).toHaveCount(0);
  const finish = metroDesk.page.getByRole("button", { name: "Finish and return the card" });
  const returned = metroDesk.page.getByTestId("card-return").filter({ hasText: "returned to the cardholder" });
  await expect(finish.or(returned).first()).toBeVisible(LOAD);
  if (await finish.isVisible()) await finish.click();
  await expect(returned).toBeVisible(LOAD);
  await metroDesk.context.close();

  // The new card arrives: Hana activates it. The lost card is terminated now (it was blocked since the report).
  await hana.page.goto("/cardholder");
  const activate = newPanel.getByTestId("activate-card");
  await expect(activate).toContainText(`Your card ending ${oldLast4} stays blocked`);
  await activate.getByRole("button", { name: `Activate card ending ${newLast4}` }).click();
  await hana.page.waitForURL(new RegExp(`/cardholder\\?activated=${newLast4}$`));
  await expect(hana.page.getByTestId(`card-${newLast4}`).getByTestId("card-visual")).toContainText("active");
  await expect(hana.page.getByTestId("activate-card")).toHaveCount(0);
  await expect(hana.page.getByRole("list", { name: "Earlier cards" })).toContainText(oldLast4);
  await expect(hana.page.getByTestId(`card-${newLast4}`).getByRole("button", { name: "Present at a desk" })).toBeVisible();
  await issuer.page.goto(oldCardPage);
  await expect(issuer.page.getByTestId("card-facts")).toContainText("terminated");
  await issuer.page.goto(reissuedCardPage);
  await expect(issuer.page.getByTestId("card-facts")).toContainText("active");
  await expect(issuer.page.getByRole("table", { name: "Audit trail of the card" })).toContainText("card.activate");

  await Promise.all([hana.context.close(), issuer.context.close(), metro.context.close(), sakura.context.close(), hoshi.context.close()]);
});

test("(b) Kenji reports his platform-200 card damaged, the issuer approves, and no provider learns his card id; the damaged card works until he activates the new one", async ({
  browser,
}) => {
  // Three desks' pages and messages, then the activation: more than the default budget on a busy machine.
  test.setTimeout(180_000);
  const kenji = await as(browser, "kenji");
  const oldLast4 = await reportCurrentCard(kenji.page, "Damaged", "The chip cracked in my wallet.");
  const oldPanel = kenji.page.getByTestId(`card-${oldLast4}`);
  await expect(oldPanel.getByTestId("card-visual")).toContainText("active"); // damaged: not blocked
  await expect(oldPanel.getByTestId("request-status")).toContainText("pending");

  const issuer = await as(browser, "issuer");
  const approved = await approveInQueue(issuer.page, nameOf("Kenji Watanabe"));
  expect(approved).toContain(
    `Hoshi Card Services and Sakura Points will reload their applications when ${nameOf("Kenji Watanabe")} visits. Platform 200: nobody is told now; they ask at that visit.`,
  );
  ids.kenji = await cardIdsAfterApproval(issuer.page, nameOf("Kenji Watanabe"));
  await expect(issuer.page.getByTestId("lineage")).toContainText(ids.kenji.old);

  // No provider's pages or messages carry either card id (method 2: only the issuer can tell).
  const metro = await as(browser, "metro");
  const hoshi = await as(browser, "hoshi");
  const sakura = await sakuraDesk(browser);
  for (const desk of [metro, hoshi, sakura]) {
    for (const path of ["/provider", "/provider/reissuance", "/provider/records", "/provider/messages", "/provider/messages?kind=sent"]) {
      await desk.page.goto(path);
      const text = await desk.page.getByRole("main").textContent();
      expect(text, path).not.toContain(ids.kenji.old);
      expect(text, path).not.toContain(ids.kenji.reissued);
    }
    for (const kind of ["received", "sent", "rejected"]) {
      const messages = await desk.page.request.get(`/api/messages?kind=${kind}`);
      const body = await messages.text();
      expect(body).not.toContain(ids.kenji.old);
      expect(body).not.toContain(ids.kenji.reissued);
    }
  }

  await kenji.page.goto("/cardholder");
  const newLast4 = approved.match(/New card ending (\d{4})/)![1]!;
  const guide = kenji.page.getByTestId(`card-${newLast4}`).getByRole("region", { name: "Applications to reload" });
  await expect(guide).toContainText("Hoshi Credit — reload at the Hoshi Card Services desk");
  await expect(guide).toContainText("Sakura Points — reload at the Sakura Points desk");

  // The damaged card keeps working until Kenji activates its replacement; the activation ends it.
  await expect(kenji.page.getByTestId(`card-${oldLast4}`).getByTestId("card-visual")).toContainText("active");
  const activate = kenji.page.getByTestId(`card-${newLast4}`).getByTestId("activate-card");
  await expect(activate).toContainText(`your card ending ${oldLast4} keeps working until then`);
  await activate.getByRole("button", { name: `Activate card ending ${newLast4}` }).click();
  await kenji.page.waitForURL(new RegExp(`/cardholder\\?activated=${newLast4}$`));
  await expect(kenji.page.getByTestId(`card-${oldLast4}`)).toHaveCount(0);
  await expect(kenji.page.getByRole("list", { name: "Earlier cards" })).toContainText(oldLast4);
  await issuer.page.goto(`/issuer/cards?${searchFor("Kenji Watanabe")}`);
  await issuer.page.getByRole("link", { name: new RegExp(`${oldLast4}$`) }).click();
  await expect(issuer.page.getByTestId("card-facts")).toContainText("terminated");
  await expect(issuer.page.getByRole("table", { name: "Audit trail of the card" })).toContainText("now activated");

  await Promise.all([kenji.context.close(), issuer.context.close(), metro.context.close(), hoshi.context.close(), sakura.context.close()]);
});

test("(c) a rejection reaches the cardholder with its reason", async ({ browser }) => {
  const kenji = await as(browser, "kenji");
  const last4 = await reportCurrentCard(kenji.page, "Damaged", "It bends a little.");

  const issuer = await as(browser, "issuer");
  await issuer.page.goto("/issuer/reissues");
  const request = issuer.page.getByRole("article", { name: new RegExp(String.raw`from ${nameOf("Kenji Watanabe")}$`) });
  // A rejection needs a reason: the field says so.
  await request.getByRole("button", { name: "Reject" }).click();
  await expect(request.getByText("Tell the cardholder why (at least a few words).")).toBeVisible();
  const reason = "Your card was replaced this week; bring the bent card to a branch so we can inspect it first.";
  await request.getByLabel("Reason for the rejection").fill(reason);
  await request.getByRole("button", { name: "Reject" }).click();
  await expect(issuer.page.getByRole("status", { name: "Decisions" })).toContainText(`${nameOf("Kenji Watanabe")}: Rejected. The cardholder sees your reason.`);
  await expect(
    issuer.page
      .getByRole("table", { name: "Latest decisions" })
      .getByRole("row")
      .filter({ hasText: nameOf("Kenji Watanabe") })
      .first(),
  ).toContainText("rejected");

  await kenji.page.goto("/cardholder");
  const status = kenji.page.getByTestId(`card-${last4}`).getByTestId("request-status");
  await expect(status).toContainText("rejected");
  await expect(status.getByTestId("rejection-reason")).toHaveText(reason);
  // The card keeps working, and can be reported again.
  await expect(kenji.page.getByTestId(`card-${last4}`).getByTestId("card-visual")).toContainText("active");
  await expect(kenji.page.getByTestId(`card-${last4}`).getByRole("link", { name: "Report lost, stolen or damaged" })).toBeVisible();

  await Promise.all([kenji.context.close(), issuer.context.close()]);
});
