import { authorize } from "@/lib/server/auth/session";
import { pageOfReissueNotices } from "@/lib/server/data/provider/reissuance";
import { csvResponse, everyRow } from "@/lib/server/http/csv";
import { parseReissuanceListParams } from "@/lib/validation/provider-lists";

export const dynamic = "force-dynamic";

/** Rows fetched per statement while streaming (keyset pages, as the list page). */
const BATCH = 500;

/** The reissuance information received (Fig. 13 pairs) as CSV, with the page's search and sort, every page of it, streamed. This provider's rows only. */
export async function GET(request: Request) {
  const auth = await authorize("provider");
  if (!auth.ok) return Response.json({ error: auth.refusal.code, message: auth.refusal.message }, { status: auth.refusal.status });
  const list = parseReissuanceListParams(Object.fromEntries(new URL(request.url).searchParams));
  const rows = everyRow((after: { value: string; id: string } | null) =>
    pageOfReissueNotices(auth.actor, { query: list.query, sort: list.sort, after, take: BATCH }),
  );
  return csvResponse("reissuance-pairs.csv", ["reissued_card_id", "old_card_id", "reissued_at", "received_at", "via", "message_id"], rows, (n) => [
    n.reissuedCardId,
    n.oldCardId,
    n.reissuedAt,
    n.receivedAt,
    n.via,
    n.sourceMessageId,
  ]);
}
