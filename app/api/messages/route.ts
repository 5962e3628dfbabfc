import { authorizeCompany } from "@/lib/server/auth/company";
import { listCompanyMessages } from "@/lib/server/data/messages";
import { parseMessageListParams } from "@/lib/validation/message-lists";

export const dynamic = "force-dynamic";

/** The signed-in company's messages: the page of the messages page's URL (`kind`, `sort`, `dir`, `after`), for its live view. */
export async function GET(request: Request) {
  const auth = await authorizeCompany();
  if (!auth.ok) return Response.json({ error: auth.refusal.code, message: auth.refusal.message }, { status: auth.refusal.status });
  const list = parseMessageListParams(Object.fromEntries(new URL(request.url).searchParams));
  return Response.json(await listCompanyMessages(auth.companyId, list), { headers: { "Cache-Control": "no-store" } });
}
