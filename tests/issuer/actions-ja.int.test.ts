import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { seededDatabase, testDatabase } from "../helpers/db";
import { pointAppAtTestDatabase } from "../helpers/env";

/**
 * The issuer's server actions answer in the reader's language (issue 15): field errors from the zod
 * schemas' translated messages, keeping the form's shape, and the data layer's refusals worded from
 * their codes and parameters, never from the English `message` they carry. This file reads Japanese.
 */
pointAppAtTestDatabase();
vi.mock("next-intl/server", async () => (await import("../helpers/intl")).intlServer("ja"));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

let session: { user: { id: string; companyName: string }; sid: string } | null = null;
const getServerSession = vi.fn(async () => session);
vi.mock("next-auth", async (original) => ({ ...(await original<typeof import("next-auth")>()), getServerSession }));

const { db } = await import("@/lib/server/db");
const { createSession } = await import("@/lib/server/auth/sessions");
const { setFeeAction } = await import("@/app/issuer/charges/actions");
const { setContractStatusAction } = await import("@/app/issuer/providers/actions");
const { createCardholderAction } = await import("@/app/issuer/cardholders/actions");
const { rejectReissueAction } = await import("@/app/issuer/reissues/actions");

function form(fields: Record<string, string>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  return f;
}

beforeAll(async () => {
  await seededDatabase();
  const user = await db().user.findUniqueOrThrow({ where: { email: "issuer@recard.test" } });
  session = {
    user: { id: user.id, companyName: "test" },
    sid: await createSession(db(), { userId: user.id, address: null, now: new Date(), policy: { idleMs: 3_600_000, maxAgeMs: 3_600_000 } }),
  };
}, 120_000);
afterAll(() => db().$disconnect());

describe(`issuer actions in Japanese (${testDatabase().kind})`, () => {
  it("field errors come from the schema in Japanese, per field", async () => {
    const fees = await setFeeAction(
      "00000000-0000-4000-8000-000000000000",
      null,
      {},
      form({ normalLoadFeeMinor: "", reissueReloadFeeMinor: "1.5", reason: "" }),
    );
    expect(fees).toEqual({
      fieldErrors: {
        normalLoadFeeMinor: ["金額を入力してください。"],
        reissueReloadFeeMinor: ["円単位の整数で入力してください。"],
        reason: ["手数料を変更する理由を入力してください。"],
      },
    });
    const holder = await createCardholderAction({}, form({ fullName: "山田 太郎", fullNameKana: "", birthDate: "2999-01-01", platformType: "100" }));
    expect(holder.fieldErrors?.birthDate).toEqual(["生年月日に未来の日付は入力できません。"]);
    expect(holder.fieldErrors?.occupation).toEqual(["職業を入力してください。"]);
    const reject = await rejectReissueAction("00000000-0000-4000-8000-000000000000", {}, form({ reason: "no" }));
    expect(reject).toEqual({ fieldErrors: { reason: ["カード会員に伝える理由を入力してください（数語以上）。"] } });
  });

  it("a refusal of the data layer is worded from its code and parameters, not from its English message", async () => {
    const metro = await db().serviceProvider.findFirstOrThrow({ where: { companyId: "METRO01" } });
    const unchanged = await setContractStatusAction(metro.id, {}, form({ status: metro.contractStatus, reason: "Annual review of the contract." }));
    expect(unchanged).toEqual({ message: "すでに「有効」です。" });
    const missing = await rejectReissueAction("00000000-0000-4000-8000-000000000000", {}, form({ reason: "Could not verify the report." }));
    expect(missing).toEqual({ refusal: { code: "not-found", message: "該当するデータがありません。削除されたか、リンクが古い可能性があります。" } });
  });
});
