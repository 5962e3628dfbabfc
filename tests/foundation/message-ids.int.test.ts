import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseMessageId } from "@/lib/core/message-id";
import { allocateMessageId } from "@/lib/server/exchange/message-ids";
import { resetDatabase, testDatabase, testPrisma } from "../helpers/db";

const prisma = testPrisma(10);

beforeAll(resetDatabase);
afterAll(() => prisma.$disconnect());

describe(`message id allocation on ${testDatabase().kind}`, () => {
  it("gives 50 concurrent allocations 50 distinct, gapless sequence numbers", async () => {
    const parts = { issuerCompanyId: "RECARD01", providerCompanyId: "METRO01", direction: "I" as const };
    const ids = await Promise.all(
      Array.from({ length: 50 }, () => prisma.$transaction((tx) => allocateMessageId(tx, parts), { maxWait: 60_000, timeout: 60_000 })),
    );
    expect(new Set(ids).size).toBe(50);
    const sequences = ids.map((id) => {
      const parsed = parseMessageId(id);
      if (!parsed.ok) throw new Error(parsed.error);
      expect(parsed.value).toMatchObject(parts);
      return parsed.value.sequence;
    });
    expect(sequences.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it("keeps separate sequences per provider and per direction", async () => {
    const a = await prisma.$transaction((tx) => allocateMessageId(tx, { issuerCompanyId: "RECARD01", providerCompanyId: "HOSHI01", direction: "I" }));
    const b = await prisma.$transaction((tx) => allocateMessageId(tx, { issuerCompanyId: "RECARD01", providerCompanyId: "HOSHI01", direction: "P" }));
    expect(a).toBe("RECARD01-HOSHI01-I0000000001");
    expect(b).toBe("RECARD01-HOSHI01-P0000000001");
  });

  it("gives the number back when the transaction that took it rolls back", async () => {
    const parts = { issuerCompanyId: "RECARD01", providerCompanyId: "SAKURA01", direction: "I" as const };
    await expect(
      prisma.$transaction(async (tx) => {
        await allocateMessageId(tx, parts);
        throw new Error("business change failed");
      }),
    ).rejects.toThrow("business change failed");
    expect(await prisma.$transaction((tx) => allocateMessageId(tx, parts))).toBe("RECARD01-SAKURA01-I0000000001");
  });
});
