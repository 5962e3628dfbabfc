import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { seededDatabase, testDatabase } from "../helpers/db";
import { pointAppAtTestDatabase } from "../helpers/env";

/**
 * The one way a server action is written (lib/server/actions/portal-action.ts): it authorises before it
 * looks at anything, answers a refusal in the reader's language, parses with the schema's own messages
 * into field errors, and hands the run the actor, the parsed input and the bound arguments. This file
 * reads Japanese, to show the answers are rendered per reader, not stored or fixed in English.
 */
pointAppAtTestDatabase();
vi.mock("next-intl/server", async () => (await import("../helpers/intl")).intlServer("ja"));

let session: { user: { id: string; companyName: string }; sid: string } | null = null;
const getServerSession = vi.fn(async () => session);
vi.mock("next-auth", async (original) => ({ ...(await original<typeof import("next-auth")>()), getServerSession }));

const { db } = await import("@/lib/server/db");
const { createSession } = await import("@/lib/server/auth/sessions");
const { cardholderForm, providerCall } = await import("@/lib/server/actions/portal-action");
type ActionState = import("@/lib/server/actions/portal-action").ActionState;

const sessions: Record<string, { user: { id: string; companyName: string }; sid: string }> = {};
beforeAll(async () => {
  await seededDatabase();
  for (const [role, email] of [
    ["provider", "desk@metro.recard.test"],
    ["cardholder", "hana@recard.test"],
  ] as const) {
    const user = await db().user.findUniqueOrThrow({ where: { email } });
    const sid = await createSession(db(), { userId: user.id, address: null, now: new Date(), policy: { idleMs: 3_600_000, maxAgeMs: 3_600_000 } });
    sessions[role] = { user: { id: user.id, companyName: "test" }, sid };
  }
}, 120_000);
afterAll(() => db().$disconnect());

const ran = vi.fn();
const echo = cardholderForm({
  name: "test.echo",
  schema: () => z.object({ nickname: z.string({ error: "名前を入力してください。" }).max(5, "5文字以内で入力してください。"), note: z.string().optional() }),
  run: async ({ actor, input }, cardUuid: string): Promise<ActionState> => {
    ran(actor.cardholderId, cardUuid, input);
    return { ok: true, message: `${cardUuid}:${input.nickname}:${input.note ?? "-"}` };
  },
});
const form = (entries: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(entries)) f.append(k, v);
  return f;
};

describe(`portal actions (${testDatabase().kind})`, () => {
  it("refuses a signed-out caller and another portal's account before reading the form, in the reader's language", async () => {
    ran.mockClear();
    session = null;
    expect(await echo("card-1", {}, form({ nickname: "Hana" }))).toEqual({ message: "先にサインインしてください。" });
    session = sessions.provider!;
    expect(await echo("card-1", {}, form({ nickname: "Hana" }))).toEqual({ message: "この操作にはカード会員のアカウントが必要です。" });
    expect(ran).not.toHaveBeenCalled();
  });

  it("answers invalid fields with the schema's messages per field, and runs nothing", async () => {
    ran.mockClear();
    session = sessions.cardholder!;
    expect(await echo("card-1", {}, form({ nickname: "" }))).toEqual({ fieldErrors: { nickname: ["名前を入力してください。"] } });
    expect(await echo("card-1", {}, form({ nickname: "Hanako Sato" }))).toEqual({ fieldErrors: { nickname: ["5文字以内で入力してください。"] } });
    expect(ran).not.toHaveBeenCalled();
  });

  it("runs with the session's own cardholder, the parsed input (empty fields left out) and the bound arguments", async () => {
    ran.mockClear();
    session = sessions.cardholder!;
    const hana = await db().user.findUniqueOrThrow({ where: { email: "hana@recard.test" } });
    expect(await echo("card-1", {}, form({ nickname: "Hana", note: "" }))).toEqual({ ok: true, message: "card-1:Hana:-" });
    expect(ran).toHaveBeenCalledWith(hana.cardholderId, "card-1", { nickname: "Hana" });
  });

  it("a call action checks its arguments, and turns an unexpected error into a logged failure without its details", async () => {
    session = sessions.provider!;
    const step = providerCall({
      name: "test.step",
      args: z.tuple([z.uuid()]),
      run: async (_actor, id) => {
        if (id.endsWith("0")) throw new Error("secret detail");
        return { ok: true as const, id };
      },
    });
    const quiet = vi.spyOn(console, "error").mockImplementation(() => undefined);
    expect(await step("not-a-uuid")).toEqual({ ok: false, message: "リクエストが正しくありません。ページを再読み込みして、もう一度お試しください。" });
    expect(await step("00000000-0000-4000-8000-000000000000")).toEqual({
      ok: false,
      message: "サーバーで処理を完了できませんでした。何も変更されていません。もう一度お試しください。",
    });
    expect(quiet).toHaveBeenCalledTimes(1);
    quiet.mockRestore();
    expect(await step("00000000-0000-4000-8000-000000000001")).toEqual({ ok: true, id: "00000000-0000-4000-8000-000000000001" });
    session = sessions.cardholder!;
    expect(await step("00000000-0000-4000-8000-000000000001")).toEqual({ ok: false, message: "この操作にはサービス提供会社のアカウントが必要です。" });
  });
});
