"use server";
import type { BulkApprovalState } from "@/components/issuer/bulk-approval";
import { issuerForm } from "@/lib/server/actions/portal-action";
import { approveEligibleReissueRequests } from "@/lib/server/data/issuer/reissue-bulk";

/**
 * "Approve all eligible" (issue 16): the oldest pending requests, up to BULK_APPROVAL_LIMIT, approved in
 * bulk; those the examination refuses stay pending for a person. Notifications go to delivery after
 * each batch commits. The answer is counts and codes, worded by the component.
 */
export const approveEligibleAction = issuerForm({
  name: "issuer.approve-all-eligible",
  run: async ({ actor }): Promise<BulkApprovalState> => {
    const result = await approveEligibleReissueRequests(actor);
    return {
      ok: true,
      outcome: {
        approved: result.approved,
        left: result.refused.map((r) => ({ code: r.code, requests: r.requests })),
        providers: result.notified.length,
        pendingAfter: result.pendingAfter,
      },
    };
  },
});
