import { expect, test } from "../fixtures/test";

test("providers: register an application, approve it after review; reissuance delivery push or pull", async ({ page }) => {
  await page.goto("/issuer/providers");
  await page.getByText("Register an application for Sakura Points").click();
  const form = page.getByRole("form", { name: "Register an application for Sakura Points" });
  await form.getByLabel("AID").fill("XYZ");
  await form.getByRole("button", { name: "Register" }).click();
  await expect(page.locator("#register-SAKURA01-aid-error")).toHaveText("An AID is 5 to 16 bytes in hex, e.g. F0524300010003.");
  await expect(page.locator("#register-SAKURA01-loadFileHash-error")).toHaveText("The SHA-256 of the load file: 64 hex digits.");
  await form.getByLabel("AID").fill("F0524300030009");
  await form.getByLabel("Name").fill("Sakura Stamps");
  await form.getByLabel("Kind").selectOption("loyalty");
  await form.getByLabel("Load file SHA-256").fill("AB".repeat(32));
  await form.getByRole("button", { name: "Register" }).click();
  await expect(form.getByRole("status")).toContainText("Sakura Stamps registered");
  await page.reload();
  const apps = page.getByRole("table", { name: "Applications of Sakura Points" });
  const row = apps.getByRole("row").filter({ hasText: "Sakura Stamps" });
  await expect(row).toContainText("pending");
  await row.getByLabel("Reason").fill("Security review passed.");
  await row.getByRole("button", { name: "Approve" }).click();
  await expect(row.getByRole("status")).toContainText("Approved");
  await page.reload();
  await expect(apps.getByRole("row").filter({ hasText: "Sakura Stamps" })).toContainText("approved");

  const delivery = page.getByRole("form", { name: "Reissuance information delivery to Hoshi Card Services" });
  await delivery.getByLabel("Reissuance information (platform 100)").selectOption("pull");
  await delivery.getByRole("button", { name: "Save delivery" }).click();
  await expect(delivery.getByRole("status")).toContainText("pull reissuance information at reload time (Fig. 19)");
  await delivery.getByLabel("Reissuance information (platform 100)").selectOption("push");
  await delivery.getByRole("button", { name: "Save delivery" }).click();
  await expect(delivery.getByRole("status")).toContainText("pushed");
});

test("charges: totals by kind, the chart, a fee change and a monthly statement sent", async ({ page }) => {
  await page.goto("/issuer/charges");
  await expect(page.getByTestId("total-normal")).toHaveText(/¥[\d,]+/);
  await expect(page.getByTestId("total-reissue")).toHaveText(/¥[\d,]+/);
  await expect(page.getByRole("img", { name: "Charges to providers by month and kind" })).toBeVisible();

  const fees = page.getByRole("table", { name: "Fee schedules" }).getByRole("row").filter({ hasText: "Hoshi Rewards" });
  await fees.getByText("Change").click();
  const feeForm = page.getByRole("form", { name: "Fees for Hoshi Rewards" });
  await feeForm.getByLabel("Normal load fee (¥)").fill("180");
  await feeForm.getByLabel("Reissue reload fee (¥)").fill("60");
  await feeForm.getByLabel("Reason").fill("Yearly price review.");
  await feeForm.getByRole("button", { name: "Save fees" }).click();
  await expect(feeForm.getByRole("status")).toContainText("New fees apply");
  await page.reload();
  await expect(page.getByRole("table", { name: "Fee schedules" }).getByRole("row").filter({ hasText: "Hoshi Rewards" })).toContainText("¥180");

  // A statement for the latest closed month in which Metro Transit was charged.
  const statement = page.getByRole("form", { name: "Issue a monthly statement" });
  await statement.getByLabel("Provider").selectOption({ label: "Metro Transit (METRO01)" });
  const months = await statement.getByLabel("Month").locator("option").allTextContents();
  let sent = false;
  for (const month of months) {
    await statement.getByLabel("Month").selectOption(month);
    await statement.getByRole("button", { name: "Issue and send" }).click();
    const answer = statement.getByRole("status").or(statement.getByRole("alert"));
    await expect(answer).toContainText(month); // this month's answer, not the previous one
    if (/Statement sent/.test((await answer.textContent()) ?? "")) {
      sent = true;
      await expect(answer).toContainText(`Statement sent for ${month}`);
      await expect(answer).toContainText(/RECARD01-METRO01-I\d{10}/);
      break;
    }
    await expect(answer).toContainText(/has no charges in|was already issued/); // the seed sends the last closed months
  }
  expect(sent).toBe(true);
  await page.reload();
  await expect(page.getByRole("table", { name: "Statements" }).getByRole("row").filter({ hasText: "METRO01" }).first()).toContainText(/PF (100|200)/);
});
