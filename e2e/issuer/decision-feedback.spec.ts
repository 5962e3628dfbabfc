import { expect, test, type Page } from "../fixtures/test";
import { signIn, expectSignedInAs } from "../fixtures/sign-in";
import { nameOf } from "../fixtures/people";

/**
 * Every decision in the reissue queue ends in an announced outcome (issue 15, "reliable feedback"):
 * even when the live queue drops the request before the answer arrives, when another operator decided
 * first, and worded for people (company names, the cardholder's name). Uses Koharu Ishikawa's, Rin
 * Hashimoto's and Yui Matsumoto's cards, which no other spec touches.
 */

const request = (page: Page, cardholder: string) => page.getByRole("article", { name: new RegExp(`from ${cardholder}$`) });
const decisions = (page: Page) => page.getByRole("status", { name: "Decisions" });

/** An operator reports the cardholder's card damaged on their behalf (a new pending request). */
async function reportDamaged(page: Page, cardholder: string): Promise<void> {
  await page.goto(`/issuer/cards?q=${encodeURIComponent(cardholder.split(" ")[0]!)}`);
  await page.getByRole("table", { name: "Cards" }).getByRole("row").filter({ hasText: cardholder }).getByRole("link").first().click();
  const form = page.getByRole("form", { name: /Report the card ending/ });
  await form.getByRole("radio", { name: /^Damaged/ }).check();
  await form.getByRole("checkbox", { name: /The cardholder confirmed this report/ }).check();
  await form.getByRole("button", { name: "Report and request a new card" }).click();
  await expect(page.getByRole("main").getByRole("status").filter({ hasText: "filed" })).toContainText(/Request #\d+ filed\./);
}

async function setDelivery(page: Page, provider: string, value: "push" | "pull"): Promise<void> {
  await page.goto("/issuer/providers");
  const form = page.getByRole("form", { name: `Reissuance information delivery to ${provider}` });
  await form.getByLabel("Reissuance information (platform 100)").selectOption(value);
  await form.getByRole("button", { name: "Save delivery" }).click();
  await expect(form.getByRole("status")).toContainText(value === "pull" ? "will pull reissuance information at reload time" : "will be pushed");
}

test("an approval is announced even when the live queue drops the request before the answer arrives", async ({ page }) => {
  await reportDamaged(page, nameOf("Koharu Ishikawa"));
  await page.goto("/issuer/reissues");
  const koharu = request(page, nameOf("Koharu Ishikawa"));
  // Hold the action's answer (the approval is committed by then) until a poll of the live queue has
  // come back without the request and the page has dropped it: the order in which the banner used to
  // be lost with the request's own form state.
  await page.route("**/issuer/reissues", async (route) => {
    if (route.request().method() !== "POST") return route.continue();
    const answer = await route.fetch();
    await page.waitForResponse(
      async (r) =>
        r.url().endsWith("/issuer/reissues/feed") &&
        ((await r.json()) as { pending: { cardholder: { name: string } }[] }).pending.every((p) => p.cardholder.name !== nameOf("Koharu Ishikawa")),
    );
    await expect(koharu).toHaveCount(0);
    await route.fulfill({ response: answer });
  });
  await koharu.getByRole("button", { name: "Approve and reissue" }).click();
  await expect(decisions(page)).toContainText(new RegExp(String.raw`${nameOf("Koharu Ishikawa")}: Approved\. New card ending \d{4}\.`));
  await expect(decisions(page)).toContainText(
    `Hoshi Card Services, Metro Transit, and Sakura Points will reload their applications when ${nameOf("Koharu Ishikawa")} visits.`,
  );
  await expect(decisions(page)).toContainText("were told of the new card now.");
  await page.unrouteAll({ behavior: "wait" });
});

test("a request another operator decided first tells the second operator who decided it and when", async ({ page, browser }) => {
  await reportDamaged(page, nameOf("Rin Hashimoto"));
  // The second operator, Takeshi Ono, in his own browser, with a queue that has not refreshed yet.
  const second = await browser.newContext({ storageState: { cookies: [], origins: [] } }); // not the project's saved sign-in
  const takeshi = await second.newPage();
  await signIn(takeshi, "supervisor@recard.test");
  await expectSignedInAs(takeshi, "Takeshi Ono");
  let frozen = true;
  await takeshi.route("**/issuer/reissues/feed", (route) => (frozen ? route.abort() : route.continue()));
  await takeshi.goto("/issuer/reissues");
  await expect(request(takeshi, nameOf("Rin Hashimoto"))).toBeVisible();

  await page.goto("/issuer/reissues");
  const rin = request(page, nameOf("Rin Hashimoto"));
  await rin.getByLabel("Reason for the rejection").fill("The card was reported by phone without the holder's confirmation; please visit a branch.");
  await rin.getByRole("button", { name: "Reject" }).click();
  await expect(decisions(page)).toContainText(`${nameOf("Rin Hashimoto")}: Rejected. The cardholder sees your reason.`);

  await request(takeshi, nameOf("Rin Hashimoto")).getByRole("button", { name: "Approve and reissue" }).click();
  await expect(decisions(takeshi)).toContainText(
    new RegExp(String.raw`${nameOf("Rin Hashimoto")}: already rejected by Aiko Tanaka at [A-Z][a-z]{2} \d{1,2}, \d{4}, .+\. Your decision was not recorded\.`),
  );
  frozen = false;
  await expect(request(takeshi, nameOf("Rin Hashimoto"))).toHaveCount(0);
  await expect(
    takeshi
      .getByRole("table", { name: "Latest decisions" })
      .getByRole("row")
      .filter({ hasText: nameOf("Rin Hashimoto") })
      .first(),
  ).toContainText("Aiko Tanaka");
  await second.close();
});

test("with every provider on pull, the approval names the companies that will reload at the cardholder's visit", async ({ page }) => {
  const providers = ["Metro Transit", "Hoshi Card Services", "Sakura Points"];
  await reportDamaged(page, nameOf("Yui Matsumoto"));
  try {
    for (const p of providers) await setDelivery(page, p, "pull");
    await page.goto("/issuer/reissues");
    await request(page, nameOf("Yui Matsumoto")).getByRole("button", { name: "Approve and reissue" }).click();
    await expect(decisions(page)).toContainText(new RegExp(String.raw`${nameOf("Yui Matsumoto")}: Approved\. New card ending \d{4}\.`));
    await expect(decisions(page)).toContainText(
      `Hoshi Card Services and Metro Transit will reload their applications when ${nameOf("Yui Matsumoto")} visits. Hoshi Card Services and Metro Transit will ask for it at that visit.`,
    );
    await expect(decisions(page)).not.toContainText("No provider");
  } finally {
    for (const p of providers) await setDelivery(page, p, "push");
  }
});
