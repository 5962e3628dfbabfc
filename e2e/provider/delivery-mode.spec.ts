import { expect, test } from "../fixtures/test";
import { as } from "./desk-helpers";

/**
 * Issue 15: a provider sees how the issuer delivers its reissuance information (push or pull) and since
 * when, from the issuer's signed `reissue-delivery-mode` (docs/messages.md): told once when the exchange
 * opens (the seed's opening traffic) and again at each change the issuer makes. The test switches
 * Sakura to pull and back, so the journeys find it as seeded.
 */
test("Sakura's settings show push since the opening; the issuer switches it to pull and back, and Sakura sees each change", async ({ browser }) => {
  const sakura = await as(browser, "sakura");
  const issuer = await as(browser, "issuer");
  const mode = sakura.page.getByTestId("delivery-mode");
  await sakura.page.goto("/provider/settings");
  await expect(mode).toContainText("push");
  await expect(mode).toContainText("The issuer pushes reissued cards to us");
  await expect(mode).toContainText(/In force since [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{2}:\d{2}( [AP]M)? (GMT\+9|JST)/);
  const firstMessage = (await mode.locator("span.font-mono").textContent())!;
  expect(firstMessage).toMatch(/^RECARD01-SAKURA01-I\d{10}$/);

  const switchTo = async (delivery: "push" | "pull") => {
    await issuer.page.goto("/issuer/providers");
    const form = issuer.page.getByRole("form", { name: "Reissuance information delivery to Sakura Points" });
    await form.getByLabel("Reissuance information (platform 100)").selectOption(delivery);
    await form.getByRole("button", { name: "Save delivery" }).click();
    await expect(form.getByRole("status")).toContainText(delivery === "pull" ? "will pull reissuance information" : "will be pushed");
  };

  await switchTo("pull");
  await sakura.page.reload();
  await expect(mode).toContainText("pull");
  await expect(mode).toContainText("We pull reissuance information when a customer reloads");
  const secondMessage = (await mode.locator("span.font-mono").textContent())!;
  expect(secondMessage).not.toBe(firstMessage);
  await sakura.page.goto("/provider/messages");
  await expect(sakura.page.getByRole("main")).toContainText("reissue-delivery-mode");

  await switchTo("push");
  await sakura.page.goto("/provider/settings");
  await expect(mode).toContainText("The issuer pushes reissued cards to us");
  expect(await mode.locator("span.font-mono").textContent()).not.toBe(secondMessage);
  await Promise.all([sakura.context.close(), issuer.context.close()]);
});
