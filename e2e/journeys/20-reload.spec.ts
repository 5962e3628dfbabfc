import { expect, test, type Page } from "../fixtures/test";
import { recordResponses } from "../fixtures/private-keys";
import { screenshot } from "../fixtures/screenshot";
import { as, auditView, checkReload, insertImageFile, presentationCode, readCard, takeCard, testCardImage } from "../provider/desk-helpers";
import { kanaOf, nameOf } from "../fixtures/people";

/**
 * Issue 6, the service provider's half of the patent end to end with a card in the desk's reader.
 * Continues from 10-reissue.spec.ts on the same database: Hana's platform-100 card reissued with
 * Metro Transit and Sakura Points notified (push), Kenji's platform-200 card reissued.
 */
test.describe.configure({ mode: "serial" });
// Every APDU of a presented card is a relayed request (a database transaction): a load is tens of them,
// so a busy machine needs longer waits for a load's outcome (no timing is asserted).
test.setTimeout(240_000);
const LOAD = { timeout: 90_000 };

const steps = (desk: Page) => desk.getByRole("list", { name: "Steps of the reload case" });

/** The review shows the old examination as reused and the reissue fee instead of the normal one. */
async function expectReview(desk: Page, aid: string, fee: { reissue: string; normal: string }, oldCharge = "normal load") {
  const review = desk.getByTestId(`review-${aid}`);
  await expect(review.getByTestId("old-examination")).toContainText("approved");
  await expect(review.getByTestId("old-examination")).toContainText("reused");
  await expect(review.getByTestId("old-examination")).toContainText("Not redone.");
  await expect(review.getByTestId("old-accounting")).toContainText(oldCharge);
  await expect(review.getByTestId("reissue-charge")).toContainText(`${fee.reissue} reissue fee`);
  await expect(review.getByTestId("reissue-charge")).toContainText(`instead of the normal ${fee.normal}`);
}

