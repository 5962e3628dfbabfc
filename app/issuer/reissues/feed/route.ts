import { authorize } from "@/lib/server/auth/session";
import { listReissueQueue } from "@/lib/server/data/issuer/reissue";

export const dynamic = "force-dynamic";

/** The reissue queue as JSON, for the live view (React Query polls it). */
export async function GET() {
  const auth = await authorize("issuer");
  if (!auth.ok) return Response.json({ error: auth.refusal.code, message: auth.refusal.message }, { status: auth.refusal.status });
  return Response.json(await listReissueQueue(auth.actor), { headers: { "Cache-Control": "no-store" } });
}
