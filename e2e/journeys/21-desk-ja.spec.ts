import { expect, test } from "../fixtures/test";
import { ACCOUNTS } from "../fixtures/accounts";
import { englishLeftovers } from "../fixtures/english-leftovers";
import { ANY, m, tPattern } from "../fixtures/messages";
import { screenshot } from "../fixtures/screenshot";
import { as, presentationCode, readCard, takeCard } from "../provider/desk-helpers";
import ja from "../../messages/ja/provider.json" with { type: "json" };
import jaCommon from "../../messages/ja/common.json" with { type: "json" };
import { nameOf, shownName } from "../fixtures/people";

/**
 * The provider desk in Japanese (issue 15): Metro's clerk, in a ja-JP browser running in UTC, reads
 * Hana's reissued card and reloads what the desk offers by method 1. Every element is found through
 * messages/ja/provider.json, never through English words; times are Tokyo's (the account's zone).
 * Continues from 20-reload.spec.ts: Metro is on push again and Hana's card in use holds Metro Pass.
 * Screenshots of the desk before and after reading the reissued card are written to
 * test-results/screenshots/ and attached to the report (the English ones: 20-reload.spec.ts).
 */
test.describe.configure({ mode: "serial" });
test.setTimeout(240_000);
const LOAD = { timeout: 90_000 };

/** A message with its {arguments} as a pattern: literal text around them, any text for each. */
function pattern(message: string, values: Record<string, string> = {}): RegExp {
  const parts = message.replace(/<\/?\w+>/g, "").split(/(\{\w+\})/);
  return new RegExp(
    parts
      .map((p) => {
        const arg = /^\{(\w+)\}$/.exec(p);
        if (!arg) return p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        return values[arg[1]!] !== undefined ? values[arg[1]!]!.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") : "(.+?)";
      })
      .join(""),
  );
}

