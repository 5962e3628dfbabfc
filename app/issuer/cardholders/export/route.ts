import { authorize } from "@/lib/server/auth/session";
import { pageOfCardholders } from "@/lib/server/data/issuer/cards";
import { csvResponse, everyRow } from "@/lib/server/http/csv";
import { parseCardholderListParams } from "@/lib/validation/issuer-lists";

export const dynamic = "force-dynamic";

const BATCH = 500;

/**
 * The cardholder registry as CSV, with the page's search and sort, every page of it, streamed. Issuer
 * only. Stable column codes (docs/issuer.md "CSV exports"); times in ISO 8601 UTC.
 */
export async function GET(request: Request) {
  const auth = await authorize("issuer");
  if (!auth.ok) return Response.json({ error: auth.refusal.code, message: auth.refusal.message }, { status: auth.refusal.status });
  const list = parseCardholderListParams(Object.fromEntries(new URL(request.url).searchParams));
  const rows = everyRow((after: { value: string; id: string } | null) =>
    pageOfCardholders(auth.actor, { query: list.query, sort: list.sort, after, take: BATCH }),
  );
  return csvResponse("cardholders.csv", ["holder_no", "name", "email", "cards", "cards_in_use", "identity_verified", "fraud_flag", "created_at"], rows, (h) => [
    h.holderNo,
    h.fullName,
    h.email,
    h.cards,
    h.activeCards,
    h.identityVerified,
    h.fraudFlag,
    h.createdAt,
  ]);
}
