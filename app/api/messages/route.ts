import { authorizeCompany } from "@/lib/server/auth/company";
import { listCompanyMessages } from "@/lib/server/data/messages";

export const dynamic = "force-dynamic";

/** The signed-in company's messages (live view of the messages pages). */
export async function GET() {
  const auth = await authorizeCompany();
  if (!auth.ok) return Response.json({ error: auth.refusal.code, message: auth.refusal.message }, { status: auth.refusal.status });
  return Response.json(await listCompanyMessages(auth.companyId), { headers: { "Cache-Control": "no-store" } });
}
