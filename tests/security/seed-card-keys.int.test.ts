import { afterAll, beforeAll, expect, test } from "vitest";
import { seededDatabase, testDatabase, testPrisma } from "../helpers/db";
import { pointAppAtTestDatabase } from "../helpers/env";

/**
 * The build-output scan (scripts/check-bundle-secrets.ts) looks for the receipt keys of the seed's
 * cards by personalising them again from their seeds. This checks that those are exactly the keys of
 * the cards the seed puts in the cardholders' wallets, so the scan cannot look for the wrong ones.
 */
pointAppAtTestDatabase();
const { seedCardPrivateKeys } = await import("@/prisma/seed");
const prisma = testPrisma(2);

beforeAll(async () => {
  await seededDatabase();
}, 120_000);
afterAll(() => prisma.$disconnect());

test(`the scan's seed card keys are the seeded wallets' card keys (${testDatabase().kind})`, async () => {
  const wallets = await prisma.walletCard.findMany({ select: { surfaceNumber: true, image: true } });
  const seeded = new Map(wallets.map((w) => [w.surfaceNumber, (w.image as { keys: { cardPrivateKey: string } }).keys.cardPrivateKey]));
  const computed = await seedCardPrivateKeys();
  expect(seeded.size).toBeGreaterThan(20);
  expect(new Map([...computed].filter(([surface]) => seeded.has(surface)))).toEqual(seeded);
});
