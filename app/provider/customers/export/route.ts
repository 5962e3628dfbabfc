import { authorize } from "@/lib/server/auth/session";
import { pageOfCustomers } from "@/lib/server/data/provider/customers";
import { csvResponse, everyRow } from "@/lib/server/http/csv";
import { parseCustomerListParams } from "@/lib/validation/provider-lists";

export const dynamic = "force-dynamic";

/** Rows fetched per statement while streaming (keyset pages, as the list page). */
const BATCH = 500;

/** The provider's customers as CSV, with the page's search and sort, every page of it, streamed. This provider's rows only. */
export async function GET(request: Request) {
  const auth = await authorize("provider");
  if (!auth.ok) return Response.json({ error: auth.refusal.code, message: auth.refusal.message }, { status: auth.refusal.status });
  const list = parseCustomerListParams(Object.fromEntries(new URL(request.url).searchParams));
  const rows = everyRow((after: { value: string; id: string } | null) =>
    pageOfCustomers(auth.actor, { query: list.query, sort: list.sort, after, take: BATCH }),
  );
  return csvResponse("customers.csv", ["customer_no", "name", "birth_date", "loads", "created_at"], rows, (c) => [
    c.customerNo,
    c.fullName,
    c.birthDate ? c.birthDate.toISOString().slice(0, 10) : null,
    c.loads,
    c.createdAt,
  ]);
}
