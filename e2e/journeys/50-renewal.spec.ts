import { m } from "../fixtures/messages";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type Page } from "../fixtures/test";
import { ACCOUNTS } from "../fixtures/accounts";
import { capture, replay } from "../fixtures/replay";
import { signIn } from "../fixtures/sign-in";
import { as, checkReload, presentationCode, readCard, takeCard } from "../provider/desk-helpers";
import { nameOf, searchFor } from "../fixtures/people";

/**
 * Issue 14, renewal in bulk: the issuer renews the cards expiring next month in one run and watches it
 * to the end; a cardholder activates the renewed card (the old one stops working) and Metro's desk then
 * reloads Metro Pass on it by method 1. Continues on the journeys' shared database: the five demo cards
 * expiring next month (Mio Kimura, Akari Mori, Kaito Ikeda, Ema Goto, Asahi Maeda) are untouched by the
 * earlier files.
 */
test.describe.configure({ mode: "serial" });
// A presented card's APDUs are relayed requests (a database transaction each): a load is tens of them.
test.setTimeout(240_000);
const LOAD = { timeout: 90_000 };

/** The month after the current UTC one, as the seed counts it (cards expiring on its 15th). */
const nextMonth = () => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString().slice(0, 7);
};

/** A cardholder of the demo world (every one has an account: name@mail.example, the demo password). */
async function cardholder(browser: Browser, email: string): Promise<{ close: () => Promise<void>; page: Page }> {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await signIn(page, email);
  await page.waitForURL(/\/cardholder/);
  return { close: () => context.close(), page };
}

let akariNewLast4 = "";

/** A request context with a demo account's saved session (for replaying what another party's browser sent). */
async function sessionOf(browser: Browser, key: "metro" | "hana") {
  return browser.newContext({ storageState: ACCOUNTS[key].state });
}

