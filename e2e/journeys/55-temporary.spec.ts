import { expect, test, type Browser, type Page } from "../fixtures/test";
import { ACCOUNTS } from "../fixtures/accounts";
import { capture, replay } from "../fixtures/replay";
import { signIn } from "../fixtures/sign-in";
import { as, checkReload, presentationCode, readCard, takeCard } from "../provider/desk-helpers";
import { nameOf } from "../fixtures/people";

/**
 * Issue 14, temporary cards: Tsumugi Fujita loses her card; the issuer approves the request with a
 * temporary card (30 days, marked temporary, in use at once), later issues the permanent card, which
 * waits until she activates it and then replaces the temporary one. Metro's desk reloads Metro Pass on
 * the temporary card, and after the activation on the permanent card (the reload follows). Continues on
 * the journeys' shared database; no earlier file touches Tsumugi.
 */
test.describe.configure({ mode: "serial" });
// A presented card's APDUs are relayed requests (a database transaction each): a load is tens of them.
test.setTimeout(240_000);
const LOAD = { timeout: 90_000 };

/** Metro's desk takes Tsumugi's card in use and reloads Metro Pass on it by method 1 (Fig. 12 pushed earlier). */
async function metroReloadsMetroPass(browser: Browser, last4: string): Promise<void> {
  const tsumugi = await cardholder(browser);
  const metro = await as(browser, "metro");
  await takeCard(metro.page, await presentationCode(tsumugi.page));
  await expect(metro.page.getByTestId("visit-card")).toContainText(`Card ending ${last4}`);
  await readCard(metro.page);
  await expect(metro.page.getByTestId("card-reading")).toContainText("method 1");
  await checkReload(metro.page, { names: ["Metro Pass"] });
  await expect(metro.page.getByRole("list", { name: "Steps of the reload case" })).toContainText("notified by the issuer");
  await metro.page.getByRole("button", { name: "Confirm and reload Metro Pass" }).click();
  await expect(metro.page.getByTestId("reload-result")).toContainText("Metro Pass reloaded under RECARD01-METRO01-I", LOAD);
  await expect(metro.page.getByTestId("card-return")).toContainText("returned to the cardholder", LOAD);
  await tsumugi.page.goto("/cardholder");
  await expect(tsumugi.page.getByRole("list", { name: `Applications on card ending ${last4}` })).toContainText("Metro Pass");
  await Promise.all([tsumugi.close(), metro.context.close()]);
}

const TSUMUGI = { name: nameOf("Tsumugi Fujita"), email: "tsumugi.fujita@mail.example" };
const cards: { lost?: string; temporary?: string; permanent?: string } = {};

async function cardholder(browser: Browser): Promise<{ close: () => Promise<void>; page: Page }> {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await signIn(page, TSUMUGI.email);
  await page.waitForURL(/\/cardholder/);
  return { close: () => context.close(), page };
}

const cardHeadings = (page: Page) => page.getByRole("heading", { name: /^Card ending \d{4}$/ });

test("Tsumugi reports her card lost; the issuer approves it with a temporary card, which she can use at once", async ({ browser }) => {
  const tsumugi = await cardholder(browser);
  const page = tsumugi.page;
  await page.goto("/cardholder");
  await expect(cardHeadings(page)).toHaveCount(1);
  cards.lost = (await cardHeadings(page).textContent())!.slice(-4);
  await page.getByRole("link", { name: "Report lost, stolen or damaged" }).click();
  await page.getByRole("radio", { name: /^Lost/ }).check();
  await page.getByRole("checkbox", { name: /I confirm this report/ }).check();
  await page.getByRole("button", { name: "Report and request a new card" }).click();
  await page.waitForURL(/\/cardholder\?reported=\d+/);

  const issuer = await as(browser, "issuer");
  await issuer.page.goto("/issuer/reissues");
  const request = issuer.page.getByRole("article", { name: new RegExp(`from ${TSUMUGI.name}$`) });
  await expect(request).toContainText("examination passed");
  await request.getByRole("checkbox", { name: /^Temporary card/ }).check();
  await request.getByRole("button", { name: "Approve and reissue" }).click();
  const decided = issuer.page.getByRole("status", { name: "Decisions" });
  await expect(decided).toContainText(`${TSUMUGI.name}: Approved. New temporary card ending`);
  cards.temporary = (await decided.textContent())!.match(new RegExp(`${TSUMUGI.name}: Approved\\. New temporary card ending (\\d{4})`))![1]!;

  // The issuer's card page marks it temporary, valid 30 days, replacing the lost card.
  await issuer.page.goto(`/issuer/cards?q=${encodeURIComponent(TSUMUGI.name.split(" ")[0]!)}`);
  await issuer.page.getByRole("link", { name: new RegExp(`${cards.temporary}$`) }).click();
  const facts = issuer.page.getByTestId("card-facts");
  await expect(facts).toContainText("active");
  await expect(facts).toContainText("temporary card");
  await expect(issuer.page.getByTestId("lineage")).toContainText("Replaces");
  await issuer.context.close();

  // Tsumugi: the temporary card is in use at once (a lost card's replacement needs no activation).
  await page.goto("/cardholder");
  await expect(cardHeadings(page)).toHaveCount(1);
  await expect(page.getByRole("heading", { name: `Card ending ${cards.temporary}` })).toBeVisible();
  await expect(page.getByTestId(`card-${cards.temporary}`)).toContainText("Temporary card");
  await expect(page.getByTestId("activate-card")).toHaveCount(0);
  await expect(page.getByRole("list", { name: "Earlier cards" })).toContainText("(lost)");
  await tsumugi.close();
});

