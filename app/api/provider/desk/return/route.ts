import { z } from "zod";
import { authorize } from "@/lib/server/auth/session";
import { returnLeasedCard } from "@/lib/server/data/card-lease";
import { finishReloadCase } from "@/lib/server/data/provider/reload";
import { UuidSchema } from "@/lib/validation/provider-desk";

export const dynamic = "force-dynamic";

const LeaveSchema = z.object({
  leaseId: UuidSchema.nullable().optional(),
  caseId: UuidSchema.nullable().optional(),
});

/**
 * The desk leaves the visit (its component goes away inside the app, sent with `keepalive`): the card it
 * holds goes back to the cardholder (the lease ends) and a reload case left open is closed with its
 * unused permissions given up. A page reload (F5) does not send this: the tab resumes its lease and case,
 * and a desk that never comes back is released when its lease runs out (docs/provider.md).
 */
export async function POST(request: Request) {
  const auth = await authorize("provider");
  if (!auth.ok) return Response.json({ error: auth.refusal.code, message: auth.refusal.message }, { status: auth.refusal.status });
  const parsed = LeaveSchema.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return Response.json({ error: "invalid", message: "Not a desk visit." }, { status: 400 });
  const { leaseId, caseId } = parsed.data;
  const result: { card?: string; case?: string } = {};
  if (caseId) result.case = (await finishReloadCase(auth.actor, caseId))?.outcome ?? "not-found";
  if (leaseId) {
    const returned = await returnLeasedCard(auth.actor, { leaseId });
    if (!returned.ok) return Response.json({ error: returned.error.code, ...result }, { status: returned.error.code === "no-lease" ? 404 : 409 });
    result.card = "returned";
  }
  return Response.json({ ok: true, ...result }, { headers: { "Cache-Control": "no-store" } });
}
