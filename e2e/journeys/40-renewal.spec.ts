import { expect, test } from "@playwright/test";
import { signIn } from "../fixtures/sign-in";
import { as, checkReload, presentationCode, readCard, takeCard } from "../provider/desk-helpers";

/**
 * Issue 14: the issuer renews the cards expiring next month in one run and watches it to the end;
 * a cardholder activates the renewed card (the old one stops working) and Metro's desk then reloads
 * Metro Pass on it by method 1. Continues on the journeys' shared database.
 */
test.describe.configure({ mode: "serial" });

const nextMonth = () => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString().slice(0, 7);
};

test("the issuer previews and starts a renewal run and watches its progress to the end; the bureau file is recorded", async ({ browser }) => {
  const issuer = await as(browser, "issuer");
  await issuer.page.goto("/issuer/renewals");
  await issuer.page.getByLabel("Month").fill(nextMonth());
  await issuer.page.getByRole("button", { name: "Preview" }).click();
  const preview = issuer.page.getByRole("region", { name: "Renewal preview" });
  await expect(preview.getByTestId("preview-total")).toHaveText("5");
  await expect(preview.getByRole("table", { name: /By provider/ })).toContainText("Metro Transit");
  await preview.getByRole("button", { name: "Start renewal run (5 cards)" }).click();
  await issuer.page.waitForURL(/\/issuer\/renewals\/[0-9a-f-]{36}$/);
  // Live progress (React Query): the run ends with every card settled; the cardholder whose identity
  // is not verified fails the policy's examination, as a lost card's request would.
  await expect(issuer.page.getByTestId("renewal-remaining")).toHaveText("0", { timeout: 120_000 });
  await expect(issuer.page.getByTestId("renewal-done")).toHaveText("4");
  await expect(issuer.page.getByTestId("renewal-failed")).toHaveText("1");
  await expect(issuer.page.getByTestId("renewal-eta")).toHaveText("finished");
  await expect(issuer.page.getByRole("list", { name: "Failures" })).toContainText("examination-failed");

  const download = issuer.page.waitForEvent("download");
  await issuer.page.getByRole("link", { name: "Download the batch file (CSV)" }).click();
  const file = await download;
  const csv = (await file.createReadStream().then(async (s) => {
    const chunks: Buffer[] = [];
    for await (const c of s) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  })).trimEnd().split("\r\n");
  expect(csv[0]).toBe("surface_number,platform_type,holder_no,holder_name,delivery_postal_code,delivery_address");
  expect(csv).toHaveLength(5);
  await issuer.page.reload();
  await expect(issuer.page.getByRole("list", { name: "Downloads" })).toContainText("Aiko Tanaka (issuer@recard.test) (4 lines)");
  await issuer.context.close();
});

test("Akari activates her renewed card in the portal; Metro's desk then reloads Metro Pass on it by method 1", async ({ browser }) => {
  const akari = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await akari.newPage();
  await signIn(page, "akari.mori@mail.example");
  await page.waitForURL(/\/cardholder/);
  const activate = page.getByTestId("activate-card");
  await expect(activate).toContainText("keeps working until then");
  const button = activate.getByRole("button", { name: /^Activate card ending \d{4}$/ });
  const last4 = (await button.textContent())!.slice(-4);
  await button.click();
  await expect(page.getByRole("main").getByRole("status").first()).toContainText(`Your card ending ${last4} is active`);
  await page.goto("/cardholder/notices");
  await expect(page.getByRole("list", { name: "Notices" })).toContainText(`Your card ending ${last4} is active`);

  const metro = await as(browser, "metro");
  await takeCard(metro.page, await presentationCode(page));
  await expect(metro.page.getByTestId("visit-card")).toContainText(`Card ending ${last4}`);
  await readCard(metro.page);
  await expect(metro.page.getByTestId("card-reading")).toContainText("method 1");
  await checkReload(metro.page, { names: ["Metro Pass"] });
  await metro.page.getByRole("button", { name: "Confirm and reload Metro Pass" }).click();
  await expect(metro.page.getByTestId("reload-result")).toContainText("Metro Pass reloaded under RECARD01-METRO01-I");
  await page.goto("/cardholder");
  await expect(page.getByRole("list", { name: `Applications on card ending ${last4}` })).toContainText("Metro Pass");
  await Promise.all([akari.close(), metro.context.close()]);
});
