import { expect, test, type Browser, type Page } from "../fixtures/test";
import { signIn } from "../fixtures/sign-in";
import { as, presentationCode, readCard, takeCard } from "../provider/desk-helpers";
import { nameOf } from "../fixtures/people";

/**
 * Issue 13, a provider application's own keys at the desk (docs/provider.md "Application keys"): Metro's
 * desk first-loads Metro Cycle on Aoi Shimizu's platform-100 card and, in the same card session, Metro's
 * server gives it keys of its own (the desk relays APDUs only); at her next visit the desk rotates them
 * (01 → 02 inside the application's own channel). Metro Pass, loaded before desks gave keys, has none: its
 * rotation is refused with the card's status word. Continues on the journeys' database; no earlier file
 * touches Aoi (a later issuer rotation, if any, is taken by the card at the desk first).
 */
test.describe.configure({ mode: "serial" });
// A presented card's APDUs are relayed requests (a database transaction each): a load is tens of them.
test.setTimeout(240_000);
const LOAD = { timeout: 90_000 };
const AOI = "aoi.shimizu@mail.example";

async function aoi(browser: Browser): Promise<{ page: Page; close: () => Promise<void> }> {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await signIn(page, AOI);
  await page.waitForURL(/\/cardholder/);
  return { page, close: () => context.close() };
}

test("Metro's server keys Metro Cycle at its first load; the next visit rotates the keys; Metro Pass has none to rotate", async ({ browser }) => {
  const holder = await aoi(browser);
  const metro = await as(browser, "metro");
  const desk = metro.page;

  await takeCard(desk, await presentationCode(holder.page));
  await readCard(desk);
  await desk.getByRole("button", { name: "First load" }).click();
  const form = desk.getByRole("form", { name: "Load an application for the first time" });
  await form.getByRole("radio", { name: "New customer" }).check();
  await form.getByLabel("Full name").fill(nameOf("Aoi Shimizu"));
  await form.getByRole("checkbox", { name: /^Metro Cycle/ }).check();
  await form.getByRole("button", { name: "Examine and ask the issuer for a loading permission" }).click();
  const result = desk.getByTestId("first-load-result");
  await expect(result).toContainText("Metro Cycle loaded under", LOAD);
  await expect(result).toContainText("its own keys installed (version 01)");
  const keysOp = desk.getByTestId("card-op").filter({ hasText: "Give Metro Cycle its own keys" });
  await expect(keysOp).toContainText("Metro Cycle holds keys of its own (version 01)");
  await keysOp.getByText(/^\d+ APDUs?$/).click();
  // GET DATA 7F49 then PUT KEY P1 00: the key agreement, relayed.
  await expect(keysOp).toContainText("80CA7F49");
  await expect(keysOp).toContainText("80D80081");
  await expect(desk.getByTestId("card-return")).toContainText("returned to the cardholder", LOAD);

  // The next visit: the card's panel offers each of our applications' keys.
  await takeCard(desk, await presentationCode(holder.page));
  await readCard(desk);
  const keys = desk.getByRole("region", { name: "Keys of our applications" });
  await keys.getByRole("button", { name: "Rotate the keys of Metro Cycle" }).click();
  const outcome = keys.getByTestId("application-keys-result");
  await expect(outcome).toHaveAttribute("role", "status", LOAD);
  await expect(outcome).toContainText("Metro Cycle's own keys are now version 02");
  await expect(keys.getByTestId("card-op").filter({ hasText: "Rotate Metro Cycle's own keys" })).toContainText("moved to version 02");

  await keys.getByRole("button", { name: "Rotate the keys of Metro Pass" }).click();
  await expect(outcome).toHaveAttribute("role", "alert", LOAD);
  await expect(outcome).toContainText("Metro Pass: keys not rotated, it has no keys of its own yet");
  await expect(outcome).toContainText("status word 6A88");

  await desk.getByRole("button", { name: "Return the card now" }).click();
  await expect(desk.getByTestId("card-return")).toContainText("returned to the cardholder");
  await Promise.all([holder.close(), metro.context.close()]);
});
