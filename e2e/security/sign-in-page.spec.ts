import { expect, test } from "../fixtures/test";
import { nameOf } from "../fixtures/people";

test.use({ storageState: { cookies: [], origins: [] } });

test("a newcomer finds the demo accounts on the sign-in page and signs in with one", async ({ page }) => {
  await page.goto("/signin");
  const hint = page.getByRole("region", { name: "Demo accounts" });
  await expect(hint).toContainText("recard-demo");
  for (const email of ["issuer@recard.test", "desk@metro.recard.test", "desk@hoshi.recard.test", "hana@recard.test", "kenji@recard.test"]) {
    await expect(hint.getByRole("button", { name: `Use ${email}` })).toBeVisible();
  }
  await hint.getByRole("button", { name: "Use kenji@recard.test" }).click();
  await expect(page.getByLabel("E-mail")).toHaveValue("kenji@recard.test");
  await expect(page.getByLabel("Password")).toHaveValue("recard-demo");
  await expect(page.getByLabel("Password")).toBeFocused();
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL("**/cardholder");
  await expect(page.getByTestId("signed-in-as")).toContainText(nameOf("Kenji Watanabe"));
});

test("the app icon, the web manifest and robots.txt are served and linked", async ({ page, request }) => {
  await page.goto("/signin");
  await expect(page.locator('link[rel="manifest"]')).toHaveAttribute("href", "/manifest.webmanifest");
  await expect(page.locator('link[rel="icon"]')).toHaveAttribute("href", /\/icon\.svg/);

  const manifest = await request.get("/manifest.webmanifest");
  expect(manifest.status()).toBe(200);
  const body = (await manifest.json()) as { name: string; start_url: string; icons: { src: string }[] };
  expect(body).toMatchObject({ name: "ReCard card management", start_url: "/" });
  const icon = await request.get(body.icons[0]!.src);
  expect(icon.status()).toBe(200);
  expect(icon.headers()["content-type"]).toContain("image/svg+xml");

  const robots = await request.get("/robots.txt");
  expect(robots.status()).toBe(200);
  expect(await robots.text()).toContain("Disallow: /");
});