test("providers treat the temporary card like any reissued card: Metro's desk reloads Metro Pass on it by method 1", async ({ browser }) => {
  await metroReloadsMetroPass(browser, cards.temporary!);
});

test("the issuer issues the permanent card; Tsumugi activates it and the temporary card stops", async ({ browser }) => {
  const issuer = await as(browser, "issuer");
  await issuer.page.goto(`/issuer/cards?q=${encodeURIComponent(TSUMUGI.name.split(" ")[0]!)}`);
  await issuer.page.getByRole("link", { name: new RegExp(`${cards.temporary}$`) }).click();
  // Issuing it is the issuer's: the same request replayed by a provider desk or a cardholder is refused.
  const issue = await capture(issuer.page, () => issuer.page.getByRole("button", { name: "Issue the permanent card" }).click());
  for (const key of ["metro", "hana"] as const) {
    const other = await browser.newContext({ storageState: ACCOUNTS[key].state });
    const answer = await replay(other.request, issue, new URL(issuer.page.url()).origin);
    expect(answer.status !== 200 || answer.text.includes("This needs an issuer account."), `${key}: issue the permanent card (${answer.status})`).toBe(true);
    await other.close();
  }
  await issuer.page.reload();
  await expect(issuer.page.getByTestId("new-card-id")).toHaveCount(0); // still not replaced
  await issuer.page.getByRole("button", { name: "Issue the permanent card" }).click();
  // The new card's page: issued (waiting for activation), replacing the temporary card.
  await issuer.page.waitForURL(/\/issuer\/cards\/[0-9a-f-]{36}\?permanent=1$/);
  await expect(issuer.page.getByRole("main").getByRole("status").first()).toContainText(`the temporary card ending ${cards.temporary} works until then`);
  cards.permanent = (await issuer.page.getByRole("heading", { level: 1 }).textContent())!.slice(-4);
  const facts = issuer.page.getByTestId("card-facts");
  await expect(facts).toContainText("issued");
  await expect(facts).not.toContainText("temporary card");
  await expect(issuer.page.getByTestId("lineage")).toContainText("(permanent)");
  // Only once: the temporary card's page no longer offers it.
  await issuer.page.getByTestId("old-card-id").click();
  await expect(issuer.page.getByTestId("new-card-id")).toBeVisible();
  await expect(issuer.page.getByRole("button", { name: "Issue the permanent card" })).toHaveCount(0);
  await issuer.context.close();

  const tsumugi = await cardholder(browser);
  const page = tsumugi.page;
  await page.goto("/cardholder");
  // Until she activates it, the temporary card keeps working.
  const activate = page.getByTestId("activate-card");
  await expect(activate).toContainText(`your card ending ${cards.temporary} keeps working until then`);
  await expect(cardHeadings(page)).toHaveCount(2);
  await activate.getByRole("button", { name: `Activate card ending ${cards.permanent}` }).click();
  await page.waitForURL(/\/cardholder\?activated=\d{4}$/);
  await expect(page.getByRole("main").getByRole("status").first()).toContainText(`Your card ending ${cards.permanent} is active`);
  await expect(cardHeadings(page)).toHaveCount(1);
  await expect(page.getByRole("heading", { name: `Card ending ${cards.permanent}` })).toBeVisible();
  await expect(page.getByTestId(`card-${cards.permanent}`)).not.toContainText("Temporary card");
  await expect(page.getByRole("list", { name: "Earlier cards" })).toContainText("(permanent)");
  await tsumugi.close();
});

test("the reload on the temporary card follows: Metro's desk reloads Metro Pass on the permanent card by method 1", async ({ browser }) => {
  await metroReloadsMetroPass(browser, cards.permanent!);
});
