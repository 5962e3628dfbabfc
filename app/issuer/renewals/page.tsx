import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { SimpleForm } from "@/components/issuer/simple-form";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Panel, PageHeader } from "@/components/ui/panel";
import { Table, Td } from "@/components/ui/table";
import { formatInstant, platformTypeShort } from "@/lib/core/format";
import { requirePortal } from "@/lib/server/auth/session";
import { listRenewalRuns, MONTH, previewRenewal } from "@/lib/server/data/issuer/renewal";
import { startRenewalRunAction } from "./actions";

export const metadata: Metadata = { title: "Renewals" };

const FilterSchema = z.object({ month: z.string().regex(MONTH).optional().catch(undefined) });

function nextMonth(now = new Date()): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return d.toISOString().slice(0, 7);
}

export default async function RenewalsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePortal("issuer", "/issuer/renewals");
  const { month } = FilterSchema.parse(await searchParams);
  const [runs, preview] = await Promise.all([listRenewalRuns(actor), month ? previewRenewal(actor, month) : null]);
  return (
    <>
      <PageHeader
        title="Renewals"
        description="Renew the cards expiring in a month, in bulk: each card is reissued with reason renewal (examination, notifications, methods 1/2 as for a lost card); the old card works until the cardholder activates the new one."
      />
      <div className="grid gap-6 lg:grid-cols-2">
        <Panel title="Cards expiring in a month">
          <form className="flex items-end gap-3" aria-label="Preview a renewal">
            <label className="text-sm" htmlFor="renewal-month">
              <span className="block font-medium text-slate-700">Month</span>
              <input
                id="renewal-month"
                type="month"
                name="month"
                defaultValue={month ?? nextMonth()}
                className="mt-1 rounded-lg px-3 py-2 text-sm ring-1 ring-slate-300"
              />
            </label>
            <Button type="submit" variant="secondary">
              Preview
            </Button>
          </form>
          {preview && (
            <section aria-label="Renewal preview" className="mt-4 space-y-3">
              <p className="text-sm">
                <strong data-testid="preview-total">{preview.total}</strong> card{preview.total === 1 ? "" : "s"} expiring in {preview.month} to renew.
              </p>
              <Table head={["Platform type", "Cards"]} caption="By platform type">
                {preview.byPlatform.map((p) => (
                  <tr key={p.platformType}>
                    <Td>{platformTypeShort(p.platformType)}</Td>
                    <Td>{p.cards}</Td>
                  </tr>
                ))}
              </Table>
              <Table
                head={["Provider", "Cards with its applications"]}
                caption="By provider (notified by push or pull)"
                empty="No provider has applications on these cards."
              >
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
                  submitLabel={`Start renewal run (${preview.total} card${preview.total === 1 ? "" : "s"})`}
                  ariaLabel="Start the renewal run"
                  idPrefix="start-run"
                  pendingLabel="Starting…"
                />
              )}
            </section>
          )}
        </Panel>
        <Panel title="Runs">
          <Table head={["Run", "Month", "Cards", "Status", "Started"]} caption="Renewal runs" empty="No renewal run yet.">
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
                  <Badge tone={r.status === "finished" ? "good" : r.status === "paused" ? "warn" : "info"}>{r.status}</Badge>
                </Td>
                <Td>{formatInstant(r.startedAt)}</Td>
              </tr>
            ))}
          </Table>
        </Panel>
      </div>
    </>
  );
}
