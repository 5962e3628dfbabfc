import { expect, test, type Request } from "../fixtures/test";

/**
 * Links prefetch on intent (components/ui/link.tsx). With Next's default, the issuer's pages asked the
 * server for every link on screen right after they loaded (the dashboard 23 requests, a list one per row),
 * each a server render the issuer may never look at.
 */
const prefetchOf = (request: Request) => (request.headers()["next-router-prefetch"] ? new URL(request.url()).pathname : null);

test("a list page prefetches nothing on its own; a link prefetches when the pointer enters it, and the click lands on its page", async ({ page }) => {
  const prefetched: string[] = [];
  page.on("request", (request) => {
    const path = prefetchOf(request);
    if (path) prefetched.push(path);
  });
  // The session check runs once React has hydrated the page: from then on the links answer the pointer.
  const hydrated = page.waitForResponse((response) => new URL(response.url()).pathname === "/api/auth/session");
  await page.goto("/issuer/cards");
  await hydrated;
  await expect(page.getByRole("table", { name: "Cards" }).locator("tbody tr").first()).toBeVisible();

  const nav = page.getByRole("navigation", { name: "Portal" });
  const cardholders = nav.getByRole("link", { name: "Cardholders" });
  const prefetch = page.waitForRequest((request) => prefetchOf(request) === "/issuer/cardholders");
  await cardholders.hover();
  await prefetch;
  // The row links and the other nav links were never fetched: only the one the pointer entered. One
  // prefetch is two requests in Next 16 (the route tree, `Next-Router-Segment-Prefetch: /_tree`, then the
  // page's data), and the second may or may not have arrived by now.
  expect(new Set(prefetched)).toEqual(new Set(["/issuer/cardholders"]));

  await cardholders.click();
  await page.waitForURL("**/issuer/cardholders");
  await expect(cardholders).toHaveAttribute("aria-current", "page");
});
