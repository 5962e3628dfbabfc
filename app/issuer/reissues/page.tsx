import type { Metadata } from "next";
import { BulkApproval } from "@/components/issuer/bulk-approval";
import { getTranslations } from "next-intl/server";
import { ReissueQueue } from "@/components/issuer/reissue-queue";
import { LinkButton } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/panel";
import { requirePortal } from "@/lib/server/auth/session";
import { listReissueQueue } from "@/lib/server/data/issuer/reissue";
import { approveReissueAction, rejectReissueAction } from "./actions";
import { approveEligibleAction } from "./bulk-actions";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("issuer.reissues"))("title") };
}

export default async function ReissueQueuePage() {
  const actor = await requirePortal("issuer", "/issuer/reissues");
  const [initial, t] = await Promise.all([listReissueQueue(actor), getTranslations("issuer.reissues")]);
  const p = initial.policy;
  return (
    <>
      <PageHeader
        title={t("title")}
        description={t("description", {
          max: p.maxReissuesPerYear,
          identity: p.requireIdentityVerified ? "yes" : "no",
          fraud: p.rejectOnFraudFlag ? "yes" : "no",
        })}
        actions={<LinkButton href="/issuer/reissues/policy">{t("policyLink")}</LinkButton>}
      />
      <BulkApproval action={approveEligibleAction} />
      <ReissueQueue initial={initial} approve={approveReissueAction} reject={rejectReissueAction} />
    </>
  );
}
