import { expect, test, type Browser, type BrowserContext, type Page } from "../fixtures/test";
import { ACCOUNTS, PASSWORD, type AccountKey } from "../fixtures/accounts";
import { englishLeftovers } from "../fixtures/english-leftovers";
import { ANY, m, t, tPattern } from "../fixtures/messages";
import { recordResponses } from "../fixtures/private-keys";
import { screenshot } from "../fixtures/screenshot";
import { checkReload, presentationCode, readCard, takeCard } from "../provider/desk-helpers";
import { nameOf, shownName } from "../fixtures/people";

/**
 * The main journey in Japanese, all three portals (issue 15): the cardholder reports her or his own
 * card, the issuer approves, the cardholder activates the new card, and the provider's desk reloads
 * by method 1 (Yuki Yamamoto's platform-100 card, Metro Pass at Metro Transit) and by method 2 (Daiki
 * Hayashi's platform-200 card, Hoshi Credit at Hoshi Card Services). Every browser is Japanese
 * (ja-JP) and runs in UTC: the times shown must be Tokyo's, from the account's zone. Every element is
 * found through the message files (e2e/fixtures/messages.ts), never through English or hard-coded
 * Japanese words, and the pages visited keep no English (english-leftovers.ts). Screenshots go to
 * test-results/screenshots/. Yuki and Daiki are touched by no other journey (the issuer's registry
 * and the provider's pages only read Yuki's cards), so this file runs on its own too.
 */
test.describe.configure({ mode: "serial" });
// Two desk visits' relayed APDUs (a database transaction each) on top of three portals.
test.setTimeout(300_000);
const LOAD = { timeout: 90_000 };
const JA = "ja";

const YUKI = { name: nameOf("Yuki Yamamoto"), email: "yuki.yamamoto@mail.example" };
const DAIKI = { name: nameOf("Daiki Hayashi"), email: "daiki.hayashi@mail.example" };

type Party = { context: BrowserContext; page: Page };

/** A Japanese browser in UTC, signed in with a saved demo sign-in. */
async function japanese(browser: Browser, key: AccountKey): Promise<Party> {
  const context = await browser.newContext({ storageState: ACCOUNTS[key].state, locale: "ja-JP", timezoneId: "UTC", viewport: { width: 1440, height: 1000 } });
  return { context, page: await context.newPage() };
}

/** A cardholder with no saved sign-in signs in through the Japanese sign-in page. */
async function cardholder(browser: Browser, email: string): Promise<Party> {
  const context = await browser.newContext({
    storageState: { cookies: [], origins: [] },
    locale: "ja-JP",
    timezoneId: "UTC",
    viewport: { width: 1280, height: 1000 },
  });
  const page = await context.newPage();
  await page.goto("/signin");
  await expect(page.locator("html")).toHaveAttribute("lang", JA);
  await page.getByLabel(m(JA, "auth.signIn.email"), { exact: true }).fill(email);
  await page.getByLabel(m(JA, "auth.signIn.password"), { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: m(JA, "auth.signIn.submit"), exact: true }).click();
  await page.waitForURL(/\/cardholder$/);
  return { context, page };
}

/** A date and time as the app shows it ("dateTime" of lib/i18n/formats.ts), in Japanese and Tokyo time. */
function tokyo(instant: Date): string {
  return new Intl.DateTimeFormat(JA, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZoneName: "short",
    timeZone: "Asia/Tokyo",
  }).format(instant);
}

/** An amount in yen as the Japanese pages write it ("￥1,500"). */
function yen(amount: number): string {
  return new Intl.NumberFormat(JA, { style: "currency", currency: "JPY" }).format(amount);
}

async function expectNoEnglish(page: Page, where: string, within?: string): Promise<void> {
  expect(await englishLeftovers(page, within), `English on the Japanese ${where}`).toEqual([]);
}

/**
 * The cardholder reports the card in use from My cards, in Japanese; returns its last four digits.
 * The request's time is the one the test saw it filed at, shown in Tokyo although the browser runs in UTC.
 */
