import { expect, test } from "../fixtures/test";
import { ACCOUNTS } from "../fixtures/accounts";
import { expectSignedInAs, signIn } from "../fixtures/sign-in";

test.use({ storageState: { cookies: [], origins: [] } });

test("after sign-out, a copy of the session cookie taken before is refused", async ({ browser, page, context }) => {
  // A fresh sign-in of its own: the saved sessions of the other tests stay valid.
  const account = ACCOUNTS.hoshi;
  await signIn(page, account.email);
  await page.waitForURL(`**${account.portal}`);
  await expectSignedInAs(page, account.name);
  const copied = await context.cookies();
  expect(copied.some((c) => c.name.endsWith("next-auth.session-token"))).toBe(true);

  // The copy works while the session lives…
  const thief = await browser.newContext({ storageState: { cookies: copied, origins: [] } });
  const thiefPage = await thief.newPage();
  await thiefPage.goto(account.portal);
  await expectSignedInAs(thiefPage, account.name);

  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL("**/signin**");

  // …and not after the owner signed out: pages send it to sign-in, route handlers answer 401.
  await thiefPage.goto(account.portal);
  await thiefPage.waitForURL(/\/signin\?callbackUrl=/);
  await expect(thiefPage.getByTestId("signed-in-as")).toHaveCount(0);
  const api = await thief.request.get("/api/provider/load-records/00000000-0000-0000-0000-000000000000");
  expect(api.status()).toBe(401);
  await thief.close();
});
