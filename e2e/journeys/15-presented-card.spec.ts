import { expect, test } from "../fixtures/test";
import { as, checkReload, presentationCode, readCard, takeCard } from "../provider/desk-helpers";
import { searchFor } from "../fixtures/people";

/**
 * Issue 10: the presented card stays in the wallet and one desk at a time holds it. Continues from
 * 10-reissue.spec.ts: Hana's reissued card has Sakura Points to reload at the Sakura desk. It runs before
 * 20-reload.spec.ts, whose last test reissues Hana's card a second time (a reload across two reissues is
 * the two-reissue journey's subject, not this one's).
 */
test.describe.configure({ mode: "serial" });
// Every APDU of a presented card is a relayed request (a database transaction): a load is tens of them,
// so a busy machine needs longer waits for a load's outcome (no timing is asserted).
test.setTimeout(240_000);
const LOAD = { timeout: 90_000 };

test("a second desk sees who holds the card; the cardholder ends the lease from her portal", async ({ browser }) => {
  const hana = await as(browser, "hana");
  const metro = await as(browser, "metro");
  const hoshi = await as(browser, "hoshi");
  await takeCard(metro.page, await presentationCode(hana.page));

  // Another desk with a fresh code from Hana: refused in words, naming the desk that has the card.
  const second = await presentationCode(hana.page);
  await hoshi.page.goto("/provider/desk");
  await hoshi.page.getByLabel("Presentation code").fill(second);
  await hoshi.page.getByRole("button", { name: "Take the card" }).click();
  await expect(hoshi.page.getByRole("form", { name: "Take a presented card" })).toContainText("This card is at Metro Transit's desk.");
  await expect(hoshi.page.getByTestId("visit-card")).toContainText("No card at the desk");

  // Hana sees where her card is and ends it.
  await hana.page.goto("/cardholder");
  const atDesk = hana.page.getByTestId("card-at-desk");
  await expect(atDesk).toContainText("At Metro Transit's desk since");
  await atDesk.getByRole("button", { name: "End" }).click();
  await expect(atDesk).toHaveCount(0);

  // Metro's desk can no longer reach the card: its next APDU is refused with the reason.
  await metro.page.getByRole("button", { name: "Read the card" }).click();
  await expect(metro.page.getByRole("alert").filter({ hasText: "the cardholder took the card back" })).toBeVisible();
  await expect(metro.page.getByTestId("card-presence")).toHaveText("no card");

  // And the other desk can now take it with the code it was given.
  await hoshi.page.getByLabel("Presentation code").fill(second);
  await hoshi.page.getByRole("button", { name: "Take the card" }).click();
  await expect(hoshi.page.getByTestId("visit-card")).toContainText("at the desk");
  await hoshi.page.getByRole("button", { name: "Return the card now" }).click();
  await expect(hoshi.page.getByTestId("card-return")).toContainText("returned to the cardholder");
  await Promise.all([hana.context.close(), metro.context.close(), hoshi.context.close()]);
});

test('F5 right after "Confirm and reload": the desk resumes its card lease and the case, and the application is reloaded once', async ({ browser }) => {
  const hana = await as(browser, "hana");
  const sakura = await as(browser, "sakura");
  await takeCard(sakura.page, await presentationCode(hana.page));
  await readCard(sakura.page);
  await checkReload(sakura.page, { names: ["Sakura Points"] });
  const caseId = (await sakura.page.getByRole("region", { name: "Reload case", exact: true }).locator("span.font-mono").first().textContent())!.trim();
  await sakura.page.getByRole("button", { name: "Confirm and reload Sakura Points" }).click();
  await sakura.page.reload();

  // Same tab: the lease and the case come back (whatever the click had reached before the reload).
  await expect(sakura.page.getByTestId("card-return")).toContainText("Visit resumed");
  await expect(sakura.page.getByText("connected (Presented card)")).toBeVisible();
  const section = sakura.page.getByRole("region", { name: "Reload case", exact: true });
  await expect(section).toContainText(caseId);
  const next = sakura.page.getByRole("button", { name: /^(Confirm and reload Sakura Points|Load on the card now: Sakura Points)$/ });
  const done = sakura.page.getByTestId("reload-result").filter({ hasText: "Sakura Points reloaded" });
  await expect(next.or(section.getByText("reloaded", { exact: true })).first()).toBeVisible(LOAD);
  if (await next.isVisible()) await next.click();
  await expect(done.or(section.getByText("reloaded", { exact: true })).first()).toBeVisible(LOAD);

  // The flow ends by returning the card to Hana's wallet, so the next desk can take it.
  await expect(sakura.page.getByTestId("card-return")).toContainText("returned to the cardholder", LOAD);

  // One reload record at Sakura (so one reissue charge), whatever the click had reached before F5.
  await sakura.page.goto(`/provider/records?${searchFor("Hana Sato")}`);
  const records = sakura.page.getByRole("table", { name: "Load records" });
  await expect(records.getByRole("row").filter({ has: sakura.page.getByRole("cell", { name: "reload", exact: true }) })).toHaveCount(1);

  // Hana's page: Sakura Points reloaded, Metro Pass still to reload at Metro's desk (20-reload).
  await hana.page.goto("/cardholder");
  const guide = hana.page.getByRole("region", { name: "Applications to reload" });
  await expect(guide.getByRole("listitem").filter({ hasText: "Sakura Points" })).toContainText("reloaded");
  await expect(guide.getByRole("listitem").filter({ hasText: "Metro Pass" })).toContainText("to reload");
  await Promise.all([hana.context.close(), sakura.context.close()]);
});