async function reportOwnCard(page: Page, reason: "lost" | "damaged", statement: string, shot: string): Promise<string> {
  await page.goto("/cardholder");
  const heading = page.getByRole("heading", { name: tPattern(JA, "cardholder.card.ending", { last4: ANY }) }).first();
  const last4 = (await heading.textContent())!.match(tPattern(JA, "cardholder.card.ending", { last4: ANY }))![1]!;
  expect(last4).toMatch(/^\d{4}$/);
  await page
    .getByTestId(`card-${last4}`)
    .getByRole("link", { name: m(JA, "cardholder.page.report") })
    .click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(m(JA, "cardholder.reportPage.title"));
  const form = page.getByRole("form", { name: t(JA, "cardholder.reportForm.formLabel", { last4 }) });
  await form.getByRole("radio", { name: new RegExp(`^${m(JA, `cardholder.reportForm.reasons.${reason}.label`)}`) }).check();
  await expect(form.getByTestId("report-consequence")).toContainText(t(JA, `cardholder.reportForm.${reason === "damaged" ? "keeps" : "blocks"}`, { last4 }));
  await form.getByLabel(m(JA, "cardholder.reportForm.statement")).fill(statement);
  await form.getByRole("checkbox", { name: m(JA, "cardholder.reportForm.confirm") }).check();
  await expectNoEnglish(page, "report form");
  const filed = new Date();
  await form.getByRole("button", { name: m(JA, "cardholder.reportForm.submit") }).click();
  await page.waitForURL(/\/cardholder\?reported=\d+$/);
  const filedUntil = new Date();
  const requestNo = new URL(page.url()).searchParams.get("reported")!;
  await expect(page.getByRole("main").getByRole("status").first()).toHaveText(t(JA, "cardholder.page.flash.reported", { requestNo }));

  const status = page.getByTestId(`card-${last4}`).getByTestId("request-status");
  await expect(status).toContainText(t(JA, "cardholder.requestStatus.title", { requestNo, reason: m(JA, `cardholder.reason.${reason}`) }));
  await expect(status).toContainText(m(JA, "common.status.pending"));
  // Received at: the minute the test filed it in, in Tokyo time (JST), not the browser's UTC.
  const received = tPattern(JA, "cardholder.requestStatus.pending", { date: ANY });
  const line = (await status.locator("p").filter({ hasText: received }).textContent())!.trim();
  const shown = line.match(new RegExp(`^${received.source}$`))![1]!;
  expect([tokyo(filed), tokyo(filedUntil)]).toContain(shown);
  expect(shown).toMatch(/JST$/);
  await expectNoEnglish(page, "My cards after the report");
  await screenshot(page, test.info(), shot);
  return last4;
}

/** The issuer approves the cardholder's request in the Japanese queue; returns the new card's last four digits. */
async function approve(browser: Browser, name: string, outcome: RegExp): Promise<string> {
  const issuer = await japanese(browser, "issuer");
  const page = issuer.page;
  await page.goto("/issuer/reissues");
  await expect(page.locator("html")).toHaveAttribute("lang", JA);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(m(JA, "issuer.reissues.title"));
  const request = page.getByRole("article", { name: tPattern(JA, "issuer.reissues.request.label", { cardholder: name, requestNo: ANY }) });
  await expect(request).toContainText(m(JA, "issuer.reissues.request.passed"));
  await expect(request).toContainText(tPattern(JA, "issuer.reissues.request.reported", { at: ANY }));
  await expect(request).toContainText("JST");
  await request.getByRole("button", { name: m(JA, "issuer.reissues.forms.approve") }).click();
  const decisions = page.getByRole("status", { name: m(JA, "issuer.reissues.decisions.label") });
  const approved = tPattern(JA, "issuer.reissues.decisions.approved", { requestNo: ANY, cardholder: name, temporary: "no", last4: ANY });
  await expect(decisions).toContainText(approved);
  await expect(decisions).toContainText(outcome);
  await expect(request).toHaveCount(0);
  await expectNoEnglish(page, "reissue queue");
  const newLast4 = (await decisions.textContent())!.match(approved)![2]!;
  expect(newLast4).toMatch(/^\d{4}$/);
  await issuer.context.close();
  return newLast4;
}

/**
 * The new card on My cards, in Japanese: what was on the old card and where to reload it; then the
 * cardholder activates it (it has arrived).
 */
