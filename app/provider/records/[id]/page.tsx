import type { Metadata } from "next";
import { Link } from "@/components/ui/link";
import { notFound } from "next/navigation";
import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import { StatusBadge } from "@/components/ui/badge";
import { Panel, PageHeader } from "@/components/ui/panel";
import { formatMoney } from "@/lib/core/format";
import { describeLoadFailure } from "@/lib/core/workflows/reload-words";
import { statusWordWords } from "@/lib/reader/status-word-words";
import { requirePortal } from "@/lib/server/auth/session";
import { getLoadRecord } from "@/lib/server/data/provider/load-records";
import { StoredSentence } from "@/components/ui/stored-sentence";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("provider.record"))("title") };
}

export default async function RecordPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requirePortal("provider", `/provider/records/${id}`);
  const r = await getLoadRecord(actor, id);
  if (!r) notFound();
  const t = await getTranslations("provider.record");
  const platform = await getTranslations("provider.desk.reading");
  const format = await getFormatter();
  const locale = await getLocale();
  const money = (minor: number, currency: string) => formatMoney(minor, currency, locale);
  const when = (d: Date) => format.dateTime(d, "dateTime");
  const wordsT = await getTranslations("provider.words");
  const swT = await getTranslations("common.reader.statusWords");
  const failureWords = r.failure
    ? describeLoadFailure(r.failure, {
        t: (key, values) => wordsT(key as never, values as never),
        statusWord: (sw) => statusWordWords((key, values) => swT(key as never, values as never), sw),
      })
    : null;
  const rows: [string, React.ReactNode][] = [
    [
      t("messageId"),
      <span key="m" className="font-mono" translate="no">
        {r.messageId}
      </span>,
    ],
    [
      t("card"),
      r.cardId ? (
        <span className="font-mono" translate="no">
          {r.cardId}
        </span>
      ) : (
        t("sealed")
      ),
    ],
    [t("platform"), platform("platform", { platformType: r.platformType })],
    [
      t("application"),
      <span key="a" className="font-mono" translate="no">
        {r.applicationAid}
      </span>,
    ],
    [t("customer"), `${r.customerName} (${r.customerNo})`],
    [t("kind"), t("kindValue", { kind: r.kind })],
    [t("status"), <StatusBadge key="s" status={r.status} />],
    [t("loaded"), r.loadedAt ? when(r.loadedAt) : "—"],
    [
      t("examination"),
      r.investigation
        ? t("examinationValue", {
            outcome: r.investigation.outcome,
            limit: money(r.investigation.limitMinor, r.charge?.currency ?? "JPY"),
            at: when(r.investigation.investigatedAt),
            version: r.investigation.policyVersion,
          })
        : t("none"),
    ],
    [t("charge"), r.charge ? t("chargeValue", { amount: money(r.charge.amountMinor, r.charge.currency), kind: r.charge.kind }) : t("none")],
    ...(failureWords || r.legacyFailureReason
      ? [
          [
            t("failure"),
            failureWords ? (
              <span key="f" data-testid="load-failure">
                {failureWords}
              </span>
            ) : (
              // Written before the codes: the English reason as stored (data, not page words).
              <StoredSentence key="f">{r.legacyFailureReason ?? ""}</StoredSentence>
            ),
          ] as [string, React.ReactNode],
        ]
      : []),
    [
      t("reloadOf"),
      r.previousLoad ? (
        <Link key="p" className="font-mono underline" href={`/provider/records/${r.previousLoad.id}`} translate="no">
          {r.previousLoad.messageId}
        </Link>
      ) : (
        "—"
      ),
    ],
  ];
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <Panel>
        <dl className="grid grid-cols-1 gap-x-8 gap-y-3 sm:grid-cols-[12rem_1fr]" data-testid="load-record">
          {rows.map(([k, v]) => (
            <div key={k} className="contents">
              <dt className="text-sm font-medium text-slate-500">{k}</dt>
              <dd className="text-sm">{v}</dd>
            </div>
          ))}
        </dl>
      </Panel>
    </>
  );
}
