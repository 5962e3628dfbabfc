import { z } from "zod";
import { authorize } from "@/lib/server/auth/session";
import { finishReloadCase } from "@/lib/server/data/provider/reload";
import { returnPresentedCard } from "@/lib/server/data/wallet";
import { UuidSchema } from "@/lib/validation/provider-desk";

export const dynamic = "force-dynamic";

const LeaveSchema = z.object({
  presentationId: UuidSchema.optional(),
  imageJson: z.string().max(200_000).optional(),
  caseId: UuidSchema.nullable().optional(),
});

/**
 * A desk page going away (closed, reloaded, navigated off) sends this with `keepalive`: the card
 * still at the desk goes back to the cardholder's wallet, validated like any return, and a reload
 * case left open is closed with its unused permissions given up.
 */
export async function POST(request: Request) {
  const auth = await authorize("provider");
  if (!auth.ok) return Response.json({ error: auth.refusal.code, message: auth.refusal.message }, { status: auth.refusal.status });
  const parsed = LeaveSchema.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return Response.json({ error: "invalid", message: "Not a desk visit." }, { status: 400 });
  const { presentationId, imageJson, caseId } = parsed.data;
  const result: { card?: string; case?: string } = {};
  if (caseId) result.case = (await finishReloadCase(auth.actor, caseId))?.outcome ?? "not-found";
  if (presentationId && imageJson) {
    const returned = await returnPresentedCard(auth.actor, presentationId, imageJson);
    if (!returned.ok) return Response.json({ error: returned.error.code, message: returned.error.message, ...result }, { status: returned.error.code === "not-claimed" ? 404 : 409 });
    result.card = "returned";
  }
  return Response.json({ ok: true, ...result }, { headers: { "Cache-Control": "no-store" } });
}