async function activateNewCard(page: Page, oldLast4: string, newLast4: string, providers: string[], oldCard: "oldBlocked" | "oldWorks", shot: string) {
  await page.goto("/cardholder");
  const panel = page.getByTestId(`card-${newLast4}`);
  await expect(panel.getByTestId("card-visual")).toContainText(m(JA, "common.status.issued"));
  const guide = panel.getByRole("region", { name: m(JA, "cardholder.guide.label") });
  await expect(guide).toContainText(t(JA, "cardholder.guide.title", { last4: oldLast4 }));
  await expect(guide).toContainText(m(JA, "cardholder.guide.textIssued"));
  for (const provider of providers) await expect(guide).toContainText(t(JA, "cardholder.guide.reloadAt", { provider }));
  await expect(guide).toContainText(m(JA, "cardholder.guide.toReload"));
  const activate = panel.getByTestId("activate-card");
  await expect(activate).toContainText(t(JA, `cardholder.page.activate.${oldCard}`, { last4: oldLast4 }));
  await expectNoEnglish(page, "My cards with the new card");
  await screenshot(page, test.info(), shot);

  await activate.getByRole("button", { name: t(JA, "cardholder.page.activate.submit", { last4: newLast4 }) }).click();
  await page.waitForURL(new RegExp(`/cardholder\\?activated=${newLast4}$`));
  await expect(page.getByRole("main").getByRole("status").first()).toHaveText(t(JA, "cardholder.page.flash.activated", { last4: newLast4 }));
  await expect(panel.getByTestId("card-visual")).toContainText(m(JA, "common.status.active"));
  await expect(page.getByRole("list", { name: m(JA, "cardholder.page.earlier.title") })).toContainText(oldLast4);
  await expect(panel).toContainText(tPattern(JA, "cardholder.page.reissuedToReplace", { date: ANY, last4: oldLast4 }));
}

/** The code the cardholder shows at the desk; its validity is shown to the minute in Tokyo time. */
async function presentInJapanese(page: Page): Promise<string> {
  const code = await presentationCode(page, JA);
  const until = page.getByRole("main").getByRole("status").locator("time").first();
  await expect(until).toHaveText(tokyo(new Date((await until.getAttribute("datetime"))!)));
  await expect(until).toContainText("JST");
  return code;
}

/** After the reload: the card went back to the cardholder, at a time shown in Tokyo. */
async function expectReturned(desk: Page, last4: string): Promise<void> {
  const returned = desk.getByTestId("card-return");
  await expect(returned).toContainText(tPattern(JA, "provider.desk.returned", { last4, at: ANY }), LOAD);
  await expect(returned).toContainText(/\d{1,2}:\d{2} JST/);
}

