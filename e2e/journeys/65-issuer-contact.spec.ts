import { expect, test } from "../fixtures/test";
import { seedCardImage } from "../fixtures/seed-card-image";
import { as, testCardImage } from "../provider/desk-helpers";
import { nameOf, searchFor } from "../fixtures/people";

/**
 * Issue 13, the issuer contact (docs/issuer.md "Key update at an issuer contact"): after a key rotation,
 * Sakura Kimura brings her platform-100 card to the issuer; on the card's page the issuer puts it in the
 * reader (the simulator, with the image of her card as it was personalised: the plastic's stand-in) and
 * its server brings the card's issuer keys to the current version through the ISD's SCP03 channel, the
 * page carrying APDUs only. A second contact changes nothing; another card in the reader is refused.
 * Continues on the journeys' database (whatever version earlier files rotated to); no other file touches
 * Sakura Kimura's card.
 */
test.describe.configure({ mode: "serial" });
test.setTimeout(180_000);

test("the issuer rotates its keys, then updates Sakura Kimura's card at its reader; another card is refused", async ({ browser }) => {
  const issuer = await as(browser, "issuer");
  const page = issuer.page;
  await page.goto("/issuer/keys");
  const rotation = page.getByRole("form", { name: "Start a key rotation" });
  await rotation.getByLabel("Reason").fill("Rotation before the counter's key updates.");
  await rotation.getByRole("button", { name: "Start a rotation" }).click();
  await expect(rotation).toContainText(/Version 7[1-9A-F]/);
  const version = (await rotation.textContent())!.match(/Version (7[0-9A-F])/)![1]!;

  await page.goto(`/issuer/cards?${searchFor("Sakura Kimura")}`);
  await page.getByRole("table", { name: "Cards" }).getByRole("row").nth(1).getByRole("link").first().click();
  await expect(page.getByTestId("card-issuer-key-version")).toHaveText("70");
  await expect(page.getByTestId("card-facts")).toContainText(`behind the current version ${version}`);

  const contact = page.getByRole("region", { name: "Issuer contact: the card in a reader" });
  await expect(contact.getByText("connected (Simulator)")).toBeVisible();
  await contact
    .getByLabel("Card image file")
    .setInputFiles({ name: "sakura-kimura.json", mimeType: "application/json", buffer: Buffer.from(seedCardImage(nameOf("Sakura Kimura"))) });
  await expect(contact.getByTestId("card-presence")).toHaveText("card present");
  await contact.getByRole("button", { name: "Update the card's issuer keys" }).click();
  const outcome = contact.getByTestId("issuer-contact");
  await expect(outcome).toContainText(`The card took issuer key version ${version} (it held 70). Recorded for this card.`, { timeout: 60_000 });
  await expect(page.getByTestId("card-issuer-key-version")).toHaveText(version);
  // The APDUs crossed this page: SELECT ISD, INITIALIZE UPDATE, EXTERNAL AUTHENTICATE, then protected commands.
  const trace = contact.getByRole("table", { name: /APDU trace/ });
  await expect(trace).toContainText("8050");
  await expect(trace).toContainText("8482");

  // A second contact: the card already holds it.
  await contact.getByRole("button", { name: "Update the card's issuer keys" }).click();
  await expect(outcome).toContainText(`The card already holds issuer key version ${version}: nothing to change.`, { timeout: 60_000 });
  await page.reload();
  await expect(page.getByRole("table", { name: "Audit trail of the card" })).toContainText(`Issuer keys 70 → ${version}`);
  await expect(page.getByRole("table", { name: "Audit trail of the card" }).getByText(`Issuer keys 70 → ${version}`)).toHaveCount(1);

  // Another card in the reader: refused, and nothing recorded.
  const other = await testCardImage(100, "e2e/journeys/issuer-contact-other");
  const contact2 = page.getByRole("region", { name: "Issuer contact: the card in a reader" });
  await expect(contact2.getByText("connected (Simulator)")).toBeVisible();
  await contact2.getByLabel("Card image file").setInputFiles({ name: "other.json", mimeType: "application/json", buffer: Buffer.from(other.json) });
  await contact2.getByRole("button", { name: "Update the card's issuer keys" }).click();
  await expect(contact2.getByRole("alert")).toContainText("this is not the card the contact was started for", { timeout: 60_000 });
  await issuer.context.close();
});
