import { authorize } from "@/lib/server/auth/session";
import { pageOfCharges } from "@/lib/server/data/issuer/charges";
import { csvResponse, everyRow } from "@/lib/server/http/csv";
import { parseChargeListParams } from "@/lib/validation/issuer-lists";

export const dynamic = "force-dynamic";

const BATCH = 500;

/**
 * The charges list as CSV, with the page's filters and sort, every page of it, streamed. Issuer only.
 * Stable column codes (docs/issuer.md "CSV exports"); amounts in minor units, times in ISO 8601 UTC.
 */
export async function GET(request: Request) {
  const auth = await authorize("issuer");
  if (!auth.ok) return Response.json({ error: auth.refusal.code, message: auth.refusal.message }, { status: auth.refusal.status });
  const list = parseChargeListParams(Object.fromEntries(new URL(request.url).searchParams));
  const rows = everyRow((after: { value: string; id: string } | null) => pageOfCharges(auth.actor, list.filter, { after, take: BATCH, sort: list.sort }));
  return csvResponse(
    "charges.csv",
    ["charged_at", "provider", "aid", "application", "permission_message_id", "platform_type", "kind", "amount_minor", "currency", "statement_period"],
    rows,
    (c) => [
      c.chargedAt,
      c.provider.companyId,
      c.permission.application?.aid ?? null,
      c.permission.application?.name ?? null,
      c.permission.messageId,
      c.permission.card?.platformType ?? null,
      c.kind,
      c.amountMinor,
      c.currency,
      c.statement?.period ?? null,
    ],
  );
}