test("Metro reloads Hana's transit application on her reissued platform-100 card by method 1 (notification pushed earlier)", async ({ browser }) => {
  const hana = await as(browser, "hana");
  const metro = await as(browser, "metro");
  // Everything the desk page receives during the journey, scanned for private keys at the end.
  const responses = recordResponses(metro.page);
  await takeCard(metro.page, await presentationCode(hana.page));
  const last4 = (await metro.page.getByTestId("visit-card").textContent())!.match(/Card ending (\d{4})/)![1]!;
  // Issue 15: screenshots of the desk before and after reading a reissued card (artifacts of the run).
  await screenshot(metro.page, test.info(), "desk-before-reading-reissued-card-en");
  await readCard(metro.page);
  await expect(metro.page.getByTestId("card-reading")).toContainText("method 1");

  // The guided desk: one panel says whose card it is, that it replaces her old card, what can be
  // reloaded and at what fee, and offers that reload as the next action (clerk view: no patent steps).
  const guide = metro.page.getByRole("region", { name: "This card" });
  await expect(guide).toContainText(`${nameOf("Hana Sato")} (${kanaOf("Hana Sato")})'s card (customer MET-00001)`);
  await expect(guide).toContainText(/This card replaces …\d{4}\./);
  expect((await guide.textContent())!.match(/This card replaces …(\d{4})/)![1]).not.toBe(last4);
  await expect(guide.getByTestId("can-reload-F0524300010001")).toHaveText(
    "can be reloaded Metro Pass can be reloaded: ¥200 reissue fee instead of ¥500; the old examination is reused.",
  );
  await expect(metro.page.getByRole("switch", { name: "Audit view" })).not.toBeChecked();
  await screenshot(metro.page, test.info(), "desk-after-reading-reissued-card-en");
  // The reload needs no other choice: no form, no flow to pick, straight to the review.
  await guide.getByRole("button", { name: "Reload Metro Pass" }).click();
  await expect(metro.page.getByRole("button", { name: "Confirm and reload Metro Pass" })).toBeVisible();
  await expect(metro.page.getByRole("form", { name: "Reload applications on a reissued card" })).toHaveCount(0);
  await expect(steps(metro.page)).toHaveCount(0);
  await expect(metro.page.getByTestId("old-examination")).not.toContainText("claim 12");

  await auditView(metro.page);
  await expect(steps(metro.page)).toContainText("Platform type dispatched (Fig. 18)");
  await expect(steps(metro.page)).toContainText("Found in the reissuance information received");
  await expect(steps(metro.page)).toContainText("notified by the issuer");
  await expect(steps(metro.page)).toContainText("Old card found in our records (Fig. 14)");
  await expectReview(metro.page, "F0524300010001", { reissue: "¥200", normal: "¥500" });

  await metro.page.getByRole("button", { name: "Confirm and reload Metro Pass" }).click();
  const result = metro.page.getByTestId("reload-result");
  await expect(result).toContainText("Metro Pass reloaded under RECARD01-METRO01-I", LOAD);
  await expect(result).toContainText("¥200 reissue fee charged");
  // The seeded transit balance on the old card carries over (issue 12: the value ledger).
  await expect(result).toContainText("works on the card (balance ¥2,000)");
  await expect(steps(metro.page)).toContainText("Reload permission granted for Metro Pass");
  // The application works: checked through the reader (SELECT + READ BALANCE, in the trace).
  const check = metro.page.getByTestId("card-op").filter({ hasText: "Metro Pass works on the card" });
  await expect(check).toContainText("answers, balance ¥2,000");
  await check.getByText("3 APDUs").click();
  await expect(check).toContainText("805C0000");
  // The card went back to Hana's wallet at the end of the flow.
  await expect(metro.page.getByTestId("card-return")).toContainText("returned to the cardholder", LOAD);
  // The card never left the wallet: the desk page received no private key (card, issuer or company).
  await responses.expectNoPrivateKeys();

  // The load record: a reload linked to the old load, with the old examination and the reissue charge.
  const messageId = (await result.locator("span.font-mono").first().textContent())!.trim();
  await metro.page.goto(`/provider/records?q=${messageId}`);
  await metro.page.getByRole("link", { name: messageId }).click();
  const record = metro.page.getByTestId("load-record");
  await expect(record).toContainText("reload");
  await expect(record).toContainText("¥200 (reissue reload)");
  await expect(record).toContainText("RECARD01-METRO01-I0000000001");

  // Hana sees Metro Pass on her new card (the issuer verified the card's receipt).
  await hana.page.goto("/cardholder");
  const onCard = hana.page.getByRole("list", { name: `Applications on card ending ${last4}` });
  await expect(onCard).toContainText("Metro Pass");
  await expect(onCard.getByRole("listitem").filter({ hasText: "Metro Pass" }).getByTestId("carried-over")).toContainText(
    /¥2,000 carried over from card …\d{4}/,
  );
  await Promise.all([hana.context.close(), metro.context.close()]);
});

test("refusal 710: Metro Cycle was not on Hana's old card; the operator continues as a normal first load", async ({ browser }) => {
  const hana = await as(browser, "hana");
  const metro = await as(browser, "metro");
  await takeCard(metro.page, await presentationCode(hana.page));
  await readCard(metro.page);
  // Metro Pass is on the card now: the guided desk offers nothing to reload, and the reload form does not offer it.
  await expect(metro.page.getByRole("region", { name: "This card" })).toContainText("On the card: Metro Pass");
  await auditView(metro.page);
  await metro.page.getByRole("button", { name: "Reload on a reissued card" }).click();
  const reloadForm = metro.page.getByRole("form", { name: "Reload applications on a reissued card" });
  await expect(reloadForm.getByRole("checkbox", { name: /^Metro Pass/ })).toHaveCount(0);
  await reloadForm.getByRole("checkbox", { name: /^Metro Cycle/ }).check();
  await reloadForm.getByRole("button", { name: /^Check the card/ }).click();
  const refusal = metro.page.getByTestId("refusal").first();
  await expect(refusal).toContainText("Reload refused: Application not on the old card (step 710)");
  await expect(refusal).toContainText("was not on the old card, so it cannot be reloaded");
  await expect(metro.page.getByRole("button", { name: /^Confirm and reload/ })).toHaveCount(0);

  await metro.page.getByRole("button", { name: "Continue as a normal first load" }).click();
  const form = metro.page.getByRole("form", { name: "Load an application for the first time" });
  await expect(form).toContainText("Continuing the refused reload as a normal first load");
  await expect(form.getByRole("checkbox", { name: /^Metro Cycle/ })).toBeChecked();
  // Already on the card: offered neither ticked nor tickable.
  await expect(form.getByRole("checkbox", { name: /^Metro Pass/ })).not.toBeChecked();
  await expect(form.getByRole("checkbox", { name: /^Metro Pass/ })).toBeDisabled();
  await expect(form.getByLabel("Customer number")).toHaveValue("MET-00001");
  await form.getByRole("button", { name: "Examine and ask the issuer for a loading permission" }).click();
  await expect(metro.page.getByTestId("first-load-result")).toContainText("Metro Cycle loaded under RECARD01-METRO01-I", LOAD);
  await expect(metro.page.getByTestId("first-load-result")).toContainText("¥300 normal fee charged");
  await expect(metro.page.getByTestId("card-return")).toContainText("returned to the cardholder", LOAD);

  // The refused case is on record with its step and reason.
  await metro.page.goto("/provider/desk");
  const cases = metro.page.getByRole("table", { name: "Recent reload cases" });
  await expect(cases.getByRole("row").nth(1)).toContainText("Application not on the old card (step 710)");
  await Promise.all([hana.context.close(), metro.context.close()]);
});

