import { expect, test, type Page } from "../fixtures/test";
import { recordResponses } from "../fixtures/private-keys";
import { as, presentationCode, readCard, takeCard } from "../provider/desk-helpers";
import { nameOf } from "../fixtures/people";

/**
 * Issue 13: the issuer rotates its permission-signing (and attribute-data) key; cards learn the new
 * version at their next desk visit, through the issuer's signed key update that the desk sends as PUT
 * KEY before the load; loads made before the rotation still verify. Continues on the journeys' shared
 * database: Kenji's reissued platform-200 card (10-reissue) holds key version 70.
 */
test.describe.configure({ mode: "serial" });
// A presented card's APDUs are relayed requests (a database transaction each): a load is tens of them.
test.setTimeout(240_000);
const LOAD = { timeout: 90_000 };

/** Hana's Metro Pass load in the seed: made and confirmed long before any rotation. */
const BEFORE_ROTATION = "RECARD01-METRO01-I0000000001";

async function verifyLoad(page: Page, messageId: string) {
  await page.goto("/issuer/keys");
  const form = page.getByRole("form", { name: "Verify a recorded load" });
  await form.getByLabel("Permission message id").fill(messageId);
  await form.getByRole("button", { name: "Verify" }).click();
  return form.getByRole("status").or(form.getByRole("alert"));
}

/** A first load at the desk for a new customer, the card presented by its cardholder. */
async function firstLoad(desk: Page, application: string, customer: string) {
  await readCard(desk);
  await desk.getByRole("button", { name: "First load" }).click();
  const form = desk.getByRole("form", { name: "Load an application for the first time" });
  await form.getByRole("radio", { name: "New customer" }).check();
  await form.getByLabel("Full name").fill(customer);
  await form.getByRole("checkbox", { name: new RegExp(`^${application}`) }).check();
  // Hoshi's policy asks every customer for a declared income.
  await form.getByLabel("Declared annual income (JPY)").fill("8400000");
  await form.getByLabel("Existing credit limits (JPY)").fill("0");
  await form.getByRole("button", { name: "Examine and ask the issuer for a loading permission" }).click();
  const result = desk.getByTestId("first-load-result");
  await expect(result).toContainText(`${application} loaded under`, LOAD);
  await expect(desk.getByTestId("card-return")).toContainText("returned to the cardholder", LOAD);
  return (await result.locator("span.font-mono").first().textContent())!.trim();
}

test("the issuer sees its key versions (no key, only fingerprints) and starts a rotation; a load from before it still verifies", async ({ browser }) => {
  const issuer = await as(browser, "issuer");
  await issuer.page.goto("/issuer/keys");
  const versions = issuer.page.getByRole("table", { name: "Issuer card key versions" });
  await expect(versions.getByRole("row")).toHaveCount(2);
  await expect(versions.getByRole("row").nth(1)).toContainText("70");
  await expect(versions.getByRole("row").nth(1)).toContainText("current");
  await expect(versions.getByRole("row").nth(1)).toContainText(/[0-9A-F]{4} [0-9A-F]{4} [0-9A-F]{4} [0-9A-F]{4}/);

  const rotation = issuer.page.getByRole("form", { name: "Start a key rotation" });
  await rotation.getByRole("button", { name: "Start a rotation" }).click();
  await expect(rotation).toContainText("Say why the keys rotate");
  await rotation.getByLabel("Reason").fill("Yearly rotation of the card keys.");
  await rotation.getByRole("button", { name: "Start a rotation" }).click();
  await expect(rotation).toContainText("Version 71", LOAD);
  await expect(rotation).toContainText("signs every permission from now on");
  await issuer.page.reload();
  await expect(versions.getByRole("row")).toHaveCount(3);
  await expect(versions.getByRole("row").nth(1)).toContainText("71");
  await expect(versions.getByRole("row").nth(1)).toContainText("current");
  await expect(versions.getByRole("row").nth(1)).toContainText("Aiko Tanaka");
  await expect(versions.getByRole("row").nth(2)).toContainText("70");
  await expect(versions.getByRole("row").nth(2)).toContainText("retired");

  // Receipts and tokens from before the rotation: the history still verifies them.
  const verdict = await verifyLoad(issuer.page, BEFORE_ROTATION);
  await expect(verdict).toContainText("its permission token verifies with issuer key version 70");
  await expect(verdict).toContainText("the card's receipt verifies");

  await issuer.page.goto("/issuer/audit");
  await expect(issuer.page.getByRole("table", { name: "Audit log" })).toContainText("Yearly rotation of the card keys.");
  await issuer.context.close();
});

test("Kenji's card has not learned key 71: Metro's desk updates it first (signed PUT KEY), then loads Metro Pass", async ({ browser }) => {
  const kenji = await as(browser, "kenji");
  const metro = await as(browser, "metro");
  const responses = recordResponses(metro.page);
  await takeCard(metro.page, await presentationCode(kenji.page));
  await firstLoad(metro.page, "Metro Pass", nameOf("Kenji Watanabe"));
  const update = metro.page.getByTestId("card-op").filter({ hasText: "Update the card's issuer key" });
  await expect(update).toContainText("The card took issuer key version 71 (it held 70).");
  // The update went before the load, as relayed APDUs: PUT KEY with the issuer's signed update, without
  // asking the card its key versions (GET DATA E0, which a platform-200 card answers only inside the ISD's channel).
  await update.getByText(/\d+ APDUs/).click();
  await expect(update).toContainText("80D87081");
  await expect(update).not.toContainText("80CA00E0");
  await responses.expectNoPrivateKeys();
  await Promise.all([kenji.context.close(), metro.context.close()]);
});

test("a card that learned key 71 at its last visit loads at another desk without an update", async ({ browser }) => {
  const kenji = await as(browser, "kenji");
  const hoshi = await as(browser, "hoshi");
  await takeCard(hoshi.page, await presentationCode(kenji.page));
  const messageId = await firstLoad(hoshi.page, "Hoshi Rewards", nameOf("Kenji Watanabe"));
  await expect(hoshi.page.getByTestId("card-op").filter({ hasText: "Update the card's issuer key" })).toHaveCount(0);
  await Promise.all([kenji.context.close(), hoshi.context.close()]);

  // The issuer: the load signed with 71 verifies with 71, the one from before the rotation with 70.
  const issuer = await as(browser, "issuer");
  await expect(await verifyLoad(issuer.page, messageId)).toContainText("verifies with issuer key version 71");
  await expect(await verifyLoad(issuer.page, BEFORE_ROTATION)).toContainText("verifies with issuer key version 70");
  await issuer.context.close();
});
