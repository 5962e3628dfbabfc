import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { resetDatabase, testDatabase } from "../helpers/db";
import { pointAppAtTestDatabase } from "../helpers/env";

/**
 * Real forms' server actions, called as the browser calls them (FormData), under a real server-side
 * session: an emptied number is a field error (never a saved 0), an absurd birth date is a field error
 * that keeps what else was typed, and NUL is refused before the database sees it.
 */
pointAppAtTestDatabase();

let session: { user: { id: string; companyName: string }; sid: string } | null = null;
const getServerSession = vi.fn(async () => session);
vi.mock("next-auth", async (original) => ({ ...(await original<typeof import("next-auth")>()), getServerSession }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const { db } = await import("@/lib/server/db");
const { createSession } = await import("@/lib/server/auth/sessions");
const { setFeeAction } = await import("@/app/issuer/charges/actions");
const { updateCreditPolicyAction } = await import("@/app/provider/settings/actions");
const { startFirstLoadAction } = await import("@/app/provider/desk/actions");
const { setContractStatusAction } = await import("@/app/issuer/providers/actions");

const policy = { idleMs: 3_600_000, maxAgeMs: 3_600_000 };
const sessions: Record<"issuer" | "provider", { user: { id: string; companyName: string }; sid: string }> = {} as never;

function form(fields: Record<string, string | string[]>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) f.append(k, one);
  return f;
}

beforeAll(async () => {
  await resetDatabase();
  const issuer = await db().user.create({ data: { email: "issuer@input.test", name: "Issuer", role: "issuer", passwordHash: "x", issuerCompanyId: "ISS01" } });
  const desk = await db().user.create({ data: { email: "desk@input.test", name: "Desk", role: "provider", passwordHash: "x", providerCompanyId: "METRO01" } });
  for (const [role, user] of [
    ["issuer", issuer],
    ["provider", desk],
  ] as const) {
    sessions[role] = {
      user: { id: user.id, companyName: "test" },
      sid: await createSession(db(), { userId: user.id, address: null, now: new Date(), policy }),
    };
  }
}, 120_000);
afterAll(() => db().$disconnect());

describe(`form input (${testDatabase().kind})`, () => {
  it("an emptied load fee is a field error, not a ¥0 fee", async () => {
    session = sessions.issuer;
    const result = await setFeeAction(
      "00000000-0000-4000-8000-000000000000",
      null,
      {},
      form({ normalLoadFeeMinor: "", reissueReloadFeeMinor: "  ", reason: "Fees for the new year." }),
    );
    expect(result.fieldErrors).toEqual({ normalLoadFeeMinor: ["Enter an amount."], reissueReloadFeeMinor: ["Enter an amount."] });
    expect(await db().feeSchedule.count()).toBe(0);
  });

  it("an emptied credit policy field is a field error; no policy version is saved", async () => {
    session = sessions.provider;
    const before = await db().spCreditPolicy.count();
    const result = await updateCreditPolicyAction(
      {},
      form({ minAnnualIncome: "", limitPercentOfIncome: "30", maxLimit: "500000", requiresInvestigation: "on" }),
    );
    expect(result.fieldErrors).toEqual({ minAnnualIncome: ["Enter an amount."] });
    expect(await db().spCreditPolicy.count()).toBe(before);
  });

  it("birth date 9999-12-31 on the first-load form: a field error on that field, the rest kept", async () => {
    session = sessions.provider;
    const typed = {
      customerMode: "new",
      fullName: "Sato Hana",
      birthDate: "9999-12-31",
      email: "hana@example.com",
      phone: "090-0000-0000",
      address: "1-2-3 Shibuya",
      declaredIncome: "5000000",
      existingLimits: "",
    };
    const card = JSON.stringify({ platformType: 100, cardId: "0123456789ABCDEF", cardAttributeData: null, isCardLocked: false, surfaceNumberLast4: "4821" });
    const result = await startFirstLoadAction({}, form({ ...typed, card, applicationAids: ["F0524300010001"] }));
    expect(result.fieldErrors).toEqual({ birthDate: ["A birth date is not in the future."] });
    expect(result.values?.text).toMatchObject({
      fullName: "Sato Hana",
      email: "hana@example.com",
      phone: "090-0000-0000",
      address: "1-2-3 Shibuya",
      declaredIncome: "5000000",
      birthDate: "9999-12-31",
    });
    expect(result.values?.applicationAids).toEqual(["F0524300010001"]);
    const before1900 = await startFirstLoadAction({}, form({ ...typed, birthDate: "1899-12-31", card, applicationAids: ["F0524300010001"] }));
    expect(before1900.fieldErrors).toEqual({ birthDate: ["A birth date is not before 1900."] });
  });

  it("NUL in a text field is a field error, not a database error", async () => {
    session = sessions.provider;
    const card = JSON.stringify({ platformType: 100, cardId: "0123456789ABCDEF", cardAttributeData: null, isCardLocked: false, surfaceNumberLast4: "4821" });
    const result = await startFirstLoadAction({}, form({ customerMode: "new", fullName: "Sato\u0000Hana", card, applicationAids: ["F0524300010001"] }));
    expect(result.fieldErrors?.fullName).toEqual(["Remove the control characters (such as NUL) from this field."]);
    session = sessions.issuer;
    const reason = await setContractStatusAction("00000000-0000-4000-8000-000000000000", {}, form({ status: "suspended", reason: "Audit\u0000 finding" }));
    expect(reason.fieldErrors?.reason).toEqual(["Remove the control characters (such as NUL) from this field."]);
  });
});
