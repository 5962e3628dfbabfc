import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { RenewalProgressView } from "@/components/issuer/renewal-progress";
import { LinkButton } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/panel";
import { requirePortal } from "@/lib/server/auth/session";
import { getRenewalProgress } from "@/lib/server/data/issuer/renewal";
import { pauseRenewalRunAction, resumeRenewalRunAction } from "../actions";

export const metadata: Metadata = { title: "Renewal run" };

export default async function RenewalRunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requirePortal("issuer", `/issuer/renewals/${id}`);
  const progress = await getRenewalProgress(actor, id);
  if (!progress) notFound();
  return (
    <>
      <PageHeader
        title={`Renewal run #${progress.runNo}`}
        description={`Cards expiring in ${progress.month}.`}
        actions={<LinkButton href="/issuer/renewals">All runs</LinkButton>}
      />
      <RenewalProgressView initial={progress} pause={pauseRenewalRunAction.bind(null, id)} resume={resumeRenewalRunAction.bind(null, id)} />
    </>
  );
}
