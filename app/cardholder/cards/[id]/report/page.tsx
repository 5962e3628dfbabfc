import type { Metadata } from "next";
import { Link } from "@/components/ui/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { ReportForm } from "@/components/cardholder/report-form";
import { CardVisual } from "@/components/card-visual";
import { Panel, PageHeader } from "@/components/ui/panel";
import { requirePortal } from "@/lib/server/auth/session";
import { getMyCard } from "@/lib/server/data/cardholder/cards";
import { reportCardAction } from "../../../actions";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("cardholder.reportPage");
  return { title: t("metaTitle") };
}

export default async function ReportCardPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requirePortal("cardholder", `/cardholder/cards/${id}/report`);
  const card = await getMyCard(actor, id);
  if (!card) notFound();
  const last4 = card.surfaceNumber.slice(-4);
  const t = await getTranslations("cardholder.reportPage");
  const blocked = card.status === "terminated" || card._count.reissueRequests > 0;
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <div className="grid gap-6 lg:grid-cols-[18rem_1fr]">
        <CardVisual surfaceNumber={card.surfaceNumber} status={card.status} platformType={card.platformType} expiresAt={card.expiresAt} />
        <Panel>
          {blocked ? (
            <p className="text-sm text-slate-700">
              {card.status === "terminated" ? t("alreadyReplaced") : t("alreadyExamined")}{" "}
              <Link href="/cardholder" className="underline">
                {t("back")}
              </Link>
            </p>
          ) : (
            <ReportForm action={reportCardAction.bind(null, card.id)} last4={last4} />
          )}
        </Panel>
      </div>
    </>
  );
}
