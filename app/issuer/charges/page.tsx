import type { Metadata } from "next";
import { z } from "zod";
import { ChargesChart } from "@/components/issuer/charges-chart";
import { SimpleForm } from "@/components/issuer/simple-form";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Panel, PageHeader } from "@/components/ui/panel";
import { Stat, StatGrid } from "@/components/ui/stat";
import { Table, Td } from "@/components/ui/table";
import { formatDate, formatInstant, formatMoney } from "@/lib/core/format";
import { monthOf } from "@/lib/core/months";
import { requirePortal } from "@/lib/server/auth/session";
import { chargesByMonth, listCharges, listFeeSchedules, listStatements } from "@/lib/server/data/issuer/charges";
import { issueStatementAction, setFeeAction } from "./actions";

export const metadata: Metadata = { title: "Charges" };

const FilterSchema = z.object({
  provider: z.uuid().optional().catch(undefined),
  period: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
    .optional()
    .catch(undefined),
});

/** Closed months, newest first (a statement covers a month that is over). */
function closedMonths(now: Date, count: number): string[] {
  const out: string[] = [];
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  for (let i = 0; i < count; i++) {
    d.setUTCMonth(d.getUTCMonth() - 1);
    out.push(monthOf(d));
  }
  return out;
}

export default async function ChargesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePortal("issuer", "/issuer/charges");
  const f = FilterSchema.parse(await searchParams);
  const now = new Date();
  const [schedules, { rows, totals }, months, statements] = await Promise.all([
    listFeeSchedules(actor, now),
    listCharges(actor, { providerId: f.provider, period: f.period }),
    chargesByMonth(actor, { providerId: f.provider }, 12, now),
    listStatements(actor),
  ]);
  const providerOptions = schedules.map((p) => ({ value: p.id, label: `${p.name} (${p.companyId})` }));
  const cur = totals.currency;
  return (
    <>
      <PageHeader
        title="Charges to providers"
        description="Claim 13: each confirmed load is charged to its provider, a reload on a reissued card at the distinct reissue fee. Monthly statements go to providers as charge-statement messages, one per platform type."
      />
      <Panel>
        <form className="flex flex-wrap items-end gap-3" role="search" aria-label="Filter charges">
          <label className="text-sm">
            <span className="block font-medium text-slate-700">Provider</span>
            <select name="provider" defaultValue={f.provider ?? ""} className="mt-1 rounded-lg px-3 py-2 text-sm ring-1 ring-slate-300">
              <option value="">All providers</option>
              {providerOptions.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          </label>
          <label className="text-sm">
            <span className="block font-medium text-slate-700">Month</span>
            <input type="month" name="period" defaultValue={f.period} className="mt-1 rounded-lg px-3 py-2 text-sm ring-1 ring-slate-300" />
          </label>
          <Button type="submit">Show</Button>
        </form>
      </Panel>
      <div className="mt-6">
        <StatGrid>
          <Stat label="Normal loads" value={formatMoney(totals.normal, cur)} hint={`${totals.normalCount} charges`} testId="total-normal" />
          <Stat label="Reissue reloads" value={formatMoney(totals.reissue, cur)} hint={`${totals.reissueCount} charges`} testId="total-reissue" />
          <Stat label="Total" value={formatMoney(totals.normal + totals.reissue, cur)} hint={f.period ? `in ${f.period}` : "all time"} testId="total-all" />
          <Stat label="Statements sent" value={statements.length} hint="latest 50" />
        </StatGrid>
      </div>
      <Panel title="By month and kind (last 12 months)" className="mt-6">
        <ChargesChart months={months} currency={cur} />
      </Panel>

      <div className="mt-6 grid gap-6 lg:grid-cols-[1fr_24rem]">
        <Panel title="Fee schedules in force">
          <Table head={["Provider", "Application", "Normal load", "Reissue reload", "Since", "New schedule"]} caption="Fee schedules">
            {schedules.flatMap((p) =>
              p.applications.map((a) => (
                <tr key={a.id}>
                  <Td>{p.companyId}</Td>
                  <Td>
                    {a.name} {a.status !== "approved" && <Badge tone="warn">{a.status}</Badge>}
                  </Td>
                  <Td>
                    {a.current
                      ? formatMoney(a.current.normalLoadFeeMinor, a.current.currency)
                      : p.default
                        ? `${formatMoney(p.default.normalLoadFeeMinor, p.default.currency)} (default)`
                        : "—"}
                  </Td>
                  <Td>
                    {a.current
                      ? formatMoney(a.current.reissueReloadFeeMinor, a.current.currency)
                      : p.default
                        ? `${formatMoney(p.default.reissueReloadFeeMinor, p.default.currency)} (default)`
                        : "—"}
                  </Td>
                  <Td>{a.current ? formatDate(a.current.validFrom) : "—"}</Td>
                  <Td className="whitespace-normal">
                    <details>
                      <summary className="cursor-pointer text-xs underline">Change</summary>
                      <div className="mt-2 w-64">
                        <SimpleForm
                          action={setFeeAction.bind(null, p.id, a.id)}
                          idPrefix={`fee-${a.aid}`}
                          ariaLabel={`Fees for ${a.name}`}
                          submitLabel="Save fees"
                          fields={[
                            {
                              kind: "number",
                              name: "normalLoadFeeMinor",
                              label: "Normal load fee (¥)",
                              min: 0,
                              defaultValue: a.current?.normalLoadFeeMinor ?? 0,
                            },
                            {
                              kind: "number",
                              name: "reissueReloadFeeMinor",
                              label: "Reissue reload fee (¥)",
                              min: 0,
                              defaultValue: a.current?.reissueReloadFeeMinor ?? 0,
                            },
                            { kind: "textarea", name: "reason", label: "Reason" },
                          ]}
                        />
                      </div>
                    </details>
                  </Td>
                </tr>
              )),
            )}
          </Table>
        </Panel>
        <Panel title="Monthly statement">
          <SimpleForm
            action={issueStatementAction}
            idPrefix="statement"
            ariaLabel="Issue a monthly statement"
            submitLabel="Issue and send"
            pendingLabel="Sending…"
            fields={[
              { kind: "select", name: "providerId", label: "Provider", options: [{ value: "", label: "Choose…" }, ...providerOptions] },
              {
                kind: "select",
                name: "period",
                label: "Month",
                options: closedMonths(now, 18).map((m) => ({ value: m, label: m })),
                hint: "Each charge is billed once; platform-100 and platform-200 loads go in separate statements.",
              },
            ]}
          />
        </Panel>
      </div>

      <Panel title="Statements" className="mt-6">
        <Table
          head={["Month", "Provider", "Platform", "Normal", "Reissue", "Total", "Lines", "Message id", "Sent"]}
          caption="Statements"
          empty="No statement issued yet."
        >
          {statements.map((s) => (
            <tr key={s.id}>
              <Td>{s.period}</Td>
              <Td>{s.provider.companyId}</Td>
              <Td>PF {s.platformType}</Td>
              <Td>{formatMoney(s.normalTotalMinor, s.currency)}</Td>
              <Td>{formatMoney(s.reissueTotalMinor, s.currency)}</Td>
              <Td>{formatMoney(s.totalMinor, s.currency)}</Td>
              <Td>{s._count.charges}</Td>
              <Td mono>{s.messageId ?? "—"}</Td>
              <Td>{formatInstant(s.issuedAt)}</Td>
            </tr>
          ))}
        </Table>
      </Panel>

      <Panel title={`Charges${f.period ? ` in ${f.period}` : ""} (latest 200)`} className="mt-6">
        <Table head={["When", "Provider", "Application", "Permission", "Kind", "Amount", "Statement"]} caption="Charges" empty="No charges.">
          {rows.map((c) => (
            <tr key={c.id}>
              <Td>{formatInstant(c.chargedAt)}</Td>
              <Td>{c.provider.companyId}</Td>
              <Td>{c.permission.application?.name ?? "—"}</Td>
              <Td mono>{c.permission.messageId}</Td>
              <Td>{c.kind === "reissue_reload" ? <Badge tone="warn">reissue reload</Badge> : <Badge>normal load</Badge>}</Td>
              <Td>{formatMoney(c.amountMinor, c.currency)}</Td>
              <Td>{c.statement ? c.statement.period : "—"}</Td>
            </tr>
          ))}
        </Table>
      </Panel>
    </>
  );
}
