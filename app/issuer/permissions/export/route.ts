import { authorize } from "@/lib/server/auth/session";
import { pageOfPermissions } from "@/lib/server/data/issuer/permission-registry";
import { csvResponse, everyRow } from "@/lib/server/http/csv";
import { parsePermissionListParams } from "@/lib/validation/issuer-lists";

export const dynamic = "force-dynamic";

const BATCH = 500;

/**
 * The loading permissions (Fig. 17) as CSV, with the page's filters and sort, every page of it, streamed.
 * Issuer only. Stable column codes (docs/issuer.md "CSV exports"): statuses, kinds and refusal codes as
 * codes, times in ISO 8601 UTC, amounts in minor units.
 */
export async function GET(request: Request) {
  const auth = await authorize("issuer");
  if (!auth.ok) return Response.json({ error: auth.refusal.code, message: auth.refusal.message }, { status: auth.refusal.status });
  const list = parsePermissionListParams(Object.fromEntries(new URL(request.url).searchParams));
  const rows = everyRow((after: { value: string; id: string } | null) => pageOfPermissions(auth.actor, list.filter, { sort: list.sort, after, take: BATCH }));
  return csvResponse(
    "permissions.csv",
    [
      "message_id",
      "request_message_id",
      "provider",
      "application_aid",
      "card_id",
      "platform_type",
      "kind",
      "status",
      "decided_at",
      "confirmed_at",
      "refusal_code",
      "original_message_id",
      "charge_kind",
      "charge_minor",
      "currency",
    ],
    rows,
    (p) => [
      p.messageId,
      p.requestMessageId,
      p.provider.companyId,
      p.application?.aid ?? null,
      p.card?.cardId ?? null,
      p.card?.platformType ?? null,
      p.kind,
      p.status,
      p.decidedAt,
      p.confirmedAt,
      p.refusalCode,
      p.originalMessageId,
      p.charge?.kind ?? null,
      p.charge?.amountMinor ?? null,
      p.charge?.currency ?? null,
    ],
  );
}