test("in Japanese: Metro's desk reads Hana's reissued card and reloads Metro Pass by method 1, times in Tokyo", async ({ browser }, testInfo) => {
  // The issuer reissues the card Hana holds (Metro is on push: the pair reaches Metro's desk at once).
  const issuer = await as(browser, "issuer");
  const hana = await as(browser, "hana");
  await hana.page.goto("/cardholder");
  await hana.page.getByRole("link", { name: "Report lost, stolen or damaged" }).first().click();
  await hana.page.getByRole("radio", { name: /^Lost/ }).check();
  await hana.page.getByRole("checkbox", { name: /I confirm this report/ }).check();
  await hana.page.getByRole("button", { name: "Report and request a new card" }).click();
  await hana.page.waitForURL(/\/cardholder\?reported=\d+/);
  await issuer.page.goto("/issuer/reissues");
  // Her third reissue this year: the policy allows two, so the issuer approves by override (as 45-two-reissues does for Kenji).
  const request = issuer.page.getByRole("article", { name: new RegExp(String.raw`from ${nameOf("Hana Sato")}$`) });
  await expect(request).toBeVisible();
  const override = request.getByRole("button", { name: "Approve by override" });
  if (await override.isVisible()) {
    await request.getByLabel("Override reason (the examination failed)").fill("Lost again; the cardholder came to the branch with her identity document.");
    await override.click();
  } else {
    await request.getByRole("button", { name: "Approve and reissue" }).click();
  }
  const decided = issuer.page.getByRole("status", { name: "Decisions" });
  await expect(decided).toContainText(`${nameOf("Hana Sato")}: Approved. New card ending`);
  const newLast4 = (await decided.textContent())!.match(new RegExp(String.raw`${nameOf("Hana Sato")}: Approved\. New card ending (\d{4})`))![1]!;
  await hana.page.goto("/cardholder");
  await hana.page.getByRole("button", { name: `Activate card ending ${newLast4}` }).click();
  await hana.page.waitForURL(new RegExp(`/cardholder\\?activated=${newLast4}$`));
  const code = await presentationCode(hana.page);

  // The clerk's browser: Japanese, in UTC; the desk account's zone is Asia/Tokyo.
  const context = await browser.newContext({ storageState: ACCOUNTS.metro.state, locale: "ja-JP", timezoneId: "UTC", viewport: { width: 1440, height: 1000 } });
  const desk = await context.newPage();
  await desk.goto("/provider/desk");
  await expect(desk.locator("html")).toHaveAttribute("lang", "ja");
  await expect(desk.getByRole("heading", { level: 1 })).toHaveText(ja.deskPage.title);
  await takeCard(desk, code, "ja");
  await expect(desk.getByTestId("visit-card")).toContainText(newLast4);
  await screenshot(desk, testInfo, "desk-before-reading-reissued-card-ja");

  await readCard(desk, "ja");
  const reading = desk.getByTestId("card-reading");
  await expect(reading).toContainText(pattern(ja.desk.method, { method: "1" }));
  await expect(reading).toContainText(ja.desk.reading.inUse);

  // The guided desk in Japanese: whose card, that it replaces her old card, what can be reloaded.
  const guide = desk.getByRole("region", { name: ja.guide.label });
  await expect(guide).toContainText(pattern(ja.guide.whose, { customerNo: "MET-00001" }));
  // Her name in kanji with its reading over it (ruby), as Metro's own customer record holds them.
  await expect(guide).toContainText(shownName("Hana Sato", "ja"));
  await expect(guide).toContainText(pattern(ja.guide.replacesLast4));
  const replaced = (await guide.textContent())!.match(pattern(ja.guide.replacesLast4))![1];
  expect(replaced).toMatch(/^\d{4}$/);
  expect(replaced).not.toBe(newLast4);
  const metroPass = guide.getByTestId("can-reload-F0524300010001");
  await expect(metroPass).toContainText(ja.guide.canReload);
  await expect(metroPass).toContainText(pattern(ja.guide.reloadable, { name: "Metro Pass" }));
  await expect(metroPass).toContainText("￥");
  await expect(desk.getByRole("switch", { name: ja.desk.auditView })).not.toBeChecked();
  await screenshot(desk, testInfo, "desk-after-reading-reissued-card-ja");

  // The one sensible next action, in Japanese; no form to fill, straight to the review.
  await guide.getByRole("button", { name: pattern(ja.guide.reloadNamed) }).click();
  await expect(desk.getByRole("heading", { name: ja.reload.review })).toBeVisible();
  await expect(desk.getByRole("form", { name: ja.reload.formLabel })).toHaveCount(0);
  const review = desk.getByTestId("review-F0524300010001");
  await expect(review.getByTestId("old-examination")).toContainText(ja.reload.reused);
  await expect(review.getByTestId("reissue-charge")).toContainText(pattern(ja.reload.reissueFee));
  // One application or more (after 20-reload's pull journey the card held Metro Pass and Metro Cycle): the words before the count.
  await desk.getByRole("button", { name: new RegExp(`^${m("ja", "provider.reload.confirm").split("{")[0]}`) }).click();

  const result = desk.getByTestId("reload-result");
  // Reloaded, charged at the reissue fee: the whole sentence from the message file, its message id and amount unknown.
  await expect(result).toContainText(
    tPattern("ja", "provider.outcome.loaded", { verb: "reloaded", name: "Metro Pass", messageId: ANY, kind: "reissue_reload", amount: ANY }),
    LOAD,
  );
  // The card went back to Hana's wallet, at a time shown in Tokyo (JST), though the browser runs in UTC.
  const returned = desk.getByTestId("card-return");
  await expect(returned).toContainText(pattern(ja.desk.returned, { last4: newLast4 }), LOAD);
  await expect(returned).toContainText(/\d{1,2}:\d{2} JST/);
  await screenshot(desk, testInfo, "desk-after-reload-ja");
  // The APDU trace and the card operations in Japanese: each status word's meaning comes from the
  // catalogue (messages/ja/common.json), so no English sentence is left in them.
  const trace = desk.getByTestId("apdu-trace");
  await expect(trace).toBeVisible();
  await expect(trace).toContainText(jaCommon.reader.statusWords.ok);
  expect(await englishLeftovers(desk, '[data-testid="apdu-trace"], [data-testid="card-op"]'), "English in the APDU trace").toEqual([]);

  // The recent cases list the reload in Japanese, with Tokyo times.
  await desk.reload();
  const cases = desk.getByRole("table", { name: ja.deskPage.recent });
  await expect(cases.getByRole("row").nth(1)).toContainText("JST");
  await Promise.all([issuer.context.close(), hana.context.close(), context.close()]);
});
