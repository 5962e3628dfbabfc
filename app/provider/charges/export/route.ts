import { authorize } from "@/lib/server/auth/session";
import { pageOfUserCharges } from "@/lib/server/data/provider/charges";
import { csvResponse, everyRow } from "@/lib/server/http/csv";
import { parseUserChargeListParams } from "@/lib/validation/provider-lists";

export const dynamic = "force-dynamic";

/** Rows fetched per statement while streaming (keyset pages, as the list page). */
const BATCH = 500;

/** The provider's charges to users (claim 14) as CSV, with the page's kind filter and sort, every page of it, streamed. This provider's rows only. */
export async function GET(request: Request) {
  const auth = await authorize("provider");
  if (!auth.ok) return Response.json({ error: auth.refusal.code, message: auth.refusal.message }, { status: auth.refusal.status });
  const list = parseUserChargeListParams(Object.fromEntries(new URL(request.url).searchParams));
  const rows = everyRow((after: { value: string; id: string } | null) =>
    pageOfUserCharges(auth.actor, { kind: list.kind, sort: list.sort, after, take: BATCH }),
  );
  return csvResponse(
    "user-charges.csv",
    ["charged_at", "customer_no", "customer", "application_aid", "kind", "amount_minor", "currency", "message_id"],
    rows,
    (c) => [c.chargedAt, c.customerNo, c.customerName, c.applicationAid, c.kind, c.amountMinor, c.currency, c.messageId],
  );
}
