import { expect, test } from "@playwright/test";
import { as, presentationCode, readCard, takeCard } from "../provider/desk-helpers";

/**
 * Issue 12, the hot list and reinstate. Continues on the journeys' database: Hana's card in use
 * (reissued in 10-…, Metro Pass reloaded in 20-…) carries a Metro application, so Metro hears of a
 * report at once. The card is at Metro's desk (handed over the counter) while Hana reports it lost.
 */
test.describe.configure({ mode: "serial" });
// Three portals and two desk visits in one journey: more steps than the default budget allows.
test.setTimeout(180_000);

test("Hana reports her card lost, Metro's desk refuses it as blocked; she finds it, withdraws the report, and Metro accepts it again", async ({ browser }) => {
  const hana = await as(browser, "hana");
  const metro = await as(browser, "metro");
  await takeCard(metro.page, await presentationCode(hana.page));
  const last4 = (await metro.page.getByTestId("visit-card").textContent())!.match(/Card ending (\d{4})/)![1]!;

  // Hana, without her card, reports it lost: it is blocked and Metro is told at once (card-blocked).
  await hana.page.goto("/cardholder");
  await hana.page.getByTestId(`card-${last4}`).getByRole("link", { name: "Report lost, stolen or damaged" }).click();
  await hana.page.getByRole("radio", { name: /^Lost/ }).check();
  await hana.page.getByLabel("Statement (optional)").fill("Cannot find it since the station.");
  await hana.page.getByRole("checkbox", { name: /I confirm this report/ }).check();
  await hana.page.getByRole("button", { name: "Report and request a new card" }).click();
  await hana.page.waitForURL(/\/cardholder\?reported=\d+/);

  // Metro's desk reads the card: refused from the hot list, with the reason; no flow is offered.
  await readCard(metro.page);
  const refusal = metro.page.getByTestId("hot-list-refusal");
  await expect(refusal).toContainText("Card blocked (step hot list)");
  await expect(refusal).toContainText("reported lost");
  await expect(refusal).toContainText("RECARD01-METRO01-I");
  await expect(metro.page.getByRole("button", { name: "Reload on a reissued card" })).toHaveCount(0);
  await expect(metro.page.getByRole("button", { name: "First load" })).toHaveCount(0);
  await metro.page.getByRole("button", { name: "Return the card now" }).click();
  await expect(metro.page.getByTestId("card-return")).toContainText("returned to the cardholder");

  // Metro's terminals see the change in the hot list (the provider's own session here).
  const list = await metro.page.request.get("/api/providers/METRO01/hot-list");
  expect(list.status()).toBe(200);
  const body = (await list.json()) as { cursor: number; entries: { status: string; reason: string }[] };
  expect(body.entries.at(-1)).toMatchObject({ status: "blocked", reason: "lost" });
  // Another provider's desk is refused Metro's list.
  const hoshi = await as(browser, "hoshi");
  expect((await hoshi.page.request.get("/api/providers/METRO01/hot-list")).status()).toBe(403);

  // Hana found it: she withdraws the report with a reason; the card is unblocked.
  await hana.page.goto("/cardholder");
  const card = hana.page.getByTestId(`card-${last4}`);
  const withdraw = card.getByRole("form", { name: /^Withdraw report \d+$/ });
  await withdraw.getByLabel("Why is the report withdrawn?").fill("Found it in my coat pocket.");
  await withdraw.getByRole("button", { name: "Withdraw the report and unblock the card" }).click();
  await hana.page.waitForURL(/\/cardholder\?withdrawn=\d+/);
  await expect(hana.page.getByRole("main").getByRole("status").first()).toContainText("your card is unblocked");
  await expect(hana.page.getByTestId(`card-${last4}`).getByText("Blocked")).toHaveCount(0);

  const changes = await metro.page.request.get(`/api/providers/METRO01/hot-list?since=${body.cursor}`);
  expect(((await changes.json()) as { entries: { status: string }[] }).entries).toEqual([expect.objectContaining({ status: "unblocked" })]);

  // Metro's desk accepts the card again.
  await takeCard(metro.page, await presentationCode(hana.page));
  await readCard(metro.page);
  await expect(metro.page.getByTestId("hot-list-refusal")).toHaveCount(0);
  await expect(metro.page.getByRole("button", { name: "Reload on a reissued card" })).toBeVisible();
  await metro.page.getByRole("button", { name: "Return the card now" }).click();
  await expect(metro.page.getByTestId("card-return")).toContainText("returned to the cardholder");
  await Promise.all([hana.context.close(), metro.context.close(), hoshi.context.close()]);
});
