import { expect, test } from "../fixtures/test";
import { activate, approve, cardInHand, checkReload, query, readAtDesk, required, signedIn } from "./helpers";
import { nameOf } from "../fixtures/people";

/**
 * Issue 11, the scale path: two stateless app instances of one deployment on ONE PostgreSQL, as behind
 * a load balancer (sessions in the database, pg-boss coordinating both instances' workers). The same
 * reload is confirmed through both instances at once: one load, one permission, one charge on each
 * side, one message of each kind; the other desk is told why it was refused.
 */
const LOAD = { timeout: 90_000 };
const A = required("DEPLOYMENT_INSTANCE_A_URL");
const B = required("DEPLOYMENT_INSTANCE_B_URL");
const DB = required("DEPLOYMENT_SHARED_DATABASE_URL");

test("the same reload confirmed through both instances at once loads, charges and messages once", async ({ browser }) => {
  // The reissue through instance A, the activation through instance B: one deployment, one database.
  const issuer = await signedIn(browser, A, "issuer@recard.test");
  const { decided, newLast4 } = await approve(issuer.page, nameOf("Mei Ito"));
  expect(decided).toContain("Metro Transit was told of the new card now.");
  const mei = await signedIn(browser, B, "mei.ito@mail.example");
  await activate(mei.page, newLast4);

  const card = await cardInHand(DB, newLast4);
  const deskA = await signedIn(browser, A, "desk@metro.recard.test");
  const deskB = await signedIn(browser, B, "desk@metro.recard.test");
  for (const desk of [deskA, deskB]) {
    await readAtDesk(desk.page, card);
    await checkReload(desk.page, ["Metro Pass"]);
    await expect(desk.page.getByRole("button", { name: "Confirm and reload Metro Pass" })).toBeVisible();
  }
  await Promise.all([deskA, deskB].map((d) => d.page.getByRole("button", { name: "Confirm and reload Metro Pass" }).click()));

  // Each desk ends either reloaded or refused with its reason; exactly one reloaded.
  const outcome = async (page: (typeof deskA)["page"]) => {
    const reloaded = page.getByTestId("reload-result").filter({ hasText: "Metro Pass reloaded under" });
    const refused = page.getByTestId("refusal").first();
    await expect(reloaded.or(refused)).toBeVisible(LOAD);
    return (await reloaded.count()) > 0 ? "reloaded" : ((await refused.textContent()) ?? "");
  };
  const outcomes = await Promise.all([outcome(deskA.page), outcome(deskB.page)]);
  expect(outcomes.filter((o) => o === "reloaded")).toHaveLength(1);
  expect(outcomes.find((o) => o !== "reloaded")).toMatch(/Reload refused|refused/);

  // One of everything, on both sides, for this card and application.
  const [card1] = await query<{ id: string; card_id: string }>(DB, "SELECT id, card_id FROM iss_cards WHERE surface_number LIKE $1", [`%${newLast4}`]);
  const permissions = await query<{ id: string; status: string; message_id: string }>(
    DB,
    "SELECT p.id, p.status::text, p.message_id FROM iss_loading_permissions p JOIN iss_applications a ON a.id = p.application_id WHERE p.card_id = $1 AND a.aid = 'F0524300010001'",
    [card1!.id],
  );
  expect(permissions.map((p) => p.status)).toEqual(["confirmed"]);
  expect(await query(DB, "SELECT count(*)::int AS n FROM iss_provider_charges WHERE permission_id = $1", [permissions[0]!.id])).toEqual([{ n: 1 }]);
  const loads = await query<{ id: string }>(
    DB,
    "SELECT id FROM sp_load_records WHERE provider_company_id = 'METRO01' AND card_id = $1 AND application_aid = 'F0524300010001' AND status = 'loaded'",
    [card1!.card_id],
  );
  expect(loads).toHaveLength(1);
  expect(await query(DB, "SELECT count(*)::int AS n FROM sp_user_charges WHERE load_record_id = $1", [loads[0]!.id])).toEqual([{ n: 1 }]);
  // Messages (this database is fresh: the seed writes loads directly, its opening traffic is charge
  // statements): one request, one grant, one confirmation, each sent once and received once.
  for (const type of ["reload-permission-request", "reload-permission-grant", "load-confirmation"]) {
    expect(await query(DB, "SELECT count(*)::int AS n FROM xc_outbox WHERE type = $1", [type]), type).toEqual([{ n: 1 }]);
    expect(await query(DB, "SELECT count(*)::int AS n FROM xc_inbox WHERE type = $1", [type]), type).toEqual([{ n: 1 }]);
  }
  expect(
    await query(DB, "SELECT count(*)::int AS n FROM xc_outbox WHERE type = 'reload-permission-grant' AND message_id = $1", [permissions[0]!.message_id]),
  ).toEqual([{ n: 1 }]);
  await Promise.all([issuer, mei, deskA, deskB].map((p) => p.context.close()));
});
