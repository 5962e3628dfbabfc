import { expect, test } from "../fixtures/test";
import { ACCOUNTS } from "../fixtures/accounts";
import { as } from "../provider/desk-helpers";
import { searchFor } from "../fixtures/people";

/**
 * Issue 13: the two server-driven card conversations a page relays (docs/card.md "Host scripts through a
 * desk"): a provider application's own keys (`/api/provider/desk/application-keys`) and the issuer
 * contact (`/api/issuer/cards/<id>/reader`). Each checks role and tenant itself: other roles 403, no
 * session 401, another company's load 404, another company's ticket refused.
 */

/** Hana's Metro Pass load in the seed (a Metro grant). */
const METRO_LOAD = "RECARD01-METRO01-I0000000001";

test("the application-keys route: other roles and no session refused; another company's load not found, its ticket refused", async ({ browser }) => {
  for (const key of ["issuer", "hana"] as const) {
    const other = await browser.newContext({ storageState: ACCOUNTS[key].state });
    const res = await other.request.post("/api/provider/desk/application-keys", { data: { start: { purpose: "rotate", messageId: METRO_LOAD } } });
    expect(res.status(), key).toBe(403);
    await other.close();
  }
  const anonymous = await browser.newContext();
  expect(
    (await anonymous.request.post("/api/provider/desk/application-keys", { data: { start: { purpose: "rotate", messageId: METRO_LOAD } } })).status(),
  ).toBe(401);
  await anonymous.close();

  const metro = await as(browser, "metro");
  const hoshi = await as(browser, "hoshi");
  // Hoshi asks about Metro's load: as if it did not exist.
  const foreign = await hoshi.page.request.post("/api/provider/desk/application-keys", { data: { start: { purpose: "rotate", messageId: METRO_LOAD } } });
  expect(foreign.status()).toBe(404);
  expect(await foreign.json()).toMatchObject({ error: "not-found" });
  // Metro's own load: a ticket and the first command (SELECT the application); only a credit application has a holder reference to read.
  const started = await metro.page.request.post("/api/provider/desk/application-keys", { data: { start: { purpose: "rotate", messageId: METRO_LOAD } } });
  expect(started.status()).toBe(200);
  const body = (await started.json()) as { ticket: string; step: { kind: string; apdu: string } };
  expect(body.step).toMatchObject({ kind: "command", apdu: expect.stringMatching(/^00A40400/) });
  expect(
    await (await metro.page.request.post("/api/provider/desk/application-keys", { data: { start: { purpose: "read", messageId: METRO_LOAD } } })).json(),
  ).toMatchObject({ error: "not-credit" });
  // Hoshi cannot carry Metro's conversation on, and a tampered ticket is refused.
  const stolen = await hoshi.page.request.post("/api/provider/desk/application-keys", { data: { ticket: body.ticket, responses: ["9000"] } });
  expect(stolen.status()).toBe(409);
  expect(await stolen.json()).toMatchObject({ error: "ticket-invalid" });
  const tampered = `${body.ticket.slice(0, -2)}${body.ticket.endsWith("AA") ? "AB" : "AA"}`;
  expect(
    await (await metro.page.request.post("/api/provider/desk/application-keys", { data: { ticket: tampered, responses: ["9000"] } })).json(),
  ).toMatchObject({ error: "ticket-invalid" });
  expect(
    (await metro.page.request.post("/api/provider/desk/application-keys", { data: { start: { purpose: "steal", messageId: METRO_LOAD } } })).status(),
  ).toBe(400);
  await Promise.all([metro.context.close(), hoshi.context.close()]);
});

test("the issuer-contact route: provider and cardholder refused, no session refused, an unknown card not found, a tampered ticket refused", async ({
  browser,
}) => {
  const issuer = await as(browser, "issuer");
  await issuer.page.goto(`/issuer/cards?${searchFor("Aoi Shimizu")}`);
  const href = (await issuer.page.getByRole("table", { name: "Cards" }).getByRole("row").nth(1).getByRole("link").first().getAttribute("href"))!;
  const url = `/api${href}/reader`;
  for (const key of ["metro", "hana"] as const) {
    const other = await browser.newContext({ storageState: ACCOUNTS[key].state });
    expect((await other.request.post(url, { data: { start: true } })).status(), key).toBe(403);
    await other.close();
  }
  const anonymous = await browser.newContext();
  expect((await anonymous.request.post(url, { data: { start: true } })).status()).toBe(401);
  await anonymous.close();

  const unknown = await issuer.page.request.post("/api/issuer/cards/00000000-0000-4000-8000-000000000000/reader", { data: { start: true } });
  expect(unknown.status()).toBe(404);
  expect(await unknown.json()).toMatchObject({ error: "not-found" });
  expect((await issuer.page.request.post("/api/issuer/cards/not-a-card/reader", { data: { start: true } })).status()).toBe(404);
  const started = await issuer.page.request.post(url, { data: { start: true } });
  expect(started.status()).toBe(200);
  const body = (await started.json()) as { ticket: string; step: { kind: string; apdu: string } };
  expect(body.step).toMatchObject({ kind: "command", apdu: expect.stringMatching(/^00A40400/) });
  const tampered = `${body.ticket.slice(0, -2)}${body.ticket.endsWith("AA") ? "AB" : "AA"}`;
  expect(await (await issuer.page.request.post(url, { data: { ticket: tampered, responses: ["9000"] } })).json()).toMatchObject({ error: "ticket-invalid" });
  expect((await issuer.page.request.post(url, { data: { start: false } })).status()).toBe(400);
  await issuer.context.close();
});