test("Hoshi reloads Kenji's credit application on his reissued platform-200 card by method 2", async ({ browser }) => {
  const kenji = await as(browser, "kenji");
  const hoshi = await as(browser, "hoshi");
  const responses = recordResponses(hoshi.page);
  await takeCard(hoshi.page, await presentationCode(kenji.page));
  await readCard(hoshi.page);
  await expect(hoshi.page.getByTestId("card-reading")).toContainText("method 2");
  await expect(hoshi.page.getByTestId("card-reading")).toContainText("90 bytes");
  await checkReload(hoshi.page, { names: ["Hoshi Credit"] });

  await expect(steps(hoshi.page)).toContainText("Card information inquiry for Hoshi Credit");
  await expect(steps(hoshi.page)).toContainText("Reissue OK; the application was loaded on the old card under message id RECARD01-HOSHI01-I");
  await expectReview(hoshi.page, "F0524300020001", { reissue: "¥300", normal: "¥1,500" });
  const limit = (await hoshi.page.getByTestId("old-examination").textContent())!.match(/Limit (¥\d{1,3}(?:,\d{3})*)/)![1]!;

  await hoshi.page.getByRole("button", { name: "Confirm and reload Hoshi Credit" }).click();
  const result = hoshi.page.getByTestId("reload-result");
  await expect(result).toContainText("Hoshi Credit reloaded under RECARD01-HOSHI01-I", LOAD);
  await expect(result).toContainText("¥300 reissue fee charged");
  // The reused examination's limit is what the card now holds, read back through the reader.
  await expect(result).toContainText(`works on the card (credit limit ${limit}`);
  await expect(hoshi.page.getByTestId("card-return")).toContainText("returned to the cardholder", LOAD);
  // Method 2: the desk never saw a card id, and received no private key.
  await expect(hoshi.page.getByRole("main")).not.toContainText(/Card id[0-9A-F]{16}/);
  await responses.expectNoPrivateKeys();
  await Promise.all([kenji.context.close(), hoshi.context.close()]);
});

test("refusal: Hoshi asks about Sakura's application on Kenji's card; the issuer answers NG and no message id", async ({ browser }) => {
  const kenji = await as(browser, "kenji");
  const hoshi = await as(browser, "hoshi");
  await takeCard(hoshi.page, await presentationCode(kenji.page));
  await readCard(hoshi.page);
  await checkReload(hoshi.page, { aid: "F0524300030001" });
  await expect(steps(hoshi.page)).toContainText("Reissue NG: application-not-on-old-card.");
  await expect(hoshi.page.getByTestId("refusal").first()).toContainText("Application not on the old card (step 1107)");
  await expect(hoshi.page.getByRole("main")).not.toContainText("RECARD01-SAKURA01");
  // Not ours to load: no first-load offer, only the end of the visit.
  await expect(hoshi.page.getByRole("button", { name: "Continue as a normal first load" })).toHaveCount(0);
  await hoshi.page.getByRole("button", { name: "Finish and return the card" }).click();
  await expect(hoshi.page.getByTestId("card-return")).toContainText("returned to the cardholder", LOAD);

  await hoshi.page.goto("/provider/reissuance?q=F0524300030001");
  await expect(hoshi.page.getByRole("table", { name: "Card information inquiries" })).toContainText("NG: application not on the old card");
  await Promise.all([kenji.context.close(), hoshi.context.close()]);
});

