import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { RenewalProgressView } from "@/components/issuer/renewal-progress";
import { LinkButton } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/panel";
import { requirePortal } from "@/lib/server/auth/session";
import { getRenewalProgress } from "@/lib/server/data/issuer/renewal";
import { pauseRenewalRunAction, resumeRenewalRunAction } from "../actions";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("issuer.renewals"))("runMetaTitle") };
}

export default async function RenewalRunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requirePortal("issuer", `/issuer/renewals/${id}`);
  const progress = await getRenewalProgress(actor, id);
  if (!progress) notFound();
  const t = await getTranslations("issuer.renewals");
  return (
    <>
      <PageHeader
        title={t("runTitle", { runNo: progress.runNo })}
        description={t("runDescription", { month: progress.month })}
        actions={<LinkButton href="/issuer/renewals">{t("allRuns")}</LinkButton>}
      />
      <RenewalProgressView initial={progress} pause={pauseRenewalRunAction.bind(null, id)} resume={resumeRenewalRunAction.bind(null, id)} />
    </>
  );
}
