import { expect, test, type APIRequestContext, type Page } from "../fixtures/test";
import { as } from "./desk-helpers";

/**
 * A provider sets its own fees to users (issue 15, claim 14): a change scheduled for a later day, a
 * refused one that keeps what was typed, another party replaying the actions refused, and the change
 * withdrawn again (so the journeys later in the run see the seeded fees).
 */

type ActionCall = { url: string; body: Buffer; headers: Record<string, string> };

function recordActions(page: Page): ActionCall[] {
  const calls: ActionCall[] = [];
  page.on("request", (r) => {
    if (r.headers()["next-action"]) calls.push({ url: r.url(), body: r.postDataBuffer() ?? Buffer.alloc(0), headers: r.headers() });
  });
  return calls;
}

async function replay(request: APIRequestContext, call: ActionCall): Promise<{ status: number; text: string }> {
  const headers = Object.fromEntries(Object.entries(call.headers).filter(([k]) => k !== "cookie" && !k.startsWith(":")));
  const res = await request.post(call.url, { headers, data: call.body });
  return { status: res.status(), text: await res.text() };
}

/** A day a month from now, in Tokyo (the provider's time zone). */
function dayInAMonth(): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Tokyo" }).format(new Date(Date.now() + 30 * 86_400_000));
}

test("Metro schedules new fees for Metro Cycle, keeps what it typed after a refusal, and withdraws the change; other parties are refused", async ({
  page,
  browser,
}) => {
  const calls = recordActions(page);
  const day = dayInAMonth();
  await page.goto("/provider/settings");
  const fees = page.getByRole("table", { name: "Fees to users" });
  const cycleRow = fees.getByRole("row").filter({ hasText: "Metro Cycle" });
  await expect(cycleRow).toContainText("¥300");
  await expect(cycleRow).toContainText("¥100");

  const form = page.getByRole("form", { name: "Change fees to users" });
  await form.getByLabel("Application").selectOption({ label: "Metro Cycle" });
  await form.getByLabel("Normal fee (JPY)").fill("-5");
  await form.getByLabel("Reissue fee (JPY)").fill("120");
  await form.getByLabel("Effective from").fill(day);
  await form.getByRole("button", { name: "Save the new fees" }).click();
  await expect(form.getByText("Cannot be negative.")).toBeVisible();
  await expect(form.getByLabel("Normal fee (JPY)")).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByLabel("Normal fee (JPY)")).toHaveValue("-5");
  await expect(form.getByLabel("Reissue fee (JPY)")).toHaveValue("120");
  await expect(form.getByLabel("Effective from")).toHaveValue(day);
  await expect(form.getByLabel("Application")).toHaveValue("F0524300010002");

  await form.getByLabel("Normal fee (JPY)").fill("350");
  await form.getByRole("button", { name: "Save the new fees" }).click();
  await expect(form.getByText(/^Scheduled: the new fees apply to loads from /)).toBeVisible();
  await expect(cycleRow).toContainText("¥350 / ¥120");
  await expect(cycleRow).toContainText("(by Daichi Mori)");
  await expect(cycleRow.getByRole("cell").nth(1)).toHaveText("¥300"); // still in force today

  // The same requests with another party's session: refused by the actions themselves.
  const schedule = calls.at(-1)!;
  const hoshi = await as(browser, "hoshi");
  const byHoshi = await replay(hoshi.page.request, schedule);
  expect(byHoshi.status).toBe(200);
  expect(byHoshi.text).toContain("That is not one of our applications.");
  // A cardholder never reaches a provider action: the portal guard answers first (the action's own check is behind it).
  const hana = await as(browser, "hana");
  expect((await replay(hana.page.request, schedule)).status).not.toBe(200);

  await cycleRow.getByRole("button", { name: /^Withdraw the Metro Cycle change from / }).click();
  await expect(cycleRow.getByRole("cell").nth(4)).toHaveText("none");
  const withdraw = calls.at(-1)!;
  // (Another desk withdrawing Metro's change while it exists is refused too: tests/provider/fees.int.test.ts.)
  expect((await replay(hana.page.request, withdraw)).status).not.toBe(200);
  await page.reload();
  await expect(cycleRow.getByRole("cell").nth(4)).toHaveText("none"); // nothing a replay did came back
  await hoshi.context.close();
  await hana.context.close();
});
