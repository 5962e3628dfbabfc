import { expect, test, type Page } from "../fixtures/test";
import { as, checkReload, presentationCode, readCard, takeCard } from "../provider/desk-helpers";
import { nameOf, searchFor } from "../fixtures/people";

/**
 * Issue 12, any generation: Kenji's platform-200 card is reissued twice more (each new card activated
 * when it arrives) before he reaches a desk
 * (10-reissue reissued it once; whatever 20-reload did or did not reload there, the loads are still on
 * an earlier card of the chain). His page keeps every pending reload; Hoshi reloads Hoshi Credit and
 * Sakura reloads Sakura Points in one step each by method 2 (the issuer's "reissue OK" carries the
 * permission), and his page shows the points carried over from the card they were loaded on.
 */
test.describe.configure({ mode: "serial" });
// A presented card's APDUs are relayed requests (a database transaction each): a load is tens of them.
test.setTimeout(240_000);
const LOAD = { timeout: 90_000 };

const cards: { before?: string; middle?: string; current?: string } = {};

/**
 * Kenji reports the card he holds damaged; the issuer approves it (by override once the year's reissues
 * run out); the new card comes by post and Kenji activates it in the portal, which ends the damaged one.
 */
async function reissueKenji(kenji: Page, issuer: Page): Promise<string> {
  await kenji.goto("/cardholder");
  await kenji.getByRole("link", { name: "Report lost, stolen or damaged" }).first().click();
  await kenji.getByRole("radio", { name: /^Damaged/ }).check();
  await kenji.getByRole("checkbox", { name: /I confirm this report/ }).check();
  await kenji.getByRole("button", { name: "Report and request a new card" }).click();
  await kenji.waitForURL(/\/cardholder\?reported=\d+/);

  await issuer.goto("/issuer/reissues");
  const request = issuer.getByRole("article", { name: new RegExp(String.raw`from ${nameOf("Kenji Watanabe")}$`) });
  await expect(request).toBeVisible();
  const override = request.getByRole("button", { name: "Approve by override" });
  if (await override.isVisible()) {
    await request
      .getByLabel("Override reason (the examination failed)")
      .fill("Damaged twice in a month; the cardholder came to the branch with his identity document.");
    await override.click();
  } else {
    await request.getByRole("button", { name: "Approve and reissue" }).click();
  }
  const decided = issuer.getByRole("status", { name: "Decisions" });
  await expect(decided).toContainText(`${nameOf("Kenji Watanabe")}: Approved. New card ending`);
  const last4 = (await decided.textContent())!.match(new RegExp(String.raw`${nameOf("Kenji Watanabe")}: Approved\. New card ending (\d{4})`))![1]!;
  await kenji.goto("/cardholder");
  await kenji.getByRole("button", { name: `Activate card ending ${last4}` }).click();
  await kenji.waitForURL(new RegExp(`/cardholder\\?activated=${last4}$`));
  return last4;
}

test("Kenji's card is reissued twice before he reaches a desk; his page keeps every pending reload", async ({ browser }) => {
  const kenji = await as(browser, "kenji");
  const issuer = await as(browser, "issuer");
  await kenji.page.goto("/cardholder");
  cards.before = (await kenji.page
    .getByRole("heading", { name: /^Card ending \d{4}$/ })
    .first()
    .textContent())!.slice(-4);
  const middle = await reissueKenji(kenji.page, issuer.page);
  cards.middle = middle;
  cards.current = await reissueKenji(kenji.page, issuer.page);
  expect(cards.current).not.toBe(middle);

  await kenji.page.goto("/cardholder");
  await expect(kenji.page.getByRole("heading", { name: `Card ending ${cards.current}` })).toBeVisible();
  const guide = kenji.page.getByRole("region", { name: "Applications to reload" });
  await expect(guide).toContainText(`old card (ending ${middle})`);
  // Loaded two or more cards back, still listed, named with the card they were loaded on.
  await expect(guide).toContainText(/Hoshi Credit \(from card …\d{4}\)/);
  await expect(guide).toContainText(/Sakura Points \(from card …\d{4}\)/);
  await expect(guide.getByText("to reload")).toHaveCount(2);
  await Promise.all([kenji.context.close(), issuer.context.close()]);
});

for (const desk of [
  { key: "hoshi" as const, application: "Hoshi Credit" },
  { key: "sakura" as const, application: "Sakura Points" },
]) {
  test(`${desk.application}: the desk reloads it from the earlier card in one step by method 2`, async ({ browser }) => {
    const kenji = await as(browser, "kenji");
    const provider = await as(browser, desk.key);
    await takeCard(provider.page, await presentationCode(kenji.page));
    await expect(provider.page.getByTestId("visit-card")).toContainText(`Card ending ${cards.current}`);
    await readCard(provider.page);
    await expect(provider.page.getByTestId("card-reading")).toContainText("method 2");
    await checkReload(provider.page, { names: [desk.application] });
    const steps = provider.page.getByRole("list", { name: "Steps of the reload case" });
    await expect(steps).toContainText(`${desk.application} was loaded on the old card: reloadable`);
    await provider.page.getByRole("button", { name: `Confirm and reload ${desk.application}` }).click();
    // The issuer's "reissue OK" carried the permission: nothing more was asked.
    await expect(steps).toContainText(`Reload permission granted for ${desk.application} (with the issuer's answer)`);
    await expect(provider.page.getByTestId("reload-result")).toContainText(`${desk.application} reloaded under RECARD01-`, LOAD);
    await expect(provider.page.getByTestId("card-return")).toContainText("returned to the cardholder", LOAD);
    await Promise.all([kenji.context.close(), provider.context.close()]);
  });
}

test("Kenji's page shows both applications on the new card, the points carried over from the card they were loaded on", async ({ browser }) => {
  const kenji = await as(browser, "kenji");
  await kenji.page.goto("/cardholder");
  const apps = kenji.page.getByRole("list", { name: `Applications on card ending ${cards.current}` });
  await expect(apps).toContainText("Hoshi Credit");
  await expect(apps).toContainText("Sakura Points");
  await expect(apps.getByTestId("carried-over")).toContainText(/[\d,]+ points carried over from card …\d{4}/);
  await expect(kenji.page.getByRole("region", { name: "Applications to reload" }).getByText("to reload")).toHaveCount(0);
  await kenji.context.close();
});

test("the issuer holds the damaged card Kenji handed in and terminates its chip at the reader", async ({ browser }) => {
  const issuer = await as(browser, "issuer");
  await issuer.page.goto(`/issuer/cards?${searchFor("Kenji Watanabe")}`);
  await issuer.page.getByRole("link", { name: new RegExp(`${cards.middle}$`) }).click();
  const chip = issuer.page.getByTestId("chip-state");
  await expect(chip).toContainText("The issuer holds this card");
  await issuer.page.getByRole("button", { name: "Terminate the chip" }).click();
  await expect(chip).toContainText("The chip of this card is terminated");
  await expect(issuer.page.getByRole("main")).toContainText("card.chip-terminate");
  // The card he holds now is not in the issuer's hands: no such button on its page.
  await issuer.page.goto(`/issuer/cards?${searchFor("Kenji Watanabe")}`);
  await issuer.page.getByRole("link", { name: new RegExp(`${cards.current}$`) }).click();
  await expect(issuer.page.getByTestId("card-facts")).toContainText("active");
  await expect(issuer.page.getByRole("button", { name: "Terminate the chip" })).toHaveCount(0);
  await issuer.context.close();
});
