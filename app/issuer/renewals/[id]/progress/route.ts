import { authorize } from "@/lib/server/auth/session";
import { getRenewalProgress } from "@/lib/server/data/issuer/renewal";

export const dynamic = "force-dynamic";

/** A renewal run's progress as JSON, for its live view (React Query polls it). */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const auth = await authorize("issuer");
  if (!auth.ok) return Response.json({ error: auth.refusal.code, message: auth.refusal.message }, { status: auth.refusal.status });
  const progress = await getRenewalProgress(auth.actor, (await params).id);
  if (!progress) return Response.json({ error: "not-found" }, { status: 404 });
  return Response.json(progress, { headers: { "Cache-Control": "no-store" } });
}
