import { authorize } from "@/lib/server/auth/session";
import { pageOfAuditLog } from "@/lib/server/data/issuer/cards";
import { csvResponse, everyRow } from "@/lib/server/http/csv";
import { parseSort } from "@/lib/core/table/list-query";

export const dynamic = "force-dynamic";

const BATCH = 500;

/**
 * The audit log as CSV, in the page's order, every entry, streamed. Issuer only. Columns are stable
 * codes (docs/issuer.md "CSV exports"): times in ISO 8601 UTC, the action code, the reason's code and its
 * parameters (JSON), an operator's own words as typed, and the English sentence of entries from before the codes.
 */
export async function GET(request: Request) {
  const auth = await authorize("issuer");
  if (!auth.ok) return Response.json({ error: auth.refusal.code, message: auth.refusal.message }, { status: auth.refusal.status });
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const sort = parseSort(params, ["at"] as const, { key: "at", dir: "desc" });
  const rows = everyRow((after: string | null) => pageOfAuditLog(auth.actor, { after, take: BATCH, dir: sort.dir }));
  return csvResponse(
    "audit-log.csv",
    ["id", "at", "actor", "action", "subject_type", "subject_id", "reason_code", "reason_params", "note", "legacy_reason"],
    rows,
    (a) => [
      a.id,
      a.at,
      a.actorLabel,
      a.action,
      a.subjectType,
      a.subjectId,
      a.reason?.code ?? null,
      a.reason ? JSON.stringify(a.reason.params) : null,
      a.note,
      a.legacyReason,
    ],
  );
}
