import { expect, type Browser, type BrowserContext, type Page } from "@playwright/test";
import pg from "pg";
import { encodeCardImage, type CardImage } from "@/lib/core/card";
import { PASSWORD } from "../fixtures/accounts";

/** An address given by scripts/deployments-e2e.ts. */
export function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run these specs through scripts/deployments-e2e.ts`);
  return value;
}

export type Person = { context: BrowserContext; page: Page; base: string };

/** A person signed in at one deployment's address (every deployment has its own accounts and sessions). */
export async function signedIn(browser: Browser, base: string, email: string): Promise<Person> {
  const context = await browser.newContext({ baseURL: base });
  const page = await context.newPage();
  await page.goto("/signin");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signed-in-as")).toBeVisible();
  return { context, page, base };
}

/** Runs one query on a deployment's own database (what the test looks at, never what the app shares). */
export async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/**
 * The plastic: the new card as it arrived in the cardholder's hands (the issuer's wallet row), taken
 * to the provider's desk as a card in its simulator reader. The two companies' servers do not share
 * the issuer's virtual wallet, so the desk reads the card itself, as it would in a real reader.
 */
export async function cardInHand(issuerDatabaseUrl: string, last4: string): Promise<string> {
  const rows = await query<{ image: CardImage }>(issuerDatabaseUrl, "SELECT image FROM wallet_cards WHERE surface_number LIKE $1 AND state = 'in_hand'", [
    `%${last4}`,
  ]);
  expect(rows).toHaveLength(1);
  return encodeCardImage(rows[0]!.image);
}

/** The cardholder reports the card in use (the first one listed). */
export async function report(page: Page, reason: "Lost" | "Stolen" | "Damaged"): Promise<void> {
  await page.goto("/cardholder");
  await page.getByRole("link", { name: "Report lost, stolen or damaged" }).first().click();
  await page.getByRole("radio", { name: new RegExp(`^${reason}`) }).check();
  await page.getByRole("checkbox", { name: /I confirm this report/ }).check();
  await page.getByRole("button", { name: "Report and request a new card" }).click();
  await page.waitForURL(/\/cardholder\?reported=\d+/);
}

/** The issuer approves the cardholder's pending request; returns the decision's words and the new card's last four digits. */
export async function approve(page: Page, cardholder: string): Promise<{ decided: string; newLast4: string }> {
  await page.goto("/issuer/reissues");
  await page
    .getByRole("article", { name: new RegExp(`from ${cardholder}$`) })
    .getByRole("button", { name: "Approve and reissue" })
    .click();
  const decided = page.getByRole("status", { name: "Decisions" });
  await expect(decided).toContainText(`${cardholder}: Approved. New card ending`);
  const text = (await decided.textContent())!;
  return { decided: text, newLast4: text.match(new RegExp(`${cardholder}: Approved\\. New card ending (\\d{4})`))![1]! };
}

/** The new card arrived: its cardholder activates it (no desk reloads a card waiting for activation). */
export async function activate(page: Page, last4: string): Promise<void> {
  await page.goto("/cardholder");
  await page.getByRole("button", { name: `Activate card ending ${last4}` }).click();
  await page.waitForURL(new RegExp(`/cardholder\\?activated=${last4}$`));
}

/** The desk puts the card in its reader and reads it (steps 1801, 702/1102). */
export async function readAtDesk(desk: Page, cardJson: string): Promise<void> {
  await desk.goto("/provider/desk");
  await desk.getByLabel("Card image file").setInputFiles({ name: "card.json", mimeType: "application/json", buffer: Buffer.from(cardJson) });
  await expect(desk.getByTestId("visit-card")).toContainText("from an image file");
  await desk.getByRole("button", { name: "Read the card" }).click();
  await expect(desk.getByTestId("card-reading")).toBeVisible();
}

/** A reload check for the named applications, in the audit view (the case's steps shown). */
export async function checkReload(desk: Page, names: string[]): Promise<void> {
  const toggle = desk.getByRole("switch", { name: "Audit view" });
  if (!(await toggle.isChecked())) await toggle.check();
  await desk.getByRole("button", { name: "Reload on a reissued card" }).click();
  const form = desk.getByRole("form", { name: "Reload applications on a reissued card" });
  for (const name of names) await form.getByRole("checkbox", { name: new RegExp(`^${name}`) }).check();
  await form.getByRole("button", { name: /^Check the card/ }).click();
  await expect(desk.getByRole("list", { name: "Steps of the reload case" })).toBeVisible();
}

export const steps = (desk: Page) => desk.getByRole("list", { name: "Steps of the reload case" });
