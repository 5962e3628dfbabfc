import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { acceptInvitation, createCardholder, inviteCardholder, readInvitation } from "@/lib/server/data/issuer/cardholders";
import { verifyPassword } from "@/lib/server/auth/password";
import { CreateCardholderSchema } from "@/lib/validation/cardholder";
import { testDatabase } from "../helpers/db";
import { freshDemoWorld, issuerActor } from "./helpers";

beforeAll(freshDemoWorld, 180_000);
afterAll(() => db().$disconnect());

const FORM = {
  fullName: "山田 花子",
  fullNameKana: "やまだ はなこ",
  sex: "female",
  birthDate: "1990-05-01",
  occupation: "Librarian",
  annualIncomeMinor: "4200000",
  postalCode: "1500002",
  address: "1-2-3 Shibuya, Shibuya-ku, Tokyo",
  email: "Hanako.Yamada@Example.jp",
  phone: "090-1111-2222",
  locale: "ja",
  platformType: "100",
};

describe(`cardholders, first cards and invitations on ${testDatabase().kind}`, () => {
  it("validates identity fields: a kanji name needs its kana reading, kana is kana, postal codes and e-mail", () => {
    const ok = CreateCardholderSchema.safeParse(FORM);
    expect(ok.success && ok.data).toMatchObject({ postalCode: "150-0002", email: "hanako.yamada@example.jp", annualIncomeMinor: 4_200_000, platformType: 100 });
    const errors = (input: Record<string, string>) => {
      const r = CreateCardholderSchema.safeParse({ ...FORM, ...input });
      return r.success ? {} : Object.fromEntries(r.error.issues.map((i) => [i.path.join("."), i.message]));
    };
    expect(errors({ fullNameKana: "" })).toHaveProperty("fullNameKana");
    expect(errors({ fullNameKana: "Yamada" })).toHaveProperty("fullNameKana");
    expect(errors({ fullNameKana: "ヤマダ　ハナコ" })).toEqual({});
    expect(errors({ fullName: "Anna Berg", fullNameKana: "" })).toEqual({});
    expect(errors({ postalCode: "15-0002" })).toHaveProperty("postalCode");
    expect(errors({ email: "not-an-address" })).toHaveProperty("email");
    expect(errors({ annualIncomeMinor: "-1" })).toHaveProperty("annualIncomeMinor");
    expect(errors({ birthDate: "1990-13-01" })).toHaveProperty("birthDate");
    expect(errors({ fullName: "Bad\u0000Name", fullNameKana: "" })).toHaveProperty("fullName");
  });

  it("creates a cardholder with a first card in the wallet, invites them, and the link sets a password once", async () => {
    const actor = await issuerActor();
    const parsed = CreateCardholderSchema.parse(FORM);
    const created = await createCardholder(actor, parsed);
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    const holder = await db().cardholder.findUniqueOrThrow({ where: { id: created.value.cardholderId }, include: { cards: true } });
    expect(holder).toMatchObject({ fullName: "山田 花子", fullNameKana: "やまだ はなこ", locale: "ja", holderNo: "CH-000025" });
    expect(holder.cards).toHaveLength(1);
    expect(holder.cards[0]).toMatchObject({ platformType: 100, status: "active", generation: 1 });
    expect(await db().walletCard.count({ where: { cardholderId: holder.id, state: "in_hand" } })).toBe(1);
    expect(await db().cardholderNotice.count({ where: { cardholderId: holder.id, code: "card-shipped" } })).toBe(1);
    expect(await db().auditLog.count({ where: { action: "cardholder.create", subjectId: holder.id } })).toBe(1);

    const first = await inviteCardholder(actor, holder.id);
    const second = await inviteCardholder(actor, holder.id);
    expect(first.ok && second.ok).toBe(true);
    if (!first.ok || !second.ok) return;
    // Only the hash is stored; the newer invitation replaced the older one.
    const rows = await db().cardholderInvitation.findMany({ where: { cardholderId: holder.id } });
    expect(rows.map((r) => r.tokenHash)).not.toContain(first.value.token);
    expect(JSON.stringify(rows)).not.toContain(second.value.token);
    expect(await acceptInvitation(first.value.token, "a-long-password-1")).toMatchObject({ ok: false, error: { code: "invitation-invalid" } });
    expect(await readInvitation(second.value.token)).toMatchObject({ ok: true, value: { name: "山田 花子", email: "hanako.yamada@example.jp" } });

    // Two submissions of the same link at once: one account.
    const both = await Promise.all([acceptInvitation(second.value.token, "a-long-password-1"), acceptInvitation(second.value.token, "a-long-password-2")]);
    expect(both.filter((r) => r.ok)).toHaveLength(1);
    expect(both.find((r) => !r.ok)).toMatchObject({ ok: false, error: { code: expect.stringMatching(/invitation-used|has-account/) } });
    const user = await db().user.findFirstOrThrow({ where: { cardholderId: holder.id } });
    expect(user).toMatchObject({ role: "cardholder", email: "hanako.yamada@example.jp" });
    expect((await verifyPassword("a-long-password-1", user.passwordHash)) || (await verifyPassword("a-long-password-2", user.passwordHash))).toBe(true);
    expect(await acceptInvitation(second.value.token, "a-long-password-3")).toMatchObject({ ok: false, error: { code: "invitation-used" } });
    expect(await inviteCardholder(actor, holder.id)).toMatchObject({ ok: false, error: { code: "has-account" } });
  });

  it("refuses an expired invitation, an unknown token and an unknown cardholder", async () => {
    const actor = await issuerActor();
    const created = await createCardholder(
      actor,
      CreateCardholderSchema.parse({ ...FORM, fullName: "Anna Berg", fullNameKana: "", email: "anna@example.se", platformType: "200" }),
    );
    if (!created.ok) throw new Error("not created");
    const issuedAt = new Date("2026-01-01T00:00:00Z");
    const invite = await inviteCardholder(actor, created.value.cardholderId, issuedAt);
    if (!invite.ok) throw new Error("not invited");
    const afterExpiry = new Date(invite.value.expiresAt.getTime() + 1);
    expect(await readInvitation(invite.value.token, afterExpiry)).toMatchObject({ ok: false, error: { code: "invitation-expired" } });
    expect(await acceptInvitation(invite.value.token, "a-long-password-1", afterExpiry)).toMatchObject({ ok: false, error: { code: "invitation-expired" } });
    expect(await db().user.count({ where: { cardholderId: created.value.cardholderId } })).toBe(0);
    expect(await acceptInvitation("A".repeat(43), "a-long-password-1")).toMatchObject({ ok: false, error: { code: "invitation-invalid" } });
    expect(await inviteCardholder(actor, "00000000-0000-4000-8000-000000000000")).toMatchObject({ ok: false, error: { code: "not-found" } });
    expect(await inviteCardholder(actor, "nope")).toMatchObject({ ok: false, error: { code: "not-found" } });
    // Just before expiry it still works.
    expect(await acceptInvitation(invite.value.token, "a-long-password-1", new Date(invite.value.expiresAt.getTime() - 1))).toMatchObject({ ok: true });
  });

  it("every seeded cardholder has a portal account", async () => {
    const seeded = await db().cardholder.findMany({ where: { holderNo: { lte: "CH-000024" } }, select: { id: true } });
    expect(seeded).toHaveLength(24);
    expect(await db().user.count({ where: { role: "cardholder", cardholderId: { in: seeded.map((h) => h.id) } } })).toBe(24);
  });
});