test("the issuer previews the cards expiring next month, starts a renewal run, watches it to the end and downloads the bureau file", async ({ browser }) => {
  const issuer = await as(browser, "issuer");
  const page = issuer.page;
  await page.goto("/issuer/renewals");
  await page.getByLabel("Month").fill(nextMonth());
  await page.getByRole("button", { name: "Preview" }).click();
  const preview = page.getByRole("region", { name: "Renewal preview" });
  await expect(preview.getByTestId("preview-total")).toHaveText("5");
  await expect(preview.getByRole("table", { name: "By platform type" })).toContainText("100");
  await expect(preview.getByRole("table", { name: /By provider/ })).toContainText("Metro Transit");
  await preview.getByRole("button", { name: "Start renewal run (5 cards)" }).click();
  await page.waitForURL(/\/issuer\/renewals\/[0-9a-f-]{36}$/);
  const runUrl = page.url();

  // Live progress (React Query polling the progress route): the run ends with every card settled. The
  // cardholder whose identity is not verified (Kaito Ikeda) fails the policy's examination, as a lost
  // card's request would; the four others are renewed.
  await expect(page.getByTestId("renewal-total")).toHaveText("5");
  await expect(page.getByTestId("renewal-remaining")).toHaveText("0", { timeout: 120_000 });
  await expect(page.getByTestId("renewal-done")).toHaveText("4");
  await expect(page.getByTestId("renewal-failed")).toHaveText("1");
  await expect(page.getByTestId("renewal-eta")).toHaveText("finished");
  await expect(page.getByRole("progressbar", { name: "Cards renewed" })).toHaveAttribute("value", "5");
  await expect(page.getByRole("list", { name: "Failures" })).toContainText("examination-failed: 1 card");
  // A finished run offers neither pause nor resume.
  await expect(page.getByRole("button", { name: "Pause" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Resume" })).toHaveCount(0);
  // The run's page passes the same accessibility rules as every main page (e2e/accessibility/pages.spec.ts).
  const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.help}`)).toEqual([]);

  // The card bureau's personalisation batch: the documented header, one line per renewed card.
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download the batch file (CSV)" }).click();
  const file = await download;
  const chunks: Buffer[] = [];
  for await (const chunk of await file.createReadStream()) chunks.push(chunk as Buffer);
  const lines = Buffer.concat(chunks).toString("utf8").trimEnd().split("\r\n");
  expect(lines[0]).toBe("surface_number,platform_type,holder_no,holder_name,delivery_postal_code,delivery_address");
  expect(lines).toHaveLength(5);
  const akari = lines.find((l) => l.includes(nameOf("Akari Mori")));
  // Text fields quoted (the address has commas), the full surface number (the bureau prints it).
  const match = akari?.match(new RegExp(String.raw`^"(\d{12,19})",100,"CH-\d+","${nameOf("Akari Mori")}","101-0047","1-2 Kanda, Chiyoda-ku, Tokyo"$`));
  expect(match, akari).toBeTruthy();
  expect(lines.some((l) => l.includes(nameOf("Kaito Ikeda")))).toBe(false);
  akariNewLast4 = match![1]!.slice(-4);

  // The run's routes answer only issuer sessions: a provider desk and a cardholder are refused the
  // progress and the bureau file (which carries full surface numbers and addresses), nobody signed in
  // is sent to sign in, and none of it is recorded as a download.
  for (const key of ["metro", "hana"] as const) {
    const other = await sessionOf(browser, key);
    for (const route of ["progress", "bureau"]) {
      const response = await other.request.get(`${runUrl}/${route}`, { maxRedirects: 0 });
      expect(response.status(), `${key}: ${route}`).toBe(403);
      expect(await response.text(), `${key}: ${route}`).not.toContain("Akari");
    }
    await other.close();
  }
  const anonymous = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  for (const route of ["progress", "bureau"])
    expect([307, 401], route).toContain((await anonymous.request.get(`${runUrl}/${route}`, { maxRedirects: 0 })).status());
  await anonymous.close();

  // Who downloaded it is recorded on the run's page (once: the refused requests are not); the runs list shows the run finished.
  await page.goto(runUrl);
  await expect(page.getByRole("list", { name: "Downloads" }).getByRole("listitem")).toHaveCount(1);
  await expect(page.getByRole("list", { name: "Downloads" })).toContainText("Aiko Tanaka (issuer@recard.test) (4 lines)");
  await page.goto("/issuer/renewals");
  await expect(page.getByRole("table", { name: "Renewal runs" })).toContainText(nextMonth());
  await expect(page.getByRole("table", { name: "Renewal runs" })).toContainText("finished");
  // Nothing is renewed twice: the same month now previews only the card whose examination failed
  // (it can be renewed once the cardholder's identity is verified).
  await page.getByLabel("Month").fill(nextMonth());
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByRole("region", { name: "Renewal preview" }).getByTestId("preview-total")).toHaveText("1");
  // Starting a run is the issuer's: the same request replayed by a provider desk or a cardholder is
  // refused and starts nothing.
  const start = await capture(page, () => page.getByRole("button", { name: "Start renewal run (1 card)" }).click());
  for (const key of ["metro", "hana"] as const) {
    const other = await sessionOf(browser, key);
    const answer = await replay(other.request, start, new URL(runUrl).origin);
    expect(answer.status !== 200 || answer.text.includes("This needs an issuer account."), `${key}: start a run (${answer.status})`).toBe(true);
    await other.close();
  }
  await page.goto("/issuer/renewals");
  await expect(page.getByRole("table", { name: "Renewal runs" }).getByRole("row")).toHaveCount(2); // the header and the one run
  await issuer.context.close();
});

test("Mio brings her renewed card to the issuer's desk: the operator activates it there and her old card stops", async ({ browser }) => {
  const issuer = await as(browser, "issuer");
  const page = issuer.page;
  await page.goto(`/issuer/cards?${searchFor("Mio Kimura")}`);
  await page
    .getByRole("table", { name: "Cards" })
    .getByRole("row")
    .filter({ hasText: nameOf("Mio Kimura") })
    .filter({ has: page.getByRole("cell", { name: "issued", exact: true }) })
    .getByRole("link")
    .click();
  await expect(page.getByTestId("card-facts")).toContainText("issued");
  const activation = page.getByRole("form", { name: "Activate the card at the desk" });
  await expect(activation).toBeVisible();
  // Activation at the desk is the issuer's: replayed by a provider desk or a cardholder, it is refused.
  const replayed = await capture(page, () => activation.getByRole("button", { name: "Activate at the desk (card present)" }).click());
  for (const key of ["metro", "hana"] as const) {
    const other = await sessionOf(browser, key);
    const answer = await replay(other.request, replayed, new URL(page.url()).origin);
    expect(answer.status !== 200 || answer.text.includes("This needs an issuer account."), `${key}: activate at the desk (${answer.status})`).toBe(true);
    await other.close();
  }
  await page.reload();
  await expect(page.getByTestId("card-facts")).toContainText("issued");
  await page.getByRole("button", { name: "Activate at the desk (card present)" }).click();
  await page.waitForURL(/\?activated=1$/);
  await expect(page.getByRole("main").getByRole("status").first()).toContainText("Card activated at the desk; the card ending");
  await expect(page.getByTestId("card-facts")).toContainText("active");
  await expect(page.getByRole("form", { name: "Activate the card at the desk" })).toHaveCount(0);
  // The renewed card's predecessor is terminated, with the reason in its audit trail.
  await page.getByTestId("old-card-id").click();
  await expect(page.getByTestId("card-facts")).toContainText("terminated");
  await expect(page.getByRole("table", { name: "Audit trail of the card" })).toContainText("now activated");
  await issuer.context.close();
});

test("Akari's old card keeps working until she activates the renewed one; activation ends it and tells her", async ({ browser }) => {
  const akari = await cardholder(browser, "akari.mori@mail.example");
  const page = akari.page;
  await page.goto("/cardholder");
  const activate = page.getByTestId("activate-card");
  await expect(activate).toContainText("keeps working until then");
  // Both cards are in use until then: the old one active (its presentation offered), the new one waiting.
  await expect(page.getByRole("heading", { name: /^Card ending \d{4}$/ })).toHaveCount(2);
  const button = activate.getByRole("button", { name: `Activate card ending ${akariNewLast4}` });
  // Another cardholder (Hana) or a provider desk replaying Akari's activation is refused: the card is
  // "not found" for another cardholder, and stays waiting.
  const activation = await capture(page, () => button.click());
  for (const key of ["hana", "metro"] as const) {
    const other = await sessionOf(browser, key);
    const answer = await replay(other.request, activation, new URL(page.url()).origin);
    expect(answer.status !== 200 || answer.text.includes(m("en", "cardholder.refusals.not-found")), `${key}: activate Akari's card (${answer.status})`).toBe(
      true,
    );
    await other.close();
  }
  await page.goto("/cardholder");
  await expect(page.getByTestId("activate-card")).toBeVisible();
  await button.click();
  await page.waitForURL(/\/cardholder\?activated=\d{4}$/);
  await expect(page.getByRole("main").getByRole("status").first()).toContainText(`Your card ending ${akariNewLast4} is active`);
  await expect(page.getByRole("heading", { name: /^Card ending \d{4}$/ })).toHaveCount(1);
  await expect(page.getByRole("heading", { name: `Card ending ${akariNewLast4}` })).toBeVisible();
  await expect(page.getByTestId("activate-card")).toHaveCount(0);
  await expect(page.getByRole("list", { name: "Earlier cards" })).toContainText("(renewal)");
  await page.goto("/cardholder/notices");
  await expect(page.getByRole("list", { name: "Notices" })).toContainText(`Your card ending ${akariNewLast4} is active`);
  await akari.close();
});

test("Metro's desk reloads Metro Pass on Akari's activated card by method 1", async ({ browser }) => {
  const akari = await cardholder(browser, "akari.mori@mail.example");
  const metro = await as(browser, "metro");
  await takeCard(metro.page, await presentationCode(akari.page));
  await expect(metro.page.getByTestId("visit-card")).toContainText(`Card ending ${akariNewLast4}`);
  await readCard(metro.page);
  await expect(metro.page.getByTestId("card-reading")).toContainText("method 1");
  await checkReload(metro.page, { names: ["Metro Pass"] });
  await expect(metro.page.getByRole("list", { name: "Steps of the reload case" })).toContainText("notified by the issuer");
  await metro.page.getByRole("button", { name: "Confirm and reload Metro Pass" }).click();
  await expect(metro.page.getByTestId("reload-result")).toContainText("Metro Pass reloaded under RECARD01-METRO01-I", LOAD);
  await expect(metro.page.getByTestId("card-return")).toContainText("returned to the cardholder", LOAD);
  await akari.page.goto("/cardholder");
  await expect(akari.page.getByRole("list", { name: `Applications on card ending ${akariNewLast4}` })).toContainText("Metro Pass");
  await Promise.all([akari.close(), metro.context.close()]);
});
