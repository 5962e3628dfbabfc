/**
 * Any generation (issue 12, in part): a card reissued twice before the cardholder reaches a desk keeps
 * every pending reload on the cardholder's page, named with the card it was loaded on.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CardholderActor } from "@/lib/server/auth/session";
import { db } from "@/lib/server/db";
import { listMyCards } from "@/lib/server/data/cardholder/cards";
import { testDatabase } from "../helpers/db";
import { currentCard, freshDemoWorld } from "../issuer/helpers";
import { reissue } from "../provider/helpers";

beforeAll(freshDemoWorld, 180_000);
afterAll(() => db().$disconnect());

async function cardholderActor(email: string): Promise<CardholderActor> {
  const u = await db().user.findUniqueOrThrow({ where: { email } });
  return { id: u.id, email: u.email, name: u.name, role: "cardholder", tenantId: u.cardholderId!, cardholderId: u.cardholderId!, companyName: "ReCard Card Co." };
}

describe(`pending reloads across generations on ${testDatabase().kind}`, () => {
  it("after two reissues the current card still lists the first card's applications to reload", async () => {
    const first = await currentCard("Hana Sato");
    await reissue("Hana Sato", "damaged");
    const second = await currentCard("Hana Sato");
    await reissue("Hana Sato", "lost");
    const third = await currentCard("Hana Sato");
    expect(third.generation).toBe(first.generation + 2);
    const mine = await listMyCards(await cardholderActor("hana@recard.test"));
    const card = mine.current.find((c) => c.id === third.id)!;
    expect(card.reloadGuide?.oldCardLast4).toBe(second.surfaceNumber.slice(-4));
    expect(card.reloadGuide?.applications.map((a) => [a.name, a.fromCardLast4, a.reloaded]).sort()).toEqual([
      ["Metro Pass", first.surfaceNumber.slice(-4), false],
      ["Sakura Points", first.surfaceNumber.slice(-4), false],
    ]);
  });
});
