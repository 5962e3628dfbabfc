import { expect, test } from "../fixtures/test";
import { ACCOUNTS } from "../fixtures/accounts";
import { expectSignedInAs } from "../fixtures/sign-in";

/** Pages of each portal, opened with that portal's saved sign-in. */
const PAGES: { state: string | null; paths: string[] }[] = [
  { state: null, paths: ["/signin", "/signin?callbackUrl=%2Fissuer"] },
  {
    state: ACCOUNTS.issuer.state,
    paths: [
      "/issuer",
      "/issuer/cards",
      "/issuer/cardholders",
      "/issuer/reissues",
      "/issuer/charges",
      "/issuer/providers",
      "/issuer/permissions",
      "/issuer/messages",
      "/issuer/audit",
      "/does-not-exist",
    ],
  },
  {
    state: ACCOUNTS.metro.state,
    paths: [
      "/provider",
      "/provider/desk",
      "/provider/records",
      "/provider/settings",
      "/provider/messages",
      "/provider/charges",
      "/provider/customers",
      "/provider/reissuance",
      "/issuer",
    ],
  },
  { state: ACCOUNTS.hana.state, paths: ["/cardholder"] },
];

function nonceOf(csp: string): string {
  const match = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp);
  expect(match, csp).not.toBeNull();
  return match![1]!;
}

test.describe("Content-Security-Policy and security headers", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("every page carries a strict CSP with a fresh nonce, and every script tag in it carries that nonce", async ({ browser }) => {
    const seen = new Set<string>();
    for (const { state, paths } of PAGES) {
      const context = await browser.newContext(state ? { storageState: state } : { storageState: { cookies: [], origins: [] } });
      for (const path of paths) {
        const response = await context.request.get(path, { maxRedirects: 0 });
        const headers = response.headers();
        const csp = headers["content-security-policy"] ?? "";
        expect(csp, path).toContain("script-src 'self' 'nonce-");
        expect(csp, path).toContain("'strict-dynamic'");
        expect(csp, path).not.toContain("unsafe-inline");
        expect(csp, path).not.toContain("unsafe-eval");
        expect(csp, path).toContain("frame-ancestors 'none'");
        expect(csp, path).toContain("object-src 'none'");
        expect(headers["x-content-type-options"], path).toBe("nosniff");
        expect(headers["referrer-policy"], path).toBe("same-origin");
        // Served over plain http here: no HSTS (it is sent when NEXTAUTH_URL is https, lib/server/http/proxy.test.ts).
        expect(headers["strict-transport-security"], path).toBeUndefined();
        const nonce = nonceOf(csp);
        expect(seen.has(nonce), `${path}: nonce reused`).toBe(false);
        seen.add(nonce);
        const html = await response.text();
        const scripts = html.match(/<script\b[^>]*>/g) ?? [];
        expect(scripts.length, `${path}: scripts`).toBeGreaterThan(0);
        for (const tag of scripts) expect(tag, path).toContain(`nonce="${nonce}"`);
      }
      await context.close();
    }
  });

  test.describe("injected markup", () => {
    test.use({ cspViolationsExpected: true });

    test("an inline script without the nonce, or with a wrong one, and an inline event handler do not run; the page's own scripts do", async ({
      page,
      cspViolations,
    }) => {
      // What a stored or reflected injection would look like: markup inside the server's HTML, under its real CSP header.
      await page.route("**/signin", async (route) => {
        const response = await route.fetch();
        const body = (await response.text()).replace(
          "</body>",
          '<script>window.injected = true</script><script nonce="d3Jvbmc=">window.wrongNonce = true</script><img src="data:," onerror="window.handler = true"></body>',
        );
        await route.fulfill({ response, body });
      });
      await page.goto("/signin");
      // The page's own (nonce'd) scripts ran: the form validates on the client.
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page.locator("#email-error")).toHaveText("Enter an e-mail address like name@example.com.");
      const ran = await page.evaluate(() => {
        const w = window as unknown as Record<string, unknown>;
        return { injected: w.injected === true, wrongNonce: w.wrongNonce === true, handler: w.handler === true };
      });
      expect(ran).toEqual({ injected: false, wrongNonce: false, handler: false });
      // The fixture that guards every other test saw them.
      await expect.poll(() => cspViolations.length).toBeGreaterThanOrEqual(2);
    });
  });

  test("the app cannot be framed", async ({ page }) => {
    const response = await page.goto("/signin");
    expect(response?.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(response?.headers()["x-frame-options"]).toBe("DENY");
  });
});

test.describe("callbackUrl after sign-in", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  for (const callback of ["/%5Cevil.example/", "//evil.example/", "https://evil.example/", "/%09/evil.example/"]) {
    test(`an off-site callbackUrl ${callback} lands on the portal`, async ({ page }) => {
      await page.goto(`/signin?callbackUrl=${callback}`);
      await page.getByLabel("E-mail").fill(ACCOUNTS.issuer.email);
      await page.getByLabel("Password").fill("recard-demo");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL((url) => url.origin === new URL(page.url()).origin && url.pathname === "/issuer");
      await expectSignedInAs(page, ACCOUNTS.issuer.name);
      // Already signed in, the sign-in page sends the person home instead of off-site too.
      await page.goto(`/signin?callbackUrl=${callback}`);
      await page.waitForURL((url) => url.pathname === "/issuer");
    });
  }

  test("a same-site callbackUrl is followed", async ({ page }) => {
    await page.goto("/signin?callbackUrl=%2Fissuer%2Fcards%3Fq%3Dx");
    await page.getByLabel("E-mail").fill(ACCOUNTS.issuer.email);
    await page.getByLabel("Password").fill("recard-demo");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => url.pathname === "/issuer/cards");
  });
});

test.describe("cross-site writes are refused with 403", () => {
  test.use({ storageState: ACCOUNTS.issuer.state });

  test("server actions and route handlers, by Origin or Sec-Fetch-Site", async ({ request }) => {
    const action = { "next-action": "0000000000000000000000000000000000000000", "content-type": "text/plain;charset=UTF-8", accept: "text/x-component" };
    for (const [path, headers] of [
      ["/issuer/cards", { ...action, origin: "https://evil.example" }],
      ["/issuer/cards", { ...action, "sec-fetch-site": "cross-site" }],
      ["/issuer/cards", { ...action, origin: "null" }],
      ["/api/provider/desk/return", { origin: "https://evil.example", "content-type": "application/json" }],
      ["/api/auth/signout", { "sec-fetch-site": "same-site", "content-type": "application/x-www-form-urlencoded" }],
    ] as const) {
      const response = await request.post(path, { headers, data: "[]" });
      expect(response.status(), `${path} ${JSON.stringify(headers)}`).toBe(403);
    }
    // The same requests from the app's own pages are not refused by this check.
    const own = await request.post("/issuer/cards", { headers: { ...action, "sec-fetch-site": "same-origin" }, data: "[]" });
    expect(own.status()).not.toBe(403);
    // Signed exchange peers post without browser headers: left to the exchange's own signature checks.
    const peer = await request.post("/api/exchange", { headers: { "content-type": "application/jose" }, data: "not-a-message" });
    expect(peer.status()).not.toBe(403);
  });
});
