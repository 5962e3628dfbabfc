import "server-only";
import type { Prisma } from "./db";

type Tx = Pick<Prisma.TransactionClient, "auditLog">;

export type AuditInput = {
  actor: { id: string | null; label: string };
  action: string;
  subjectType: string;
  subjectId: string;
  reason?: string | null;
  data?: Prisma.InputJsonValue;
};

/** Appends an audit row; call it with the transaction client of the change it records. */
export async function recordAudit(tx: Tx, input: AuditInput): Promise<void> {
  await tx.auditLog.create({
    data: {
      actorUserId: input.actor.id,
      actorLabel: input.actor.label,
      action: input.action,
      subjectType: input.subjectType,
      subjectId: input.subjectId,
      reason: input.reason ?? null,
      data: input.data,
    },
  });
}

/** Many audit rows in one statement (a bulk approval: one row per request, as a single approval writes). */
export async function recordAudits(tx: Tx, inputs: readonly AuditInput[]): Promise<void> {
  if (inputs.length === 0) return;
  await tx.auditLog.createMany({
    data: inputs.map((input) => ({
      actorUserId: input.actor.id,
      actorLabel: input.actor.label,
      action: input.action,
      subjectType: input.subjectType,
      subjectId: input.subjectId,
      reason: input.reason ?? null,
      data: input.data,
    })),
  });
}
