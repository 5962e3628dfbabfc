import { expect, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { build } from "esbuild";
import path from "node:path";
import { createDemoCard, encodeCardImage, seededCardEnv } from "@/lib/core/card";
import { ACCOUNTS } from "../fixtures/accounts";
import { m, t, type Locale } from "../fixtures/messages";

/** A context signed in as one of the demo accounts (saved sign-ins of the setup project). */
export async function as(browser: Browser, key: keyof typeof ACCOUNTS): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ storageState: ACCOUNTS[key].state, viewport: { width: 1440, height: 1000 } });
  return { context, page: await context.newPage() };
}

/** A card image that no cardholder owns and the issuer never issued (like `npm run card -- new`). */
export async function testCardImage(platformType: 100 | 200, seed: string): Promise<{ json: string; cardId: string; last4: string }> {
  const { image } = await createDemoCard({ platformType, env: seededCardEnv(seed), cardholderName: "Test Card" });
  return { json: encodeCardImage(image), cardId: image.cardId, last4: image.surfaceNumber.slice(-4) };
}

/*
 * The desk helpers find elements by the words of the message files (e2e/fixtures/messages.ts), in the
 * page's language: English unless a journey in another language says so (70-japanese.spec.ts).
 */

/** The cardholder presents the card in use at a desk: the one-time code from My cards. */
export async function presentationCode(page: Page, locale: Locale = "en"): Promise<string> {
  await page.goto("/cardholder");
  await page
    .getByRole("button", { name: m(locale, "cardholder.present.present") })
    .first()
    .click();
  const code = page.getByTestId("presentation-code").first();
  await expect(code).toHaveText(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  return (await code.textContent())!.trim();
}

/** The desk takes the presented card: a lease on it, reached through the "Presented card" transport (APDUs relayed). */
export async function takeCard(desk: Page, code: string, locale: Locale = "en"): Promise<void> {
  const connected = (transport: "simulator" | "presented") =>
    desk.getByText(t(locale, "common.reader.connected", { transport: m(locale, `common.reader.transports.${transport}.label`) }));
  await desk.goto("/provider/desk");
  await expect(connected("simulator")).toBeVisible();
  await desk.getByLabel(m(locale, "provider.desk.claim.code")).fill(code);
  await desk.getByRole("button", { name: m(locale, "provider.desk.claim.take") }).click();
  await expect(desk.getByTestId("visit-card")).toContainText(m(locale, "provider.desk.visit.atDesk"));
  await expect(connected("presented")).toBeVisible();
  await expect(desk.getByTestId("card-presence")).toHaveText(m(locale, "common.reader.cardPresent"));
}

/** Inserts a card image file into the desk's simulator reader. */
export async function insertImageFile(desk: Page, json: string): Promise<void> {
  await desk.getByLabel("Card image file").setInputFiles({ name: "test-card.json", mimeType: "application/json", buffer: Buffer.from(json) });
  await expect(desk.getByTestId("visit-card")).toContainText("from an image file");
}

/** Step 1801 and 702/1102 at the desk: reads the card and waits for what it said. */
export async function readCard(desk: Page, locale: Locale = "en"): Promise<void> {
  await desk.getByRole("button", { name: m(locale, "provider.desk.read.button") }).click();
  await expect(desk.getByTestId("card-reading")).toBeVisible();
}

/** The desk's audit view: the reload case's steps with their patent numbers and messages (the clerk view hides them). */
export async function auditView(desk: Page, locale: Locale = "en"): Promise<void> {
  const toggle = desk.getByRole("switch", { name: m(locale, "provider.desk.auditView") });
  if (!(await toggle.isChecked())) await toggle.check();
  await expect(toggle).toBeChecked();
}

/** Starts a reload check for the named applications (own names, or an AID typed in), in the audit view to follow its steps. */
export async function checkReload(desk: Page, applications: { names?: string[]; aid?: string }, locale: Locale = "en"): Promise<void> {
  await auditView(desk, locale);
  // The guided desk's "reload-form" action and the flow choice of a card it cannot guide say the same words.
  await desk.getByRole("button", { name: m(locale, "provider.desk.flow.reload") }).click();
  const form = desk.getByRole("form", { name: m(locale, "provider.reload.formLabel") });
  for (const name of applications.names ?? []) await form.getByRole("checkbox", { name: new RegExp(`^${name}`) }).check();
  if (applications.aid) await form.getByLabel(m(locale, "provider.reload.otherAid")).fill(applications.aid);
  await form.getByRole("button", { name: new RegExp(`^${escape(m(locale, "provider.reload.check").split("{")[0]!)}`) }).click();
  await expect(desk.getByRole("list", { name: m(locale, "provider.words.stepsLabel") })).toBeVisible();
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

let bundle: string | null = null;

/** The fake Web Serial bundle (real PN532 framing and emulator), built once per run. */
export async function fakeSerialBundle(): Promise<string> {
  if (bundle) return bundle;
  const out = await build({
    entryPoints: [path.join(process.cwd(), "e2e/provider/fake-serial-entry.ts")],
    bundle: true,
    format: "iife",
    platform: "browser",
    write: false,
    tsconfig: path.join(process.cwd(), "tsconfig.json"),
    logLevel: "silent",
  });
  bundle = out.outputFiles[0]!.text;
  return bundle;
}
