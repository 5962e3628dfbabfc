import { authorize } from "@/lib/server/auth/session";
import { pageOfCards } from "@/lib/server/data/issuer/cards";
import { csvResponse, everyRow } from "@/lib/server/http/csv";
import { parseCardListParams } from "@/lib/validation/issuer-lists";

export const dynamic = "force-dynamic";

/** Rows fetched per statement while streaming (keyset pages, as the list pages). */
const BATCH = 500;

/** The card list as CSV, with the page's filters and sort, every page of it, streamed. Issuer only. */
export async function GET(request: Request) {
  const auth = await authorize("issuer");
  if (!auth.ok) return Response.json({ error: auth.refusal.code, message: auth.refusal.message }, { status: auth.refusal.status });
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const list = parseCardListParams(params);
  const rows = everyRow((after: { value: string; id: string } | null) => pageOfCards(auth.actor, list.filter, { after, take: BATCH, sort: list.sort }));
  return csvResponse(
    "cards.csv",
    ["surface_number", "card_id", "platform_type", "status", "cardholder", "holder_no", "issued_at", "generation", "applications"],
    rows,
    (c) => [c.surfaceNumber, c.cardId, c.platformType, c.status, c.cardholderName, c.holderNo, c.issuedAt, c.generation, c.applications],
  );
}