test("refusal 707: a card that was never reissued, after asking the issuer (Fig. 19 pull)", async ({ browser }) => {
  const metro = await as(browser, "metro");
  const card = await testCardImage(100, "e2e/journeys/never-reissued");
  await metro.page.goto("/provider/desk");
  await insertImageFile(metro.page, card.json);
  await readCard(metro.page);
  await checkReload(metro.page, { names: ["Metro Pass"] });
  await expect(steps(metro.page)).toContainText("Not in the reissuance information received: asking the issuer (Fig. 19)");
  await expect(steps(metro.page)).toContainText("The issuer has no reissuance information for us");
  await expect(metro.page.getByTestId("refusal").first()).toContainText("Reload refused: Not a reissued card (step 707)");
  await expect(metro.page.getByTestId("refusal").first()).toContainText("This card is not a reissued card");
  await metro.page.getByRole("button", { name: "Finish and return the card" }).click();
  await expect(metro.page.getByTestId("card-return")).toContainText("Test card removed from the reader.");
  await metro.context.close();
});

test("method 1 by pull (Fig. 19): Metro is set to pull, Hana's card is reissued again, and the desk asks the issuer and reloads both Metro applications in one flow", async ({
  browser,
}) => {
  const issuer = await as(browser, "issuer");
  const setDelivery = async (value: "push" | "pull") => {
    await issuer.page.goto("/issuer/providers");
    const form = issuer.page.getByRole("form", { name: "Reissuance information delivery to Metro Transit" });
    await form.getByLabel("Reissuance information (platform 100)").selectOption(value);
    await form.getByRole("button", { name: "Save delivery" }).click();
    await expect(form.getByRole("status")).toContainText(value === "pull" ? "will pull reissuance information at reload time" : "will be pushed");
  };
  await setDelivery("pull");

  // Hana reports the card she now holds (with Metro Pass and Metro Cycle on it); the issuer approves.
  const hana = await as(browser, "hana");
  await hana.page.goto("/cardholder");
  await hana.page.getByRole("link", { name: "Report lost, stolen or damaged" }).first().click();
  await hana.page.getByRole("radio", { name: /^Lost/ }).check();
  await hana.page.getByRole("checkbox", { name: /I confirm this report/ }).check();
  await hana.page.getByRole("button", { name: "Report and request a new card" }).click();
  await hana.page.waitForURL(/\/cardholder\?reported=\d+/);
  await issuer.page.goto("/issuer/reissues");
  const request = issuer.page.getByRole("article", { name: new RegExp(String.raw`from ${nameOf("Hana Sato")}$`) });
  await request.getByRole("button", { name: "Approve and reissue" }).click();
  const decided = issuer.page.getByRole("status", { name: "Decisions" });
  await expect(decided).toContainText("Metro Transit will ask for it at that visit.");
  const newLast4 = (await decided.textContent())!.match(new RegExp(String.raw`${nameOf("Hana Sato")}: Approved\. New card ending (\d{4})`))![1]!;

  // The new card arrives and Hana activates it (no desk reloads on a card waiting for activation).
  await hana.page.goto("/cardholder");
  await hana.page.getByRole("button", { name: `Activate card ending ${newLast4}` }).click();
  await hana.page.waitForURL(new RegExp(`/cardholder\\?activated=${newLast4}$`));

  // Nothing was pushed to Metro: the desk reads the new card id, does not find it, and asks (408/409).
  const metro = await as(browser, "metro");
  await takeCard(metro.page, await presentationCode(hana.page));
  await readCard(metro.page);
  await checkReload(metro.page, { names: ["Metro Pass", "Metro Cycle"] });
  await expect(steps(metro.page)).toContainText("Not in the reissuance information received: asking the issuer (Fig. 19)");
  await expect(steps(metro.page)).toContainText("Reissuance information received from the issuer");
  // Metro Pass on the card being replaced was itself a reload (charged as one); Metro Cycle a first load.
  await expectReview(metro.page, "F0524300010001", { reissue: "¥200", normal: "¥500" }, "reissue reload");
  await expectReview(metro.page, "F0524300010002", { reissue: "¥100", normal: "¥300" });
  await expect(metro.page.getByTestId("review-F0524300010002").getByTestId("reissue-charge")).toContainText("¥100 reissue fee");
  await metro.page.getByRole("button", { name: "Confirm and reload 2 applications" }).click();
  const result = metro.page.getByTestId("reload-result");
  await expect(result).toContainText("Metro Pass reloaded under", LOAD);
  await expect(result).toContainText("Metro Cycle reloaded under", LOAD);
  await expect(result).toContainText("¥100 reissue fee charged");
  await expect(metro.page.getByTestId("card-op").filter({ hasText: "works on the card" })).toHaveCount(2);
  await expect(metro.page.getByTestId("card-return")).toContainText("returned to the cardholder", LOAD);

  await metro.page.goto("/provider/reissuance");
  await expect(metro.page.getByRole("table", { name: "Reissued card pairs" }).getByRole("row").nth(1)).toContainText("pulled at the desk");

  await setDelivery("push");
  await Promise.all([issuer.context.close(), hana.context.close(), metro.context.close()]);
});

