import { authorize } from "@/lib/server/auth/session";
import { companyMessagesCsv } from "@/lib/server/http/messages-csv";
import { parseMessageListParams } from "@/lib/validation/message-lists";

export const dynamic = "force-dynamic";

/**
 * The provider's messages of one kind (`?kind=received|sent|rejected`) as CSV, with the page's sort,
 * streamed. Provider only, and only its own: the company is the session's, never a parameter.
 */
export async function GET(request: Request) {
  const auth = await authorize("provider");
  if (!auth.ok) return Response.json({ error: auth.refusal.code, message: auth.refusal.message }, { status: auth.refusal.status });
  return companyMessagesCsv(auth.actor.providerCompanyId, parseMessageListParams(Object.fromEntries(new URL(request.url).searchParams)));
}
