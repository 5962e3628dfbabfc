import { authorize } from "@/lib/server/auth/session";
import { pageOfLoadRecords } from "@/lib/server/data/provider/load-records";
import { csvResponse, everyRow } from "@/lib/server/http/csv";
import { parseRecordListParams } from "@/lib/validation/provider-lists";

export const dynamic = "force-dynamic";

/** Rows fetched per statement while streaming (keyset pages, as the list page). */
const BATCH = 500;

/** The provider's load records as CSV, with the page's search and sort, every page of it, streamed. This provider's rows only. */
export async function GET(request: Request) {
  const auth = await authorize("provider");
  if (!auth.ok) return Response.json({ error: auth.refusal.code, message: auth.refusal.message }, { status: auth.refusal.status });
  const list = parseRecordListParams(Object.fromEntries(new URL(request.url).searchParams));
  const rows = everyRow((after: { value: string; id: string } | null) =>
    pageOfLoadRecords(auth.actor, { query: list.query, sort: list.sort, after, take: BATCH }),
  );
  return csvResponse(
    "load-records.csv",
    [
      "message_id",
      "card_id",
      "surface_number_last4",
      "platform_type",
      "application_aid",
      "customer_no",
      "customer",
      "kind",
      "status",
      "loaded_at",
      "created_at",
    ],
    rows,
    (r) => [
      r.messageId,
      r.cardId,
      r.surfaceNumberLast4,
      r.platformType,
      r.applicationAid,
      r.customerNo,
      r.customerName,
      r.kind,
      r.status,
      r.loadedAt,
      r.createdAt,
    ],
  );
}