test("the first-load form keeps every value after an error and marks the field: a birth date in the future, then a customer number the server does not know", async ({
  browser,
}) => {
  const metro = await as(browser, "metro");
  const card = await testCardImage(100, "e2e/journeys/first-load-form");
  await metro.page.goto("/provider/desk");
  await insertImageFile(metro.page, card.json);
  await readCard(metro.page);
  await metro.page.getByRole("button", { name: "First load" }).click();
  const form = metro.page.getByRole("form", { name: "Load an application for the first time" });
  await form.getByRole("radio", { name: "New customer" }).check();
  await form.getByLabel("Full name").fill("Rin Aoki");
  await form.getByLabel("Birth date").fill("2099-01-01");
  await form.getByLabel("E-mail").fill("rin.aoki@mail.example");
  await form.getByLabel("Phone").fill("090-1234-5678");
  await form.getByLabel("Address").fill("1-2-3 Shibuya, Tokyo");
  await form.getByRole("checkbox", { name: /^Metro Pass/ }).check();
  await form.getByLabel("Declared annual income (JPY)").fill("4000000");
  await form.getByRole("button", { name: "Examine and ask the issuer for a loading permission" }).click();

  await expect(form.getByLabel("Birth date")).toHaveAttribute("aria-invalid", "true");
  await expect(form).toContainText("A birth date is not in the future.");
  await expect(form.getByLabel("Full name")).toHaveValue("Rin Aoki");
  await expect(form.getByLabel("Birth date")).toHaveValue("2099-01-01");
  await expect(form.getByLabel("E-mail")).toHaveValue("rin.aoki@mail.example");
  await expect(form.getByLabel("Phone")).toHaveValue("090-1234-5678");
  await expect(form.getByLabel("Address")).toHaveValue("1-2-3 Shibuya, Tokyo");
  await expect(form.getByRole("checkbox", { name: /^Metro Pass/ })).toBeChecked();
  await expect(form.getByLabel("Declared annual income (JPY)")).toHaveValue("4000000");
  await expect(form.getByLabel("Full name")).not.toHaveAttribute("aria-invalid", "true");
  // The form's limits are the server's (one schema).
  await expect(form.getByLabel("Full name")).toHaveAttribute("maxlength", "120");

  // A refusal only the server can make (no such customer): the same, every value kept.
  await form.getByRole("radio", { name: "Existing customer" }).check();
  await form.getByLabel("Customer number").fill("MET-99999");
  await form.getByRole("button", { name: "Examine and ask the issuer for a loading permission" }).click();
  await expect(form).toContainText("No customer of ours has this number.");
  await expect(form.getByLabel("Customer number")).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByLabel("Customer number")).toHaveValue("MET-99999");
  await expect(form.getByRole("checkbox", { name: /^Metro Pass/ })).toBeChecked();
  await expect(form.getByLabel("Declared annual income (JPY)")).toHaveValue("4000000");
  await metro.page.getByRole("button", { name: "Remove the card" }).click();
  await metro.context.close();
});
