import type { Metadata } from "next";
import Link from "next/link";
import { ChargesChart } from "@/components/provider/charges-chart";
import { Badge } from "@/components/ui/badge";
import { PageHeader, Panel } from "@/components/ui/panel";
import { Stat, StatGrid } from "@/components/ui/stat";
import { Table, Td } from "@/components/ui/table";
import { formatInstant, formatMoney, platformTypeShort } from "@/lib/core/format";
import { requirePortal } from "@/lib/server/auth/session";
import { applicationsOf } from "@/lib/server/data/provider/catalog";
import { getChargesOverview, listChargeStatements } from "@/lib/server/data/provider/charges";

export const metadata: Metadata = { title: "Charges" };

const KINDS = { all: undefined, normal: "normal_load", reissue: "reissue_reload" } as const;

export default async function ChargesPage({ searchParams }: { searchParams: Promise<{ kind?: string }> }) {
  const actor = await requirePortal("provider", "/provider/charges");
  const { kind } = await searchParams;
  const filter = kind === "normal" || kind === "reissue" ? kind : "all";
  const [overview, statements] = await Promise.all([getChargesOverview(actor, { kind: KINDS[filter] }), listChargeStatements(actor)]);
  const { currency, totals } = overview;
  const apps = applicationsOf(actor.providerCompanyId);
  const nameOf = (aid: string) => apps.find((a) => a.aid === aid)?.name ?? aid;
  return (
    <>
      <PageHeader
        title="Charges"
        description="What we charge our users per load (claim 14): the normal fee for a first load, the reissue fee for a reload on a reissued card. Below, what the issuer charges us (claim 13), as its statements arrive."
      />
      <StatGrid>
        <Stat
          label="Normal-load fees"
          value={formatMoney(totals.normalMinor, currency)}
          hint={`${totals.normalCount} first load${totals.normalCount === 1 ? "" : "s"}`}
          testId="total-normal"
        />
        <Stat
          label="Reissue fees"
          value={formatMoney(totals.reissueMinor, currency)}
          hint={`${totals.reissueCount} reload${totals.reissueCount === 1 ? "" : "s"} on reissued cards`}
          testId="total-reissue"
        />
        <Stat label="All charges" value={formatMoney(totals.normalMinor + totals.reissueMinor, currency)} testId="total-all" />
      </StatGrid>
      <Panel title="By month" className="mt-6">
        <ChargesChart months={overview.months} currency={currency} />
        <details className="mt-3">
          <summary className="cursor-pointer text-sm text-slate-600">The figures as a table</summary>
          <Table caption="Charges by month" head={["Month", "Normal-load fees", "Reissue fees", "Total"]}>
            {overview.months.map((m) => (
              <tr key={m.month}>
                <Td>{m.month}</Td>
                <Td className="text-right tabular-nums">{formatMoney(m.normalMinor, currency)}</Td>
                <Td className="text-right tabular-nums">{formatMoney(m.reissueMinor, currency)}</Td>
                <Td className="text-right tabular-nums">{formatMoney(m.normalMinor + m.reissueMinor, currency)}</Td>
              </tr>
            ))}
          </Table>
        </details>
      </Panel>
      <Panel
        title="Charges to users"
        className="mt-6"
        actions={
          <nav aria-label="Filter charges" className="flex gap-1 text-sm">
            {(["all", "normal", "reissue"] as const).map((k) => (
              <Link
                key={k}
                href={k === "all" ? "/provider/charges" : `/provider/charges?kind=${k}`}
                aria-current={filter === k ? "page" : undefined}
                className={`rounded-md px-2.5 py-1 ${filter === k ? "bg-slate-900 text-white" : "text-slate-600 ring-1 ring-slate-200"}`}
              >
                {k === "all" ? "All" : k === "normal" ? "Normal" : "Reissue"}
              </Link>
            ))}
          </nav>
        }
      >
        <Table caption="Charges to users" head={["Charged", "Customer", "Application", "Kind", "Amount", "Load"]} empty="No charges.">
          {overview.charges.map((c) => (
            <tr key={c.id}>
              <Td>{formatInstant(c.chargedAt)}</Td>
              <Td>
                {c.customerName} <span className="font-mono text-xs text-slate-500">{c.customerNo}</span>
              </Td>
              <Td>{nameOf(c.applicationAid)}</Td>
              <Td>{c.kind === "reissue_reload" ? <Badge tone="good">reissue</Badge> : <Badge>normal</Badge>}</Td>
              <Td className="text-right tabular-nums">{formatMoney(c.amountMinor, c.currency)}</Td>
              <Td mono>
                <Link className="underline" href={`/provider/records/${c.loadRecordId}`}>
                  {c.messageId}
                </Link>
              </Td>
            </tr>
          ))}
        </Table>
      </Panel>
      <Panel title="The issuer's statements to us (claim 13)" className="mt-6">
        <Table
          caption="Charge statements received"
          head={["Period", "Platform", "Normal loads", "Reissue reloads", "Total", "Lines", "Message", "Received"]}
          empty="No statement received yet."
        >
          {statements.map((s) => (
            <tr key={s.id}>
              <Td>{s.period}</Td>
              <Td>{platformTypeShort(s.platformType)}</Td>
              <Td className="text-right tabular-nums">{formatMoney(s.normalTotalMinor, s.currency)}</Td>
              <Td className="text-right tabular-nums">{formatMoney(s.reissueTotalMinor, s.currency)}</Td>
              <Td className="text-right tabular-nums">{formatMoney(s.totalMinor, s.currency)}</Td>
              <Td className="text-right tabular-nums">{s.lineCount}</Td>
              <Td mono>{s.messageId}</Td>
              <Td>{formatInstant(s.receivedAt)}</Td>
            </tr>
          ))}
        </Table>
      </Panel>
    </>
  );
}
