import { authorize } from "@/lib/server/auth/session";
import { getLoadRecord } from "@/lib/server/data/provider/load-records";

export const dynamic = "force-dynamic";

/** One of the signed-in provider's load records as JSON; another provider's id is a 404 like a missing one. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const auth = await authorize("provider");
  if (!auth.ok) return Response.json({ error: auth.refusal.code, message: auth.refusal.message }, { status: auth.refusal.status });
  const { id } = await params;
  const record = await getLoadRecord(auth.actor, id);
  if (!record) return Response.json({ error: "not_found", message: "No such load record." }, { status: 404 });
  return Response.json(record, { headers: { "Cache-Control": "no-store" } });
}
