import { authorize } from "@/lib/server/auth/session";
import { downloadBureauFile } from "@/lib/server/data/issuer/renewal";

export const dynamic = "force-dynamic";

/** The card bureau's personalisation batch (CSV); each download is recorded with who took it. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const auth = await authorize("issuer");
  if (!auth.ok) return Response.json({ error: auth.refusal.code, message: auth.refusal.message }, { status: auth.refusal.status });
  const file = await downloadBureauFile(auth.actor, (await params).id);
  if (!file) return Response.json({ error: "not-found" }, { status: 404 });
  return new Response(file.csv, {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${file.filename}"`, "Cache-Control": "no-store" },
  });
}
