import "server-only";
import type { IssuerActor } from "../../auth/session";
import { db } from "./db";
import { recordAudit } from "./audit";
import { operator, readPolicy, type IssuerPolicyRow } from "./shared";

export type PolicyView = IssuerPolicyRow & { updatedAt: Date | null; updatedBy: string | null };

/** The issuer's examination policy (steps 502/902) and permission lifetime. */
export async function getPolicy(actor: IssuerActor): Promise<PolicyView> {
  void actor;
  const row = await db().issuerPolicy.findUnique({ where: { id: 1 } });
  const policy = await readPolicy(db());
  return { ...policy, updatedAt: row?.updatedAt ?? null, updatedBy: row?.updatedBy ?? null };
}

/** Changes the policy; the change and its reason go to the audit log with the old and new values. */
export async function updatePolicy(actor: IssuerActor, next: IssuerPolicyRow, reason: string): Promise<PolicyView> {
  return db().$transaction(async (tx) => {
    const before = await readPolicy(tx);
    const label = operator(actor).label;
    const row = await tx.issuerPolicy.upsert({ where: { id: 1 }, create: { id: 1, ...next, updatedBy: label }, update: { ...next, updatedBy: label } });
    await recordAudit(tx, {
      actor: operator(actor),
      action: "policy.update",
      subjectType: "policy",
      subjectId: "1",
      note: reason,
      data: { before, after: next },
    });
    return { ...next, updatedAt: row.updatedAt, updatedBy: row.updatedBy };
  });
}
