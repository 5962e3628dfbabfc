import { expect, test, type Page } from "../fixtures/test";
import { nameOf, searchFor } from "../fixtures/people";

/**
 * The reissue queue and the examination (steps 502–504, 902–904). Leaves Mei Ito's request pending
 * (the security suite replays decisions on it) and Hana's and Kenji's cards untouched (journeys).
 */

const request = (page: Page, cardholder: string) => page.getByRole("article", { name: new RegExp(`from ${cardholder}$`) });
const decisions = (page: Page) => page.getByRole("status", { name: "Decisions" });

test("each pending request shows the cardholder, the old card, its applications, the reason and the policy checklist", async ({ page }) => {
  await page.goto("/issuer/reissues");
  await expect(page.getByRole("heading", { name: "Reissue queue" })).toBeVisible();
  const mei = request(page, nameOf("Mei Ito"));
  await expect(mei).toContainText("damaged");
  await expect(mei).toContainText("Metro Pass");
  await expect(mei).toContainText("Metro Cycle");
  await expect(mei).toContainText("PF 100");
  const checklist = mei.getByRole("list", { name: "Examination checklist" });
  await expect(checklist.getByRole("listitem")).toHaveCount(4);
  for (const check of ["Identity verified", "Reissues this year", "Card status", "No fraud flag"]) await expect(checklist).toContainText(check);
  await expect(request(page, nameOf("Ren Suzuki"))).toContainText("PF 200");
  await expect(page.getByText(/pending · live, updated/)).toBeVisible();
});

test("a rejection needs a reason; with one, the request leaves the queue and the decision is recorded", async ({ page }) => {
  await page.goto("/issuer/reissues");
  const ren = request(page, nameOf("Ren Suzuki"));
  await ren.getByRole("button", { name: "Reject" }).click();
  await expect(ren.getByText("Tell the cardholder why (at least a few words).")).toBeVisible();
  await ren.getByLabel("Reason for the rejection").fill("The theft report could not be matched; please call the card desk.");
  await ren.getByRole("button", { name: "Reject" }).click();
  await expect(decisions(page)).toContainText(`${nameOf("Ren Suzuki")}: Rejected. The cardholder sees your reason.`);
  await expect(ren).toHaveCount(0);
  const row = page
    .getByRole("table", { name: "Latest decisions" })
    .getByRole("row")
    .filter({ hasText: nameOf("Ren Suzuki") });
  await expect(row).toContainText("rejected");
  await expect(row).toContainText("The theft report could not be matched");
  await page.goto("/issuer/audit");
  await expect(page.getByRole("table", { name: "Audit log" }).getByRole("row").filter({ hasText: "reissue.reject" }).first()).toContainText("Aiko Tanaka");
});

test("a report on the cardholder's behalf that fails the examination is approved only by a written override", async ({ page }) => {
  await page.goto(`/issuer/cards?${searchFor("Takumi Inoue")}`);
  await page.getByRole("table", { name: "Cards" }).getByRole("row").nth(1).getByRole("link").click();
  await expect(page.getByTestId("card-facts")).toContainText("fraud flag");
  const form = page.getByRole("form", { name: /Report the card ending/ });
  await form.getByRole("radio", { name: /^Damaged/ }).check();
  await form.getByRole("checkbox", { name: /The cardholder confirmed this report/ }).check();
  await form.getByRole("button", { name: "Report and request a new card" }).click();
  await expect(page.getByRole("main").getByRole("status").filter({ hasText: "filed" })).toContainText(/Request #\d+ filed\. It waits in the reissue queue\./);

  await page.goto("/issuer/reissues");
  const takumi = request(page, nameOf("Takumi Inoue"));
  await expect(takumi).toContainText("examination failed");
  await expect(takumi.getByRole("list", { name: "Examination checklist" }).getByRole("listitem").filter({ hasText: "No fraud flag" })).toContainText("failed");
  await takumi.getByRole("button", { name: "Approve by override" }).click();
  await expect(takumi.getByRole("alert")).toContainText("The examination failed (no fraud flag): approve only with an override reason, or reject.");
  await takumi.getByLabel("Override reason (the examination failed)").fill("The fraud desk cleared the flag by phone today (ticket 4411).");
  await takumi.getByRole("button", { name: "Approve by override" }).click();
  await expect(decisions(page)).toContainText(`${nameOf("Takumi Inoue")}: Approved. New card ending`);
  await expect(decisions(page)).toContainText(
    `Metro Transit will reload its applications when ${nameOf("Takumi Inoue")} visits. Platform 200: nobody is told now; it asks at that visit.`,
  );
  await expect(
    page
      .getByRole("table", { name: "Latest decisions" })
      .getByRole("row")
      .filter({ hasText: nameOf("Takumi Inoue") })
      .first(),
  ).toContainText("override");
});

test("the examination policy is editable, validated and audited", async ({ page }) => {
  await page.goto("/issuer/reissues");
  await page.getByRole("link", { name: "Examination policy" }).click();
  const form = page.getByRole("form", { name: "Examination policy" });
  await form.getByLabel("Reissues allowed per cardholder per year").fill("3");
  await form.getByRole("button", { name: "Save policy" }).click();
  await expect(page.locator("#reason-error")).toHaveText("Say why the policy changes (the audit log keeps it).");
  await expect(form.getByLabel("Reissues allowed per cardholder per year")).toHaveValue("3"); // kept after the refusal
  await form.getByLabel("Reissues allowed per cardholder per year").fill("3");
  await form.getByLabel("Reason for the change").fill("Tourist season: more lost cards.");
  await form.getByRole("button", { name: "Save policy" }).click();
  await expect(page.getByRole("main").getByRole("status")).toContainText("Policy saved");
  await page.goto("/issuer/reissues");
  await expect(page.getByText(/at most 3 reissues a year/)).toBeVisible();
  // Back to the seeded policy for the journeys.
  await page.goto("/issuer/reissues/policy");
  await form.getByLabel("Reissues allowed per cardholder per year").fill("2");
  await form.getByLabel("Reason for the change").fill("Season over.");
  await form.getByRole("button", { name: "Save policy" }).click();
  await expect(page.getByRole("main").getByRole("status")).toContainText("Policy saved");
  await page.goto("/issuer/audit");
  await expect(page.getByRole("table", { name: "Audit log" })).toContainText("Tourist season: more lost cards.");
});
