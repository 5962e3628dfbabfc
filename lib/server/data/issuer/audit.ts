import "server-only";
import { AuditReasonParamsSchemas, parseAuditReason, type AuditReason } from "@/lib/core/audit-reason";
import { Prisma } from "./db";

type Tx = Pick<Prisma.TransactionClient, "auditLog">;
type RawTx = Pick<Prisma.TransactionClient, "$executeRaw">;

export type AuditInput = {
  actor: { id: string | null; label: string };
  action: string;
  subjectType: string;
  subjectId: string;
  /** Why, as a code and parameters (lib/core/audit-reason.ts): never a sentence. */
  reason?: AuditReason | null;
  /** A person's own words typed with the decision (a rejection or override reason): data, kept as typed. */
  note?: string | null;
  data?: Prisma.InputJsonValue;
};

/** Checks the reason's parameters against its code (a wrong one is a bug: it throws before anything is written). */
function checked(reason: AuditReason | null | undefined): AuditReason | null {
  if (!reason) return null;
  return { code: reason.code, params: AuditReasonParamsSchemas[reason.code].parse(reason.params) } as AuditReason;
}

/** Appends an audit row; call it with the transaction client of the change it records. */
export async function recordAudit(tx: Tx, input: AuditInput): Promise<void> {
  await tx.auditLog.create({
    data: {
      actorUserId: input.actor.id,
      actorLabel: input.actor.label,
      action: input.action,
      subjectType: input.subjectType,
      subjectId: input.subjectId,
      reason: (checked(input.reason) ?? undefined) as Prisma.InputJsonValue | undefined,
      note: input.note ?? null,
      data: input.data,
    },
  });
}

/** Many audit rows in one statement (a bulk approval: one row per request, as a single approval writes). */
export async function recordAudits(tx: RawTx, inputs: readonly AuditInput[]): Promise<void> {
  if (inputs.length === 0) return;
  await tx.$executeRaw`${auditInsertSql(inputs)}`;
}

/**
 * recordAudits' INSERT, for a caller that sends it inside one of its own statements (a data-modifying
 * CTE): the rows as one JSON parameter (faster than createMany's parameter per field).
 */
export function auditInsertSql(inputs: readonly AuditInput[]): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO iss_audit_log (actor_user_id, actor_label, action, subject_type, subject_id, reason, note, data)
    SELECT x.actor_user_id, x.actor_label, x.action, x.subject_type, x.subject_id, x.reason, x.note, x.data
      FROM jsonb_to_recordset(${auditRecordset(inputs)}::jsonb)
        AS x(actor_user_id uuid, actor_label text, action text, subject_type text, subject_id text, reason jsonb, note text, data jsonb)`;
}

/**
 * Audit rows as one JSON parameter for `jsonb_to_recordset(…) AS x(actor_user_id uuid, actor_label text,
 * action text, subject_type text, subject_id text, reason jsonb, note text, data jsonb)`, their reasons
 * checked: for a statement that writes its audit rows with the change (recordAudits, a load confirmation).
 */
export function auditRecordset(inputs: readonly AuditInput[]): string {
  const rows = inputs.map((input) => ({
    actor_user_id: input.actor.id,
    actor_label: input.actor.label,
    action: input.action,
    subject_type: input.subjectType,
    subject_id: input.subjectId,
    reason: checked(input.reason),
    note: input.note ?? null,
    data: input.data ?? null,
  }));
  return JSON.stringify(rows);
}

/** An audit row as the pages read it (the audit log, a card's trail, the overview). */
export type AuditEntry = {
  id: string;
  at: Date;
  actorLabel: string;
  action: string;
  subjectType: string;
  subjectId: string;
  /** Why, as a code and parameters (rendered by the page in the reader's language). */
  reason: AuditReason | null;
  /** A person's own words typed with the decision: data, shown as typed. */
  note: string | null;
  /** Rows from before the codes: the English sentence as written, shown as stored. */
  legacyReason: string | null;
  data: unknown;
};

type AuditRow = { id: bigint; reason: unknown; note: string | null; legacyReason: string | null };

/** A stored audit row as pages read it: the id as a string, the reason parsed back to its code. */
export function toAuditEntry<R extends AuditRow>(r: R): Omit<R, "id" | "reason"> & { id: string; reason: AuditReason | null } {
  return { ...r, id: r.id.toString(), reason: parseAuditReason(r.reason) };
}
