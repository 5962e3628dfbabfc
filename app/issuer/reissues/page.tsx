import type { Metadata } from "next";
import { BulkApproval } from "@/components/issuer/bulk-approval";
import { ReissueQueue } from "@/components/issuer/reissue-queue";
import { LinkButton } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/panel";
import { requirePortal } from "@/lib/server/auth/session";
import { listReissueQueue } from "@/lib/server/data/issuer/reissue";
import { approveReissueAction, rejectReissueAction } from "./actions";
import { approveEligibleAction } from "./bulk-actions";

export const metadata: Metadata = { title: "Reissue queue" };

export default async function ReissueQueuePage() {
  const actor = await requirePortal("issuer", "/issuer/reissues");
  const initial = await listReissueQueue(actor);
  const p = initial.policy;
  return (
    <>
      <PageHeader
        title="Reissue queue"
        description={`Cards reported lost, stolen or damaged, examined by the policy (at most ${p.maxReissuesPerYear} reissue${p.maxReissuesPerYear === 1 ? "" : "s"} a year${p.requireIdentityVerified ? ", verified identity" : ""}${p.rejectOnFraudFlag ? ", no fraud flag" : ""}). Approve to personalise a reissued card of the same platform type and terminate the old one; reject with a reason the cardholder reads.`}
        actions={<LinkButton href="/issuer/reissues/policy">Examination policy</LinkButton>}
      />
      <BulkApproval action={approveEligibleAction} />
      <ReissueQueue initial={initial} approve={approveReissueAction} reject={rejectReissueAction} />
    </>
  );
}
