"use server";
import type { BulkApprovalState } from "@/components/issuer/bulk-approval";
import { authorize } from "@/lib/server/auth/session";
import { approveEligibleReissueRequests } from "@/lib/server/data/issuer/reissue-bulk";

/**
 * "Approve all eligible" (issue 16): the oldest pending requests, up to BULK_APPROVAL_LIMIT, approved in
 * bulk; those the examination refuses stay pending for a person. Notifications go to delivery after
 * each batch commits. The answer is counts and codes, worded by the component.
 */
export async function approveEligibleAction(_prev: BulkApprovalState, _formData: FormData): Promise<BulkApprovalState> {
  const auth = await authorize("issuer");
  if (!auth.ok) return { status: "refused", code: auth.refusal.code };
  const result = await approveEligibleReissueRequests(auth.actor);
  return {
    status: "done",
    approved: result.approved,
    left: result.refused.map((r) => ({ code: r.code, requests: r.requests })),
    providers: result.notified.length,
    pendingAfter: result.pendingAfter,
  };
}
