import { expect, test } from "../fixtures/test";
import { ACCOUNTS, type AccountKey } from "../fixtures/accounts";
import { expectSignedInAs, signIn } from "../fixtures/sign-in";

const PORTALS = ["/issuer", "/provider", "/cardholder"] as const;

test.describe("each account lands in its own portal and is refused the others", () => {
  for (const key of Object.keys(ACCOUNTS) as AccountKey[]) {
    const account = ACCOUNTS[key];
    test.use({ storageState: { cookies: [], origins: [] } });
    test(`${key}`, async ({ browser }) => {
      const context = await browser.newContext({ storageState: account.state });
      const page = await context.newPage();
      await page.goto("/");
      await page.waitForURL(`**${account.portal}`);
      await expectSignedInAs(page, account.name);
      for (const portal of PORTALS.filter((p) => p !== account.portal)) {
        for (const path of [portal, `${portal}/records`, `${portal}/cards`]) {
          const response = await page.goto(path);
          expect(response?.status(), `${key} opening ${path}`).toBe(403);
          await expect(page.getByRole("heading", { name: "This portal is not yours" })).toBeVisible();
          await expect(page.getByTestId("signed-in-as")).toHaveCount(0);
        }
      }
      await context.close();
    });
  }
});

test.describe("signed out", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("every portal sends you to sign-in and back afterwards", async ({ page }) => {
    for (const portal of PORTALS) {
      await page.goto(portal);
      await page.waitForURL(/\/signin\?callbackUrl=/);
    }
    await page.goto("/issuer/cards");
    await page.waitForURL(/\/signin/);
    await page.getByLabel("E-mail").fill(ACCOUNTS.issuer.email);
    await page.getByLabel("Password").fill("recard-demo");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL("**/issuer/cards");
  });

  test("route handlers answer 401 without a session", async ({ request }) => {
    const response = await request.get("/api/provider/load-records/00000000-0000-0000-0000-000000000000");
    expect(response.status()).toBe(401);
  });

  test("a wrong password gets a clear message, and repeated failures are slowed down", async ({ page }) => {
    const email = "kenji@recard.test";
    await signIn(page, email, "not-the-password");
    await expect(page.getByRole("main").getByRole("alert")).toHaveText("Wrong e-mail address or password.");
    // Each counted failure past the free three doubles the wait (2 s, 4 s, 8 s…), so however slow this
    // machine is, the wait soon outlasts one round trip. The exact schedule, with an injected clock, is
    // pinned by tests/security/throttle.int.test.ts.
    const alert = page.getByRole("main").getByRole("alert");
    for (let i = 0; i < 12 && !/Too many/.test((await alert.textContent()) ?? ""); i++) {
      await page.getByLabel("Password").fill(`wrong-${i}`);
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page.getByRole("button", { name: "Sign in" })).toBeEnabled();
    }
    await expect(alert).toContainText(/Too many failed attempts\. Try again in \d+ seconds?\./);
    expect(page.url()).toContain("/signin");
  });

  test("form fields get their own error messages", async ({ page }) => {
    await page.goto("/signin");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.locator("#email-error")).toHaveText("Enter an e-mail address like name@example.com.");
    await expect(page.locator("#password-error")).toHaveText("Enter your password.");
  });
});