test("in Japanese: Yuki reports her platform-100 card lost, the issuer approves, she activates the new card and Metro's desk reloads Metro Pass by method 1", async ({
  browser,
}) => {
  const yuki = await cardholder(browser, YUKI.email);
  await expect(yuki.page.getByRole("heading", { level: 1 })).toContainText(shownName("Yuki Yamamoto", "ja"));
  const oldLast4 = await reportOwnCard(yuki.page, "lost", "今朝、電車の中で落としたようです。", "cardholder-after-report-ja");
  // Lost: blocked at once, with the reason in Japanese.
  const oldPanel = yuki.page.getByTestId(`card-${oldLast4}`);
  await expect(oldPanel.getByTestId("card-visual")).toContainText(m(JA, "common.status.blocked"));
  await expect(oldPanel).toContainText(t(JA, "cardholder.page.blockedReported", { reason: m(JA, "cardholder.reason.lost") }));

  // Platform 100: the providers with an application on the old card are told of the new card now (Fig. 12).
  const newLast4 = await approve(browser, YUKI.name, tPattern(JA, "issuer.reissues.decisions.toldNow", { count: 2, companies: ANY }));
  await activateNewCard(yuki.page, oldLast4, newLast4, ["Metro Transit", "Hoshi Card Services"], "oldBlocked", "cardholder-new-card-ja");
  const code = await presentInJapanese(yuki.page);

  // Metro's clerk, in Japanese: the guided desk names the customer, the card it replaces and the reload on offer.
  const metro = await japanese(browser, "metro");
  const desk = metro.page;
  const responses = recordResponses(desk);
  await takeCard(desk, code, JA);
  await expect(desk.getByRole("heading", { level: 1 })).toHaveText(m(JA, "provider.deskPage.title"));
  await expect(desk.getByTestId("visit-card")).toContainText(newLast4);
  await screenshot(desk, test.info(), "metro-desk-before-reading-reissued-card-ja");
  await readCard(desk, JA);
  await expect(desk.getByTestId("card-reading")).toContainText(t(JA, "provider.desk.method", { method: 1 }));
  const guide = desk.getByRole("region", { name: m(JA, "provider.guide.label") });
  await expect(guide).toContainText(tPattern(JA, "provider.guide.whose", { customerNo: ANY }));
  await expect(guide).toContainText(shownName("Yuki Yamamoto", "ja"));
  await expect(guide).toContainText(t(JA, "provider.guide.replacesLast4", { last4: oldLast4 }));
  const metroPass = guide.getByTestId("can-reload-F0524300010001");
  await expect(metroPass).toContainText(t(JA, "provider.guide.reloadable", { name: "Metro Pass", reissueFee: yen(200), normalFee: yen(500) }));
  await expectNoEnglish(desk, "desk's guide", "[data-testid=card-guide], [data-testid=card-reading], [data-testid=visit-card]");
  await screenshot(desk, test.info(), "metro-desk-after-reading-reissued-card-ja");

  // The one next action, straight to the review: the old examination reused, the reissue fee charged.
  await guide.getByRole("button", { name: t(JA, "provider.guide.reloadNamed", { names: "Metro Pass" }) }).click();
  await expect(desk.getByRole("heading", { name: m(JA, "provider.reload.review") })).toBeVisible();
  const review = desk.getByTestId("review-F0524300010001");
  await expect(review.getByTestId("old-examination")).toContainText(m(JA, "provider.reload.reused"));
  // Yuki's Metro Pass was itself reloaded after an earlier reissue (the seed): charged as a reissue reload then.
  await expect(review.getByTestId("old-accounting")).toContainText(tPattern(JA, "provider.reload.accountingLine", { amount: ANY, kind: "reissue_reload" }));
  await expect(review.getByTestId("reissue-charge")).toContainText(t(JA, "provider.reload.reissueFee", { fee: yen(200) }));
  await expectNoEnglish(desk, "reload review", "[data-testid^=review-]");
  await desk.getByRole("button", { name: t(JA, "provider.reload.confirm", { count: 1, name: "Metro Pass" }) }).click();

  const result = desk.getByTestId("reload-result");
  await expect(result).toContainText(
    tPattern(JA, "provider.outcome.loaded", { verb: "reloaded", name: "Metro Pass", messageId: ANY, kind: "reissue_reload", amount: yen(200) }),
    LOAD,
  );
  await expect(result).toContainText(tPattern(JA, "provider.outcome.works", { reading: ANY }));
  await expectReturned(desk, newLast4);
  await responses.expectNoPrivateKeys();
  await screenshot(desk, test.info(), "metro-desk-after-reload-ja");

  // Yuki sees Metro Pass on her new card, charged at the reissue fee; the guide says it is reloaded.
  await yuki.page.goto("/cardholder");
  const onCard = yuki.page.getByRole("list", { name: t(JA, "cardholder.apps.listLabel", { last4: newLast4 }) });
  const pass = onCard.getByRole("listitem").filter({ hasText: "Metro Pass" });
  await expect(pass.getByTestId("user-charge")).toHaveText(t(JA, "cardholder.apps.charged", { provider: "Metro Transit", amount: yen(200), kind: "reissue" }));
  await expect(yuki.page.getByTestId(`card-${newLast4}`).getByRole("region", { name: m(JA, "cardholder.guide.label") })).toContainText(
    m(JA, "cardholder.guide.reloaded"),
  );
  await expectNoEnglish(yuki.page, "My cards after the reload");
  await screenshot(yuki.page, test.info(), "cardholder-after-reload-ja");
  await Promise.all([yuki.context.close(), metro.context.close()]);
});

