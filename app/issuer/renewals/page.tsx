import type { Metadata } from "next";
import { Link } from "@/components/ui/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { z } from "zod";
import { SimpleForm } from "@/components/issuer/simple-form";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Panel, PageHeader } from "@/components/ui/panel";
import { Table, Td } from "@/components/ui/table";
import { requirePortal } from "@/lib/server/auth/session";
import { listRenewalRuns, MONTH, previewRenewal } from "@/lib/server/data/issuer/renewal";
import { startRenewalRunAction } from "./actions";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("issuer.renewals"))("title") };
}

const FilterSchema = z.object({ month: z.string().regex(MONTH).optional().catch(undefined) });

function nextMonth(now = new Date()): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return d.toISOString().slice(0, 7);
}

export default async function RenewalsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePortal("issuer", "/issuer/renewals");
  const { month } = FilterSchema.parse(await searchParams);
  const [runs, preview] = await Promise.all([listRenewalRuns(actor), month ? previewRenewal(actor, month) : null]);
  const [t, words, format] = await Promise.all([getTranslations("issuer.renewals"), getTranslations("issuer.words"), getFormatter()]);
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <div className="grid gap-6 lg:grid-cols-2">
        <Panel title={t("expiring")}>
          <form className="flex items-end gap-3" aria-label={t("previewLabel")}>
            <label className="text-sm" htmlFor="renewal-month">
              <span className="block font-medium text-slate-700">{t("month")}</span>
              <input
                id="renewal-month"
                type="month"
                name="month"
                defaultValue={month ?? nextMonth()}
                className="mt-1 rounded-lg px-3 py-2 text-sm ring-1 ring-slate-300"
              />
            </label>
            <Button type="submit" variant="secondary">
              {t("preview")}
            </Button>
          </form>
          {preview && (
            <section aria-label={t("previewSection")} className="mt-4 space-y-3">
              <p className="text-sm">
                {t.rich("previewTotal", {
                  count: preview.total,
                  month: preview.month,
                  total: (chunks) => <strong data-testid="preview-total">{chunks}</strong>,
                })}
              </p>
              <Table head={[t("col.platform"), t("col.cards")]} caption={t("byPlatform")}>
                {preview.byPlatform.map((p) => (
                  <tr key={p.platformType}>
                    <Td>{words("pfShort", { type: p.platformType })}</Td>
                    <Td>{p.cards}</Td>
                  </tr>
                ))}
              </Table>
              <Table head={[t("col.provider"), t("col.providerCards")]} caption={t("byProvider")} empty={t("noProvider")}>
                {preview.byProvider.map((p) => (
                  <tr key={p.companyId}>
                    <Td>{p.name}</Td>
                    <Td>{p.cards}</Td>
                  </tr>
                ))}
              </Table>
              {preview.total > 0 && (
                <SimpleForm
                  action={startRenewalRunAction.bind(null, preview.month)}
                  fields={[]}
                  submitLabel={t("start", { count: preview.total })}
                  ariaLabel={t("startLabel")}
                  idPrefix="start-run"
                  pendingLabel={t("starting")}
                />
              )}
            </section>
          )}
        </Panel>
        <Panel title={t("runs")}>
          <Table head={[t("col.run"), t("col.month"), t("col.cards"), t("col.status"), t("col.started")]} caption={t("runsCaption")} empty={t("noRun")}>
            {runs.map((r) => (
              <tr key={r.id}>
                <Td>
                  <Link className="underline" href={`/issuer/renewals/${r.id}`}>
                    #{r.runNo}
                  </Link>
                </Td>
                <Td>{r.month}</Td>
                <Td>{r.total}</Td>
                <Td>
                  <Badge tone={r.status === "finished" ? "good" : r.status === "paused" ? "warn" : "info"}>{t(`status.${r.status}`)}</Badge>
                </Td>
                <Td>{format.dateTime(new Date(r.startedAt), "dateTime")}</Td>
              </tr>
            ))}
          </Table>
        </Panel>
      </div>
    </>
  );
}