test("in Japanese: Daiki reports his platform-200 card damaged, the issuer approves, he activates the new card and Hoshi's desk reloads Hoshi Credit by method 2", async ({
  browser,
}) => {
  const daiki = await cardholder(browser, DAIKI.email);
  const oldLast4 = await reportOwnCard(daiki.page, "damaged", "ICチップが割れてしまいました。", "cardholder-after-report-damaged-ja");
  // Damaged: the card keeps working until the new one is activated.
  await expect(daiki.page.getByTestId(`card-${oldLast4}`).getByTestId("card-visual")).toContainText(m(JA, "common.status.active"));

  // Platform 200: nobody is told now; the providers ask at the visit (Fig. 10).
  const newLast4 = await approve(browser, DAIKI.name, tPattern(JA, "issuer.reissues.decisions.inquiry", { count: 3 }));
  await activateNewCard(daiki.page, oldLast4, newLast4, ["Hoshi Card Services"], "oldWorks", "cardholder-new-card-platform-200-ja");
  const code = await presentInJapanese(daiki.page);

  // Hoshi's clerk, in Japanese: a platform-200 card says nothing of its holder; only the issuer can tell.
  const hoshi = await japanese(browser, "hoshi");
  const desk = hoshi.page;
  const responses = recordResponses(desk);
  await takeCard(desk, code, JA);
  await expect(desk.getByTestId("visit-card")).toContainText(newLast4);
  await screenshot(desk, test.info(), "hoshi-desk-before-reading-reissued-card-ja");
  await readCard(desk, JA);
  const reading = desk.getByTestId("card-reading");
  await expect(reading).toContainText(t(JA, "provider.desk.method", { method: 2 }));
  await expect(reading).toContainText(t(JA, "provider.desk.reading.platform", { platformType: 200 }));
  const guide = desk.getByRole("region", { name: m(JA, "provider.guide.label") });
  await expect(guide).toContainText(m(JA, "provider.guide.holderIssuerOnly"));
  await expect(guide).toContainText(m(JA, "provider.guide.issuerOnly"));
  await expectNoEnglish(desk, "desk's guide", "[data-testid=card-guide], [data-testid=card-reading], [data-testid=visit-card]");
  await screenshot(desk, test.info(), "hoshi-desk-after-reading-reissued-card-ja");

  // Method 2: the desk sends the card attribute data and asks about Hoshi Credit (Figs. 11, 15).
  await checkReload(desk, { names: ["Hoshi Credit"] }, JA);
  const steps = desk.getByRole("list", { name: m(JA, "provider.words.stepsLabel") });
  await expect(steps).toContainText(t(JA, "provider.words.steps.inquiry-sent.title", { name: "Hoshi Credit" }));
  await expect(steps).toContainText(tPattern(JA, "provider.words.steps.inquiry-answered.detail", { reissue: "OK", originalMessageId: ANY, ngReason: "" }));
  // The old examination, reused: its outcome said in Japanese too (a code rendered in the reader's language).
  await expect(steps).toContainText(tPattern(JA, "provider.words.examinationReused", { at: ANY, outcome: "approved" }));
  const review = desk.getByTestId("review-F0524300020001");
  await expect(review.getByTestId("old-examination")).toContainText(m(JA, "provider.reload.reused"));
  await expect(review.getByTestId("reissue-charge")).toContainText(t(JA, "provider.reload.reissueFee", { fee: yen(300) }));
  await expect(review.getByTestId("reissue-charge")).toContainText(t(JA, "provider.reload.insteadOf", { fee: yen(1_500) }));
  const limitWords = m(JA, "provider.reload.limit").split("{limit}")[0]!;
  const limit = (await review.getByTestId("old-examination").textContent())!.split(limitWords)[1]!.match(/^\D*\d{1,3}(?:,\d{3})*/)![0];
  await expectNoEnglish(desk, "reload review", "[data-testid^=review-]");
  await screenshot(desk, test.info(), "hoshi-desk-review-ja");

  await desk.getByRole("button", { name: t(JA, "provider.reload.confirm", { count: 1, name: "Hoshi Credit" }) }).click();
  const result = desk.getByTestId("reload-result");
  await expect(result).toContainText(
    tPattern(JA, "provider.outcome.loaded", { verb: "reloaded", name: "Hoshi Credit", messageId: ANY, kind: "reissue_reload", amount: yen(300) }),
    LOAD,
  );
  // The reused examination's limit is what the card now holds, read back through the reader.
  await expect(result).toContainText(t(JA, "provider.runner.reading.credit", { limit, hasHolder: "no", holder: "" }));
  await expectReturned(desk, newLast4);
  // Method 2: the desk never saw a card id, and received no private key.
  await expect(desk.getByRole("main")).not.toContainText(new RegExp(`${m(JA, "provider.desk.reading.cardId")}\\s*[0-9A-F]{16}`));
  await responses.expectNoPrivateKeys();
  await screenshot(desk, test.info(), "hoshi-desk-after-reload-ja");

  // Daiki sees Hoshi Credit on his new card, charged at the reissue fee.
  await daiki.page.goto("/cardholder");
  const onCard = daiki.page.getByRole("list", { name: t(JA, "cardholder.apps.listLabel", { last4: newLast4 }) });
  await expect(onCard.getByRole("listitem").filter({ hasText: "Hoshi Credit" }).getByTestId("user-charge")).toHaveText(
    t(JA, "cardholder.apps.charged", { provider: "Hoshi Card Services", amount: yen(300), kind: "reissue" }),
  );
  await expectNoEnglish(daiki.page, "My cards after the reload");
  await Promise.all([daiki.context.close(), hoshi.context.close()]);
});
